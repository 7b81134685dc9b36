"""Read helpers over the current versions of reports (what ``compare`` and the views need)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from .models import Report, ReportFigure


def current_reports(session: Session, *, region: str | None = None, plan_year: int | None = None,
                    kind: str | None = None) -> list[Report]:
    """Current versions, by region then plan year. ``original`` is deferred (it is large): read
    it inside the session if needed."""
    q = select(Report).where(Report.is_current).options(defer(Report.original))
    if region is not None:
        q = q.where(Report.region == region)
    if plan_year is not None:
        q = q.where(Report.plan_year == plan_year)
    if kind is not None:
        q = q.where(Report.kind == kind)
    return list(session.scalars(q.order_by(Report.region, Report.plan_year, Report.id)))


def current_figures(session: Session, *, canonical: str | None = None, region: str | None = None,
                    year: int | None = None, role: str | None = None,
                    indicator: str | None = None) -> list[ReportFigure]:
    """Figures of current report versions; each argument given narrows (None = any).

    (canonical, region, year, role) is the indexed path: one indicator of one place and year as
    targeted, estimated or achieved across every report that states it.
    """
    q = select(ReportFigure).join(Report).where(Report.is_current)
    for col, val in ((ReportFigure.canonical, canonical), (ReportFigure.region, region),
                     (ReportFigure.year, year), (ReportFigure.role, role),
                     (ReportFigure.indicator, indicator)):
        if val is not None:
            q = q.where(col == val)
    return list(session.scalars(q.order_by(ReportFigure.report_id, ReportFigure.ord)))


def report_versions(session: Session, doc_key: str) -> list[Report]:
    """Every version of one report, oldest first."""
    q = (select(Report).where(Report.doc_key == doc_key).options(defer(Report.original))
         .order_by(Report.version))
    return list(session.scalars(q))
