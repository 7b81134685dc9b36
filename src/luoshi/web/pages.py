"""What each page shows, gathered from the services (compare, track, the store): plain data
for the templates, no HTML. Views parse the request, call one of these, render."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..link import indicator as indicator_info
from ..services.compare import Comparison, across_regions, compare, narrowing, region_key
from ..services.readcache import StampedCache, engine, library_stamp, reads_committed
from ..store import AuditEntry, Report, ReportFigure, ReportNode, Task
from ..track import services as S
from ..track.status import Facts, definitions, effective_deadline, plan_start, trajectory
from ..track.views import Choices, ReportChoice, choices, default_report_id, report_choices, target_of
from . import labels as L
from .reader import Span, markup
from .svg import Bar, bars, num
from .svg import trajectory as trajectory_chart

PER_PAGE = 25
MAIN = "主要预期目标"


# ---------------------------------------------------------------- reports

def query_string(params: dict[str, Any], **defaults: Any) -> str:
    """A page's query string: blank values left out, and so are ``page`` 1 and the given
    defaults, so each view of a page has one URL."""
    from urllib.parse import urlencode

    defaults = {"page": 1, **defaults}
    return urlencode({k: v for k, v in params.items()
                      if v not in ("", None, False) and not (k in defaults and v == defaults[k])})


PICK_REGION, PICK_TRACKED, PICK_RECENT = 12, 12, 8  # options per group of the report picker
FIND_LIMIT = 50  # reports a search lists


@dataclass(frozen=True)
class Picker:
    """The report picker: a few groups of reports (never the whole library: 2,000 options cost
    more to render than the rest of the overview), and the library's size for the search."""

    groups: list[tuple[str, list[ReportChoice]]]
    selected: int
    total: int


def _choice_of(r: Report) -> ReportChoice:
    return ReportChoice(r.id, r.title, r.source, r.region, r.level, r.kind, r.plan_year, 0)


_PICKERS: StampedCache[Picker] = StampedCache(size=64)


def picker(s: Session, report: Report, actor: S.Actor | None) -> Picker:
    """The reports of the reader's region (its department's, else the report's), newest year
    first; the tracked reports; the latest imported — each report once, the shown one always.
    Kept per report and region while the reports to choose from are unchanged."""
    from ..store import Department

    dep = s.get(Department, actor.department_id) if actor is not None and actor.department_id else None
    region = (dep.region if dep is not None else "") or report.region or ""
    got = choices(s)
    if got.stamp is None:
        return _picker(got, report, region)
    return _PICKERS.get(engine(s), (report.id, region), got.stamp, lambda: _picker(got, report, region))


def _picker(got: Choices, report: Report, region: str) -> Picker:
    key = region_key(region)
    newest = sorted(got.rows, key=lambda r: (r.plan_year or 0, r.id), reverse=True)
    seen: set[int] = set()

    def take(rows: Any, n: int) -> list[ReportChoice]:
        out = []
        for r in rows:
            if len(out) == n:
                break
            if r.id not in seen:
                seen.add(r.id)
                out.append(r)
        return out

    groups = [(f"{region}的报告" if region else "未标地区的报告",
               take((r for r in newest if region_key(r.region) == key), PICK_REGION)),
              ("正在跟踪的报告", take((r for r in newest if r.tasks), PICK_TRACKED)),
              ("最近导入的报告", take(sorted(got.rows, key=lambda r: r.id, reverse=True), PICK_RECENT))]
    groups = [(name, rows) for name, rows in groups if rows]
    if report.id not in seen:
        shown = next((r for r in got.rows if r.id == report.id), None) or _choice_of(report)
        groups.insert(0, ("正在查看", [shown]))
    return Picker(groups, report.id, len(got.rows))


@dataclass(frozen=True)
class Found:
    q: str
    rows: list[ReportChoice]
    total: int  # matches in all (``rows`` holds the first ``FIND_LIMIT``)


def _words(q: str) -> tuple[str, list[str]]:
    """The query as shown (spaces collapsed, 100 characters at most) and its words (8 at most)."""
    q = " ".join(q.split())[:100]
    return q, q.lower().split()[:8]


