"""The comparison of targets with actuals across the library."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..pages import compare as P
from .common import _int, actor_of, page, read, render, today

router = APIRouter(include_in_schema=False)


@router.api_route("/compare", methods=["GET", "HEAD"])
@page
def compare_view(request: Request) -> Response:
    q = request.query_params

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = P.compare_page(s, indicator=q.get("indicator", ""), region=q.get("region", ""),
                              year=_int(q.get("year")), across=q.get("across") == "1",
                              all_years=q.get("year") == "all", page=_int(q.get("page")) or 1,
                              today=today(request))
        return render(request, "compare.html", c=data)
    return read(request, go)
