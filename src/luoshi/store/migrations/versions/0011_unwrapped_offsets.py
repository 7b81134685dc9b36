"""Stored normalised offsets follow the reader that joins hard-wrapped lines.

From this revision on the reader (``luoshi.read_text``, ``luoshi.read``) joins the continuation
lines of a hard-wrapped document — text copied out of a PDF — after normalising it
(``ingest/unwrap.py``). Joining only deletes characters, so original offsets (``start``/``end``)
stay as they were; but the normalised text of such a document is shorter, so the normalised
offsets stored at import (``nstart``/``nend`` of outline nodes, figures and tasks) and the
normalised text stored with search rows and qualitative targets no longer match the text the
reader gives now — which the target panel, drafting tasks and reading a 分工方案 combine them
with, and which search matches (a phrase across a line break was not found).

What it does, for every report whose text the join changes: each stored normalised offset is
recomputed from its original offsets through the new document's offset map; the normalised text
of its search rows (sentences, figures) is cut from the new text again; its qualitative targets
are found again in the new text (nothing points at those rows, and which sentences hold one can
change with the text). At import ``nstart``/``nend`` are exactly that map's image of
``start``/``end`` (``Document.to_normalised``), so the rows hold what a fresh import of the
file stores for the same spans. The values are computed, never shifted: running it on rows that
are already right changes nothing.

Why this and not the alternatives: the original offsets are the truth, and mapping them is
exact and cheap. Re-importing would replace the figures that tasks, progress and comparisons
point at; keeping a reader version per report would make every re-read site choose the old
reader forever, and keep those reports on the text that cut their figures. What the old reader
*found* — a figure it missed or misread across a line break — stays as imported, like everything
else a user has worked with.

Which reports: the join changes only text that ``unwrap.layout`` finds hard-wrapped. So each
report is normalised and ``layout`` asked (``_could_change``, ~2 ms a report of 20,000
characters), and only the reports it flags are read again and re-mapped — the costly part, a few
hundred ms a report with its outline. Measured with bench/bench_reread.py: a library of 2,000
reports, ten of them wrapped, upgrades in ~4 s of CPU on SQLite and ~3 s on PostgreSQL (most
of it normalising each report once); reading every report again instead takes ~8.5 s.

Atomic: the work runs in the migration's transaction, and a failure (naming the report) rolls it
all back. Downgrade maps the same rows to ``normalize`` alone, as luoshi read before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

BATCH = 100  # reports' originals fetched at a time: a library's texts never sit in memory at once

# the tables whose rows hold both kinds of offsets
OFFSETS = ("outline_nodes", "figures", "tasks")


def _could_change(original: str) -> bool:
    """Could the reader's join change this text? Only if ``unwrap.layout`` finds the normalised
    text hard-wrapped (the join's own first test; 0.1 ms beside normalising's ~1.7)."""
    from luoshi.ingest.normalize import normalize
    from luoshi.ingest.unwrap import layout

    return layout(normalize(original)[0]) is not None


def _new_reader(original: str, doc_id: str):
    import luoshi

    return luoshi.read_text(original, doc_id)


def _old_reader(original: str, doc_id: str):
    """The reader before this revision: ``normalize`` alone."""
    from luoshi.ingest import Document
    from luoshi.ingest.normalize import normalize

    text, offsets, trad = normalize(original)
    return Document(id=doc_id, original=original, text=text, offsets=offsets, traditional=trad)


FILED = ("region", "level", "kind", "plan_year")  # the metadata a report is filed under


def _reports(bind: sa.Connection) -> Iterator[sa.Row]:
    """(id, doc, original, *FILED) of every report, fetched a batch at a time."""
    ids = bind.execute(sa.text("SELECT id FROM reports ORDER BY id")).scalars().all()
    query = sa.text(f"SELECT id, doc, original, {', '.join(FILED)} FROM reports WHERE id IN :ids "
                    "ORDER BY id").bindparams(
        sa.bindparam("ids", expanding=True))
    for i in range(0, len(ids), BATCH):
        yield from bind.execute(query, {"ids": ids[i:i + BATCH]})


def _table(name: str, *cols: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in cols))


def _update(bind: sa.Connection, table: sa.TableClause, rows: list[dict]) -> None:
    """``rows`` ({"_id": id, column: value…}, one shape) written by one executemany."""
    if rows:
        cols = [c for c in rows[0] if c != "_id"]
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("_id"))
                     .values({c: sa.bindparam(c) for c in cols}), rows)


def remap(bind: sa.Connection, report_id: int, doc, filed: dict) -> int:
    """Make the stored normalised offsets and texts of one report agree with ``doc`` (the
    report's text as read now; ``filed``: the metadata it is filed under); returns how many rows
    changed."""
    ns = doc.to_normalised
    changed = 0
    for name in OFFSETS:
        t = _table(name, "id", "report_id", "start", "end", "nstart", "nend")
        rows = [{"_id": r.id, "nstart": ns(r.start), "nend": ns(r.end)}
                for r in bind.execute(sa.select(t.c.id, t.c.start, t.c.end, t.c.nstart, t.c.nend)
                                      .where(t.c.report_id == report_id))
                if (r.nstart, r.nend) != (ns(r.start), ns(r.end))]
        _update(bind, t, rows)
        changed += len(rows)
    # search rows: a sentence's text and a figure's (its indicator in front when the span lacks
    # it) are cut from the normalised text, as services.search writes them; a task's is its own
    # verbatim text normalised, whatever the reader does with the document
    e = _table("search_entries", "id", "report_id", "kind", "ref_id", "start", "end", "text")
    f = _table("figures", "id", "indicator")
    rows = []
    for r in bind.execute(sa.select(e.c.id, e.c.kind, e.c.start, e.c.end, e.c.text, f.c.indicator)
                          .select_from(e.outerjoin(f, sa.and_(e.c.kind == "figure", f.c.id == e.c.ref_id)))
                          .where(e.c.report_id == report_id, e.c.kind.in_(("sentence", "figure")))):
        cut = doc.text[ns(r.start):ns(r.end)]
        if r.kind == "figure" and r.indicator is not None and r.indicator not in cut:
            cut = f"{r.indicator} {cut}"
        if cut.lower() != r.text:
            rows.append({"_id": r.id, "text": cut.lower()})
    _update(bind, e, rows)
    changed += len(rows)
    return changed + _qualitative(bind, report_id, doc, filed)


def _qualitative(bind: sa.Connection, report_id: int, doc, filed: dict) -> int:
    """Find the report's qualitative targets again in ``doc`` (outlined as the report is filed),
    as import does: which sentences hold one can change with the text, not only where they are.
    Nothing points at these rows, so a changed list simply replaces the stored one."""
    from luoshi import build_outline
    from luoshi.outline.given import Given
    from luoshi.services.importer import QUALITATIVE_COLUMNS, qualitative_rows

    found = [tuple(r) for r in qualitative_rows(doc, build_outline(doc, Given(filed, {}, None)))]
    q = _table("qualitative_targets", "id", "report_id", "ord", *QUALITATIVE_COLUMNS)
    have = [tuple(r) for r in bind.execute(sa.select(*(q.c[c] for c in QUALITATIVE_COLUMNS))
                                           .where(q.c.report_id == report_id).order_by(q.c.ord))]
    if have == found:
        return 0
    bind.execute(sa.delete(q).where(q.c.report_id == report_id))
    if found:
        bind.execute(sa.insert(q), [{"report_id": report_id, "ord": i, **dict(zip(QUALITATIVE_COLUMNS, r))}
                                    for i, r in enumerate(found)])
    return len(have) + len(found)


def _run(direction: str) -> None:
    """Re-map every report whose text the join changes to the new reader's text (upgrade) or
    back to ``normalize`` alone (downgrade)."""
    bind = op.get_bind()
    seen = touched = rows = 0
    for r in _reports(bind):
        seen += 1
        if not _could_change(r.original):
            continue
        try:
            old, new = _old_reader(r.original, r.doc), _new_reader(r.original, r.doc)
            if old.text == new.text:
                continue  # laid out as wrapped, yet no line joins the next
            rows += remap(bind, r.id, new if direction == "upgrade" else old,
                          {k: getattr(r, k) for k in FILED if getattr(r, k) is not None})
        except Exception as e:
            raise RuntimeError(f"0011 ({direction}): report {r.id} ({r.doc}) could not be re-read: "
                               f"{e}; nothing was changed") from e
        touched += 1
    log.info("0011 (%s): %d of %d reports hard-wrapped, %d rows re-mapped", direction, touched, seen, rows)


def upgrade() -> None:
    _run("upgrade")


def downgrade() -> None:
    _run("downgrade")