def _holds(r: ReportChoice, words: list[str]) -> bool:
    """Whether the report's title, file name, region or plan year (``2024`` or ``2024年``) hold
    every word."""
    return all(w in f"{r.title or ''} {r.source} {r.region or ''} {r.plan_year or ''}年".lower() for w in words)


def _newest(r: ReportChoice) -> tuple:
    return (-(r.plan_year or 0), r.region or "", r.id)


def find_reports(s: Session, q: str, limit: int = FIND_LIMIT) -> Found:
    """The current reports whose title, file name, region or plan year (``2024`` or ``2024年``)
    contain every word of ``q`` (split at spaces), newest year first."""
    q, words = _words(q)
    if not words:
        return Found(q, [], 0)
    hits = sorted((r for r in report_choices(s) if _holds(r, words)), key=_newest)
    return Found(q, hits[:limit], len(hits))


LIBRARY_PAGE = 100  # reports a page of /reports


@dataclass
class LibraryRow:
    report: ReportChoice
    format: str
    version: int
    imported_at: dt.datetime | None


@dataclass
class Library:
    """A page of the library's current reports, narrowed by the form, newest year first."""

    rows: list[LibraryRow]
    total: int  # current reports matching the filters
    library: int  # current reports in all
    page: int
    pages: int
    filters: dict[str, Any]  # q, region, year, level, tracked as asked
    regions: list[str]
    years: list[int]
    levels: list[str]

    def link(self, **change: Any) -> str:
        return query_string({**self.filters, "page": self.page, **change})


def library_page(s: Session, *, q: str = "", region: str = "", year: int | None = None, level: str = "",
                 tracked: bool = False, page: int = 1) -> Library:
    """The library page: the current reports (read from the cached report choices, not the rows
    with their texts) narrowed and paged; only the page's rows are read for their format,
    version and import time."""
    every = report_choices(s)
    q, words = _words(q)
    rows = [r for r in every
            if (not words or _holds(r, words)) and (not region or r.region == region)
            and (year is None or r.plan_year == year) and (not level or r.level == level)
            and (not tracked or r.tasks)]
    rows.sort(key=_newest)
    pages = max(1, math.ceil(len(rows) / LIBRARY_PAGE))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * LIBRARY_PAGE:page * LIBRARY_PAGE]
    more = {r.id: r for r in s.execute(select(Report.id, Report.format, Report.version, Report.imported_at)
                                       .where(Report.id.in_([r.id for r in shown])))} if shown else {}
    out = [LibraryRow(r, more[r.id].format, more[r.id].version, more[r.id].imported_at) for r in shown if r.id in more]
    levels = [lv for lv in L.LEVEL_ZH if any(r.level == lv for r in every)]
    return Library(out, len(rows), len(every), page, pages,
                   {"q": q, "region": region, "year": year or "", "level": level, "tracked": "1" if tracked else ""},
                   sorted({r.region for r in every if r.region}), sorted({r.plan_year for r in every if r.plan_year},
                                                                       reverse=True), levels)


def choose_report(s: Session, report_id: int | None = None) -> Report | None:
    """The report a page is about: the one asked for, else the newest current report that has
    tasks, else the newest current report."""
    if report_id is None:
        report_id = default_report_id(s)
        if report_id is None:
            return None
    r = s.get(Report, report_id)
    if r is None:
        raise S.NotFound(f"没有编号为 {report_id} 的报告")
    return r


def existing_version(s: Session, key: str | None, sha256: str | None) -> dict[str, Any] | None:
    """What an upload with this doc key would meet: the same bytes already stored (a no-op), or
    the current version it would replace, with its task count (for the import preview)."""
    if not key:
        return None
    same = s.scalars(select(Report).where(Report.doc_key == key, Report.sha256 == sha256)).first() if sha256 else None
    cur = s.scalars(select(Report).where(Report.doc_key == key, Report.is_current)).first()
    if same is None and cur is None:
        return None
    r = same or cur
    tasks = s.scalar(select(func.count()).select_from(Task).where(Task.report_id == r.id)) or 0
    return {"report": r, "label": report_label(r), "same": same is not None, "tasks": tasks}


