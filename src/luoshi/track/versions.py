"""Tasks follow a new version of their report (a corrected text, a re-issued 分工方案).

Before: a new version of a report got tasks of its own, drafted afresh, and every piece of
tracking — who a person had assigned, progress, ratings, decisions, what was published — stayed
on the tasks of the version it replaced, which no page showed any more.

Now, when the current version of a report gets its tasks (at import, when an earlier version
has open tasks; or by ``tasks_from_report``), each of them that the rule (``track.follow``)
pairs with an open task of an earlier version *continues* it (``store.TaskLineage``):

* linked, never copied or moved — the history that was written stays where it was: the progress
  updates and ratings of the earlier task are read as the new task's history (``lineage``), the
  latest rating of the line stays in force until a new one;
* carried onto the new task, because they are what is in force now — the lead and responsible
  units a person assigned (a task that held the draft's or a 分工方案's suggestions keeps the
  new draft's), the milestones, the baseline, and the dated decisions that supersede the target,
  deadline or wording (copied as decisions of the new task with their date, reason and author);
  the publication decision of the report goes to the new version; nothing a person already set
  on the new task is replaced (a task linked by a person after it was worked on);
* each link and each carried row is an audit entry in the same transaction;
* the earlier task is closed: its writes are refused, and lists across reports leave it out.

What the rule leaves (ambiguous pairs, earlier tasks without a counterpart, new tasks without an
ancestor) is listed by ``unmatched`` and settled by a supervisor with ``settle``: link an earlier
task to a new one, or close it as dropped — all decisions of one call or none, each audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import store
from ..store import (Assignment, Milestone, ProgressUpdate, Rating, Report, Task, TaskLineage,
                     TaskRevision)
from ..store.models.publication import ReportPublication
from . import audit, follow as rule
from .actor import MANAGERS, Actor, require
from .errors import Invalid, NotFound

CARRIED = "carried"  # the source of the draft's assignments a carried-over one replaced


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class TaskRef:
    """A task as the settling page shows it."""

    id: int
    report_id: int
    version: int  # its report's version
    number: int
    section: str
    text: str


@dataclass(frozen=True)
class Candidate:
    task: TaskRef
    score: float  # the wording's similarity (track.follow)


@dataclass(frozen=True)
class OpenTask:
    """An earlier version's task that no task of the current version continues yet."""

    task: TaskRef
    state: str  # ambiguous | no_counterpart | paired (the rule would pair it now: run tasks --create)
    candidates: list[Candidate]
    updates: int  # what rides on the decision: its progress updates and ratings (with its ancestors')
    ratings: int


@dataclass(frozen=True)
class Unmatched:
    """What the rule could not settle for the current version of a report."""

    report_id: int
    version: int
    is_current: bool
    earlier: list[int]  # the earlier versions (report ids) that still have open tasks
    open: list[OpenTask]
    new: list[TaskRef]  # tasks of this version that continue no earlier task
    followed: int  # tasks of this version that continue one (by key, similar wording or a person)
    dropped: int  # earlier tasks closed as dropped against this version
    similar: float = field(default_factory=lambda: rule.rule().similar)

    @property
    def pending(self) -> int:
        return len(self.open)

    def to_dict(self) -> dict[str, Any]:
        return audit.plain(asdict(self) | {"pending": self.pending})


def _ref(t: Task, version: int) -> TaskRef:
    return TaskRef(t.id, t.report_id, version, t.number, t.section or "", t.text)


def _side(t: Task, rank: int = 0) -> rule.Side:
    return rule.Side(t.id, t.key, t.text, t.section or "", rank)


def _earlier(session: Session, report: Report) -> list[tuple[int, int]]:
    """(id, version) of the report's earlier versions, newest first."""
    return list(session.execute(select(Report.id, Report.version).where(
        Report.doc_key == report.doc_key, Report.version < report.version).order_by(Report.version.desc())).all())


def _open_tasks(session: Session, report_ids: list[int]) -> list[Task]:
    if not report_ids:
        return []
    q = (select(Task).where(Task.report_id.in_(report_ids), Task.id.not_in(select(TaskLineage.old_task_id)))
         .options(selectinload(Task.assignments), selectinload(Task.milestones), selectinload(Task.revisions))
         .order_by(Task.report_id, Task.number))
    return list(session.scalars(q))


def _free_tasks(session: Session, report_id: int) -> list[Task]:
    """The report's tasks that continue no earlier task."""
    q = (select(Task).where(Task.report_id == report_id,
                            Task.id.not_in(select(TaskLineage.new_task_id).where(TaskLineage.new_task_id.is_not(None))))
         .options(selectinload(Task.assignments)).order_by(Task.number))
    return list(session.scalars(q))


