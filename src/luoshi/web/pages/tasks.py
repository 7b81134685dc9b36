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
from ..svg import trajectory as trajectory_chart
from .common import query_string


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
    audit: list[AuditEntry]
    may_report: bool
    continues: Link | None = None  # the task of an earlier version of the report this one continues
    continued_by: Link | None = None  # closed: the newer task that continues it, or its drop


def task_chart(ts: S.TaskStatus, hist: S.TaskHistory) -> Any:
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
        obs.append((n.as_of, n.actual, f"统计（{n.source}）"))
    return trajectory_chart(points, obs, title=f"{ti.target.indicator or ''}：目标轨迹与实际",
                            unit=target.unit, today=ts.status.today)


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
    return TaskPage(ts, hist, report, before[before.rfind("\n") + 1:].lstrip("\u3000 "), after.split("\n")[0], figs,
                    task_chart(ts, hist), _audit(s, [task_id, *(x.task_id for x in (*hist.updates, *hist.ratings))]),
                    went is None and may_report(actor, ts.task), came, went)


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

STATE_ZH = {"ambiguous": "有多项相近的新任务", "no_counterpart": "新版本中未找到相近任务",
            "paired": "可自动对应（重新生成任务即可）"}
HOW_ZH = {"key": "原文相同", "similar": "文字相近", "person": "督查室确认", "dropped": "已撤销"}


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
