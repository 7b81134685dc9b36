"""A real 分工方案 in the tracker: its items become the tasks of the stored division, and the
tasks of the work report it divides (same region, same plan year) take its units where the
tracker still holds the draft's suggestions — a person's assignment is never overwritten.

Whether a task's assignments are still suggestions is read from the audit log: the assignments
made from a draft or a 分工方案 are recorded with ``source`` (``suggested`` / ``division``), a
person's ``assign`` and ``unassign`` without one. A task whose every assignment has a source,
and from which no person removed one, holds suggestions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import Assignment, AuditEntry, Department, Report, Task
from . import audit, departments
from .actor import Actor
from .errors import Invalid

SUGGESTED = "suggested"
DIVISION = "division"
WORK_REPORT = "work_report"


def _parsed(report: Report) -> tuple[Any, Any, list]:
    """(document, outline, figures) of a stored report, figures as stored (their ids match)."""
    import luoshi
    from ..outline.given import Given

    doc = luoshi.read_text(report.original, report.doc)
    given = {k: getattr(report, k) for k in ("region", "level", "kind", "plan_year") if getattr(report, k)}
    outline = luoshi.build_outline(doc, Given(given, {}, None))  # as it was filed
    return doc, outline, [f.to_figure() for f in report.figures]


def division_tasks(report: Report, catalogue: Any = None) -> tuple[list, list]:
    """The items of a stored 分工方案 with their own units (plan Tasks, the units resolved to
    ``catalogue``, by default the one of the report's region), and its figures."""
    from ..plan.division import read_division

    doc, outline, figures = _parsed(report)
    return read_division(doc, outline, figures, departments=catalogue), figures


def catalogue_of(session: Session, report: Report) -> Any:
    """The catalogue of the report's region and level: the library's first (track.catalogues)."""
    from .catalogues import for_report

    return for_report(session, report.region, report.level)


def same_plan(session: Session, report: Report, kind: str) -> Report | None:
    """The current report of ``kind`` for the same region and plan year (same level first)."""
    if not report.region or not report.plan_year:
        return None
    rows = list(session.scalars(select(Report).where(
        Report.is_current.is_(True), Report.kind == kind, Report.region == report.region,
        Report.plan_year == report.plan_year, Report.id != report.id).order_by(Report.id.desc())))
    rows.sort(key=lambda r: r.level != report.level)
    return rows[0] if rows else None


def overlay_division(session: Session, report: Report, drafted: list) -> Any:
    """Lay the stored 分工方案 of the report's region and year over its drafted tasks (plan Tasks,
    changed in place); the Agreement, or None when there is no such division."""
    from ..plan.division_match import overlay

    div = same_plan(session, report, DIVISION) if report.kind == WORK_REPORT else None
    if div is None:
        return None
    items, dfigures = division_tasks(div, catalogue_of(session, div))
    return overlay(drafted, [f.to_figure() for f in report.figures], items, dfigures)


# ---------------------------------------------------------------- who holds suggestions

def holding_suggestions(session: Session, tasks: list[Task]) -> set[int]:
    """Ids of the tasks whose assignments are all a draft's or a 分工方案's, none removed by a person."""
    ids = {str(a.id): t.id for t in tasks for a in t.assignments}
    sourced: set[str] = set()
    if ids:
        q = select(AuditEntry.entity_id, AuditEntry.after).where(
            AuditEntry.entity == "assignment", AuditEntry.action == "assign", AuditEntry.entity_id.in_(list(ids)))
        sourced = {e for e, after in session.execute(q) if (after or {}).get("source")}
    edited = {t for e, t in ids.items() if e not in sourced}
    wanted = {t.id for t in tasks}
    q = select(AuditEntry.before, AuditEntry.after).where(
        AuditEntry.entity == "assignment", AuditEntry.action == "unassign")
    for before, after in session.execute(q):
        tid = (before or {}).get("task_id")
        if tid in wanted and not (after or {}).get("source"):
            edited.add(tid)
    return wanted - edited


def department(session: Session, name: str, actor: Actor, region: str | None, catalogue: Any = None) -> Department:
    """The department a 分工方案 names: the stored or catalogue one, else a new row as written
    (a real plan's unit is a real unit, even one the catalogue lacks)."""
    try:
        return departments.ensure(session, name, actor, region=region, catalogue=catalogue)
    except Invalid:
        d = Department(name=name, short=name, kind="", remit=[], region=region or "")
        session.add(d)
        session.flush()
        audit.record(session, actor, "create", "department", d.id, None,
                     {"name": d.name, "short": d.short, "kind": d.kind, "region": d.region, "from": DIVISION})
        return d


def reassign(session: Session, task: Task, lead: list[str], resp: list[str], leader: str, actor: Actor,
             catalogue: Any = None) -> bool:
    """Replace the task's (suggested) assignments by a 分工方案's units; audited, version bumped.
    False when they are the same already."""
    from .tasks import bump

    region = task.report.region
    want: list[tuple[int, str]] = []
    for role, names in (("lead", lead), ("responsible", resp)):
        for n in names:
            pair = (department(session, n, actor, region, catalogue).id, role)
            if pair not in want:
                want.append(pair)
    have = [(a.department_id, a.role) for a in task.assignments]
    leaders = {a.leader for a in task.assignments if a.role == "lead"}
    if have == want and leaders <= {leader}:
        return False
    for a in list(task.assignments):
        audit.record(session, actor, "unassign", "assignment", a.id,
                     {"task_id": a.task_id, "department_id": a.department_id, "role": a.role, "leader": a.leader},
                     {"source": DIVISION})
        session.delete(a)
    session.flush()
    added = []
    for dep, role in want:
        a = Assignment(task_id=task.id, department_id=dep, role=role, leader=leader if role == "lead" else "",
                       created_at=dt.datetime.now(dt.UTC))
        session.add(a)
        added.append(a)
    session.flush()
    for a in added:
        audit.record(session, actor, "assign", "assignment", a.id, None,
                     {"task_id": a.task_id, "department_id": a.department_id, "role": a.role,
                      "leader": a.leader, "source": DIVISION})
    bump(task)
    session.expire(task, ["assignments"])
    return True


@dataclass
class Applied:
    """What importing a 分工方案 did: its own tasks, and the work report's tasks it reassigned."""

    division_id: int
    tasks: int
    report_id: int | None = None
    reassigned: int = 0
    kept: int = 0  # matched tasks a person had assigned: left as they are
    agreement: dict | None = None
    reassigned_ids: list[int] = field(default_factory=list)  # the report's tasks that took its units
    kept_ids: list[int] = field(default_factory=list)  # and those left as a person assigned them

    def to_dict(self) -> dict[str, Any]:
        return {"division_id": self.division_id, "tasks": self.tasks, "report_id": self.report_id,
                "reassigned": self.reassigned, "kept": self.kept, "agreement": self.agreement,
                "reassigned_ids": list(self.reassigned_ids), "kept_ids": list(self.kept_ids)}


def apply_division(session: Session, division_id: int, actor: Actor) -> Applied:
    """Store a 分工方案's items as its tasks (with its units), then give the tasks of the work
    report of the same region and year the units of the items they match where the tracker holds
    suggestions. The agreement compares the report's draft (its first suggested lead) with the
    items' first lead."""
    from ..plan.division_match import overlay
    from .tasks import _draft, load_tasks, tasks_from_report

    made = tasks_from_report(session, division_id, actor)
    div = session.get(Report, division_id)
    out = Applied(division_id, len(made.created) + made.existing)
    report = same_plan(session, div, WORK_REPORT)
    if report is None:
        return out
    out.report_id = report.id
    drafted = _draft(report, catalogue_of(session, report))
    own = catalogue_of(session, div)
    items, dfigures = division_tasks(div, own)
    agreed = overlay(drafted, [f.to_figure() for f in report.figures], items, dfigures)
    out.agreement = agreed.to_dict()
    stored = load_tasks(session, report_id=report.id)
    if not stored:
        return out
    held = holding_suggestions(session, stored)
    by_key = {t.key.split("~")[0]: t for t in reversed(stored)}  # a repeated wording: its first task
    for d, j in zip(drafted, agreed.matches):
        t = by_key.get(d.key)
        if j is None or t is None or not (items[j].lead_units or items[j].resp_units):
            continue
        if t.id not in held:
            out.kept += 1
            out.kept_ids.append(t.id)
            continue
        if reassign(session, t, items[j].lead_units, items[j].resp_units, items[j].lead_leader, actor, own):
            out.reassigned += 1
            out.reassigned_ids.append(t.id)
    return out  # the wording is the same: the search index stays as it is


APPLIED = "apply_division"  # the audit action that records what an import of a 分工方案 did


def on_import(session: Session, division_id: int) -> dict[str, Any]:
    """The import hook: ``apply_division`` as the system, in a savepoint — a 分工方案 whose items
    cannot be laid out is still imported, and the import's line says why its tasks are not.
    What it did is recorded in the audit log (``applied`` reads it back for the report's page)."""
    from .actor import SYSTEM

    try:
        with session.begin_nested():
            done = apply_division(session, division_id, SYSTEM).to_dict()
    except Exception as e:  # noqa: BLE001 — the report itself must not be lost
        done = {"division_id": division_id, "error": f"{type(e).__name__}: {e}"}
    audit.record(session, SYSTEM, APPLIED, "report", division_id, None, done)
    return done


def applied(session: Session, division_id: int) -> dict[str, Any] | None:
    """What importing the 分工方案 ``division_id`` did (``Applied.to_dict``, or its error), as
    recorded then; None for a report imported before this was recorded, or no 分工方案."""
    q = (select(AuditEntry.after).where(AuditEntry.entity == "report", AuditEntry.action == APPLIED,
                                        AuditEntry.entity_id == str(division_id))
         .order_by(AuditEntry.id.desc()).limit(1))
    return session.scalars(q).first()
