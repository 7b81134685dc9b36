"""Reading: a report's text, one figure, the report search and library, and the full-text
search over the library."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..pages import reader as P
from ..pages.imports import division_result
from ..pages.common import choose_report, report_label
from ..pages.overview import _figure_at
from .common import _int, actor_of, page, read, render

router = APIRouter(include_in_schema=False)


@router.api_route("/reports/find", methods=["GET", "HEAD"])
@page
def reports_find(request: Request) -> Response:
    """The reports whose title, region or year hold the words asked for (the overview's picker
    offers a few; this reaches every other one, without script)."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        found = P.find_reports(s, request.query_params.get("q", ""))
        return render(request, "report_find.html", found=found, label=report_label, limit=P.FIND_LIMIT)
    return read(request, go)


@router.api_route("/reports/{report_id}", methods=["GET", "HEAD"])
@page
def report_reader(request: Request, report_id: int) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = choose_report(s, report_id)
        fig = _int(request.query_params.get("fig"))
        at = _int(request.query_params.get("at"))
        if fig is None and at is not None:
            fig = _figure_at(s, report.id, at)
        data = P.reader(s, report, task_id=_int(request.query_params.get("task")), figure_id=fig,
                        hit=_span(request.query_params.get("hit")))
        detail = P.figure_detail(s, fig) if fig else None
        return render(request, "reader.html", r=data, detail=detail, public=False,
                      division=division_result(s, report))  # a 分工方案: what its import did
    return read(request, go)


def _span(v: str | None) -> tuple[int, int] | None:
    """``start-end`` offsets (a search hit's ``hit=`` parameter), else None."""
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", v or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@router.api_route("/search", methods=["GET", "HEAD"])
@page
def search_view(request: Request) -> Response:
    """Full-text search over the library's sentences, figures and tasks (services.search), each
    hit with its snippet and a link to the place in the reader."""
    q = request.query_params

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = P.search_page(s, q.get("q", ""), region=q.get("region", ""), year=_int(q.get("year")),
                             level=q.get("level", ""), role=q.get("role", ""), indicator=q.get("indicator", ""),
                             kind=q.get("kind", ""), limit=_int(q.get("limit")) or P.SEARCH_PAGE)
        return render(request, "search.html", r=data, label=report_label)
    return read(request, go)


@router.api_route("/reports", methods=["GET", "HEAD"])
@page
def reports_index(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        q = request.query_params
        data = P.library_page(s, q=q.get("q", ""), region=q.get("region", ""), year=_int(q.get("year")),
                              level=q.get("level", ""), tracked=q.get("tracked") == "1", page=_int(q.get("page")) or 1)
        return render(request, "reports.html", lib=data, label=report_label)
    return read(request, go)


@router.api_route("/figures/{figure_id}", methods=["GET", "HEAD"])
@page
def figure(request: Request, figure_id: int) -> Response:
    """The fields of one figure and the tasks that hold it (a fragment for the reader's panel)."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        return render(request, "figure.html", d=P.figure_detail(s, figure_id), public=False)
    return read(request, go)
