"""Tasks: list (filters, sort, pages), detail (status axes with definitions, assignments,
history), assignments, milestones, progress updates, ratings, revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from ...track import services as S
from ...track.actor import MANAGERS, Actor, require
from ...track.status import AXES
from ...track.publication import public_history, public_status, publication, publications
from ..deps import ANONYMOUS, current_actor, read_session
from ..errors import ApiError
from ..schemas import (AssignBody, AssignmentsBody, DbInt, MilestonesBody, Offset, ProgressBody, RatingBody,
                       RevisionBody)
from .common import department_ref, out, page, write

router = APIRouter(tags=["tasks"])

SORTS = ("number", "deadline", "section", "kind", "version", "reported", "evidence", "schedule", "confidence")


def _sort_key(field: str):
    if field in AXES:
        return lambda ts: getattr(ts.status, field).code
    if field == "number":
        return lambda ts: (ts.task.report_id, ts.task.number)
    if field == "deadline":
        return lambda ts: (ts.task.deadline is None, ts.task.deadline or dt.date.min, ts.task.number)
    return lambda ts: getattr(ts.task, field)


def _row(ts: S.TaskStatus) -> dict[str, Any]:
    t = ts.task
    return {"id": t.id, "report_id": t.report_id, "number": t.number, "key": t.key, "section": t.section,
            "kind": t.kind, "text": t.text, "deadline": out(t.deadline), "deadline_text": t.deadline_text,
            "revised": t.revised, "version": t.version, "target": out(t.target),
            "assignments": out(t.assignments), "status": ts.status.to_dict(),
            "latest_update": ts.latest_update.to_dict() if ts.latest_update else None,
            "rating": out(ts.rating)}


@router.get("/tasks", summary="Tasks with their status, filtered, sorted and paged")
def list_tasks(
    report: DbInt | None = None,
    section: str | None = Query(None, description="substring of the section path"),
    department: str | None = Query(None, description="department id or name (lead or responsible)"),
    reported: list[str] | None = Query(None), evidence: list[str] | None = Query(None),
    schedule: list[str] | None = Query(None), confidence: list[str] | None = Query(None),
    kind: str | None = None, deadline_from: dt.date | None = None, deadline_to: dt.date | None = None,
    q: str | None = Query(None, description="text the task contains (current or original wording)"),
    sort: str = Query("number", description=f"one of {', '.join(SORTS)}; '-' in front for descending"),
    limit: int = Query(50, ge=1, le=1000), offset: Offset = 0,
    today: dt.date | None = Query(None, description="judge the status as of this date"),
    _actor: Actor = Depends(current_actor), s: Session = Depends(read_session),
) -> dict[str, Any]:
    field = sort.lstrip("-")
    if field not in SORTS:
        raise ApiError(422, "invalid", f"sort must be one of {', '.join(SORTS)} (with '-' for descending)")
    rows = S.statuses(s, report_id=report, department=department_ref(department), today=today)
    if _actor is ANONYMOUS:  # before filtering and sorting, which would otherwise reveal ratings
        pubs = publications(s, {ts.task.report_id for ts in rows})
        rows = [public_status(ts, pubs[ts.task.report_id]) for ts in rows]
    wanted = {"reported": reported, "evidence": evidence, "schedule": schedule, "confidence": confidence}

    def keep(ts: S.TaskStatus) -> bool:
        t = ts.task
        return ((section is None or section in t.section) and (kind is None or t.kind == kind)
                and (deadline_from is None or (t.deadline is not None and t.deadline >= deadline_from))
                and (deadline_to is None or (t.deadline is not None and t.deadline <= deadline_to))
                and (not q or q in t.text or q in t.original_text)
                and all(not v or getattr(ts.status, a).code in v for a, v in wanted.items()))

    hits = sorted(filter(keep, rows), key=_sort_key(field), reverse=sort.startswith("-"))
    result = page(hits, limit, offset)
    result["items"] = [_row(ts) for ts in result["items"]]
    return result


@router.get("/tasks/{task_id}", summary="One task: status on every axis with definitions, assignments, history")
def get_task(task_id: DbInt, today: dt.date | None = None, _actor: Actor = Depends(current_actor),
             s: Session = Depends(read_session)) -> dict[str, Any]:
    ts = S.task_status(s, task_id, today=today)
    h = S.history(s, task_id, as_of=today)
    if _actor is ANONYMOUS:
        pub = publication(s, ts.task.report_id)
        ts, h = public_status(ts, pub), public_history(h, pub)
    return {**ts.to_dict(), "history": {"revisions": out(h.revisions), "updates": out(h.updates),
                                        "ratings": out(h.ratings)}}


@router.post("/tasks/{task_id}/assignments", summary="Assign departments in a role (admin, supervisor)")
def add_assignment(request: Request, task_id: DbInt, body: AssignBody,
                   actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.assign(s, task_id, body.departments, body.role, actor,
                                                 leader=body.leader, expected_version=body.expected_version)))


@router.put("/tasks/{task_id}/assignments", summary="Set the task's lead and responsible departments (admin, supervisor)")
def set_assignments(request: Request, task_id: DbInt, body: AssignmentsBody,
                    actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    def run(s: Session) -> S.TaskInfo:
        from ...track.departments import ensure

        require(s, actor, *MANAGERS)  # before anything, even when nothing would change
        task = S.get_task(s, task_id)
        version = body.expected_version
        info = task
        have = {(a.department_id, a.role) for a in task.assignments}
        want = {(ensure(s, d, actor, region=task.region).id, role)
                for role, deps in (("lead", body.lead), ("responsible", body.responsible)) for d in deps}
        for dep, role in sorted(have - want):
            info = S.unassign(s, task_id, dep, role, actor, expected_version=version)
            version = None  # checked once, against the version the caller read
        for dep, role in sorted(want - have):
            info = S.assign(s, task_id, [dep], role, actor, leader=body.leader if role == "lead" else "",
                            expected_version=version)
            version = None
        if version is not None:  # nothing changed: still tell a stale caller
            info = S.assign(s, task_id, [], "lead", actor, expected_version=version)
        return info

    return out(write(request, run))


@router.delete("/tasks/{task_id}/assignments", summary="Remove a department's assignment (admin, supervisor)")
def remove_assignment(request: Request, task_id: DbInt, department: str, role: str = "lead",
                      expected_version: DbInt | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.unassign(s, task_id, department_ref(department), role, actor,
                                                   expected_version=expected_version)))


@router.put("/tasks/{task_id}/milestones", summary="Replace the task's milestones (admin, supervisor)")
def put_milestones(request: Request, task_id: DbInt, body: MilestonesBody,
                   actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    ms = [S.MilestoneInfo(m.date, m.expected, m.note) for m in body.milestones]
    return out(write(request, lambda s: S.set_milestones(s, task_id, ms, actor,
                                                         expected_version=body.expected_version)))


@router.post("/tasks/{task_id}/progress", status_code=201,
             summary="Report progress (reporters of an assigned department, supervisors, admins); 409 on a stale version")
def post_progress(request: Request, task_id: DbInt, body: ProgressBody,
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    update = S.ProgressInput(**body.model_dump(exclude={"expected_version"}))
    return out(write(request, lambda s: S.report_progress(s, task_id, update, actor, body.expected_version)))


@router.post("/tasks/{task_id}/ratings", status_code=201, summary="Rate delivery confidence (admin, supervisor)")
def post_rating(request: Request, task_id: DbInt, body: RatingBody,
                actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.rate(s, task_id, body.level, body.reason, actor, scale=body.scale,
                                               expected_version=body.expected_version)))


@router.post("/tasks/{task_id}/revisions", status_code=201,
             summary="Record a dated decision revising the target, deadline or wording (admin, supervisor)")
def post_revision(request: Request, task_id: DbInt, body: RevisionBody,
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.revise_target(s, task_id, body.effective, body.fields, body.reason,
                                                        actor, expected_version=body.expected_version)))
