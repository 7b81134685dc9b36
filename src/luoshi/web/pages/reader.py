"""The reading pages' data: a report's text with its outline, tasks and figures marked, one
figure's fields, the report search and library, and the full-text search page."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...ingest.normalize import leftovers
from ...link import indicator as indicator_info
from ...services.compare import Comparison, compare, narrowing
from ...store import Report, ReportFigure, ReportNode, Task
from ...track import services as S
from ...track.views import ReportChoice, report_choices
from .. import labels as L
from ..reader import Span, markup
from .common import query_string


MAIN = "主要预期目标"


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
    # a converter's leftovers ("[bookmark: _GoBack]") are furniture the reader dropped: kept in
    # the page (offsets stay those of the original) but not shown
    spans += [Span(a, b, '<span class="leftover" hidden>', "</span>", 2) for a, b in leftovers(report.original)]
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


# ---------------------------------------------------------------- reports

FIND_LIMIT = 50  # reports a search lists


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
    from ...services.search import KINDS, MAX_QUERY, MAX_WORDS, QueryError, search, terms

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
