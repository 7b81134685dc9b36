"""The task pages' data: the board (filtered, sorted, paged), one task with its history, chart
and audit trail, and a department's own tasks."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store import AuditEntry, Report, ReportFigure
from ...track import services as S
from ...track.status import definitions, effective_deadline, plan_start, trajectory
from ...track.versions import Link, Unmatched, links, pending_count, unmatched
from .. import labels as L
from ..svg import num
from ..svg import trajectory as trajectory_chart
from .common import query_string
from .statuses import source_names


PER_PAGE = 25


@dataclass
class Filters:
    section: str = ""
    department: int | None = None
    status: str = ""  # axis:code
    kind: str = ""
    due_by: dt.date | None = None
    q: str = ""
    sort: str = "number"
    page: int = 1

    def query(self, **over: Any) -> str:
        return query_string({"section": self.section, "department": self.department or "", "status": self.status,
                             "kind": self.kind, "due_by": self.due_by.isoformat() if self.due_by else "",
                             "q": self.q, "sort": self.sort, "page": self.page} | over, sort="number")


SEVERITY = {"off_track": 0, "at_risk": 1, "unknown": 2, "on_track": 3}


def filtered(sts: list[S.TaskStatus], f: Filters) -> list[S.TaskStatus]:
    out = []
    for t in sts:
        task = t.task
        if f.section and (task.section.split(" / ")[0] if task.section else "") != f.section:
            continue
        if f.department and f.department not in {a.department_id for a in task.assignments}:
            continue
        if f.status:
            axis, _, code = f.status.partition(":")
            if axis not in ("reported", "evidence", "schedule", "confidence") or getattr(t.status, axis).code != code:
                continue
        if f.kind and task.kind != f.kind:
            continue
        if f.due_by and (t.status.deadline is None or t.status.deadline > f.due_by):
            continue
        if f.q and f.q.strip().lower() not in task.text.lower():
            continue
        out.append(t)
    keys = {"number": lambda t: (t.task.report_id, t.task.number),
            "deadline": lambda t: (t.status.deadline or dt.date.max, t.task.number),
            "evidence": lambda t: (SEVERITY.get(t.status.evidence.code, 9), t.task.number),
            "updated": lambda t: (-(t.latest_update.reported_on.toordinal() if t.latest_update else 0),
                                  t.task.number)}
    return sorted(out, key=keys.get(f.sort, keys["number"]))


@dataclass
class Board:
    report: Report
    rows: list[S.TaskStatus]
    total: int
    page: int
    pages: int
    filters: Filters
    sections: list[str]
    departments: list[S.DepartmentInfo]
    kinds: list[str]
    definitions: dict[str, Any]
    pending: int = 0  # earlier versions' tasks left to settle against this one (track.versions)


def board(s: Session, report: Report, f: Filters, today: dt.date) -> Board:
    sts = S.statuses(s, report_id=report.id, today=today)
    rows = filtered(sts, f)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(f.page, 1), pages)
    sections = list(dict.fromkeys(t.task.section.split(" / ")[0] for t in sts if t.task.section))
    kinds = sorted(Counter(t.task.kind for t in sts))
    used = {a.department_id for t in sts for a in t.task.assignments}
    deps = [d for d in S.list_departments(s) if d.id in used]
    return Board(report, rows[(page - 1) * PER_PAGE: page * PER_PAGE], len(rows), page, pages, f,
                 sections, deps, kinds, definitions(), pending_count(s, report))


def view_rows(s: Session, report: Report, f: Filters, today: dt.date) -> list[S.TaskStatus]:
    """Every task of the board's current view (all pages), for the export."""
    return filtered(S.statuses(s, report_id=report.id, today=today), f)


# ---------------------------------------------------------------- task page

@dataclass
class TaskPage:
    status: S.TaskStatus
    history: S.TaskHistory
    report: Report
    context_before: str
    context_after: str
    figures: list[ReportFigure]
    chart: Any
    audit: list[AuditLine]
    may_report: bool
    names: dict[str, str]  # the reports the actuals come from, by doc id (statuses.source_names)
    revised: dict[int, list[str]]  # each revision's fields in words, by its id
    continues: Link | None = None  # the task of an earlier version of the report this one continues
    continued_by: Link | None = None  # closed: the newer task that continues it, or its drop