def _sides(earlier: list[tuple[int, int]], olds: list[Task]) -> list[rule.Side]:
    rank = {rid: i for i, (rid, _v) in enumerate(earlier)}
    return [_side(t, rank[t.report_id]) for t in olds]


def pending_count(session: Session, report: Report) -> int:
    """How many open tasks the report's earlier versions have (0 at once for a first version):
    what a page says before anyone opens the list."""
    if report.version <= 1:
        return 0
    ids = [rid for rid, _v in _earlier(session, report)]
    if not ids:
        return 0
    return session.scalar(select(func.count()).select_from(Task).where(
        Task.report_id.in_(ids), Task.id.not_in(select(TaskLineage.old_task_id)))) or 0


def has_open_earlier(session: Session, report_id: int) -> bool:
    """Whether an earlier version of the report has tasks no newer task continues."""
    report = session.get(Report, report_id)
    return report is not None and pending_count(session, report) > 0


@dataclass(frozen=True)
class Link:
    """One end of a task's link to another version, as a task's page shows it."""

    task_id: int | None  # the task at the other end (None: dropped)
    version: int | None  # its report's version
    number: int | None
    how: str  # key | similar | person | dropped
    score: float | None
    reason: str
    by: str | None
    at: dt.datetime | None


def links(session: Session, task_id: int) -> tuple[Link | None, Link | None]:
    """(the earlier task this one continues, what became of this one: the newer task that
    continues it, or its drop), each None when there is none."""
    from ..store import User

    def one(row: TaskLineage | None, other: int | None) -> Link | None:
        if row is None:
            return None
        t = session.get(Task, other) if other is not None else None
        by = session.scalar(select(User.username).where(User.id == row.user_id)) if row.user_id else "system"
        return Link(other, t.report.version if t is not None else None, t.number if t is not None else None,
                    row.how, row.score, row.reason, by, row.created_at)

    came = session.scalars(select(TaskLineage).where(TaskLineage.new_task_id == task_id)).first()
    went = session.get(TaskLineage, task_id)
    return one(came, came.old_task_id if came else None), one(went, went.new_task_id if went else None)


def _counts(session: Session, model: Any, lines: dict[int, list[int]]) -> dict[int, int]:
    every = {i for ids in lines.values() for i in ids}
    if not every:
        return {}
    n = dict(session.execute(select(model.task_id, func.count()).where(model.task_id.in_(every))
                             .group_by(model.task_id)).all())
    return {t: sum(n.get(i, 0) for i in ids) for t, ids in lines.items()}


def unmatched(session: Session, report_id: int) -> Unmatched:
    """The open tasks of the report's earlier versions, each with the tasks of this version the
    rule found close (best first) and what rides on it; the tasks of this version that continue
    none. Open to every reader (it shows no more than the task lists)."""
    from .lineage import ancestors

    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}")
    earlier = _earlier(session, report)
    versions = dict(earlier)
    olds = _open_tasks(session, [rid for rid, _v in earlier])
    free = _free_tasks(session, report_id)
    m = rule.match(_sides(earlier, olds), [_side(t) for t in free]) if olds else rule.Matching()
    refs = {t.id: _ref(t, report.version) for t in free}
    paired = {p.old: p for p in m.pairs}
    lines = {t: [t, *a] for t, a in ancestors(session, [t.id for t in olds]).items()}
    ups, rts = _counts(session, ProgressUpdate, lines), _counts(session, Rating, lines)
    rows = []
    for t in olds:
        if t.id in paired:
            state, cands = "paired", [Candidate(refs[paired[t.id].new], paired[t.id].score)]
        elif t.id in m.ambiguous:
            state, cands = "ambiguous", [Candidate(refs[n], s) for n, s in m.ambiguous[t.id]]
        else:
            state, cands = "no_counterpart", []
        rows.append(OpenTask(_ref(t, versions[t.report_id]), state, cands, ups.get(t.id, 0), rts.get(t.id, 0)))
    hows = dict(session.execute(select(TaskLineage.how, func.count()).where(
        TaskLineage.report_id == report_id).group_by(TaskLineage.how)).all())
    return Unmatched(report_id, report.version, bool(report.is_current),
                     sorted({t.report_id for t in olds}, key=lambda r: -versions[r]), rows,
                     [refs[t.id] for t in free] if olds else [],
                     sum(n for how, n in hows.items() if how != "dropped"), hows.get("dropped", 0))


# ---------------------------------------------------------------- carrying over

def _assignment_row(a: Assignment) -> dict[str, Any]:
    return {"task_id": a.task_id, "department_id": a.department_id, "role": a.role, "leader": a.leader}


