"""The figures of a report version: every field of ``luoshi.extract.Figure``, plus the outline
node that holds it (so later tasks can point at a figure's section by id)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Double, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extract.model import Figure
from .base import Base

if TYPE_CHECKING:
    from .reports import Report, ReportNode


class ReportFigure(Base):
    __tablename__ = "figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("outline_nodes.id", ondelete="SET NULL"))
    ord: Mapped[int]  # position in the report's figure list
    doc: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(Text)
    canonical: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Double)
    value_max: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(Text)
    comparator: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None]
    region: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[int]
    end: Mapped[int]
    nstart: Mapped[int]
    nend: Mapped[int]
    rule: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)

    report: Mapped[Report] = relationship(back_populates="figures")
    node: Mapped[ReportNode | None] = relationship()

    __table_args__ = (
        Index("ix_figures_canonical_region_year_role", "canonical", "region", "year", "role"),
    )

    FIELDS = ("doc", "text", "indicator", "measure", "value", "unit", "comparator", "role", "year",
              "region", "start", "end", "section", "value_max", "canonical", "rule", "nstart",
              "nend", "notes")

    @classmethod
    def from_figure(cls, fig: Figure, **kw: object) -> ReportFigure:
        return cls(**{f: getattr(fig, f) for f in cls.FIELDS}, **kw)

    def to_figure(self) -> Figure:
        """The stored figure as the extraction stage's dataclass."""
        return Figure(**{f: getattr(self, f) for f in self.FIELDS})
