"""Reading the tracker: a task's status on every axis, its history, roll-ups of a report by
section and department, and reminders per department. Nothing here writes.

The status engine (``status.evaluate``) gets the task's facts as of ``today``: the current
target (revisions in force), milestones, updates, the latest rating, the actual of the plan year
from any other imported report (chosen as ``luoshi compare`` chooses it) and, for rates and
stocks, the previous year's actual as the baseline.

Statuses are computed once per report and reused (``CACHE``, see services/readcache.py): a page
or an API read costs a cheap query for the report's *stamp* — (number of tasks, sum of their
versions) for the report, (number, largest id) of the library's reports — instead of evaluating
every task again.
Every write to a task's tracking data (progress, rating, assignment, milestones, revision) bumps
that task's version (the optimistic lock) in the same transaction, and every import adds a
report row, so the stamp read from the database changes with every committed write, whichever
process made it and in whatever order concurrent transactions commit; the date is part of the
key (overdue depends on it). A session that has written in its open transaction reads uncached,
so nothing uncommitted is ever shared.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, defer

from ..link import indicator
from ..store import Assignment, ProgressUpdate, Rating, Report, ReportFigure, Task, User
from ..services.readcache import Stamp, StampedCache, engine, library_stamp, reads_committed
from .lineage import ancestors, closed_among
from .progress import RatingInfo, UpdateInfo, _update_infos, ratings, updates
from .status import (AXES, SCALES, Actual, Definition, Facts, Judgement, Settings, Status, Target,
                     Update, definitions, evaluate, plain_data, settings, starts_from_last_year)
from .tasks import RevisionInfo, TaskInfo, info, load_tasks, revisions


@dataclass(frozen=True)
class TaskStatus:
    task: TaskInfo
    status: Status
    latest_update: UpdateInfo | None
    rating: RatingInfo | None
    definitions: dict[str, dict[str, Definition]]
    # what the trajectory was laid on (target, dates, baseline, milestones; no updates, actuals
    # or rating, so nothing a public view withholds): a chart draws the line the status judged by
    facts: Facts | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task.to_dict(), "status": self.status.to_dict(),
                "latest_update": self.latest_update.to_dict() if self.latest_update else None,
                "rating": plain_data(self.rating) if self.rating else None,
                "definitions": plain_data(self.definitions)}


@dataclass(frozen=True)
class TaskHistory:
    """The original task and everything after it: revisions (with the original kept beside
    them), every update and every rating, each oldest first."""

    task: TaskInfo
    revisions: list[RevisionInfo]
    updates: list[UpdateInfo]
    ratings: list[RatingInfo]


@dataclass(frozen=True)
class Rollup:
    """Counts of tasks per value of each axis, for one scope (a section, a department, all)."""

    scope: str  # report | section | department
    name: str
    tasks: int
    counts: dict[str, dict[str, int]]
    department_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class Rollups:
    report_id: int
    today: dt.date
    whole: Rollup
    by_section: list[Rollup]
    by_department: list[Rollup]

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


@dataclass(frozen=True)
class ReminderItem:
    task_id: int
    report_id: int
    number: int
    text: str
    deadline: dt.date | None
    days: int  # days left (due soon), past the deadline (overdue), or since the last update (silent)
    last_update: dt.date | None
    role: str  # the department's role: lead | responsible


@dataclass(frozen=True)
class DepartmentReminders:
    department_id: int | None  # None: tasks no department is assigned to
    department: str
    due_soon: list[ReminderItem] = field(default_factory=list)
    overdue: list[ReminderItem] = field(default_factory=list)
    silent: list[ReminderItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


# ---------------------------------------------------------------- facts

def _region_key(region: str | None) -> str:
    from ..services.compare import region_key

    return region_key(region)


class _Actuals:
    """Actuals of current reports by (canonical, measure, region, year), chosen among as
    ``luoshi compare`` chooses. ``prefetch`` reads what a report's tasks need in one query per
    region through the figures' (canonical, region, year, role) index (a place under all its
    names); ``pick`` reads anything else on first use. Only the reports that state one of them
    are read (not the whole library)."""

    ROLES = ("actual", "estimate")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.reports: dict[int, Report] = {}
        self.rows: dict[tuple[str, int, str], list[ReportFigure]] = {}

    def prefetch(self, wants: set[tuple[str, int, str | None]]) -> None:
        from ..services.compare import _library, region_names

        by_region: dict[str, tuple[str | None, set[str], set[int]]] = {}
        for canonical, year, region in wants:
            key = _region_key(region)
            _r, cans, years = by_region.setdefault(key, (region, set(), set()))
            cans.add(canonical)
            years.add(year)
        current = _library(self.session).current
        for key, (region, cans, years) in by_region.items():
            q = select(ReportFigure).where(ReportFigure.canonical.in_(sorted(cans)), ReportFigure.year.in_(sorted(years)),
                                           ReportFigure.role.in_(self.ROLES))
            if key:
                q = q.where(ReportFigure.region.in_(region_names(region or key)))
            rows = [f for f in self.session.scalars(q) if f.report_id in current and _region_key(f.region) == key]
            rows.sort(key=lambda f: (self.ROLES.index(f.role), f.report_id, f.ord))  # as pick reads them
            for c in cans:
                for y in years:
                    self.rows.setdefault((c, y, key), [f for f in rows if f.canonical == c and f.year == y])
            self._reports({f.report_id for f in rows})

    def _reports(self, ids: set[int]) -> None:
        missing = ids - self.reports.keys()
        if missing:
            self.reports.update((r.id, r) for r in self.session.scalars(
                select(Report).where(Report.id.in_(missing)).options(defer(Report.original))))

    def pick(self, canonical: str, measure: str | None, region: str | None, year: int,
             exclude_report: int | None) -> tuple[ReportFigure, Report] | None:
        from ..services.compare import _figures, _pick

        key = _region_key(region)
        if (canonical, year, key) not in self.rows:
            rows = [f for role in self.ROLES
                    for f in _figures(self.session, canonical=canonical, year=year, region=region, role=role)]
            self.rows[(canonical, year, key)] = [f for f in rows if _region_key(f.region) == key]
            self._reports({f.report_id for f in rows})
        cands = [f for f in self.rows[(canonical, year, key)]
                 if f.measure == measure and f.report_id != exclude_report]
        chosen, _others = _pick(cands, self.reports)
        return (chosen, self.reports[chosen.report_id]) if chosen is not None else None


def target_of(ti: TaskInfo) -> Target | None:
    """The task's target in force, as the status engine reads it (direction from the catalogue)."""
    t = ti.target
    if t is None or t.value is None:
        return None
    ind = indicator(t.canonical) if t.canonical else None
    return Target(value=t.value, unit=t.unit or "", measure=t.measure or "amount",
                  comparator=t.comparator or "eq", value_max=t.value_max,
                  direction=ind.direction if ind else "up")