def report_label(r: Report | ReportChoice) -> str:
    return r.title or f"{r.region or ''}{r.plan_year or ''} {r.source}"


def status_definitions() -> dict[str, Any]:
    """Every status value of every axis with its label and definition (for the legend)."""
    return definitions()


# ---------------------------------------------------------------- overview

@dataclass(frozen=True)
class Card:
    indicator: str
    target: str
    actual: str
    verdict: str
    verdict_zh: str
    verdict_def: str
    gap: str
    source: str
    source_report: int | None
    source_figure: int | None
    target_figure: int | None
    task_id: int | None
    status: S.TaskStatus | None
    start: int = -1  # where the target stands in the report's text (finds the task holding it)


def _main_node(s: Session, report_id: int) -> ReportNode | None:
    for n in s.scalars(select(ReportNode).where(ReportNode.report_id == report_id,
                                                ReportNode.kind == "paragraph")):
        if (n.flags or {}).get("main_targets"):
            return n
    return None


def _target_text(c: Comparison) -> str:
    if c.target_comparator == "rule":
        return "定性目标"
    v = num(c.target_value) + (f"–{num(c.target_value_max)}" if c.target_value_max is not None else "")
    return f"{L.MEASURE_ZH.get(c.measure, '') if c.measure == 'growth' else ''}{v}{c.target_unit}" \
           f"{L.COMPARATOR_ZH.get(c.target_comparator, '')}"


def _actual_text(c: Comparison) -> str:
    if c.actual_value is not None:
        return f"{num(c.actual_value)}{c.actual_unit or ''}"
    if c.target_comparator == "rule" and c.verdict in ("met", "missed"):
        return rule_numbers(c.rule) or "见规则"
    return "—"


def rule_numbers(rule: str) -> str:
    """The numbers a qualitative rule compared, with the indicators' Chinese names:
    'disposable_income 4.9% vs gdp 5.1%' → '居民人均可支配收入 4.9%，地区生产总值 5.1%'."""
    m = re.search(r";\s*([a-z_]+) (-?[\d.]+%?) vs ([a-z_]+) (-?[\d.]+%?)\s*$", rule or "")
    if not m:
        return ""
    name = lambda i: getattr(indicator_info(i), "zh", "") or i  # noqa: E731
    return f"{name(m.group(1))} {m.group(2)}，{name(m.group(3))} {m.group(4)}"


def _gap_text(c: Comparison) -> str:
    if c.gap is None:
        return ""
    sign = "+" if c.gap > 0 else ""
    return f"{sign}{num(round(c.gap, 2))}{c.gap_unit}"


def _figure_at(s: Session, report_id: int, start: int) -> int | None:
    return s.scalar(select(ReportFigure.id).where(ReportFigure.report_id == report_id,
                                                  ReportFigure.start == start).order_by(ReportFigure.id).limit(1))


