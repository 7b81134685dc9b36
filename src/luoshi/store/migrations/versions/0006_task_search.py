"""Index the tasks made before tasks were indexed when made.

Until this revision the search index took a report's tasks only at import, when a new report
has none yet; tasks drafted later (``luoshi tasks --create``, the API, the web import) were
never searchable. ``track.tasks.tasks_from_report`` now indexes them in its own transaction;
this revision indexes the tasks already stored, in the same shape as ``services.search``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _tags(values) -> str:
    vals = sorted({v for v in values if v})
    return f" {' '.join(vals)} " if vals else ""


def upgrade() -> None:
    from luoshi.ingest.normalize import normalize

    bind = op.get_bind()
    tasks = bind.execute(sa.text(
        'SELECT t.id, t.report_id, t.text, t.section, t.start, t."end", t.canonical, t.value FROM tasks t '
        "WHERE NOT EXISTS (SELECT 1 FROM search_entries e WHERE e.report_id = t.report_id AND e.kind = 'task') "
        "ORDER BY t.report_id, t.id")).all()
    if not tasks:
        return
    rows = [{"report_id": t.report_id, "kind": "task", "ref_id": t.id, "text": normalize(t.text)[0].lower(),
             "section": t.section or "", "start": t.start, "end": t.end,
             "roles": _tags(["target"] if t.value is not None else []), "indicators": _tags([t.canonical])}
            for t in tasks]
    entries = sa.table("search_entries", *(sa.column(c) for c in rows[0]))
    first = bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM search_entries")).scalar_one()
    op.bulk_insert(entries, rows)
    if bind.dialect.name == "sqlite":  # the FTS5 index is filled explicitly (no insert trigger)
        bind.execute(sa.text("INSERT INTO search_fts(rowid, text) SELECT id, text FROM search_entries "
                             "WHERE id > :first AND kind = 'task'"), {"first": first})


def downgrade() -> None:
    pass  # the entries are what the code of this revision would have written anyway
