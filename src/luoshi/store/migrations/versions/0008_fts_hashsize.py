"""Let SQLite's FTS5 index hold a whole write transaction's terms in memory.

FTS5 gathers the terms of the rows inserted into an in-memory hash and writes them out as a new
segment of the index when the hash passes ``hashsize`` (1 MB by default) or the transaction
ends; segments are then merged, again and again as the index grows. A bulk import writes a
batch of reports (some 600,000 trigrams) per transaction: with 1 MB it left about a dozen small
segments a batch, and merging them cost as much as tokenising the text. With 32 MiB a batch is
one segment: the writer's CPU per report fell from ~18 to ~13.5 ms at 2,000 reports (README,
"Import"), the index's size and query times unchanged. The setting is stored in the index
(``search_fts_config``), so every connection uses it; the memory is only taken while a
transaction has that much pending. PostgreSQL: nothing to do.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FTS = "search_fts"
HASHSIZE = 32 * 1024 * 1024
DEFAULT = 1024 * 1024  # FTS5's own default


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', {HASHSIZE})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', {DEFAULT})")