def _figures_at(s: Session, places: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The figure at each (report id, start), as ``_figure_at`` finds it, in one query."""
    by: dict[int, set[int]] = {}
    for rid, start in places:
        by.setdefault(rid, set()).add(start)
    if not by:
        return {}
    q = (select(ReportFigure.report_id, ReportFigure.start, func.min(ReportFigure.id))
         .where(or_(*(and_(ReportFigure.report_id == rid, ReportFigure.start.in_(sorted(starts)))
                      for rid, starts in sorted(by.items()))))
         .group_by(ReportFigure.report_id, ReportFigure.start))
    return {(rid, start): fid for rid, start, fid in s.execute(q)}


HISTORY_YEARS = 10  # years in a target-and-actual chart: a 300-px chart stays readable


@dataclass(frozen=True)
class Targets:
    """What the overview shows of a report's targets that depends on the imported reports alone:
    the cards (without their tasks) and the history charts."""

    cards: list[Card]
    charts: list[Any]


def _targets(s: Session, report: Report) -> Targets:
    """Uncached: the main expected targets with their actuals and verdicts, in the report's
    order, and one chart per indicator of the report's targets."""
    rows = compare(s, region=report.region, year=report.plan_year)
    node = _main_node(s, report.id)
    main = [] if node is None else [c for c in rows if c.target_source.report_id == report.id
                                    and node.start <= c.target_source.start < node.end]
    figs = _figures_at(s, {(report.id, c.target_source.start) for c in main}
                       | {(c.actual_source.report_id, c.actual_source.start) for c in main if c.actual_source})
    out = []
    for c in main:
        a = c.actual_source
        out.append(Card(c.indicator, _target_text(c), _actual_text(c), c.verdict,
                        L.VERDICT_ZH.get(c.verdict, c.verdict), L.VERDICT_DEF.get(c.verdict, ""),
                        _gap_text(c), (a.title or a.doc) if a else "", a.report_id if a else None,
                        figs.get((a.report_id, a.start)) if a else None,
                        figs.get((report.id, c.target_source.start)), None, None, c.target_source.start))
    return Targets(out, _history_charts(s, report, rows))


def _history_charts(s: Session, report: Report, rows: list[Comparison]) -> list[Any]:
    """Targets against actuals over the last ``HISTORY_YEARS`` years the library has up to the
    report's year, one small chart per indicator of the report's targets (units differ, so
    each has its own scale)."""
    wanted = {c.target_source.start: c for c in rows
              if c.target_source.report_id == report.id and c.canonical and c.target_value is not None}
    out = []
    for canon in dict.fromkeys(c.canonical for c in wanted.values()):
        rows = [c for c in compare(s, indicator=canon, region=report.region) if c.target_value is not None]
        years = sorted({c.year for c in rows if c.year and (report.plan_year is None or c.year <= report.plan_year)})
        groups = []
        for y in years[-HISTORY_YEARS:]:
            c = next(c for c in rows if c.year == y)
            groups.append((f"{y}年", [Bar("目标", c.target_value, "bar-target"),
                                      Bar("实际", c.actual_value, f"bar-actual v-{c.verdict}",
                                          L.VERDICT_ZH.get(c.verdict, ""))]))
        if groups and any(b.value is not None for _g, bs in groups for b in bs[1:]):
            first = rows[0]
            out.append(bars(groups, title=f"{first.indicator}：目标与实际", unit=first.target_unit,
                            width=300, height=190))
    return out


_TARGETS: StampedCache[Targets] = StampedCache(size=32)


def targets(s: Session, report: Report) -> Targets:
    """``_targets``, kept per report while the library's stamp holds (they depend on the
    imported reports alone: a report's text, figures and outline never change, and every
    import adds a report row): at 2,000 reports they were most of the overview's time — one
    query per card, the comparisons of every year of each indicator, the charts drawn."""
    if not reads_committed(s):
        return _targets(s, report)
    return _TARGETS.get(engine(s), report.id, library_stamp(s), lambda: _targets(s, report))


def _with_task(c: Card, statuses: list[S.TaskStatus]) -> Card:
    """The card with the task that holds its target and that task's status (as ``statuses``
    have it: current to the read)."""
    st = next((t for t in statuses if t.task.start <= c.start < t.task.end), None)
    return replace(c, task_id=st.task.id if st else None, status=st)


@dataclass
class Overview:
    report: Report
    cards: list[Card]
    whole: S.Rollup
    by_section: list[S.Rollup]
    by_department: list[S.Rollup]
    overdue: list[S.TaskStatus]
    charts: list[Any]
    axis: str
    definitions: dict[str, Any]
    rollups: S.Rollups | None = None  # what whole, by_section and by_department come from


def overview(s: Session, report: Report, today: dt.date, axis: str = "reported") -> Overview:
    sts = S.statuses(s, report_id=report.id, today=today)
    roll = S.rollups(s, report.id, today=today)
    t = targets(s, report)
    overdue = [ts for ts in sts if ts.status.schedule.code == "overdue"]
    return Overview(report, [_with_task(c, sts) for c in t.cards], roll.whole, roll.by_section,
                    roll.by_department, overdue, t.charts, axis, definitions(), roll)


# ---------------------------------------------------------------- reader

@dataclass
class Reader:
    report: Report
    html: Any
    toc: list[tuple[int, int, str]]  # (node id, depth, title)
    figures: int
    tasks: int


def reader(s: Session, report: Report, *, task_id: int | None = None, figure_id: int | None = None,
           link: str = "", hit: tuple[int, int] | None = None) -> Reader:
    """The original text with the outline as anchors, tasks and figures marked in place.
    ``link`` prefixes the figure links (the public reader has its own); ``hit`` (start, end in
    the original) is highlighted, with the anchor ``#hit`` at its start (a search result)."""
    nodes = list(s.scalars(select(ReportNode).where(ReportNode.report_id == report.id,
                                                    ReportNode.kind != "sentence").order_by(ReportNode.ord)))
    toc = []
    points: dict[int, str] = {}
    for n in nodes:
        f = n.flags or {}
        title = MAIN if f.get("main_targets") else n.title
        if n.kind == "part" or n.kind == "section" or f.get("themed") or f.get("main_targets"):
            depth = 1 if n.kind == "part" else 2 if n.kind == "section" or f.get("main_targets") else 3
            toc.append((n.id, depth, title.rstrip("。")))
            points[n.start] = points.get(n.start, "") + f'<span class="anchor" id="n-{n.id}"></span>'
    spans: list[Span] = []
    tasks = list(s.scalars(select(Task).where(Task.report_id == report.id)))
    for t in tasks:
        cls = "task task-on" if t.id == task_id else "task"
        spans.append(Span(t.start, t.end, f'<span class="{cls}" id="t-{t.id}" data-task="{t.id}" '
                                          f'data-number="{t.number}">', "</span>", 0))
    figs = list(s.scalars(select(ReportFigure).where(ReportFigure.report_id == report.id)
                          .order_by(ReportFigure.ord)))
    for f in figs:
        role = f.role if f.role in ("target", "actual", "estimate") else "other"
        on = " fig-on" if f.id == figure_id else ""
        spans.append(Span(f.start, f.end,
                          f'<a class="fig fig-{role}{on}" id="f-{f.id}" data-fig="{f.id}" '
                          f'href="{link}?fig={f.id}#f-{f.id}">', "</a>", 1))
    if hit is not None and 0 <= hit[0] < hit[1] <= len(report.original):
        # outermost (rank -1), so figures and tasks inside it stay marked; the anchor holds even
        # where a task crossing its edge makes the mark give way
        spans.append(Span(hit[0], hit[1], '<mark class="hit">', "</mark>", -1))
        points[hit[0]] = points.get(hit[0], "") + '<span class="anchor" id="hit"></span>'
    return Reader(report, markup(report.original, spans, points), toc, len(figs), len(tasks))


@dataclass
class FigureDetail:
    figure: ReportFigure
    report: Report
    role_zh: str
    measure_zh: str
    comparator_zh: str
    indicator_name: str
    tasks: list[Task]
    comparisons: list[Comparison] = field(default_factory=list)


def figure_detail(s: Session, figure_id: int) -> FigureDetail:
    f = s.get(ReportFigure, figure_id)
    if f is None:
        raise S.NotFound(f"没有编号为 {figure_id} 的数字")
    fid = f.to_figure().id
    holders = [t for t in s.scalars(select(Task).where(Task.report_id == f.report_id).order_by(Task.number))
               if fid in (t.figure_ids or []) or t.figure_id == f.id]
    ind = indicator_info(f.canonical) if f.canonical else None
    comps = []
    if f.canonical and f.role == "target":
        comps = [c for c in compare(s, indicator=f.canonical, region=f.region, year=f.year)
                 if c.target_source.report_id == f.report_id and c.target_source.start == f.start]
    return FigureDetail(f, f.report, L.FIGURE_ROLE_ZH.get(f.role, f.role), L.MEASURE_ZH.get(f.measure, f.measure),
                        L.COMPARATOR_ZH.get(f.comparator, f.comparator) or "等于",
                        getattr(ind, "zh", "") or "", holders, comps)


# ---------------------------------------------------------------- board

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
                 sections, deps, kinds, definitions())


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