def carry(session: Session, old: Task, new: Task, how: str, score: float | None, actor: Actor,
          reason: str = "", *, held: set[int] | None = None) -> None:
    """``new`` continues ``old``: the link, then what a person set on ``old`` that is in force
    (see the module docstring), each an audit entry; ``new``'s version is bumped. Nothing a
    person set on ``new`` is replaced: its assignments only while they are suggestions, its
    milestones only while it has none. ``held``: the ids among both that hold only suggested
    assignments (``division.holding_suggestions``), when the caller read it for many at once."""
    from .division import holding_suggestions
    from .tasks import bump

    if held is None:
        held = holding_suggestions(session, [old, new])

    now = dt.datetime.now(dt.UTC)
    row = TaskLineage(old_task_id=old.id, new_task_id=new.id, report_id=new.report_id, how=how,
                      score=round(score, 4) if score is not None else None, reason=reason, user_id=actor.id,
                      created_at=now)
    session.add(row)
    carried: dict[str, Any] = {}
    if old.baseline is not None and new.baseline is None:
        new.baseline = carried["baseline"] = old.baseline
    session.flush()
    audit.record(session, actor, "follow", "task_lineage", old.id, None,
                 {"old_task_id": old.id, "new_task_id": new.id, "report_id": new.report_id, "how": how,
                  "score": row.score, "reason": reason, **carried})
    if old.id not in held and new.id in held:  # a person's (even none) over the new draft's suggestions
        for a in list(new.assignments):
            audit.record(session, actor, "unassign", "assignment", a.id, _assignment_row(a),
                         {"source": CARRIED, "from_task": old.id})
            session.delete(a)
        session.flush()
        copies = [Assignment(task_id=new.id, department_id=a.department_id, role=a.role, leader=a.leader,
                             created_at=now) for a in old.assignments]
        session.add_all(copies)
        session.flush()
        for a, src in zip(copies, old.assignments):  # no source: a person's, as the original was
            audit.record(session, actor, "assign", "assignment", a.id, None, _assignment_row(a) | {"carried_from": src.id})
    if old.milestones and not new.milestones:
        for m in old.milestones:
            session.add(Milestone(task_id=new.id, date=m.date, expected=m.expected, note=m.note))
        audit.record(session, actor, "carry", "task", new.id, {"milestones": []},
                     {"milestones": [{"date": m.date, "expected": m.expected, "note": m.note} for m in old.milestones],
                      "from_task": old.id})
    for r in old.revisions:  # decisions in force: the new task's too, as decided (date, reason, author)
        copy = TaskRevision(task_id=new.id, effective=r.effective, fields=dict(r.fields), reason=r.reason,
                            user_id=r.user_id, created_at=r.created_at or now)
        session.add(copy)
        session.flush()
        audit.record(session, actor, "carry", "task_revision", copy.id, None,
                     {"task_id": new.id, "effective": r.effective, **r.fields, "reason": r.reason,
                      "from_revision": r.id, "from_task": old.id})
    bump(new)
    session.flush()
    session.expire(new, ["assignments", "milestones", "revisions"])


def _publication(session: Session, report: Report, earlier: list[tuple[int, int]], actor: Actor) -> bool:
    """The newest earlier version's publication decision, for a version that has none yet."""
    if session.get(ReportPublication, report.id) is not None:
        return False
    for rid, _v in earlier:
        src = session.get(ReportPublication, rid)
        if src is not None:
            session.add(ReportPublication(report_id=report.id, ratings=src.ratings, notes=src.notes,
                                          user_id=src.user_id, updated_at=dt.datetime.now(dt.UTC)))
            session.flush()
            audit.record(session, actor, "publish", "report_publication", report.id,
                         {"ratings": False, "notes": False},
                         {"ratings": bool(src.ratings), "notes": bool(src.notes), "from_report": rid})
            return True
    return False