def task_chart(ts: S.TaskStatus, hist: S.TaskHistory, names: dict[str, str] | None = None) -> Any:
    """The trajectory of a numeric target with the reported values and the latest actual: the
    one the status judged by (``ts.facts``: its baseline is last year's actual where the status
    took it)."""
    ti, facts = ts.task, ts.facts
    if facts is None or facts.target is None:
        return None
    target = facts.target
    end = effective_deadline(facts)
    start = plan_start(facts, end)
    if start is None or end is None:
        return None
    points = trajectory(facts, start, end)
    obs = [(u.reported_on, u.value, f"报送（{u.department or u.by or ''}）") for u in hist.updates
           if u.value is not None and (u.unit or target.unit) == target.unit]
    n = ts.status.numbers
    if n.basis == "value" and n.source not in (None, "update") and n.as_of and n.actual is not None:
        name = (names or {}).get(n.source)
        obs.append((n.as_of, n.actual, f"统计（{name}）" if name else "统计"))
    return trajectory_chart(points, obs, title=f"{ti.target.indicator or ''}：目标轨迹与实际",
                            unit=target.unit, today=ts.status.today)


@dataclass(frozen=True)
class AuditLine:
    """One entry of a task's audit trail as people read it: who, what, to what, and the fields
    it set in words (``字段：值``) — never the stored JSON with its codes and ids."""

    at: dt.datetime
    actor: str
    action: str
    entity: str
    fields: list[str]


# field → the labels.toml group its codes are words of
_VALUE_WORDS = {"role": "assignment_role", "source": "assignment_source", "comparator": "comparator",
                "measure": "measure", "kind": "task_kind", "how": "lineage_how"}


def _audit_value(s: Session, key: str, value: Any, row: dict[str, Any]) -> str:
    """A field's value in words: codes by their labels, a department by its name, an indicator
    id by its Chinese name, dates as dates, lists item by item."""
    from ...link import indicator
    from ...store import Department

    if key in _VALUE_WORDS:
        return L.zh(_VALUE_WORDS[key], value) or "无"
    if key == "canonical":
        return getattr(indicator(str(value)), "zh", "") or "—"
    if key == "status":
        return L.STATUS_ZH.get(value, str(value))
    if key == "level":  # a rating on the row's confidence scale
        scale = row.get("scale") if row.get("scale") in ("five", "three") else None
        d = definitions(scale=scale)["confidence"].get(value)
        return d.label_zh if d is not None else str(value)
    if key == "department_id":
        dep = s.get(Department, value)
        return dep.name if dep is not None else "—"
    if key == "milestones":
        return "；".join(f"{m.get('date', '')} {num(m.get('expected'))} {m.get('note') or ''}".strip()
                        for m in value if isinstance(m, dict)) or "无"
    if key == "evidence":
        return "；".join(str(e.get("name") or e.get("url") or "") for e in value if isinstance(e, dict)) or "无"
    if isinstance(value, float):
        return num(value)
    return str(value)


def audit_fields(s: Session, row: dict[str, Any] | None) -> list[str]:
    """The fields of an audit entry's stored row in words; fields without words in labels.toml
    [audit_field] (ids, versions, keys) are internal and left out, and so are empty ones."""
    row = row or {}
    out = []
    for key, value in row.items():
        name = L.zh("audit_field", "department" if key == "department_id" else key, "")
        if not name or value is None or value == "" or value == [] or (key == "department_id" and "department" in row):
            continue  # internal, empty, or the department's id beside its name
        out.append(f"{name}：{_audit_value(s, key, value, row)}")
    return out


def audit_line(s: Session, e: AuditEntry) -> AuditLine:
    return AuditLine(e.at, L.ACTOR_ZH.get(e.actor, e.actor), L.ACTION_ZH.get(e.action, "操作"),
                     f"{L.ENTITY_ZH.get(e.entity, '记录')} {e.entity_id}", audit_fields(s, e.after or e.before))


