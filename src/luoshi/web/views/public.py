"""The public read-only pages (when enabled: the overview, reader and figures without login),
the status legend and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from ...track import services as S
from ...track.publication import publication
from ..pages.common import choose_report, report_label
from ..pages.overview import overview
from ..pages.reader import figure_detail, reader
from ..pages.statuses import status_definitions
from .common import _int, page, read, render, today, web

router = APIRouter(include_in_schema=False)


def _public(request: Request) -> None:
    if not web(request).public:
        raise S.NotFound("公开页面未启用")


@router.api_route("/public", methods=["GET", "HEAD"])
@page
def public_index(request: Request) -> Response:
    _public(request)

    def go(s: Session) -> Response:
        report = choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = overview(s, report, today(request))
        sts = S.statuses(s, report_id=report.id, today=today(request))
        return render(request, "public.html", o=data, rows=sts, pub=publication(s, report.id),
                      label=report_label)
    return read(request, go)


@router.api_route("/public/reports/{report_id}", methods=["GET", "HEAD"])
@page
def public_reader(request: Request, report_id: int) -> Response:
    _public(request)

    def go(s: Session) -> Response:
        report = choose_report(s, report_id)
        fig = _int(request.query_params.get("fig"))
        data = reader(s, report, figure_id=fig)
        detail = figure_detail(s, fig) if fig else None
        return render(request, "reader.html", r=data, detail=detail, public=True)
    return read(request, go)


@router.api_route("/public/figures/{figure_id}", methods=["GET", "HEAD"])
@page
def public_figure(request: Request, figure_id: int) -> Response:
    _public(request)
    return read(request, lambda s: render(request, "figure.html", d=figure_detail(s, figure_id), public=True))


@router.api_route("/statuses", methods=["GET", "HEAD"])
@page
def status_legend(request: Request) -> Response:
    """Every status with its definition (public: the words are no secret)."""
    return render(request, "statuses.html", defs=status_definitions())


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> JSONResponse:
    return JSONResponse({"ok": True})
