"""Targets against actuals: every target of the library judged against what happened.

For a target of year Y (indicator, region) the actual comes from any current report that states
the same canonical indicator, measure, region and year as achieved — the next year's work
report, a plan-execution report or a statistical bulletin — the later, more official one first
(``link.pick_actual``); the others are kept so a reader sees every source. Qualitative targets
(居民人均可支配收入增长与经济增长基本同步) are judged by their rule where one is written.

With thousands of reports in the library a comparison reads only what it needs: a region's
figures through the (canonical, region, year, role) index under every name of the place, the
reports those figures come from (not every report), and the reports' qualitative targets as found
at import (table ``qualitative_targets``), not by reading their texts again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Text, func, or_, select, type_coerce
from sqlalchemy.orm import Session, defer

from .. import gazetteer, link
from ..store import QualitativeTargetRow, Report, ReportFigure, ReportNode
from .readcache import StampedCache, engine, library_stamp, reads_committed

# one key per place ('辽宁' and '辽宁省' agree; '吉林省' and '吉林市' stay apart) and every name
# with that key: the gazetteer's, shared with the outline, the plan and the panel
region_key = gazetteer.region_key
region_names = gazetteer.region_names


def place_key(region: str | None, report_region: str | None) -> str:
    """The key of the place a figure is about: the region it names read in its report's region
    (朝阳区 in a 北京市 report keys 北京市朝阳区 — not 长春's, nor 辽宁's 朝阳), else the report's."""
    return region_key(region or report_region, report_region)


def _written_names(region: str) -> list[str]:
    """Every name with the key of ``region`` and the names a report of the place's own region
    writes it by (北京市朝阳区: also 朝阳区, 朝阳): the rows to read, keyed by ``place_key`` after."""
    names = set(region_names(region))
    d = gazetteer.resolve(region_key(region))
    if d is not None:
        names |= {d.name, *d.shorts}
    return sorted(names)


def is_period_result(f: Any) -> bool:
    """A growth figure averaged over several years (十四五 年均增长5.2%): it neither is an annual
    target nor judges one (verdicts.toml ``[goals] average_cues``)."""
    return f.measure == "growth" and any(c in (f.text or "") for c in link.settings().average_cues)


def period_results(session: Session, rows: list[Any], reports: "_Reports") -> set[int]:
    """Ids of the actuals in ``rows`` that are a plan period's results, not their year's: in a
    report reviewing a plan's last year, those whose paragraph says so before them ("这五年，…
    城镇新增就业452万人"; verdicts.toml ``[goals] period_context``). Reads the paragraphs' starts and
    the texts of those reports only (a fifth of the library at most)."""
    n = link.settings().plan_period
    reports.need({f.report_id for f in rows})
    gated = [f for f in rows if f.node_id is not None and _reviews_period_end(reports[f.report_id], n)]
    if not gated:
        return set()
    starts: dict[int, int] = {}
    texts: dict[int, str] = {}
    node_ids = sorted({f.node_id for f in gated})
    report_ids = sorted({f.report_id for f in gated})
    for chunk in (node_ids[i:i + 900] for i in range(0, len(node_ids), 900)):
        starts.update(session.execute(select(ReportNode.id, ReportNode.start).where(ReportNode.id.in_(chunk))).all())
    for chunk in (report_ids[i:i + 900] for i in range(0, len(report_ids), 900)):
        texts.update(session.execute(select(Report.id, Report.original).where(Report.id.in_(chunk))).all())
    cues = link.settings().period_context
    return {f.id for f in gated if f.node_id in starts
            and any(c in texts[f.report_id][starts[f.node_id]:f.start] for c in cues)}


def _reviews_period_end(r: Report, n: int) -> bool:
    reviewed = r.review_year or (r.plan_year - 1 if r.plan_year else None)
    return reviewed is not None and reviewed % n == 0


_COLUMNS = tuple(c.name for c in ReportFigure.__table__.columns)


class FigureRow(NamedTuple("_FigureRow", [(c, Any) for c in _COLUMNS])):
    """A stored figure read for comparison: every column of ``figures``, as a named tuple.

    Why not the ORM object: a comparison of the whole library reads ~300,000 figures at 2,000
    reports, and building mapped instances (identity map, state, the notes' JSON decoded) cost
    most of its 30 s; the notes are decoded only for the figures judged (``to_figure``)."""

    __slots__ = ()

    def to_figure(self) -> Any:
        from ..extract.model import Figure

        values = {f: getattr(self, f) for f in ReportFigure.FIELDS}
        notes = values["notes"]
        values["notes"] = json.loads(notes) if isinstance(notes, str) else list(notes or [])
        return Figure(**values)