def task_chart(ts: S.TaskStatus, hist: S.TaskHistory) -> Any:
    """The trajectory of a numeric target with the reported values and the latest actual."""
    ti = ts.task
    target = target_of(ti)
    if target is None:
        return None
    facts = Facts(plan_year=ti.plan_year, deadline=ti.deadline, target=target,
                  canonical=ti.target.canonical if ti.target else None, baseline=ti.baseline,
                  milestones=tuple((m.date, m.expected) for m in ti.milestones))
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


def _audit(s: Session, task_id: int) -> list[AuditEntry]:
    ents = list(s.scalars(select(AuditEntry).where(AuditEntry.entity.in_(
        ("task", "assignment", "progress_update", "rating", "task_revision"))).order_by(AuditEntry.id)))
    def mine(e: AuditEntry) -> bool:
        if e.entity == "task":
            return e.entity_id == str(task_id)
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
    return TaskPage(ts, hist, report, before[before.rfind("\n") + 1:].lstrip("\u3000 "), after.split("\n")[0], figs,
                    task_chart(ts, hist), _audit(s, task_id), may_report(actor, ts.task))


def may_report(actor: S.Actor | None, task: S.TaskInfo) -> bool:
    if actor is None:
        return False
    if actor.role in ("admin", "supervisor"):
        return True
    return actor.role == "reporter" and actor.department_id in {a.department_id for a in task.assignments}