def _facts_many(session: Session, tasks: list[Task], today: dt.date, *, with_actuals: bool = True,
                cfg: Settings | None = None) -> dict[int, tuple[Facts, TaskInfo, list[ProgressUpdate], Rating | None]]:
    ids = [t.id for t in tasks]
    ups: dict[int, list[ProgressUpdate]] = defaultdict(list)
    rts: dict[int, Rating] = {}
    if ids:
        # a task's history includes that of the earlier versions' tasks it continues (track.versions)
        lines = {i: [i, *a] for i, a in ancestors(session, ids).items()}
        every = {i for line in lines.values() for i in line}
        own: dict[int, list[ProgressUpdate]] = defaultdict(list)
        for u in session.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id.in_(every))
                                 .order_by(ProgressUpdate.reported_on, ProgressUpdate.id)):
            own[u.task_id].append(u)
        last: dict[int, Rating] = {}
        for r in session.scalars(select(Rating).where(Rating.task_id.in_(every)).order_by(Rating.id)):
            last[r.task_id] = r  # append-only: the last one wins
        for i, line in lines.items():
            ups[i] = own[i] if len(line) == 1 else sorted(
                (u for j in line for u in own[j]), key=lambda u: (u.reported_on, u.id))
            found = [last[j] for j in line if j in last]
            if found:
                rts[i] = max(found, key=lambda r: r.id)
    raters = dict(session.execute(select(User.id, User.username).where(
        User.id.in_({r.user_id for r in rts.values() if r.user_id}))).all()) if rts else {}
    infos = {t.id: info(t, today) for t in tasks}
    actuals = _Actuals(session)
    if with_actuals:
        actuals.prefetch({(ti.target.canonical, y, ti.region) for ti in infos.values()
                          if ti.target is not None and ti.target.value is not None and ti.target.canonical
                          and ti.plan_year for y in (ti.plan_year, ti.plan_year - 1)})
    out = {}
    for t in tasks:
        ti = infos[t.id]
        target = target_of(ti)
        year = ti.plan_year
        found: tuple[Actual, ...] = ()
        baseline = t.baseline
        if with_actuals and target is not None and ti.target.canonical and year:
            hit = actuals.pick(ti.target.canonical, ti.target.measure, ti.region, year, t.report_id)
            if hit:
                f, rep = hit
                found = (Actual(dt.date(year, 12, 31), f.value, f.unit, rep.doc),)
            if baseline is None and starts_from_last_year(target, ti.target.canonical, cfg):
                prev = actuals.pick(ti.target.canonical, ti.target.measure, ti.region, year - 1, None)
                if prev:
                    from ..link import convert

                    try:
                        baseline = convert(prev[0].value, prev[0].unit, target.unit, ti.target.canonical)
                    except ValueError:
                        baseline = None
        r = rts.get(t.id)
        facts = Facts(
            plan_year=year, deadline=ti.deadline, target=target,
            canonical=ti.target.canonical if ti.target else None, baseline=baseline,
            milestones=tuple((m.date, m.expected) for m in ti.milestones),
            updates=tuple(Update(u.reported_on, u.status, u.percent, u.value, u.unit, u.id) for u in ups[t.id]),
            actuals=found,
            rating=Judgement(r.level, r.scale, r.reason, r.created_at.date() if r.created_at else None,
                             raters.get(r.user_id)) if r else None)
        out[t.id] = (facts, ti, ups[t.id], r)
    return out