def _figures(session: Session, *, canonical: str | None = None, region: str | None = None,
             year: int | None = None, role: str) -> list[FigureRow]:
    """Figures of current reports (as ``store.current_figures``), a region under any of its names.

    A region's figures of every indicator lead the (canonical, region, year, role) index with
    every indicator id of the library (and NULL): index look-ups (1 ms) instead of a scan of every
    figure (70 ms at 2,000 reports). That query is made without the join to ``reports`` — with it,
    SQLite (no statistics) walks the current reports first — and keeps current reports' rows after."""
    table = ReportFigure.__table__
    q = select(*(type_coerce(c, Text) if c.name == "notes" else c for c in table.columns)) \
        .where(ReportFigure.role == role)
    if canonical is not None:
        q = q.where(ReportFigure.canonical == canonical)
    if year is not None:
        q = q.where(ReportFigure.year == year)
    by_index = canonical is None and region is not None and bool(region_key(region))
    if region is not None and region_key(region):
        q = q.where(ReportFigure.region.in_(_written_names(region)))
    if by_index:
        lib = _library(session)
        q = q.where(or_(ReportFigure.canonical.in_(lib.canonicals), ReportFigure.canonical.is_(None)))
        return [FigureRow._make(r) for r in session.execute(q.order_by(ReportFigure.report_id, ReportFigure.ord))
                if r.report_id in lib.current]
    q = q.join(Report, Report.id == ReportFigure.report_id).where(Report.is_current)
    return [FigureRow._make(r) for r in session.execute(q.order_by(ReportFigure.report_id, ReportFigure.ord))]


@dataclass(frozen=True)
class _Library:
    canonicals: list[str]  # every indicator id the figures carry (a few dozen)
    current: frozenset[int]  # ids of the current reports


_LIBRARY: StampedCache[_Library] = StampedCache(size=8)


def _library(session: Session) -> _Library:
    """What the library holds, read once per library stamp."""
    def load() -> _Library:
        return _Library(
            list(session.scalars(select(ReportFigure.canonical).where(ReportFigure.canonical.is_not(None))
                                 .distinct())),
            frozenset(session.scalars(select(Report.id).where(Report.is_current))))

    if not reads_committed(session):
        return load()
    return _LIBRARY.get(engine(session), "library", library_stamp(session), load)