# ---------------------------------------------------------------- compare

@dataclass
class ComparePage:
    rows: list[Comparison]  # this page's
    indicators: list[tuple[str, str]]
    regions: list[str]
    years: list[int]
    indicator: str
    region: str
    year: int | None
    across: bool
    chart: Any
    all_years: bool = False  # the reader asked for every year
    defaulted: bool = False  # no filter was given: the year shown is the default one
    total: int = 0
    verdicts: list[tuple[str, int]] = field(default_factory=list)  # (verdict, count) over all pages
    page: int = 1
    pages: int = 1

    def query(self, **change: Any) -> str:
        """This page's filters as a query string, with ``change`` applied (for the pager)."""
        return query_string({"indicator": self.indicator, "region": self.region,
                             "year": "all" if self.all_years else (self.year or ""),
                             "across": "1" if self.across else "", "page": self.page, **change})


COMPARE_PAGE = 200  # rows a page: the whole library holds ~16 targets a report


def compare_page(s: Session, *, indicator: str = "", region: str = "", year: int | None = None,
                 across: bool = False, all_years: bool = False, page: int = 1,
                 today: dt.date | None = None) -> ComparePage:
    """The comparison table, a page at a time. With no filter at all it shows the latest year
    whose targets are due (a library of thousands of reports holds tens of thousands of
    targets); 全部年份 (``all_years``) lifts that."""
    narrow = narrowing(s)
    chart = None
    defaulted = False
    if not (indicator or region or year or across or all_years):
        year = narrow.default_year((today or dt.date.today()).year)
        defaulted = year is not None
    if across and indicator and year:
        rows = across_regions(s, indicator=indicator, year=year)
        groups = [(r.region or "—", [Bar("目标", r.target_value, "bar-target"),
                                      Bar("实际", r.actual_value, f"bar-actual v-{r.verdict}",
                                          L.VERDICT_ZH.get(r.verdict, ""))]) for r in rows]
        if rows:
            chart = bars(groups, title=f"{rows[0].indicator} {year}年：各地区目标与实际",
                         unit=rows[0].target_unit)
    else:
        rows = compare(s, indicator=indicator or None, region=region or None, year=year)
    pages = max(1, math.ceil(len(rows) / COMPARE_PAGE))
    page = min(max(1, page), pages)
    counts = Counter(r.verdict for r in rows)
    return ComparePage(rows[(page - 1) * COMPARE_PAGE:page * COMPARE_PAGE], narrow.indicators, narrow.regions,
                       narrow.years, indicator, region, year, across, chart, all_years, defaulted, len(rows),
                       [(v, counts[v]) for v in L.VERDICT_ZH if counts[v]], page, pages)


