"""The overview of a report (its targets, counts and overdue tasks) and the supervisor's
decision of what the public view shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import store
from ...services.readcache import StampedCache
from ...track.actor import MANAGERS
from ...track.publication import publication, publish
from .. import labels as L
from ..pages import overview as P
from ..pages.common import choose_report, picker, report_label
from .common import _int, actor_of, flash, form_of, page, read, render, sessions, today, web

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
@page
def overview(request: Request) -> Response:
    if getattr(request.state, "actor", None) is None and web(request).public:
        return RedirectResponse("/public", status_code=303)
    axis = request.query_params.get("axis", "reported")
    axis = axis if axis in L.AXES_ZH else "reported"

    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        report = choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = P.overview(s, report, today(request), axis)
        return render(request, "overview.html", o=data, picker=picker(s, report, actor),
                      counts=counts_section(request, data, today(request)),
                      label=report_label, today=today(request), pub=publication(s, report.id))
    return read(request, go)


_COUNTS: StampedCache[tuple[Any, Markup]] = StampedCache(size=64)


def counts_section(request: Request, o: P.Overview, day: dt.date) -> Markup:
    """The overview's counts by section and department, rendered once per roll-up object: the
    tables are a function of the report's roll-ups (which track.views keeps while the report's
    stamp holds — any write or import brings new ones, and a writing transaction always gets
    new ones), the axis, and the report and date in the links. With 69 departments they were
    half of the page's rendering. The stamp is the roll-up's identity; the entry keeps the
    roll-up alive, so its id cannot pass to a newer one while the entry stands."""
    def render_counts() -> tuple[Any, Markup]:
        return o.rollups, Markup(web(request).templates.get_template("overview_counts.html").render(o=o, today=day, L=L))

    if o.rollups is None:
        return render_counts()[1]
    key = (o.report.id, day, o.axis)
    return _COUNTS.get(store.engine_of(sessions(request)), key, (id(o.rollups),), render_counts)[1]


@router.post("/reports/{report_id}/publication")
@page
async def post_publication(request: Request, report_id: int) -> Response:
    """The supervisor's decision of what the public view shows: an unticked box withdraws."""
    form = await form_of(request)
    ratings, notes = form.get("ratings") == "1", form.get("notes") == "1"

    def go() -> Response:
        with store.write_transaction(sessions(request)) as s:
            actor = actor_of(request, s, *MANAGERS)
            publish(s, report_id, actor, ratings=ratings, notes=notes)
        shown = "、".join(w for w, on in (("督查评价及理由", ratings), ("进展情况", notes)) if on)
        flash(request, f"公开页面现在显示：{shown}。" if shown else "公开页面不显示督查评价和进展情况。")
        return RedirectResponse(f"/?report={report_id}#publication", status_code=303)

    return await run_in_threadpool(go)