class _Reports(dict):
    """Report rows by id, read on first use (the large ``original`` deferred)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def need(self, ids: set[int]) -> None:
        missing = ids - self.keys()
        if missing:
            self.update((r.id, r) for r in self.session.scalars(
                select(Report).where(Report.id.in_(missing)).options(defer(Report.original))))


@dataclass
class Source:
    report_id: int
    doc: str
    title: str | None
    kind: str | None
    start: int
    end: int
    text: str
    value: float
    unit: str
    role: str


@dataclass
class Comparison:
    indicator: str
    canonical: str | None
    region: str | None
    year: int | None
    measure: str
    target_value: float | None
    target_value_max: float | None
    target_unit: str
    target_comparator: str
    actual_value: float | None
    actual_unit: str | None
    verdict: str  # met | missed | no_data | needs_judgement
    gap: float | None
    gap_unit: str
    rule: str
    target_source: Source
    actual_source: Source | None
    other_actuals: list[Source] = field(default_factory=list)
    # the same target stated elsewhere (again in the report's tasks, in its 分工方案 …)
    other_sources: list[Source] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _source(f: FigureRow, r: Report) -> Source:
    return Source(r.id, r.doc, r.title, r.kind, f.start, f.end, f.text, f.value, f.unit, f.role)


def _meta(r: Report) -> dict:
    return {"kind": r.kind, "date": r.date.isoformat() if r.date else None}


_CACHE: StampedCache[list[Comparison]] = StampedCache(size=128)


def compare(session: Session, *, indicator: str | None = None, region: str | None = None,
            year: int | None = None, tolerance: float | None = None) -> list[Comparison]:
    """Every target (narrowed by indicator id, region and year) with its verdict. Depends on the
    imported reports alone, so it is reused while the library's stamp is unchanged (an overview
    page asks for a dozen comparisons; a new import is seen on the next read)."""
    if not reads_committed(session):
        return _compare(session, indicator=indicator, region=region, year=year, tolerance=tolerance)
    rows = _CACHE.get(engine(session), (indicator, region, year, tolerance), library_stamp(session),
                      lambda: _compare(session, indicator=indicator, region=region, year=year, tolerance=tolerance))
    return list(rows)


def _compare(session: Session, *, indicator: str | None, region: str | None, year: int | None,
             tolerance: float | None) -> list[Comparison]:
    targets = [f for f in _figures(session, canonical=indicator, region=region, year=year, role="target")
               if f.canonical and f.year is not None]
    actual_rows = [f for role in ("actual", "estimate")
                   for f in _figures(session, canonical=indicator, region=region, year=year, role=role)
                   if f.canonical and not is_period_result(f)]
    reports = _Reports(session)
    reports.need({f.report_id for f in targets} | {f.report_id for f in actual_rows})
    if region is not None:
        targets = [f for f in targets if place_key(f.region, reports[f.report_id].region) == region_key(region)]
    periods = period_results(session, actual_rows, reports)
    actual_rows = [f for f in actual_rows if f.id not in periods]
    by_key: dict[tuple, list[FigureRow]] = {}
    for f in actual_rows:
        by_key.setdefault((f.canonical, f.measure, place_key(f.region, reports[f.report_id].region), f.year),
                          []).append(f)
    out: list[Comparison] = []
    for t, also in _stated_once(targets, reports):
        rep = reports[t.report_id]
        place = t.region or rep.region
        cands = [a for a in by_key.get((t.canonical, t.measure, place_key(t.region, rep.region), t.year), [])
                 if a.report_id != t.report_id]
        chosen, others = _pick(cands, reports)
        target_fig = t.to_figure()
        verdict = link.judge(target_fig, chosen.to_figure() if chosen else None, tolerance=tolerance)
        out.append(Comparison(
            indicator=t.indicator, canonical=t.canonical, region=place, year=t.year,
            measure=t.measure, target_value=t.value, target_value_max=t.value_max,
            target_unit=t.unit, target_comparator=t.comparator,
            actual_value=chosen.value if chosen else None, actual_unit=chosen.unit if chosen else None,
            verdict=verdict.verdict, gap=verdict.gap, gap_unit=verdict.gap_unit, rule=verdict.rule,
            target_source=_source(t, rep),
            actual_source=_source(chosen, reports[chosen.report_id]) if chosen else None,
            other_actuals=[_source(o, reports[o.report_id]) for o in others],
            other_sources=[_source(o, reports[o.report_id]) for o in also]))
    if indicator is None:
        out.extend(_qualitative(session, actual_rows, reports, region=region, year=year))
    out.sort(key=lambda c: (c.year or 0, region_key(c.region), c.target_source.report_id,
                            c.target_source.start))
    return out


# which statement of a target stated in several documents leads: the report people adopted
# first, then the documents that carry it out
TARGET_RANK = {"work_report": 3, "division": 2, "plan_execution": 1}


def _stated_once(targets: list[FigureRow], reports: _Reports) -> list[tuple[FigureRow, list[FigureRow]]]:
    """One target for every (place, indicator, measure, year, value, bound, comparator, unit):
    the same target stated twice in a report (主要预期目标, then its tasks) or again in its
    分工方案 is one target with every source, led by the work report's first statement.
    Returns (the leading statement, the others) pairs."""
    groups: dict[tuple, list[FigureRow]] = {}
    for t in targets:
        place = place_key(t.region, reports[t.report_id].region)
        groups.setdefault((place, t.canonical, t.measure, t.year, t.value, t.value_max, t.comparator, t.unit),
                          []).append(t)
    for group in groups.values():
        group.sort(key=lambda t: (-TARGET_RANK.get(reports[t.report_id].kind or "", 0),
                                  reports[t.report_id].date or dt.date.max, t.report_id, t.start))
    return [(g[0], g[1:]) for g in groups.values()]


def _pick(cands: list[FigureRow], reports: dict[int, Report]) -> tuple[FigureRow | None, list[FigureRow]]:
    if not cands:
        return None, []
    sourced = [link.Sourced(c, reports[c.report_id].kind, _meta(reports[c.report_id])["date"])
               for c in cands]
    chosen, others = link.pick_actual(sourced)
    return chosen.figure, [o.figure for o in others]


def _qualitative_targets(session: Session, reps: list[Report]) -> dict[int, list[tuple[Any, str]]]:
    """Each report's qualitative targets (stored at import) with their normalised text."""
    out: dict[int, list[tuple[Any, str]]] = {r.id: [] for r in reps}
    ids = list(out)
    for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):  # SQLite's bound-parameter limit
        for q in session.execute(select(QualitativeTargetRow).where(QualitativeTargetRow.report_id.in_(chunk))
                                 .order_by(QualitativeTargetRow.report_id, QualitativeTargetRow.ord)).scalars():
            out[q.report_id].append((link.QualitativeTarget(q.start, q.end, q.text, q.rule_id), q.ntext))
    return out