# ---------------------------------------------------------------- search

SEARCH_PAGE = 50  # hits a page; "more" asks for as many again, up to SEARCH_MAX
SEARCH_MAX = 500


@dataclass
class SearchPage:
    q: str
    filters: dict[str, Any]  # region, year, level, role, indicator, kind as asked (blank: any)
    hits: list[Any]  # services.search.Hit
    limit: int
    more: bool  # the page is full: there may be more hits
    indicators: list[tuple[str, str]]
    regions: list[str]
    years: list[int]
    error: str = ""  # why the query was refused

    def link(self, **change: Any) -> str:
        return query_string({"q": self.q, **self.filters, "limit": self.limit, **change}, limit=SEARCH_PAGE)


def search_page(s: Session, q: str, *, region: str = "", year: int | None = None, level: str = "",
                role: str = "", indicator: str = "", kind: str = "", limit: int = SEARCH_PAGE) -> SearchPage:
    """Hits for ``q`` in the current reports with the form's narrowing (see services.search);
    the filter choices come from the library (read once per library stamp)."""
    from ..services.search import KINDS, MAX_QUERY, MAX_WORDS, QueryError, search, terms

    narrow = narrowing(s)
    limit = min(max(1, limit), SEARCH_MAX)
    kind = kind if kind in KINDS else ""
    filters = {"region": region.strip(), "year": year or "", "level": level, "role": role,
               "indicator": indicator, "kind": kind}
    hits, error = [], ""
    try:
        hits = search(s, q, region=filters["region"] or None, year=year, level=level or None, role=role or None,
                      indicator=indicator or None, kind=kind or None, limit=limit) if terms(q) else []
    except QueryError:
        error = f"检索词过长：最多 {MAX_WORDS} 个词、{MAX_QUERY} 个字符。"
    return SearchPage(q.strip()[:MAX_QUERY], filters, hits, limit, len(hits) == limit, narrow.indicators,
                      narrow.regions, narrow.years, error)


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


def num_text(x: float | None) -> str:
    return num(x)


def _gap_words(gap: float, unit: str) -> str:
    u = "个百分点" if unit == "%" else unit
    return f"{'+' if gap > 0 else ''}{num(round(gap, 2))}{u}"


def detail(ts: S.TaskStatus, axis: str) -> str:
    """Why an axis has its value, in Chinese, from the numbers the engine worked with."""
    st = ts.status
    if axis == "reported":
        u = ts.latest_update
        return f"最近一次报送：{u.reported_on}（{u.department or u.by or ''}）" if u else ""
    if axis == "evidence":
        n = st.numbers
        if n.basis == "value" and n.actual is not None and n.expected is not None:
            src = "报送" if n.source == "update" else f"统计，{n.source}"
            return (f"{n.as_of} 实际 {num(n.actual)}{n.unit}（{src}），按进度应达 {num(round(n.expected, 2))}{n.unit}，"
                    f"差 {_gap_words(n.gap or 0.0, n.unit)}")
        if n.basis == "percent" and n.actual is not None and n.expected is not None:
            return f"{n.as_of} 报完成 {num(n.actual)}%，按时间应完成 {num(round(n.expected, 1))}%"
        return ""
    if axis == "schedule":
        d = st.deadline
        if d is None:
            return ""
        if st.completed_on:
            return f"{st.completed_on} 报完成，时限 {d}"
        days = (d - st.today).days
        return f"已超过时限 {-days} 天（{d}）" if days < 0 else f"距时限 {days} 天（{d}）"
    if axis == "confidence" and ts.rating:
        r = ts.rating
        when = r.created_at.date().isoformat() if r.created_at else ""
        return f"{r.by or ''} {when} 评价：{r.reason}"
    return ""