def _audit(s: Session, task_ids: list[int]) -> list[AuditEntry]:
    """The entries of a task (the first id) and of the earlier tasks whose updates it shows."""
    task_id, wanted = task_ids[0], set(task_ids)
    ents = list(s.scalars(select(AuditEntry).where(AuditEntry.entity.in_(
        ("task", "assignment", "progress_update", "rating", "task_revision", "task_lineage"))).order_by(AuditEntry.id)))
    def mine(e: AuditEntry) -> bool:
        if e.entity == "task":
            return e.entity_id == str(task_id)
        if e.entity == "task_lineage":
            return task_id in {(e.after or {}).get("old_task_id"), (e.after or {}).get("new_task_id")}
        if e.entity in ("progress_update", "rating"):  # the history shown, earlier versions' too
            return (e.after or {}).get("task_id") in wanted
        return any(isinstance(x, dict) and x.get("task_id") == task_id for x in (e.before, e.after))
    return [e for e in ents if mine(e)]


def task_page(s: Session, task_id: int, actor: S.Actor | None, today: dt.date) -> TaskPage:
    ts = S.task_status(s, task_id, today=today)
    hist = S.history(s, task_id, as_of=today)
    report = s.get(Report, ts.task.report_id)
    text = report.original
    a, b = ts.task.start, ts.task.end
    before = text[max(0, a - 160):a]
    after = text[b:b + 160]
    figs = list(s.scalars(select(ReportFigure).where(ReportFigure.report_id == report.id,
                                                     ReportFigure.start >= a, ReportFigure.end <= b)
                          .order_by(ReportFigure.ord)))
    came, went = links(s, task_id)
    names = source_names(s, [ts])
    return TaskPage(ts, hist, report, before[before.rfind("\n") + 1:].lstrip("\u3000 "), after.split("\n")[0], figs,
                    task_chart(ts, hist, names),
                    [audit_line(s, e) for e in _audit(s, [task_id, *(x.task_id for x in (*hist.updates, *hist.ratings))])],
                    went is None and may_report(actor, ts.task), names,
                    {r.id: audit_fields(s, r.fields) for r in hist.revisions}, came, went)


def may_report(actor: S.Actor | None, task: S.TaskInfo) -> bool:
    if actor is None:
        return False
    if actor.role in ("admin", "supervisor"):
        return True
    return actor.role == "reporter" and actor.department_id in {a.department_id for a in task.assignments}


# ---------------------------------------------------------------- department view

@dataclass
class MyTasks:
    department: str
    rows: list[S.TaskStatus]
    definitions: dict[str, Any]


def my_tasks(s: Session, actor: S.Actor, today: dt.date) -> MyTasks:
    if actor.department_id is None:
        return MyTasks("", [], definitions())
    dep = next((d for d in S.list_departments(s) if d.id == actor.department_id), None)
    rows = S.statuses(s, department=actor.department_id, today=today)
    order = {"overdue": 0, "due_soon": 1, "not_due": 2, "no_deadline": 3, "done_late": 4, "done_on_time": 5}
    rows.sort(key=lambda t: (order.get(t.status.schedule.code, 9), t.task.report_id, t.task.number))
    return MyTasks(dep.name if dep else "", rows, definitions())


# ---------------------------------------------------------------- versions

STATE_ZH = L.group_of("lineage_state")  # data/labels.toml
HOW_ZH = L.group_of("lineage_how")


@dataclass
class VersionsPage:
    report: Report
    unmatched: Unmatched
    chosen: dict[str, str]  # the form's values when it comes back with an error
    errors: list[str]


def versions_page(s: Session, report: Report, chosen: dict[str, str] | None = None,
                  errors: list[str] | None = None) -> VersionsPage:
    """The earlier versions' tasks left to settle against ``report``, for the 版本对照 page."""
    return VersionsPage(report, unmatched(s, report.id), chosen or {}, errors or [])
