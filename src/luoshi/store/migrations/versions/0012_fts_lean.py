"""SQLite's search index does less work per row: no column sizes, no case folding.

The FTS5 trigram table is made again with ``columnsize=0`` and ``tokenize='trigram
case_sensitive 1'``, and rebuilt from ``search_entries``:

- ``columnsize=0``: FTS5 no longer keeps each row's token count in ``search_fts_docsize`` (a
  B-tree insert per row). Only ranking (bm25, ``rank``) and ``matchinfo`` read it; luoshi's
  search orders hits by report and position and never ranks.
- ``case_sensitive 1``: the tokenizer no longer folds the case of every character. The indexed
  text is lowercased by luoshi before it is written (``services.search.entries_for``,
  ``index_tasks``) and so is every query (``search.terms``), so folding found nothing more —
  and both sides now fold the same way, Python's.

Together they cut the writer's work a report by about an eighth (callgrind, README "Import"); the
hits are the same. ``hashsize`` (0008) lives in the table's config and is set again.
PostgreSQL: nothing to do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FTS = "search_fts"
HASHSIZE = 32 * 1024 * 1024  # 0008
LEAN = "tokenize='trigram case_sensitive 1', columnsize=0"
BEFORE = "tokenize='trigram'"


def _remake(options: str) -> None:
    """The FTS5 table again with ``options``, filled from search_entries. The triggers on
    search_entries name it and stay as they are."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE {FTS}")
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='search_entries', "
               f"content_rowid='id', {options})")
    op.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', {HASHSIZE})")
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade() -> None:
    _remake(LEAN)


def downgrade() -> None:
    _remake(BEFORE)
