"""Reads across the library: reminders, compare, search, departments, the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store import AuditEntry
from ...track import services as S
from ...track.actor import MANAGERS, Actor
from ..deps import current_actor, read_session, require_role
from ..errors import ApiError
from ..render import download
from ..schemas import DbInt, Offset
from .common import department_ref, out

router = APIRouter(tags=["reads"])


@router.get("/reminders", summary="Per department: tasks due soon, overdue, and without recent updates")
def get_reminders(department: str | None = None, report: DbInt | None = None,
                  days: int | None = Query(None, ge=0, description="due-soon window [default: tracking.toml]"),
                  silent_days: int | None = Query(None, ge=0), today: dt.date | None = None,
                  _actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    dep = department_ref(department)
    if dep is not None:
        from ...track.departments import find

        if find(s, dep) is None:
            raise S.NotFound(f"no department {department!r}")
    return {"items": out(S.reminders(s, department=dep, days=days, silent_days=silent_days, today=today,
                                     report_id=report))}


ZH_FIELDS = {"verdict": "verdict", "prev_verdict": "verdict"}  # field → labels.toml group of its words


def with_zh(item: dict[str, Any]) -> dict[str, Any]:
    """A comparison row with its verdicts (a goal's status) also in words, as ``*_zh`` fields beside
    the codes: what a page built on the API shows people (data/labels.toml)."""
    from ... import labels

    extra = {f"{k}_zh": labels.zh(g, item[k]) for k, g in ZH_FIELDS.items() if item.get(k)}
    if "status" in item and "end_year" in item:  # a multi-year goal (services.goals)
        extra["status_zh"] = labels.zh("goal_status", item["status"])
    return {**item, **extra}


@router.get("/compare", summary="Targets against actuals with verdicts (the filters of `luoshi compare`)",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def get_compare(indicator: str | None = None, region: str | None = None, year: DbInt | None = None,
                across_regions: bool = False, goals: bool = False,
                measure: Literal["growth", "amount", "share", "pp"] | None = None,
                sort: Literal["region", "target", "prev_actual"] = "region",
                within: str | None = Query(None, description="across_regions: only places inside this one"),
                level: Literal["province", "city", "county"] | None = None,
                format: Literal["json", "csv", "xlsx"] = "json",
                limit: int | None = Query(None, ge=1, le=10000, description="JSON: at most this many rows "
                                          "(a library of 2,000 reports holds ~36,000 targets); all when absent"),
                offset: Offset = 0,
                _actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> Any:
    """``across_regions``: one indicator's annual targets of one year, one row per region, with
    last year's target and actual (``services.across``). ``goals``: multi-year goals (十五五…)
    and how they stand (``services.goals``). Otherwise every target with its verdict."""
    from ...services import render as R
    from ...services.compare import across_regions as across, compare
    from ...services.goals import goals as multi_year

    if across_regions and not (indicator and year):
        raise ApiError(422, "invalid", "各地区对比需要指定指标（indicator）和年份（year）")
    if across_regions and goals:
        raise ApiError(422, "invalid", "across_regions 与 goals 是两张表，请只选一个")
    if across_regions:
        rows: list[Any] = across(s, indicator=indicator, year=year, measure=measure, sort=sort, within=within,
                                 level=level)
        render, name = R.render_regions, "regions"
    elif goals:
        rows, render, name = multi_year(s, indicator=indicator, region=region, year=year), R.render_goals, "goals"
    else:
        rows, render, name = compare(s, indicator=indicator, region=region, year=year), R.render_comparisons, "compare"
    if format == "json":
        shown = rows[offset:offset + limit] if limit is not None else rows[offset:]
        return {"total": len(rows), "limit": limit, "offset": offset, "items": [with_zh(r.to_dict()) for r in shown]}
    return download(render(rows, format), f"{name}.{format}", format)


@router.get("/search", summary="Full-text search over report sentences, figures and tasks")
def get_search(q: str = Query(..., min_length=1), region: str | None = None, year: DbInt | None = None,
               level: str | None = None, role: str | None = None, indicator: str | None = None,
               kind: Literal["sentence", "figure", "task"] | None = None, limit: int = Query(20, ge=1, le=200),
               _actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    from importlib.util import find_spec

    if find_spec("luoshi.services.search") is None:  # pragma: no cover - the search service is optional
        raise ApiError(503, "unavailable", "search is not installed in this build")
    from ...services.search import QueryError, search

    try:
        hits = search(s, q, region=region, year=year, level=level, role=role, indicator=indicator, kind=kind,
                      limit=limit)
    except QueryError as e:
        raise ApiError(422, "invalid", str(e)) from None
    return {"items": [h.to_dict() for h in hits]}


@router.get("/departments", summary="Departments known to the tracker")
def get_departments(_actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    return {"items": out(S.list_departments(s))}


@router.get("/audit", summary="The audit log, newest first (admin, supervisor)")
def get_audit(entity: str | None = None, entity_id: str | None = None, actor_name: str | None = Query(None, alias="actor"),
              limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
              actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    require_role(s, actor, *MANAGERS)
    conds = [c for c in (AuditEntry.entity == entity if entity else None,
                         AuditEntry.entity_id == entity_id if entity_id else None,
                         AuditEntry.actor == actor_name if actor_name else None) if c is not None]
    total = s.scalar(select(func.count()).select_from(AuditEntry).where(*conds))
    rows = s.scalars(select(AuditEntry).where(*conds).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return {"total": total, "limit": limit, "offset": offset, "items": [
        out({"id": e.id, "at": e.at, "actor": e.actor, "user_id": e.user_id, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id, "before": e.before, "after": e.after}) for e in rows]}
