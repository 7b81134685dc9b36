"""The search index: one row per sentence, figure and task of a report, the text normalised
(full-width folded, traditional → simplified, lowercased) so that one query finds every script.

The rows are plain; the index over ``text`` is per backend and lives in the migration only:
on SQLite an FTS5 table with the trigram tokenizer (``search_fts``, external content, no row sizes
and no case folding of its own — the text is lowercased already, migration 0012 — rows are
added to it by luoshi.services.search, removed by a trigger — also on ON DELETE CASCADE from
reports); on PostgreSQL a GIN index with pg_trgm's ``gin_trgm_ops``. ``UNMANAGED`` names them so that schema comparisons skip them.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

FTS_TABLE = "search_fts"
TRGM_INDEX = "ix_search_entries_text_trgm"
UNMANAGED = (FTS_TABLE, TRGM_INDEX)


class SearchEntry(Base):
    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # sentence | figure | task
    ref_id: Mapped[int | None] = mapped_column(Integer)  # outline node, figure or task id
    text: Mapped[str] = mapped_column(Text)  # normalised and lowercased: what queries match
    section: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[int]  # offsets into the report's original text
    end: Mapped[int]
    # figure roles and canonical indicators in the entry, space-delimited with a space at each
    # end (" target actual "): one LIKE narrows without a join table
    roles: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[str] = mapped_column(Text, default="")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: leave the backend-specific search index out of comparisons."""
    return not (name and (name in UNMANAGED or name.startswith(FTS_TABLE + "_")))
