"""SQLite's search index merges its segments eight at a time instead of four.

FTS5 writes a transaction's terms as a new segment (one a batch of a bulk import, 0008) and
merges segments of one level into the next once ``automerge`` of them are there; every merge
writes each of their terms again. With FTS5's default of 4 a term is rewritten about twice as
often as with 8: merging was over half of the index's work in a bulk import of 2,000 reports
(the commit's share of the writer's CPU fell from ~2.3 to ~1.4 ms a report, README "Import").
A query reads up to seven segments of a level instead of three: search times were unchanged
within the benchmark's noise. The setting lives in the index (``search_fts_config``), as
``hashsize`` does. PostgreSQL: nothing to do.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FTS = "search_fts"
AUTOMERGE = 8
DEFAULT = 4  # FTS5's own default


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', {AUTOMERGE})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', {DEFAULT})")
