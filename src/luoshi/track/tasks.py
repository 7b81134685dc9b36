"""Tasks: created from the plan of an imported report, assigned to departments, given
milestones, and revised by dated decisions — never rewritten.

Every write checks the actor, then the task's version when the caller sends the one it read
(optimistic locking: an older version raises Conflict and nothing is written), bumps the
version, and writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..store import Assignment, Milestone, Report, Task, TaskRevision, User
from ..store.models.tasks import ASSIGNMENT_ROLES, TARGET_FIELDS
from . import audit, departments, division
from .actor import MANAGERS, Actor, require
from .errors import Conflict, Invalid, NotFound
from .status import plain_data

REVISABLE = ("text", "deadline", "deadline_text", *TARGET_FIELDS)
MEASURES = ("growth", "share", "pp", "amount")
COMPARATORS = ("eq", "approx", "ge", "gt", "le", "lt", "range")


@dataclass(frozen=True)
class TargetInfo:
    indicator: str | None
    canonical: str | None
    measure: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str | None

    @property
    def numeric(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    department_id: int
    department: str
    role: str
    leader: str

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class MilestoneInfo:
    date: dt.date
    expected: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class RevisionInfo:
    id: int
    task_id: int
    effective: dt.date
    fields: dict[str, Any]
    reason: str
    by: str | None
    created_at: dt.datetime | None


@dataclass(frozen=True)
class TaskInfo:
    """A task as it stands on ``as_of``: the current wording, deadline and target (revisions in
    force applied) beside the original ones, which never change."""

    id: int
    report_id: int
    region: str | None
    plan_year: int | None
    number: int
    key: str
    section: str
    start: int
    end: int
    kind: str
    text: str
    deadline: dt.date | None
    deadline_text: str
    target: TargetInfo | None
    original_text: str
    original_deadline: dt.date | None
    original_target: TargetInfo | None
    revised: bool
    figure_id: int | None
    figure_ids: list[str]
    places: list[str]
    projects: list[str]
    baseline: float | None
    version: int
    as_of: dt.date
    assignments: list[AssignmentInfo] = field(default_factory=list)
    milestones: list[MilestoneInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class CreatedTasks:
    report_id: int
    created: list[TaskInfo]
    existing: int  # tasks of this report that were there already (matched by key)
    division: dict | None = None  # draft vs the stored 分工方案 of the region and year (its agreement)
    catalogue: dict | None = None  # the departments catalogue the draft named units from (Departments.info)


# ---------------------------------------------------------------- reading

def _target(src: Any) -> TargetInfo | None:
    t = TargetInfo(*(src.get(f) if isinstance(src, dict) else getattr(src, f) for f in TARGET_FIELDS))
    return t if t.value is not None or t.indicator else None


def _in_force(task: Task, as_of: dt.date) -> list[TaskRevision]:
    return [r for r in task.revisions if r.effective <= as_of]


def current_fields(task: Task, as_of: dt.date) -> dict[str, Any]:
    """The revisable fields on ``as_of``: the original overlaid by the revisions in force, in
    order of their effective dates."""
    cur: dict[str, Any] = {f: getattr(task, f) for f in REVISABLE}
    for r in _in_force(task, as_of):
        for k, v in r.fields.items():
            cur[k] = dt.date.fromisoformat(v) if k == "deadline" and isinstance(v, str) else v
    return cur


def info(task: Task, as_of: dt.date | None = None) -> TaskInfo:
    as_of = as_of or dt.date.today()
    cur = current_fields(task, as_of)
    rep = task.report
    return TaskInfo(
        id=task.id, report_id=task.report_id, region=rep.region, plan_year=rep.plan_year,
        number=task.number, key=task.key, section=task.section, start=task.start, end=task.end,
        kind=task.kind, text=cur["text"], deadline=cur["deadline"], deadline_text=cur["deadline_text"],
        target=_target(cur), original_text=task.text, original_deadline=task.deadline,
        original_target=_target(task), revised=bool(_in_force(task, as_of)),
        figure_id=task.figure_id, figure_ids=list(task.figure_ids or []), places=list(task.places or []),
        projects=list(task.projects or []), baseline=task.baseline, version=task.version, as_of=as_of,
        assignments=[AssignmentInfo(a.id, a.department_id, a.department.short, a.role, a.leader)
                     for a in task.assignments],
        milestones=[MilestoneInfo(m.date, m.expected, m.note) for m in task.milestones])


def _load(session: Session, task_id: int) -> Task:
    t = session.get(Task, task_id)
    if t is None:
        raise NotFound(f"no task {task_id}")
    return t


def get_task(session: Session, task_id: int, *, as_of: dt.date | None = None) -> TaskInfo:
    return info(_load(session, task_id), as_of)


def _options():
    return (selectinload(Task.assignments).selectinload(Assignment.department),
            selectinload(Task.milestones), selectinload(Task.revisions), selectinload(Task.report))


def load_tasks(session: Session, *, report_id: int | None = None, department: int | str | None = None,
               ids: list[int] | None = None) -> list[Task]:
    """Task rows (with what ``info`` needs loaded in bulk), by report then number."""
    q = select(Task).options(*_options())
    if report_id is not None:
        q = q.where(Task.report_id == report_id)
    if ids is not None:
        q = q.where(Task.id.in_(ids))
    if department is not None:
        dep = departments.find(session, department)
        if dep is None:
            raise NotFound(f"no department {department!r}")
        q = q.where(Task.id.in_(select(Assignment.task_id).where(Assignment.department_id == dep.id)))
    return list(session.scalars(q.order_by(Task.report_id, Task.number)))


def list_tasks(session: Session, *, report_id: int | None = None, department: int | str | None = None,
               as_of: dt.date | None = None) -> list[TaskInfo]:
    return [info(t, as_of) for t in load_tasks(session, report_id=report_id, department=department)]


def revisions(session: Session, task_id: int) -> list[RevisionInfo]:
    task = _load(session, task_id)
    names = _usernames(session, [r.user_id for r in task.revisions])
    return [RevisionInfo(r.id, r.task_id, r.effective, dict(r.fields), r.reason, names.get(r.user_id),
                         r.created_at) for r in task.revisions]


def _usernames(session: Session, ids: list[int | None]) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())


# ---------------------------------------------------------------- writing

def lock_task(session: Session, task_id: int) -> Task:
    """The task row, locked until the transaction ends (PostgreSQL; SQLite's write transaction
    holds the database), read afresh so the version compared is the committed one."""
    t = session.scalars(select(Task).where(Task.id == task_id).with_for_update()
                        .execution_options(populate_existing=True)).first()
    if t is None:
        raise NotFound(f"no task {task_id}")
    return t


def check_version(task: Task, expected: int | None, rejected: dict[str, Any],
                  current: dict[str, Any] | None = None) -> None:
    if expected is not None and task.version != expected:
        raise Conflict(task.id, expected, task.version, audit.plain(rejected),
                       audit.plain(current or {"version": task.version, "text": task.text}))


def bump(task: Task) -> int:
    task.version += 1
    return task.version


def _summary(t: Task) -> dict[str, Any]:
    return {"report_id": t.report_id, "number": t.number, "key": t.key, "text": t.text,
            "deadline": t.deadline, **{f: getattr(t, f) for f in TARGET_FIELDS if getattr(t, f) is not None}}


def _draft(report: Report, catalogue: Any) -> list[Any]:
    """The plan's draft of the report, re-read from the stored original with the stored figures
    (so figure ids match the rows)."""
    import luoshi
    from ..plan import draft_plan
    from ..plan.draft import SuggestionsUnavailable

    if report.kind == "division":  # a real 分工方案: its items with their own units
        from .division import division_tasks

        return division_tasks(report, catalogue)[0]
    doc = luoshi.read_text(report.original, report.doc)
    outline = luoshi.build_outline(doc)
    figures = [f.to_figure() for f in report.figures]
    try:
        return draft_plan(doc, outline, figures, departments=catalogue)
    except SuggestionsUnavailable:  # no catalogue reader: tasks without suggested units
        return draft_plan(doc, outline, figures, suggest=False)


def tasks_from_report(session: Session, report_id: int, actor: Actor, *, catalogue: Any = None,
                      as_of: dt.date | None = None) -> CreatedTasks:
    """Create the tasks of a report's plan draft, with the suggested lead and responsible units
    as assignments (departments created from the catalogue on first use). Tasks already made
    for this report (same key) are left as they are, so running it again adds nothing."""
    actor = require(session, actor, *MANAGERS)
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}")
    from ..plan.division_fields import from_division

    if catalogue is None:  # the library's catalogue of the region first (track.catalogues)
        catalogue = division.catalogue_of(session, report)
    drafted = _draft(report, catalogue)
    agreed = division.overlay_division(session, report, drafted)  # a stored 分工方案's units win
    have = set(session.scalars(select(Task.key).where(Task.report_id == report_id)))
    figs = {f.to_figure().id: f for f in report.figures}
    new: list[tuple[Task, Any]] = []
    seen: set[str] = set()
    for d in drafted:
        key = d.key
        n = 2
        while key in seen:  # the same wording twice in one report: keep both
            key, n = f"{d.key}~{n}", n + 1
        seen.add(key)
        if key in have:
            continue
        rows = [figs[i] for i in d.figures if i in figs]
        target = next((f for f in rows if f.role == "target"), None)
        t = Task(report_id=report_id, number=d.number, key=key, text=d.text,
                 section=" / ".join(d.section), start=d.start, end=d.end, nstart=d.nstart, nend=d.nend,
                 kind=d.kind, deadline=dt.date.fromisoformat(d.deadline) if d.deadline else None,
                 deadline_text=d.deadline_text, figure_ids=list(d.figures), places=list(d.places),
                 projects=list(d.projects), figure_id=target.id if target else None,
                 **{f: getattr(target, f) if target else None for f in TARGET_FIELDS},
                 draft_confidence=d.confidence, draft_reasons=list(d.reasons), version=1,
                 created_at=dt.datetime.now(dt.UTC))
        session.add(t)
        new.append((t, d))
    session.flush()
    deps: dict[str, int] = {}
    added: list[Assignment] = []
    for t, d in new:
        audit.record(session, actor, "create", "task", t.id, None, _summary(t))
        pairs: set[tuple[int, str]] = set()
        source = division.DIVISION if from_division(d) else division.SUGGESTED
        for role, names in (("lead", d.lead_units), ("responsible", d.resp_units)):
            for name in names:
                if name not in deps:
                    deps[name] = (division.department(session, name, actor, report.region, catalogue)
                                  if source == division.DIVISION else departments.ensure(
                                      session, name, actor, region=report.region, catalogue=catalogue)).id
                if (deps[name], role) in pairs:
                    continue
                pairs.add((deps[name], role))
                a = Assignment(task_id=t.id, department_id=deps[name], role=role,
                               leader=d.lead_leader if role == "lead" else "", created_at=dt.datetime.now(dt.UTC))
                session.add(a)
                added.append((a, source))
    session.flush()
    for a, source in added:  # the source marks them as not a person's (track.division)
        audit.record(session, actor, "assign", "assignment", a.id, None, _assignment_row(a) | {"source": source})
    session.flush()
    if new:  # searchable from the same transaction on (search over tasks, issue 8)
        from ..services.search import index_tasks

        index_tasks(session, report_id)
    made = load_tasks(session, ids=[t.id for t, _d in new]) if new else []
    return CreatedTasks(report_id, [info(t, as_of) for t in made], len(have),
                        agreed.to_dict() if agreed is not None else None,
                        catalogue.info() if hasattr(catalogue, "info") else None)


def _assignment_row(a: Assignment) -> dict[str, Any]:
    return {"task_id": a.task_id, "department_id": a.department_id, "role": a.role, "leader": a.leader}


def _add_assignment(session: Session, task: Task, department_id: int, role: str, leader: str,
                    actor: Actor) -> Assignment | None:
    exists = session.scalars(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.department_id == department_id,
        Assignment.role == role)).first()
    if exists is not None:
        return None
    a = Assignment(task_id=task.id, department_id=department_id, role=role, leader=leader or "",
                   created_at=dt.datetime.now(dt.UTC))
    session.add(a)
    session.flush()
    audit.record(session, actor, "assign", "assignment", a.id, None, _assignment_row(a))
    return a


def assign(session: Session, task_id: int, depts: list[int | str], role: str, actor: Actor, *,
           leader: str = "", expected_version: int | None = None) -> TaskInfo:
    """Assign departments (ids or names) to a task as lead or responsible units; one already
    assigned in that role is left alone."""
    actor = require(session, actor, *MANAGERS)
    task = lock_task(session, task_id)
    check_version(task, expected_version, {"departments": depts, "role": role, "leader": leader})
    if role not in ASSIGNMENT_ROLES:
        raise Invalid(f"role must be one of {', '.join(ASSIGNMENT_ROLES)}")
    region = task.report.region
    catalogue = division.catalogue_of(session, task.report)  # a unit of the library's catalogue
    added = [_add_assignment(session, task, departments.ensure(session, d, actor, region=region,
                                                               catalogue=catalogue).id,
                             role, leader, actor) for d in depts]
    if any(added):
        bump(task)
    session.flush()
    session.expire(task, ["assignments"])
    return info(task)


def unassign(session: Session, task_id: int, department: int | str, role: str, actor: Actor, *,
             expected_version: int | None = None) -> TaskInfo:
    actor = require(session, actor, *MANAGERS)
    task = lock_task(session, task_id)
    check_version(task, expected_version, {"unassign": department, "role": role})
    dep = departments.find(session, department, region=task.report.region)
    a = dep and session.scalars(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.department_id == dep.id, Assignment.role == role)).first()
    if not a:
        raise NotFound(f"{department} is not assigned to task {task_id} as {role}")
    audit.record(session, actor, "unassign", "assignment", a.id, _assignment_row(a), None)
    session.delete(a)
    bump(task)
    session.flush()
    session.expire(task, ["assignments"])
    return info(task)


def set_milestones(session: Session, task_id: int, milestones: list[tuple[dt.date, float] | MilestoneInfo],
                   actor: Actor, *, expected_version: int | None = None) -> TaskInfo:
    """Replace a task's milestones (e.g. the value due by each quarter's end; [] removes them)."""
    actor = require(session, actor, *MANAGERS)
    task = lock_task(session, task_id)
    ms = [m if isinstance(m, MilestoneInfo) else MilestoneInfo(m[0], m[1]) for m in milestones]
    check_version(task, expected_version, {"milestones": [asdict(m) for m in ms]})
    if len({m.date for m in ms}) != len(ms):
        raise Invalid("two milestones on one date")
    for m in ms:
        if not isinstance(m.date, dt.date) or not math.isfinite(float(m.expected)):
            raise Invalid(f"a milestone is a date and a number, got {m!r}")
    before = [asdict(m) for m in (MilestoneInfo(x.date, x.expected, x.note) for x in task.milestones)]
    for old in list(task.milestones):
        session.delete(old)
    session.flush()
    for m in ms:
        session.add(Milestone(task_id=task.id, date=m.date, expected=float(m.expected), note=m.note))
    bump(task)
    session.flush()
    session.expire(task, ["milestones"])
    audit.record(session, actor, "set_milestones", "task", task.id, {"milestones": before},
                 {"milestones": [asdict(m) for m in ms], "version": task.version})
    return info(task)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if not fields:
        raise Invalid("a revision changes at least one field")
    bad = sorted(set(fields) - set(REVISABLE))
    if bad:
        raise Invalid(f"cannot revise {', '.join(bad)}; revisable: {', '.join(REVISABLE)}")
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "deadline":
            try:
                v = (v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))).isoformat()
            except ValueError:
                raise Invalid(f"deadline must be an ISO date, got {v!r}") from None
        elif k in ("value", "value_max") and v is not None:
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise Invalid(f"{k} must be a number, got {v!r}") from None
            if not math.isfinite(v):
                raise Invalid(f"{k} must be a finite number")
        elif k == "measure" and v not in MEASURES:
            raise Invalid(f"measure must be one of {', '.join(MEASURES)}")
        elif k == "comparator" and v not in COMPARATORS:
            raise Invalid(f"comparator must be one of {', '.join(COMPARATORS)}")
        elif k == "text" and not str(v or "").strip():
            raise Invalid("the revised wording is empty")
        out[k] = v
    return out


def revise_target(session: Session, task_id: int, effective: dt.date, fields: dict[str, Any],
                  reason: str, actor: Actor, *, expected_version: int | None = None) -> RevisionInfo:
    """Record a decision that supersedes the target, deadline or wording from ``effective`` on.
    The original stays; the history shows both (``revisions``, ``TaskInfo.original_*``)."""
    actor = require(session, actor, *MANAGERS)
    task = lock_task(session, task_id)
    check_version(task, expected_version, {"effective": effective, "fields": fields, "reason": reason})
    clean = _clean_fields(fields)
    if not (reason or "").strip():
        raise Invalid("a revision needs a reason (the decision that changed the task)")
    if not isinstance(effective, dt.date):
        raise Invalid("effective must be a date")
    before = current_fields(task, effective)
    r = TaskRevision(task_id=task.id, effective=effective, fields=clean, reason=reason.strip(),
                     user_id=actor.id, created_at=dt.datetime.now(dt.UTC))
    session.add(r)
    bump(task)
    session.flush()
    audit.record(session, actor, "revise", "task_revision", r.id,
                 {"task_id": task.id, **{k: before[k] for k in clean}},
                 {"task_id": task.id, "effective": effective, **clean, "reason": r.reason,
                  "version": task.version})
    session.expire(task, ["revisions"])
    return RevisionInfo(r.id, task.id, r.effective, dict(r.fields), r.reason, actor.username, r.created_at)