# ---------------------------------------------------------------- status, history

def _status_of(facts: Facts, ti: TaskInfo, r: Rating | None, latest: UpdateInfo | None, today: dt.date,
               cfg: Settings) -> TaskStatus:
    st = evaluate(facts, today, cfg)
    rating = None
    if r is not None:
        rating = RatingInfo(r.id, r.task_id, r.level, r.scale, r.reason,
                            facts.rating.by if facts.rating else None, r.created_at)
    scale = r.scale if r is not None and r.scale in SCALES else cfg.scale
    return TaskStatus(ti, st, latest, rating, definitions(cfg, scale),
                      replace(facts, updates=(), actuals=(), rating=None))


def _compute(session: Session, tasks: list[Task], today: dt.date, cfg: Settings) -> list[TaskStatus]:
    """The statuses of ``tasks``, uncached: one query per table, not per task."""
    facts = _facts_many(session, tasks, today, cfg=cfg)
    seen = {}
    for t in tasks:
        ups = [u for u in facts[t.id][2] if u.reported_on <= today]
        if ups:
            seen[t.id] = ups[-1]  # ordered by date reported, then id
    infos = {u.id: u for u in _update_infos(session, list(seen.values()))} if seen else {}
    out = []
    for t in tasks:
        f, ti, _ups, r = facts[t.id]
        # by the update's id: it may be one of an earlier version's task this one continues
        out.append(_status_of(f, ti, r, infos.get(seen[t.id].id) if t.id in seen else None, today, cfg))
    return out


def task_status(session: Session, task_id: int, *, today: dt.date | None = None,
                cfg: Settings | None = None) -> TaskStatus:
    """Every axis of one task on ``today``, each with its definition, plus the definitions of
    every value (so an interface can show all statuses and what they mean). Taken from its
    report's cached statuses when they are current; else computed for this task alone (cheaper
    than the whole report, which a list read will fill)."""
    from .tasks import _load

    today = today or dt.date.today()
    cfg = cfg or settings()
    task = _load(session, task_id)
    if _cacheable(session):
        stamp = _stamps(session, [task.report_id])[task.report_id]
        hit = CACHE.peek(_engine(session), (task.report_id, today, cfg), stamp)
        if hit is not None:
            found = next((ts for ts in hit.statuses if ts.task.id == task_id), None)
            if found is not None:
                return found
    return _compute(session, [task], today, cfg)[0]


