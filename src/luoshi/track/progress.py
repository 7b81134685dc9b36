"""Progress updates from departments and the supervision office's ratings. Both are
append-only: a new row supersedes the previous one, and every row stays as history."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import Assignment, Department, ProgressUpdate, Rating
from ..store.models.progress import REPORTED_STATUSES, ReportedStatus
from . import audit
from .actor import MANAGERS, Actor, current, require
from .errors import Forbidden, Invalid
from .lineage import lineage_ids
from .status import SCALES, settings
from .tasks import bump, check_version, current_fields, lock_task


@dataclass(frozen=True)
class ProgressInput:
    """What a department reports. ``value``/``unit`` is the current value of the task's
    quantity (unit defaults to the target's); ``evidence`` items are {name, url} or {name, path}.
    The one declaration of it: the API's body is built from these fields (api.schemas.ProgressBody)."""

    reported_on: dt.date
    status: ReportedStatus
    narrative: str = ""
    percent: float | None = None
    value: float | None = None
    unit: str | None = None
    evidence: list[dict[str, str]] = field(default_factory=list)
    problems: str = ""
    next_steps: str = ""
    department_id: int | None = None  # for admins and supervisors reporting on a department's behalf


@dataclass(frozen=True)
class UpdateInfo:
    id: int
    task_id: int
    department_id: int | None
    department: str | None
    reported_on: dt.date
    status: str
    narrative: str
    percent: float | None
    value: float | None
    unit: str | None
    evidence: list[dict[str, str]]
    problems: str
    next_steps: str
    by: str | None
    task_version: int
    created_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return audit.plain(asdict(self))


@dataclass(frozen=True)
class RatingInfo:
    id: int
    task_id: int
    level: str
    scale: str
    reason: str
    by: str | None
    created_at: dt.datetime | None


def _names(session: Session, model: Any, ids: set[int | None], col: str) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(model.id, getattr(model, col)).where(model.id.in_(ids))).all())


def _update_infos(session: Session, rows: list[ProgressUpdate]) -> list[UpdateInfo]:
    from ..store import User

    users = _names(session, User, {r.user_id for r in rows}, "username")
    deps = _names(session, Department, {r.department_id for r in rows}, "short")
    return [UpdateInfo(r.id, r.task_id, r.department_id, deps.get(r.department_id), r.reported_on,
                       r.status, r.narrative, r.percent, r.value, r.unit, list(r.evidence or []),
                       r.problems, r.next_steps, users.get(r.user_id), r.task_version, r.created_at)
            for r in rows]


def updates(session: Session, task_id: int) -> list[UpdateInfo]:
    """Every update of a task, oldest first (by the date reported, then as entered) — with those
    of the tasks of earlier report versions it continues (``track.versions``; their ``task_id``
    says whose)."""
    rows = session.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id.in_(lineage_ids(session, task_id)))
                           .order_by(ProgressUpdate.reported_on, ProgressUpdate.id))
    return _update_infos(session, list(rows))


def ratings(session: Session, task_id: int) -> list[RatingInfo]:
    """Every rating of a task (and of the earlier tasks it continues), oldest first; the last
    one is in force."""
    from ..store import User

    rows = list(session.scalars(select(Rating).where(Rating.task_id.in_(lineage_ids(session, task_id)))
                                .order_by(Rating.id)))
    users = _names(session, User, {r.user_id for r in rows}, "username")
    return [RatingInfo(r.id, r.task_id, r.level, r.scale, r.reason, users.get(r.user_id), r.created_at)
            for r in rows]


def _evidence(items: list[Any]) -> list[dict[str, str]]:
    out = []
    for e in items or []:
        if not isinstance(e, dict) or not str(e.get("name", "")).strip() or not (e.get("url") or e.get("path")):
            raise Invalid("each evidence item needs a name and a url or a stored path")
        out.append({k: str(e[k]) for k in ("name", "url", "path") if e.get(k)})
    return out


