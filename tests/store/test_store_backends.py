"""The same imports give the same rows on SQLite and on PostgreSQL."""

from __future__ import annotations

import luoshi
from luoshi import store
from luoshi.services.importer import import_file


def dump(url: str, paths) -> list:
    """Everything stored, without ids and timestamps."""
    factory = store.open(url)
    try:
        statuses = [import_file(factory, p).status for p in paths]
        with factory() as s:
            out: list = [statuses]
            for rep in sorted(store.current_reports(s), key=lambda r: r.doc_key):
                out.append({c: getattr(rep, c) for c in ("doc_key", "title", "region", "level", "kind",
                                                           "review_year", "plan_year", "date", "speaker",
                                                           "source", "sha256", "version")})
                out.append(rep.original)
                out.append([(n.ord, n.kind, n.title, n.level, n.start, n.end, n.flags,
                             n.parent.ord if n.parent else None) for n in rep.nodes])
                out.append([(f.to_figure(), f.node.ord if f.node else None) for f in rep.figures])
            out.append([(f.doc, f.indicator, f.value) for f in
                        store.current_figures(s, region="辽宁省", year=2024, role="target")])
        return out
    finally:
        store.close(factory)


def test_same_results_on_both(sqlite_url, postgresql_url, plan_exec):
    paths = [luoshi.sample_path(), plan_exec, luoshi.sample_path()]
    a, b = dump(sqlite_url, paths), dump(postgresql_url, paths)
    assert a[0] == ["imported", "imported", "unchanged"]
    assert a == b