def _qualitative(session: Session, actual_rows: list[FigureRow], reports: _Reports, *, region: str | None,
                 year: int | None) -> list[Comparison]:
    """Targets without a number that a written rule can judge (income growth vs GDP growth).

    ``actual_rows``: the actual and estimate figures (with an indicator id) under the same
    region and year filter, grouped here once by year and place — not filtered again for each
    report, which made the whole library's comparison quadratic (minutes at 2,000 reports)."""
    q = select(Report).where(Report.is_current, Report.plan_year.is_not(None)).options(defer(Report.original))
    if year is not None:
        q = q.where(Report.plan_year == year)
    if region is not None and region_key(region):
        q = q.where(Report.region.in_(region_names(region)))
    reps = [r for r in session.scalars(q.order_by(Report.region, Report.plan_year, Report.id))
            if region is None or region_key(r.region) == region_key(region)]
    found_by = _qualitative_targets(session, reps)
    out: list[Comparison] = []
    same: dict[tuple, list[Comparison]] = {}
    by_place: dict[tuple[int | None, str], list[FigureRow]] = {}
    for a in actual_rows:
        by_place.setdefault((a.year, place_key(a.region, reports[a.report_id].region)), []).append(a)
    for r in reps:
        found = found_by[r.id]
        if not found:
            continue
        actuals = [a.to_figure() for a in by_place.get((r.plan_year, place_key(None, r.region)), ())
                   if a.report_id != r.id]
        index = link.index_actuals(actuals, region=None, year=r.plan_year)
        for qt, text in found:
            v = link.judge_qualitative(text, index)
            if v is None:
                continue
            src = Source(r.id, r.doc, r.title, r.kind, qt.start, qt.end, qt.text, 0.0, "", "target")
            same.setdefault((region_key(r.region), r.plan_year, text), []).append(Comparison(
                indicator=qt.text, canonical=qt.rule_id, region=r.region, year=r.plan_year,
                measure="rule", target_value=None, target_value_max=None, target_unit="",
                target_comparator="rule", actual_value=None, actual_unit=None,
                verdict=v.verdict, gap=v.gap, gap_unit=v.gap_unit, rule=v.rule,
                target_source=src, actual_source=None))
    for group in same.values():  # the report's sentence again in its 分工方案: once, with both sources
        group.sort(key=lambda c: -TARGET_RANK.get(c.target_source.kind or "", 0))
        group[0].other_sources = [c.target_source for c in group[1:]]
        out.append(group[0])
    return out


@dataclass(frozen=True)
class Narrowing:
    """What the library's targets can be narrowed by: indicator ids with their names (sorted
    by name), places (one key each) and years (newest first)."""

    indicators: list[tuple[str, str]]
    regions: list[str]
    years: list[int]

    def default_year(self, today: int) -> int | None:
        """The year to show when no filter is given: the latest whose targets are due (before
        ``today``'s year, so the next reports may hold the actuals), else the latest."""
        return next((y for y in self.years if y < today), self.years[0] if self.years else None)


_NARROWING: StampedCache[Narrowing] = StampedCache(size=8)


def narrowing(session: Session) -> Narrowing:
    """The filters of a comparison (see ``Narrowing``), read once per library stamp: at 2,000
    reports they come from ~100,000 target figures."""
    from ..link import indicator as indicator_info

    def load() -> Narrowing:
        current = select(Report.id).where(Report.is_current)
        rows = session.execute(select(ReportFigure.canonical, ReportFigure.region, ReportFigure.year).distinct()
                               .where(ReportFigure.role == "target", ReportFigure.canonical.is_not(None),
                                      ReportFigure.report_id.in_(current))).all()
        names = dict(session.execute(select(ReportFigure.canonical, func.min(ReportFigure.indicator))
                                     .where(ReportFigure.role == "target", ReportFigure.canonical.is_not(None),
                                            ReportFigure.report_id.in_(current))
                                     .group_by(ReportFigure.canonical)).all())
        inds = {c: getattr(indicator_info(c), "zh", "") or names.get(c, c) for c in {r.canonical for r in rows}}
        return Narrowing(sorted(inds.items(), key=lambda kv: kv[1]),
                         sorted({region_key(r.region) for r in rows if r.region}),
                         sorted({r.year for r in rows if r.year}, reverse=True))

    if not reads_committed(session):
        return load()
    return _NARROWING.get(engine(session), "narrowing", library_stamp(session), load)


def across_regions(session: Session, *, indicator: str, year: int, measure: str | None = None,
                   sort: str = "region", within: str | None = None, level: str | None = None) -> list[Any]:
    """One indicator's annual targets for one year, one row per region (``services.across``)."""
    from .across import across_regions as rows

    return rows(session, indicator=indicator, year=year, measure=measure, sort=sort, within=within, level=level)