def _validate(u: ProgressInput, target_unit: str | None, canonical: str | None, today: dt.date) -> None:
    if u.status not in REPORTED_STATUSES:
        raise Invalid(f"status must be one of {', '.join(REPORTED_STATUSES)}")
    if not isinstance(u.reported_on, dt.date):
        raise Invalid("reported_on must be a date")
    if u.reported_on > today:
        raise Invalid(f"reported_on {u.reported_on} is in the future")
    if u.percent is not None and not (0 <= float(u.percent) <= 100):
        raise Invalid("percent complete must be between 0 and 100")
    if u.value is not None:
        if not math.isfinite(float(u.value)):
            raise Invalid("value must be a finite number")
        if u.unit and target_unit and u.unit != target_unit:
            from ..link import convert

            try:
                convert(float(u.value), u.unit, target_unit, canonical)
            except ValueError:
                raise Invalid(f"a value in {u.unit} cannot be compared with the target in {target_unit}") from None


def _may_report(session: Session, actor: Actor, task_id: int, wanted: int | None) -> int | None:
    """The department the update is for; Forbidden unless the actor may report on this task."""
    assigned = set(session.scalars(select(Assignment.department_id).where(Assignment.task_id == task_id)))
    if actor.role in MANAGERS:
        if wanted is not None and wanted not in assigned:
            raise Invalid(f"department {wanted} is not assigned to task {task_id}")
        return wanted
    if actor.role == "reporter" and actor.department_id is not None and actor.department_id in assigned:
        return actor.department_id
    raise Forbidden(f"{actor.username} may not report on task {task_id}: "
                    "only the departments assigned to it (or the supervision office) may")


def report_progress(session: Session, task_id: int, update: ProgressInput, actor: Actor,
                    expected_version: int | None, *, today: dt.date | None = None) -> UpdateInfo:
    """Append a progress update. Reporters only on tasks assigned to their department;
    admins and supervisors on any (for a department named in the update, or none).
    ``expected_version`` is the task version the reporter saw (None: do not check); an older
    one raises Conflict carrying this update, so the text is not lost."""
    actor = current(session, actor)
    task = lock_task(session, task_id)
    dep = _may_report(session, actor, task_id, update.department_id)
    latest = session.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id.in_(lineage_ids(session, task_id)))
                             .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())).first()
    check_version(task, expected_version, asdict(update),
                  {"version": task.version, "latest_update": _update_infos(session, [latest])[0].to_dict()
                   if latest else None})
    cur = current_fields(task, today or dt.date.today())
    _validate(update, cur["unit"], cur["canonical"], today or dt.date.today())
    version = bump(task)
    row = ProgressUpdate(task_id=task_id, department_id=dep, reported_on=update.reported_on,
                         narrative=update.narrative, status=update.status,
                         percent=float(update.percent) if update.percent is not None else None,
                         value=float(update.value) if update.value is not None else None,
                         unit=(update.unit or cur["unit"]) if update.value is not None else update.unit,
                         evidence=_evidence(update.evidence), problems=update.problems,
                         next_steps=update.next_steps, user_id=actor.id, task_version=version,
                         created_at=dt.datetime.now(dt.UTC))
    session.add(row)
    session.flush()
    got = _update_infos(session, [row])[0]
    audit.record(session, actor, "report", "progress_update", row.id, None, got.to_dict())
    return got


def rate(session: Session, task_id: int, level: str, reason: str, actor: Actor, *,
         scale: str | None = None, expected_version: int | None = None) -> RatingInfo:
    """The supervision office's delivery-confidence rating (supervisors and admins). The scale is
    the configured one (tracking.toml) unless given; a reason is required."""
    actor = require(session, actor, *MANAGERS)
    task = lock_task(session, task_id)
    scale = scale or settings().scale
    check_version(task, expected_version, {"level": level, "scale": scale, "reason": reason})
    if scale not in SCALES:
        raise Invalid(f"scale must be one of {', '.join(SCALES)}")
    if level not in SCALES[scale]:
        raise Invalid(f"level must be one of {', '.join(SCALES[scale])} on the {scale}-level scale")
    if not (reason or "").strip():
        raise Invalid("a rating needs a reason")
    bump(task)
    r = Rating(task_id=task_id, level=level, scale=scale, reason=reason.strip(), user_id=actor.id,
               created_at=dt.datetime.now(dt.UTC))
    session.add(r)
    session.flush()
    audit.record(session, actor, "rate", "rating", r.id, None,
                 {"task_id": task_id, "level": level, "scale": scale, "reason": r.reason,
                  "version": task.version})
    return RatingInfo(r.id, task_id, level, scale, r.reason, actor.username, r.created_at)