def statuses(session: Session, *, report_id: int | None = None, department: int | str | None = None,
             today: dt.date | None = None, cfg: Settings | None = None) -> list[TaskStatus]:
    """The status of many tasks at once (a report's, a department's, or all), by report then
    number. Served from the per-report cache (see the module's docstring)."""
    today = today or dt.date.today()
    cfg = cfg or settings()
    if not _cacheable(session):
        return _compute(session, load_tasks(session, report_id=report_id, department=department), today, cfg)
    wanted: dict[int, set[int]] | None = None
    if department is not None:
        from . import departments
        from .errors import NotFound

        dep = departments.find(session, department)
        if dep is None:
            raise NotFound(f"no department {department!r}")
        q = select(Task.report_id, Task.id).where(
            Task.id.in_(select(Assignment.task_id).where(Assignment.department_id == dep.id)))
        if report_id is not None:
            q = q.where(Task.report_id == report_id)
        wanted = defaultdict(set)
        for rid, tid in session.execute(q):
            wanted[rid].add(tid)
        reports = sorted(wanted)
    elif report_id is not None:
        reports = [report_id]
    else:
        reports = sorted(session.scalars(select(Task.report_id).distinct()))
    stamps = _stamps(session, reports)
    closed = closed_among(session, reports) if report_id is None else set()  # as load_tasks across reports
    out: list[TaskStatus] = []
    for rid in reports:
        entry = _report_entry(session, rid, today, cfg, stamps[rid])
        out.extend(ts for ts in entry.statuses
                   if (wanted is None or ts.task.id in wanted[rid]) and ts.task.id not in closed)
    return out


def history(session: Session, task_id: int, *, as_of: dt.date | None = None) -> TaskHistory:
    from .tasks import _load

    task = _load(session, task_id)
    return TaskHistory(info(task, as_of), revisions(session, task_id), updates(session, task_id),
                       ratings(session, task_id))


# ---------------------------------------------------------------- choosing a report

@dataclass(frozen=True)
class ReportChoice:
    """A current report as a picker shows it (the columns, not the ORM row with its text)."""

    id: int
    title: str | None
    source: str
    region: str | None
    level: str | None
    kind: str | None
    plan_year: int | None
    tasks: int  # tracked tasks (0: not tracked)


@dataclass(frozen=True)
class Choices:
    """The current reports as pickers read them, with what is derived from them once."""

    rows: tuple[ReportChoice, ...]  # by region, plan year, id (as ``store.current_reports``)
    default: int | None  # ``default_report_id``
    stamp: Stamp | None  # the stamp they were read under (None: read uncached, in a writing transaction)


_CHOICES: StampedCache[Choices] = StampedCache(size=8)
_CHOICES_STAMP = "luoshi_choices_stamp"


def choices(session: Session) -> Choices:
    """Every current report with its number of tasks — for pickers and for choosing the default
    report without loading every report row. Reused while the library and the tasks' count and
    largest id are unchanged (read once per transaction): at 2,000 reports, loading the rows
    twice per page cost more than the rest of the overview together."""
    def load(stamp: Stamp | None) -> Choices:
        counts = dict(session.execute(select(Task.report_id, func.count(Task.id)).group_by(Task.report_id)).all())
        q = (select(Report.id, Report.title, Report.source, Report.region, Report.level, Report.kind,
                    Report.plan_year).where(Report.is_current).order_by(Report.region, Report.plan_year, Report.id))
        rows = tuple(ReportChoice(*row, counts.get(row[0], 0)) for row in session.execute(q))
        default = max(rows, key=lambda r: (r.tasks > 0, r.plan_year or 0, r.id)).id if rows else None
        return Choices(rows, default, stamp)

    if not reads_committed(session):
        return load(None)
    stamp = session.info.get(_CHOICES_STAMP)
    if stamp is None:
        stamp = session.info[_CHOICES_STAMP] = (
            *library_stamp(session), *session.execute(select(func.count(Task.id), func.max(Task.id))).one())
    return _CHOICES.get(engine(session), "choices", stamp, lambda: load(stamp))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CHOICES_STAMP, None)


def report_choices(session: Session) -> list[ReportChoice]:
    """Every current report, by region then plan year (as ``store.current_reports``), with its
    number of tasks (``choices``)."""
    return list(choices(session).rows)


