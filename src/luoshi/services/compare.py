"""Targets against actuals: every target of the library judged against what happened.

For a target of year Y (indicator, region) the actual comes from any current report that states
the same canonical indicator, measure, region and year as achieved — the next year's work
report, a plan-execution report or a statistical bulletin — the later, more official one first
(``link.pick_actual``); the others are kept so a reader sees every source. Qualitative targets
(居民人均可支配收入增长与经济增长基本同步) are judged by their rule where one is written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from sqlalchemy.orm import Session

from .. import link
from ..store import Report, ReportFigure, current_figures, current_reports

@lru_cache(maxsize=1)
def _full_names() -> dict[str, str]:
    """Short name → full name for every place whose short name is unambiguous (辽宁 → 辽宁省);
    吉林 names a province and a city, so it maps to neither."""
    from ..extract.lexicon import lexicon

    places = lexicon().places
    seen: dict[str, set[str]] = {}
    for key in ("provinces", "cities"):
        for e in places.get(key, []):
            shorts = e.get("short")
            for short in ([shorts] if isinstance(shorts, str) else shorts or []):
                if short and len(short) >= 2:
                    seen.setdefault(short, set()).add(e["name"])
    ambiguous = set(places.get("ambiguous_short", []))
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k not in ambiguous}


def region_key(region: str | None) -> str:
    """One key per place: '辽宁' and '辽宁省' agree; '吉林省' and '吉林市' stay apart."""
    r = (region or "").strip()
    return _full_names().get(r, r)


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

    def to_dict(self) -> dict:
        return asdict(self)


def _source(f: ReportFigure, r: Report) -> Source:
    return Source(r.id, r.doc, r.title, r.kind, f.start, f.end, f.text, f.value, f.unit, f.role)


def _meta(r: Report) -> dict:
    return {"kind": r.kind, "date": r.date.isoformat() if r.date else None}


def compare(session: Session, *, indicator: str | None = None, region: str | None = None,
            year: int | None = None, tolerance: float | None = None) -> list[Comparison]:
    """Every target (narrowed by indicator id, region and year) with its verdict."""
    reports = {r.id: r for r in current_reports(session)}
    targets = [f for f in current_figures(session, canonical=indicator, year=year, role="target")
               if f.canonical and f.year is not None
               and (region is None or region_key(f.region) == region_key(region))]
    actual_rows = [f for role in ("actual", "estimate")
                   for f in current_figures(session, canonical=indicator, year=year, role=role)
                   if f.canonical]
    by_key: dict[tuple, list[ReportFigure]] = {}
    for f in actual_rows:
        by_key.setdefault((f.canonical, f.measure, region_key(f.region), f.year), []).append(f)
    out: list[Comparison] = []
    for t in targets:
        rep = reports[t.report_id]
        cands = [a for a in by_key.get((t.canonical, t.measure, region_key(t.region), t.year), [])
                 if a.report_id != t.report_id]
        chosen, others = _pick(cands, reports)
        target_fig = t.to_figure()
        verdict = link.judge(target_fig, chosen.to_figure() if chosen else None, tolerance=tolerance)
        out.append(Comparison(
            indicator=t.indicator, canonical=t.canonical, region=t.region, year=t.year,
            measure=t.measure, target_value=t.value, target_value_max=t.value_max,
            target_unit=t.unit, target_comparator=t.comparator,
            actual_value=chosen.value if chosen else None, actual_unit=chosen.unit if chosen else None,
            verdict=verdict.verdict, gap=verdict.gap, gap_unit=verdict.gap_unit, rule=verdict.rule,
            target_source=_source(t, rep),
            actual_source=_source(chosen, reports[chosen.report_id]) if chosen else None,
            other_actuals=[_source(o, reports[o.report_id]) for o in others]))
    if indicator is None:
        out.extend(_qualitative(session, reports, region=region, year=year))
    out.sort(key=lambda c: (c.year or 0, region_key(c.region), c.target_source.report_id,
                            c.target_source.start))
    return out


def _pick(cands: list[ReportFigure], reports: dict[int, Report]) -> tuple[ReportFigure | None, list[ReportFigure]]:
    if not cands:
        return None, []
    sourced = [link.Sourced(c, reports[c.report_id].kind, _meta(reports[c.report_id])["date"])
               for c in cands]
    chosen, others = link.pick_actual(sourced)
    return chosen.figure, [o.figure for o in others]


def _qualitative(session: Session, reports: dict[int, Report], *, region: str | None,
                 year: int | None) -> list[Comparison]:
    """Targets without a number that a written rule can judge (income growth vs GDP growth)."""
    import luoshi

    out: list[Comparison] = []
    by_year: dict[int, list] = {}  # actual figures of a year, fetched once
    for r in reports.values():
        if r.plan_year is None or (year is not None and r.plan_year != year):
            continue
        if region is not None and region_key(r.region) != region_key(region):
            continue
        doc = luoshi.read_text(r.original, r.doc)
        ol = luoshi.build_outline(doc)
        found = link.qualitative_targets(doc, ol)
        if not found:
            continue
        if r.plan_year not in by_year:
            by_year[r.plan_year] = [a for role in ("actual", "estimate")
                                    for a in current_figures(session, year=r.plan_year, role=role)]
        actuals = [a.to_figure() for a in by_year[r.plan_year]
                   if a.report_id != r.id and region_key(a.region) == region_key(r.region)]
        index = link.index_actuals(actuals, region=None, year=r.plan_year)
        for q in found:
            v = link.judge_qualitative(doc.text[doc.to_normalised(q.start):doc.to_normalised(q.end)], index)
            if v is None:
                continue
            src = Source(r.id, r.doc, r.title, r.kind, q.start, q.end, q.text, 0.0, "", "target")
            out.append(Comparison(
                indicator=q.text, canonical=q.rule_id, region=r.region, year=r.plan_year,
                measure="rule", target_value=None, target_value_max=None, target_unit="",
                target_comparator="rule", actual_value=None, actual_unit=None,
                verdict=v.verdict, gap=v.gap, gap_unit=v.gap_unit, rule=v.rule,
                target_source=src, actual_source=None))
    return out


def across_regions(session: Session, *, indicator: str, year: int) -> list[Comparison]:
    """One indicator's targets for one year in every region of the library, with verdicts."""
    rows = compare(session, indicator=indicator, year=year)
    return sorted(rows, key=lambda c: (region_key(c.region), c.target_source.start))
