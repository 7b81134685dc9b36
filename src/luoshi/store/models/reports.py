"""A report as imported: one row per version, plus its outline nodes.

The *doc key* (region, level, kind, plan_year) says which report a file is a version of; the
newest import of a key is current (``is_current``), older ones stay as history. A partial unique
index keeps at most one current version per key, so two racing imports cannot both win.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, func, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .figures import ReportFigure


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(Text)
    doc: Mapped[str] = mapped_column(Text)  # Document.id, the ``doc`` of its figures
    title: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(40))
    review_year: Mapped[int | None]
    plan_year: Mapped[int | None]
    date: Mapped[dt.date | None]
    speaker: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)  # file name as imported
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    nodes: Mapped[list[ReportNode]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReportNode.ord")
    figures: Mapped[list[ReportFigure]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReportFigure.ord")

    __table_args__ = (
        UniqueConstraint("doc_key", "version"),
        Index("ix_reports_region_plan_year", "region", "plan_year"),
        Index("ix_reports_sha256", "sha256"),
        # covers "current reports in library order" (is_current sits after the text in the row)
        Index("ix_reports_current_order", "is_current", "plan_year", "id", "region", "level"),
        Index("uq_reports_current_doc_key", "doc_key", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )


class ReportNode(Base):
    """One node of a report's outline (document, part, section, paragraph, item, sentence)."""

    __tablename__ = "outline_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outline_nodes.id", ondelete="CASCADE"))
    ord: Mapped[int]  # position in document order (pre-order walk)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    nstart: Mapped[int]
    nend: Mapped[int]
    flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    report: Mapped[Report] = relationship(back_populates="nodes")
    parent: Mapped[ReportNode | None] = relationship(remote_side=[id])