def default_report_id(session: Session) -> int | None:
    """The report a page shows when none is asked for: the newest current report with tasks,
    else the newest current report (``web.pages.choose_report``'s rule)."""
    return choices(session).default


# ---------------------------------------------------------------- roll-ups

def _empty_counts(cfg: Settings) -> dict[str, dict[str, int]]:
    defs = definitions(cfg)
    return {a: {c: 0 for c in defs[a]} for a in AXES}


def _count(into: dict[str, dict[str, int]], st: Status) -> None:
    for a in AXES:
        code = getattr(st, a).code
        into[a][code] = into[a].get(code, 0) + 1


def rollups(session: Session, report_id: int, *, today: dt.date | None = None,
            cfg: Settings | None = None) -> Rollups:
    """Counts per axis value for the whole report, per top-level section (in report order) and
    per department (a task counts for every department assigned to it, lead or responsible)."""
    today = today or dt.date.today()
    cfg = cfg or settings()
    if session.get(Report, report_id) is None:
        from .errors import NotFound

        raise NotFound(f"no report {report_id}")
    if not _cacheable(session):
        return _rollups(report_id, today, cfg, statuses(session, report_id=report_id, today=today, cfg=cfg))
    entry = _report_entry(session, report_id, today, cfg, _stamps(session, [report_id])[report_id])
    if entry.rollups is None:  # two threads may both count: the same answer, no harm
        entry.rollups = _rollups(report_id, today, cfg, entry.statuses)
    return entry.rollups


def _rollups(report_id: int, today: dt.date, cfg: Settings, sts: list[TaskStatus]) -> Rollups:
    whole = _empty_counts(cfg)
    sections: dict[str, dict[str, dict[str, int]]] = {}
    section_n: dict[str, int] = defaultdict(int)
    deps: dict[int, dict[str, dict[str, int]]] = {}
    dep_n: dict[int, int] = defaultdict(int)
    dep_names: dict[int, str] = {}
    for ts in sts:
        _count(whole, ts.status)
        sec = ts.task.section.split(" / ")[0] if ts.task.section else ""
        _count(sections.setdefault(sec, _empty_counts(cfg)), ts.status)
        section_n[sec] += 1
        for d in {a.department_id: a.department for a in ts.task.assignments}.items():
            dep_names[d[0]] = d[1]
            _count(deps.setdefault(d[0], _empty_counts(cfg)), ts.status)
            dep_n[d[0]] += 1
    return Rollups(
        report_id, today, Rollup("report", str(report_id), len(sts), whole),
        [Rollup("section", s, section_n[s], c) for s, c in sections.items()],
        [Rollup("department", dep_names[d], dep_n[d], deps[d], d) for d in sorted(deps)])


# ---------------------------------------------------------------- reminders

def reminders(session: Session, *, department: int | str | None = None, days: int | None = None,
              silent_days: int | None = None, today: dt.date | None = None,
              report_id: int | None = None) -> list[DepartmentReminders]:
    """Per department: its tasks due within ``days`` (default: tracking.toml's due-soon window),
    overdue, and without any update for ``silent_days`` (default: tracking.toml) — counted from
    the task's latest update, else from 1 January of the plan year. Completed tasks are left out."""
    today = today or dt.date.today()
    cfg = settings()
    days = cfg.due_soon_days if days is None else days
    silent_days = cfg.silent_days if silent_days is None else silent_days
    cfg = replace(cfg, due_soon_days=days)
    tasks = load_tasks(session, report_id=report_id, department=department)
    only = None
    if department is not None:
        from . import departments

        only = departments.find(session, department).id
    facts = _facts_many(session, tasks, today, with_actuals=False, cfg=cfg)
    groups: dict[int | None, DepartmentReminders] = {}
    for t in tasks:
        f, ti, ups, _r = facts[t.id]
        st = evaluate(f, today, cfg)
        if st.completed_on is not None:
            continue
        seen = [u.reported_on for u in ups if u.reported_on <= today]
        last = max(seen) if seen else None
        since = last or (dt.date(ti.plan_year, 1, 1) if ti.plan_year else None)
        silent = since is not None and (today - since).days >= silent_days
        code = st.schedule.code
        if code not in ("due_soon", "overdue") and not silent:
            continue
        roles = [(a.department_id, a.department, a.role) for a in ti.assignments] or [(None, "未分配", "")]
        for dep_id, name, role in roles:
            if only is not None and dep_id != only:
                continue
            g = groups.setdefault(dep_id, DepartmentReminders(dep_id, name))
            if any(x.task_id == t.id for x in g.due_soon + g.overdue + g.silent):
                continue  # lead and responsible both: one reminder
            def item(n: int) -> ReminderItem:
                return ReminderItem(t.id, t.report_id, t.number, ti.text, st.deadline, n, last, role)
            if code == "due_soon":
                g.due_soon.append(item((st.deadline - today).days))
            elif code == "overdue":
                g.overdue.append(item((today - st.deadline).days))
            if silent:
                g.silent.append(item((today - since).days))
    named = sorted((g for k, g in groups.items() if k is not None), key=lambda g: g.department_id)
    return named + ([groups[None]] if None in groups else [])


