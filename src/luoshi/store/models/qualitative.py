"""The qualitative targets of a report version (主要预期目标 without a number, such as
居民收入增长和经济增长同步), found at import by ``luoshi.link.qualitative_targets``.

Stored rather than re-read: a comparison judges them for every report it covers, and finding
them means reading and outlining the report's text again (~20 ms a report: 40 s for a library
of 2,000)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class QualitativeTargetRow(Base):
    __tablename__ = "qualitative_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    ord: Mapped[int]  # position in the report's list
    start: Mapped[int]  # offsets into the report's original text
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # as written
    ntext: Mapped[str] = mapped_column(Text)  # normalised: what the rules read
    rule_id: Mapped[str | None] = mapped_column(Text)  # the rule that judges it, if any
