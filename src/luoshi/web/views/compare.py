"""The comparison of targets with actuals across the library."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..pages import compare as P
from ..pages import regions as R
from .common import _int, actor_of, error_page, page, read, render, today

router = APIRouter(include_in_schema=False)


@router.api_route("/compare", methods=["GET", "HEAD"])
@page
def compare_view(request: Request) -> Response:
    q = request.query_params

    if q.get("across") == "1" and q.get("indicator") and _int(q.get("year")):  # the page of its own now
        from fastapi.responses import RedirectResponse

        from ..pages.common import query_string
        return RedirectResponse("/compare/regions?" + query_string(
            {"indicator": q["indicator"], "year": q["year"]}), status_code=303)

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = P.compare_page(s, indicator=q.get("indicator", ""), region=q.get("region", ""),
                              year=_int(q.get("year")), across=q.get("across") == "1",
                              all_years=q.get("year") == "all", page=_int(q.get("page")) or 1,
                              today=today(request))
        return render(request, "compare.html", c=data)
    return read(request, go)


def _regions(request: Request, s: Session):
    """The 各地目标 page's data for the request's choices (the page and its exports)."""
    q = request.query_params
    return R.regions_page(s, indicator=q.get("indicator", ""), year=_int(q.get("year")),
                          sort=q.get("sort", "region"), scope=q.get("scope", ""),
                          all_goals=q.get("goals") == "all", measure=q.get("measure", ""),
                          today=today(request))


@router.api_route("/compare/regions", methods=["GET", "HEAD"])
@page
def regions_view(request: Request) -> Response:
    """各地目标: one indicator's annual targets of one year in every region, and the goals."""

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = _regions(request, s)
        return render(request, "regions.html", c=data)
    return read(request, go)


_MEDIA = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.api_route("/compare/regions.{fmt}", methods=["GET", "HEAD"])
@page
def regions_export(request: Request, fmt: str) -> Response:
    """The table of 各地目标 as CSV (with a BOM, for Excel) or xlsx."""
    from urllib.parse import quote

    from ...services.render import render_regions

    if fmt not in _MEDIA:
        return error_page(request, 404, "没有这种导出格式。")

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = _regions(request, s)
        body = render_regions(data.rows, fmt)
        if isinstance(body, str):
            body = ("\ufeff" + body).encode("utf-8")
        shown = dict(data.indicators).get(data.indicator) or "指标"  # its Chinese name, not its id
        name = f"各地目标-{shown}-{data.year}.{fmt}"
        return Response(body, media_type=_MEDIA[fmt],
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
    return read(request, go)