@dataclass(frozen=True)
class Followed:
    """What ``follow`` did for a report version."""

    report_id: int
    earlier: list[int]  # the earlier versions whose open tasks were read
    by_key: int
    by_wording: int
    publication: bool  # the earlier version's publication decision was taken over
    pending: int  # earlier tasks left for a person (``unmatched``)
    new: int  # tasks of this version that continue none

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def follow(session: Session, report: Report, actor: Actor) -> Followed | None:
    """Pair the report's free tasks with the open tasks of its earlier versions and carry each
    pair over; None when no earlier version has open tasks. Runs again at no cost: settled tasks
    are no longer open."""
    earlier = _earlier(session, report)
    if not earlier:
        return None
    store.lock(session, f"versions:{report.doc_key}")  # follows and settlements of one report take turns
    olds = _open_tasks(session, [rid for rid, _v in earlier])
    if not olds:
        return None
    free = _free_tasks(session, report.id)
    m = rule.match(_sides(earlier, olds), [_side(t) for t in free])
    by_id = {t.id: t for t in olds} | {t.id: t for t in free}
    from .division import holding_suggestions

    held = holding_suggestions(session, [by_id[i] for p in m.pairs for i in (p.old, p.new)])  # one read of the log
    for p in m.pairs:
        carry(session, by_id[p.old], by_id[p.new], p.how, p.score if p.how == "similar" else None, actor,
              held=held)
    published = _publication(session, report, earlier, actor)
    return Followed(report.id, [rid for rid, _v in earlier if any(t.report_id == rid for t in olds)],
                    sum(p.how == "key" for p in m.pairs), sum(p.how == "similar" for p in m.pairs), published,
                    len(m.ambiguous) + len(m.no_counterpart), len(m.no_ancestor))


def on_import(session: Session, report_id: int) -> dict[str, Any] | None:
    """The import hook for a new version of a report whose earlier versions have open tasks:
    its tasks, drafted as the system, take them over (``tasks_from_report`` → ``follow``), in the
    import's transaction — the new version does not become current with its tracking left
    behind. None when there is nothing to follow."""
    from .actor import SYSTEM
    from .tasks import tasks_from_report

    if not has_open_earlier(session, report_id):
        return None
    made = tasks_from_report(session, report_id, SYSTEM)
    return {"created": len(made.created), **(made.followed or {})}


# ---------------------------------------------------------------- settling by a person

@dataclass(frozen=True)
class Decision:
    """A person's settlement of one earlier task: continued by ``new_task_id``, or dropped (None)."""

    old_task_id: int
    new_task_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class Settled:
    report_id: int
    linked: list[tuple[int, int]]  # (earlier task, the task that continues it)
    dropped: list[int]
    pending: int  # still open after these decisions

    def to_dict(self) -> dict[str, Any]:
        return audit.plain(asdict(self))


def settle(session: Session, report_id: int, decisions: list[Decision], actor: Actor) -> Settled:
    """Apply a supervisor's decisions for the current version of a report, all or none: each
    earlier task named must be open, each new task must continue none and be named once, a drop
    needs a reason. Every decision is audited (``follow`` with how=person, or ``drop``)."""
    actor = require(session, actor, *MANAGERS)
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}")
    if not report.is_current:
        raise Invalid(f"report {report_id} is not the current version of its report: settle against the current one")
    if not decisions:
        raise Invalid("no decision to apply")
    store.lock(session, f"versions:{report.doc_key}")
    earlier = _earlier(session, report)
    olds = {t.id: t for t in _open_tasks(session, [rid for rid, _v in earlier])}
    free = {t.id: t for t in _free_tasks(session, report_id)}
    seen_old: set[int] = set()
    seen_new: set[int] = set()
    for d in decisions:
        if d.old_task_id not in olds:
            raise Invalid(f"task {d.old_task_id} is not an open task of an earlier version of report {report_id}")
        if d.old_task_id in seen_old:
            raise Invalid(f"task {d.old_task_id} is decided twice")
        seen_old.add(d.old_task_id)
        if d.new_task_id is None:
            if not (d.reason or "").strip():
                raise Invalid(f"closing task {d.old_task_id} as dropped needs a reason")
            continue
        if d.new_task_id not in free:
            raise Invalid(f"task {d.new_task_id} is not a task of report {report_id} that continues no earlier task")
        if d.new_task_id in seen_new:
            raise Invalid(f"task {d.new_task_id} is named to continue two earlier tasks")
        seen_new.add(d.new_task_id)
    linked, dropped = [], []
    for d in decisions:
        old = olds[d.old_task_id]
        if d.new_task_id is None:
            session.add(TaskLineage(old_task_id=old.id, new_task_id=None, report_id=report_id, how="dropped",
                                    reason=d.reason.strip(), user_id=actor.id, created_at=dt.datetime.now(dt.UTC)))
            session.flush()
            audit.record(session, actor, "drop", "task_lineage", old.id, None,
                         {"old_task_id": old.id, "new_task_id": None, "report_id": report_id, "how": "dropped",
                          "reason": d.reason.strip()})
            dropped.append(old.id)
        else:
            new = free[d.new_task_id]
            score = rule.similarity(rule.wording(old.text), rule.wording(new.text))
            carry(session, old, new, "person", score, actor, (d.reason or "").strip())
            linked.append((old.id, new.id))
    return Settled(report_id, linked, dropped, len(olds) - len(decisions))