# ---------------------------------------------------------------- the status cache

@dataclass
class _Entry:
    statuses: list[TaskStatus]
    rollups: Rollups | None = None
    library: Stamp = ()  # the library part of the stamp it was computed under
    versions: dict[int, int] = field(default_factory=dict)  # task id → the version computed


CACHE: StampedCache[_Entry] = StampedCache(size=64)  # ~0.8 MB per report of 194 tasks and date
_cacheable = reads_committed
_engine = engine


def _stamps(session: Session, report_ids: list[int]) -> dict[int, Stamp]:
    """The stamp of each report: its tasks' count and sum of versions (every committed tracking
    write adds one, whatever order transactions commit in), with the library's stamp (an import
    may bring the actual a task is judged by). Indexed aggregates."""
    library = library_stamp(session)
    per: dict[int, tuple[int, int]] = {rid: (0, 0) for rid in report_ids}
    if report_ids:
        q = select(Task.report_id, func.count(Task.id), func.coalesce(func.sum(Task.version), 0))
        q = q.where(Task.report_id == report_ids[0]) if len(report_ids) == 1 else q.where(
            Task.report_id.in_(report_ids))
        for rid, n, versions in session.execute(q.group_by(Task.report_id)):
            per[rid] = (int(n), int(versions))
    return {rid: (*per[rid], *library) for rid in report_ids}


def _report_entry(session: Session, report_id: int, today: dt.date, cfg: Settings, stamp: Stamp) -> _Entry:
    key = (report_id, today, cfg)
    return CACHE.get(_engine(session), key, stamp,
                     lambda: _refreshed(session, report_id, today, cfg, stamp, CACHE.latest(_engine(session), key)))


def _fresh(session: Session, report_id: int, today: dt.date, cfg: Settings, stamp: Stamp) -> _Entry:
    tasks = load_tasks(session, report_id=report_id)
    return _Entry(_compute(session, tasks, today, cfg), None, stamp[2:], {t.id: t.version for t in tasks})


def _refreshed(session: Session, report_id: int, today: dt.date, cfg: Settings, stamp: Stamp,
               old: _Entry | None) -> _Entry:
    """The report's statuses from the entry kept before, recomputing only the tasks whose
    version moved — when nothing else did (the same tasks, the same library). Every tracking
    write bumps its task's version, so one update costs one task, not the report's 194 (under a
    steady stream of writes the whole-report recomputation halved the soak's throughput)."""
    if old is None or old.library != stamp[2:] or not old.versions:
        return _fresh(session, report_id, today, cfg, stamp)
    now = dict(session.execute(select(Task.id, Task.version).where(Task.report_id == report_id)).all())
    if now.keys() != old.versions.keys():
        return _fresh(session, report_id, today, cfg, stamp)
    changed = [i for i, v in now.items() if v != old.versions[i]]
    if 2 * len(changed) > len(now):
        return _fresh(session, report_id, today, cfg, stamp)
    tasks = load_tasks(session, ids=changed) if changed else []
    fresh = {ts.task.id: ts for ts in _compute(session, tasks, today, cfg)}
    return _Entry([fresh.get(ts.task.id, ts) for ts in old.statuses], None, stamp[2:],
                  {**old.versions, **{t.id: t.version for t in tasks}})
