"""import_file: first import, no-op re-import, new versions, atomic failure, overrides, queries.
Each test runs on SQLite and on PostgreSQL (see conftest)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import func, select

import luoshi
from luoshi import store
from luoshi.services import importer
from luoshi.services.importer import import_file
from luoshi.store import Report, ReportFigure, ReportNode

SAMPLE = luoshi.sample_path()
KEY = "辽宁省|province|work_report|2024"


def counts(sessions) -> tuple[int, int, int]:
    with sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Report, ReportNode, ReportFigure))


def figures_of(path: Path) -> list:
    """The figures of a file as the importer sees them (linked when luoshi.link is there)."""
    doc = luoshi.read(path)
    return luoshi.extract_figures(doc, luoshi.build_outline(doc))


def expected(path: Path) -> tuple[int, int]:
    """(outline nodes, figures) of a file, straight from the pure stages."""
    doc = luoshi.read(path)
    ol = luoshi.build_outline(doc)
    return len(ol.nodes()), len(luoshi.extract_figures(doc, ol))


def revised(tmp_path: Path, name: str = "liaoning-2024-rev.txt") -> Path:
    """The example with its first figure-bearing line of the review dropped and GDP changed."""
    lines = SAMPLE.read_text("utf-8").splitlines(keepends=True)
    drop = next(i for i, line in enumerate(lines) if i > 10 and "%" in line and "地区生产总值" not in line)
    text = "".join(lines[:drop] + lines[drop + 1:]).replace("地区生产总值增长5.3%", "地区生产总值增长5.4%", 1)
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def test_import_example(sessions):
    r = import_file(sessions, SAMPLE)
    n_nodes, n_figs = expected(SAMPLE)
    assert (r.status, r.version, r.figures, r.region, r.year, r.doc_key) == ("imported", 1, n_figs, "辽宁省", 2024, KEY)
    assert counts(sessions) == (1, n_nodes, n_figs)
    with sessions() as s:
        rep = s.get(Report, r.report_id)
        assert rep.original == SAMPLE.read_text("utf-8")
        assert (rep.title, rep.level, rep.kind, rep.review_year, rep.speaker) == (
            "2024年辽宁省政府工作报告", "province", "work_report", 2023, "李乐成")
        assert rep.date.isoformat() == "2024-01-23"
        assert (rep.source, rep.format, rep.encoding, rep.is_current, rep.doc) == (
            "liaoning-2024.txt", "txt", "utf-8", True, "liaoning-2024")
        assert len(rep.sha256) == 64 and rep.imported_at is not None
        nodes = rep.nodes
        assert nodes[0].kind == "document" and nodes[0].parent_id is None
        assert all(n.parent_id is not None for n in nodes[1:])
        assert [n.ord for n in nodes] == list(range(len(nodes)))
        parts = [n for n in nodes if n.kind == "part"]
        assert parts and parts[0].flags.get("role") == "review"
        first = rep.figures[0]
        assert first.to_figure() == figures_of(SAMPLE)[0]
        assert first.node is not None and first.node.kind != "sentence"
        assert first.node.nstart <= first.nstart < first.node.nend


def test_import_plan_exec(sessions, plan_exec):
    r = import_file(sessions, plan_exec)
    n_nodes, n_figs = expected(plan_exec)
    assert (r.status, r.region, r.year, r.figures) == ("imported", "辽宁省", 2025, n_figs)
    assert r.doc_key == "辽宁省|province|plan_execution|2025"
    assert counts(sessions) == (1, n_nodes, n_figs)
    r2 = import_file(sessions, SAMPLE)  # another report: both current
    assert r2.status == "imported"
    with sessions() as s:
        assert {x.id for x in store.current_reports(s)} == {r.report_id, r2.report_id}


def test_reimport_is_a_no_op(sessions, tmp_path):
    first = import_file(sessions, SAMPLE)
    before = counts(sessions)
    copy = tmp_path / "elsewhere.txt"  # same bytes under another name: still the same report
    copy.write_bytes(SAMPLE.read_bytes())
    for path in (SAMPLE, copy):
        again = import_file(sessions, path)
        assert (again.status, again.report_id, again.figures, again.version) == (
            "unchanged", first.report_id, first.figures, 1)
    assert counts(sessions) == before


def test_new_version_replaces_and_keeps_history(sessions, tmp_path):
    v1 = import_file(sessions, SAMPLE)
    path = revised(tmp_path)
    n_nodes2, n_figs2 = expected(path)
    n_nodes1, n_figs1 = expected(SAMPLE)
    assert n_figs2 != n_figs1
    v2 = import_file(sessions, path)
    assert (v2.status, v2.version, v2.doc_key, v2.figures) == ("replaced", 2, KEY, n_figs2)
    assert v2.report_id != v1.report_id
    assert counts(sessions) == (2, n_nodes1 + n_nodes2, n_figs1 + n_figs2)
    with sessions() as s:
        versions = store.report_versions(s, KEY)
        assert [(x.version, x.is_current) for x in versions] == [(1, False), (2, True)]
        assert [x.id for x in store.current_reports(s)] == [v2.report_id]
        gdp = store.current_figures(s, indicator="地区生产总值", year=2023, role="actual", region="辽宁省")
        assert [f.value for f in gdp if f.measure == "growth"] == [5.4]
        assert all(f.report_id == v2.report_id for f in gdp)
        old = s.get(Report, v1.report_id)
        assert len(old.figures) == n_figs1  # history keeps its figures
    # both versions known: importing either again changes nothing
    assert import_file(sessions, SAMPLE).status == "unchanged"
    assert import_file(sessions, path).status == "unchanged"
    v3 = import_file(sessions, _third(tmp_path))
    assert (v3.status, v3.version) == ("replaced", 3)
    with sessions() as s:
        assert [(x.version, x.is_current) for x in store.report_versions(s, KEY)] == [
            (1, False), (2, False), (3, True)]


def _third(tmp_path: Path) -> Path:
    p = tmp_path / "third.txt"
    p.write_text(SAMPLE.read_text("utf-8") + "\n", "utf-8")
    return p


def _failing_add_figures(monkeypatch):
    real = importer._insert_figures

    def boom(session, *args, **kw):
        real(session, *args, **kw)  # Core inserts: the rows really reach the database first
        raise RuntimeError("injected failure")

    monkeypatch.setattr(importer, "_insert_figures", boom)


def test_failure_on_first_import_leaves_nothing(sessions, monkeypatch):
    _failing_add_figures(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        import_file(sessions, SAMPLE)
    assert counts(sessions) == (0, 0, 0)


def test_failure_during_replace_keeps_old_version_current(sessions, monkeypatch, tmp_path):
    v1 = import_file(sessions, SAMPLE)
    before = counts(sessions)
    _failing_add_figures(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        import_file(sessions, revised(tmp_path))
    assert counts(sessions) == before
    with sessions() as s:
        assert [(x.id, x.version, x.is_current) for x in store.report_versions(s, KEY)] == [
            (v1.report_id, 1, True)]
    monkeypatch.undo()
    assert import_file(sessions, revised(tmp_path)).version == 2  # and it works afterwards


def test_bad_input_raises_before_touching_the_database(sessions, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("  \n", "utf-8")
    for path in (bad, tmp_path / "missing.txt", tmp_path):
        with pytest.raises(luoshi.InputError):
            import_file(sessions, path)
    assert counts(sessions) == (0, 0, 0)


def test_overrides_and_incomplete_keys(sessions, tmp_path):
    anon = tmp_path / "notes.txt"
    anon.write_text("今年粮食产量增长2%。\n", "utf-8")
    r = import_file(sessions, anon)
    assert r.status == "imported" and r.doc_key.endswith("|notes")  # no region/year: keyed by file
    other = tmp_path / "memo.txt"
    other.write_text("今年粮食产量增长3%。\n", "utf-8")
    assert import_file(sessions, other).status == "imported"  # does not replace notes.txt
    r = import_file(sessions, _third(tmp_path), overrides={"region": "大连市", "level": "city",
                                                          "date": "2024-02-01"})
    assert r.doc_key == "大连市|city|work_report|2024" and r.region == "大连市"
    with sessions() as s:
        rep = s.get(Report, r.report_id)
        assert (rep.region, rep.level, rep.date.isoformat()) == ("大连市", "city", "2024-02-01")
    with pytest.raises(ValueError, match="unknown metadata field"):
        import_file(sessions, SAMPLE, overrides={"province": "x"})


def test_canonical_from_link_when_present(sessions, monkeypatch):
    """luoshi.link's annotate() fills canonical (through extract_figures); it is stored and queryable."""
    fake = types.ModuleType("luoshi.link")

    def annotate(figures):
        figures = list(figures)
        for f in figures:
            f.canonical = "gdp" if f.indicator == "地区生产总值" else None
        return figures

    fake.annotate = annotate
    monkeypatch.setitem(sys.modules, "luoshi.link", fake)
    import_file(sessions, SAMPLE)
    with sessions() as s:
        gdp = store.current_figures(s, canonical="gdp", region="辽宁省", year=2024, role="target")
        assert gdp and all(f.indicator == "地区生产总值" for f in gdp)
        assert store.current_figures(s, canonical="gdp", region="吉林省") == []


def test_current_figures_by_indexed_key(sessions):
    import_file(sessions, SAMPLE)
    figs = figures_of(SAMPLE)
    want = [f for f in figs if f.region == "辽宁省" and f.year == 2024 and f.role == "target"]
    with sessions() as s:
        got = store.current_figures(s, region="辽宁省", year=2024, role="target")
        assert [g.to_figure() for g in got] == want


def test_concurrent_imports_take_turns(sessions, tmp_path):
    """Racing imports of one report: each becomes a version (or finds its bytes), one is current."""
    from concurrent.futures import ThreadPoolExecutor

    text = SAMPLE.read_text("utf-8")
    paths = []
    for i in range(4):
        p = tmp_path / f"v{i}.txt"
        p.write_text(text + "\n" * (i % 3), "utf-8")  # v0 and v3 have the same bytes
        paths.append(p)
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(r.status for r in pool.map(lambda p: import_file(sessions, p), paths))
    assert statuses == ["imported", "replaced", "replaced", "unchanged"]
    with sessions() as s:
        versions = store.report_versions(s, KEY)
        assert [v.version for v in versions] == [1, 2, 3]
        assert [v.is_current for v in versions] == [False, False, True]
