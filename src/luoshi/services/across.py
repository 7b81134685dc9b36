"""One year's annual targets in every region: one row per region and indicator.

A researcher comparing provinces wants, for GDP growth in 2026, one line per province: the
target as written (5%左右, 4.5%—5%, 5%以上), last year's target and what came of it. So:

* annual targets only — a target whose year is its report's plan year; five-year goals
  (年均增长…, 到2030年…) go to ``services.goals``;
* one measure per indicator, the catalogue's first (GDP: growth, not 地区生产总值达到13697.5亿元),
  unless the caller asks for another;
* a region stating the same target twice (主要预期目标 and again in the tasks, or in its
  分工方案) gives one row with every source; a different statement of the same indicator is kept
  as ``other_targets`` so nothing is hidden;
* the region is the figure's, else its report's: never empty; and a row is a place's own
  target, stated in a report of that place (a province's report setting a target for one of its
  cities does not make a row for the city).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from .. import link
from ..link.verdicts import fmt
from .compare import (TARGET_RANK, Comparison, FigureRow, Source, _figures, _pick, _Reports, _source, compare,
                      is_period_result, period_results, place_key, region_key)

COMPARATOR_PREFIX = {"gt": "超过", "lt": "低于"}
COMPARATOR_SUFFIX = {"approx": "左右", "ge": "以上", "le": "以内"}


def target_text(value: float | None, value_max: float | None, unit: str, comparator: str) -> str:
    """A target as a report writes it: 5%左右, 4.5%—5%, 500亿元以上, 超过500亿元, 定性目标."""
    if comparator == "rule" or value is None:
        return "定性目标"
    if comparator == "range" and value_max is not None:
        return f"{fmt(value)}{unit}—{fmt(value_max)}{unit}"
    return f"{COMPARATOR_PREFIX.get(comparator, '')}{fmt(value)}{unit}{COMPARATOR_SUFFIX.get(comparator, '')}"


@dataclass
class RegionRow:
    """A region's annual target of one indicator and year, with last year's target and actual."""

    region: str
    canonical: str
    indicator: str  # the catalogue's name (地区生产总值)
    measure: str
    year: int
    target_value: float | None
    target_value_max: float | None
    target_unit: str
    target_comparator: str
    target: str  # as written: 5%左右
    sources: list[Source]  # every statement of this target
    other_targets: list[Source] = field(default_factory=list)  # the same indicator stated otherwise
    prev_target: str | None = None
    prev_target_value: float | None = None
    prev_actual_value: float | None = None
    prev_actual_unit: str | None = None
    prev_verdict: str | None = None  # met | missed | no_data | needs_judgement; None: no target last year
    prev_gap: float | None = None
    prev_gap_unit: str | None = None
    prev_rule: str | None = None
    prev_target_source: Source | None = None
    prev_actual_source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SORTS = ("region", "target", "prev_actual")


def headline_measure(canonical: str) -> str | None:
    """The measure an indicator is compared by across regions: the catalogue's first."""
    ind = link.indicator(canonical)
    return ind.measures[0] if ind and ind.measures else None


def _annual(rows: list[Comparison], plan_years: dict[int, int | None]) -> list[Comparison]:
    """Targets of their report's plan year (a report without a plan year: all its targets)."""
    cues = link.settings().average_cues
    return [c for c in rows if c.measure != "rule"
            and plan_years.get(c.target_source.report_id) in (None, c.year)
            and not (c.measure == "growth" and any(k in c.target_source.text for k in cues))]


def _plan_years(reports: _Reports, rows: list[Comparison]) -> dict[int, int | None]:
    reports.need({c.target_source.report_id for c in rows})
    return {rid: reports[rid].plan_year for rid in {c.target_source.report_id for c in rows}}


def _key(c: Comparison) -> tuple:
    return (c.target_value, c.target_value_max, c.target_unit, c.target_comparator)


def _choose(group: list[Comparison], reports: _Reports) -> tuple[Comparison, list[Comparison]]:
    """The work report's statement before its 分工方案's (``compare.TARGET_RANK``), then the latest
    report's, then the first in it; the others after."""
    def rank(c: Comparison) -> tuple:
        r = reports[c.target_source.report_id]
        return (-TARGET_RANK.get(r.kind or "", 0), -(r.date.toordinal() if r.date else 0), -(r.plan_year or 0),
                r.id, c.target_source.start)
    ordered = sorted(group, key=rank)
    return ordered[0], ordered[1:]


def _region(c: Comparison, reports: _Reports) -> str:
    return place_key(c.region, reports[c.target_source.report_id].region) or "—"


def _own(c: Comparison, reports: _Reports) -> bool:
    """A target the place's own government set: stated in a report of that place (a province's
    report setting a target for one of its cities is the province's plan, not the city's target)."""
    own = reports[c.target_source.report_id].region
    return not own or not c.region or region_key(own) == place_key(c.region, own)


def in_scope(region: str, *, within: str | None = None, level: str | None = None) -> bool:
    """Whether a place is of ``level`` (province, city, county — a district counts as a county)
    and inside ``within`` (a province or a city; not the place itself), by the gazetteer."""
    if within is None and level is None:
        return True
    from .. import gazetteer

    d = gazetteer.resolve(region)
    if d is None:
        return False
    if level is not None and (d.level if d.level != "district" else "county") != level:
        return False
    if within is not None:
        w = gazetteer.resolve(within)
        if w is None or d.code == w.code or w.level not in ("province", "city"):
            return False
        return d.code.startswith(w.code[:2] if w.level == "province" else w.code[:4])
    return True


def across_regions(session: Session, *, indicator: str, year: int, measure: str | None = None,
                   sort: str = "region", within: str | None = None, level: str | None = None) -> list[RegionRow]:
    """Each region's annual ``indicator`` target of ``year`` (see the module docstring): every
    region of the library, or those of a ``level`` (all provinces) and/or ``within`` a place
    (all cities of a province)."""
    measure = measure or headline_measure(indicator)
    reports = _Reports(session)
    now = [c for c in compare(session, indicator=indicator, year=year) if c.measure == measure]
    now = [c for c in _annual(now, _plan_years(reports, now)) if _own(c, reports)]
    before = [c for c in compare(session, indicator=indicator, year=year - 1) if c.measure == measure]
    before = [c for c in _annual(before, _plan_years(reports, before)) if _own(c, reports)]
    by_region: dict[str, list[Comparison]] = {}
    for c in now:
        by_region.setdefault(_region(c, reports), []).append(c)
    prev_by_region: dict[str, list[Comparison]] = {}
    for c in before:
        prev_by_region.setdefault(_region(c, reports), []).append(c)
    prev_actuals = _actuals(session, reports, indicator, measure, year - 1)
    out = []
    for region, group in by_region.items():
        if not in_scope(region, within=within, level=level):
            continue
        chosen, rest = _choose(group, reports)
        row = RegionRow(region=region, canonical=indicator,
                        indicator=getattr(link.indicator(indicator), "zh", "") or chosen.indicator,
                        measure=measure or chosen.measure, year=year, target_value=chosen.target_value,
                        target_value_max=chosen.target_value_max, target_unit=chosen.target_unit,
                        target_comparator=chosen.target_comparator,
                        target=target_text(chosen.target_value, chosen.target_value_max, chosen.target_unit,
                                           chosen.target_comparator),
                        sources=[chosen.target_source, *chosen.other_sources,
                                 *(x for c in rest if _key(c) == _key(chosen) for x in (c.target_source, *c.other_sources))],
                        other_targets=[c.target_source for c in rest if _key(c) != _key(chosen)])
        _fill_prev(row, prev_by_region.get(region), prev_actuals.get(region), reports)
        out.append(row)
    return sort_rows(out, sort)


def _actuals(session: Session, reports: _Reports, indicator: str, measure: str | None,
             year: int) -> dict[str, tuple[FigureRow, Source]]:
    """The preferred actual of ``year`` per region (for a region without last year's target)."""
    rows = [f for role in ("actual", "estimate") for f in _figures(session, canonical=indicator, year=year, role=role)
            if f.measure == measure and not is_period_result(f)]
    periods = period_results(session, rows, reports)
    rows = [f for f in rows if f.id not in periods]
    by: dict[str, list[FigureRow]] = {}
    for f in rows:
        by.setdefault(place_key(f.region, reports[f.report_id].region), []).append(f)
    out = {}
    for region, cands in by.items():
        chosen, _ = _pick(cands, reports)
        if chosen is not None:
            out[region] = (chosen, _source(chosen, reports[chosen.report_id]))
    return out


def _fill_prev(row: RegionRow, prev: list[Comparison] | None, actual: tuple[FigureRow, Source] | None,
               reports: _Reports) -> None:
    if prev:
        c, _ = _choose(prev, reports)
        row.prev_target = target_text(c.target_value, c.target_value_max, c.target_unit, c.target_comparator)
        row.prev_target_value = c.target_value
        row.prev_target_source = c.target_source
        row.prev_verdict, row.prev_gap, row.prev_gap_unit, row.prev_rule = c.verdict, c.gap, c.gap_unit, c.rule
        if c.actual_source is not None:
            row.prev_actual_value, row.prev_actual_unit = c.actual_value, c.actual_unit
            row.prev_actual_source = c.actual_source
            return
    if actual is not None:
        f, src = actual
        row.prev_actual_value, row.prev_actual_unit, row.prev_actual_source = f.value, f.unit, src


def region_order(region: str) -> tuple[str, str]:
    """The official order of places (the division code: 北京 110000 before 河北 130000), names
    the gazetteer does not know after them."""
    from .. import gazetteer

    d = gazetteer.resolve(region) if region and region != "—" else None
    return (d.code if d else "999999", region)


def sort_rows(rows: list[RegionRow], sort: str = "region") -> list[RegionRow]:
    """In the official order of places, by target (highest first) or by last year's actual
    (highest first); rows without the number last."""
    if sort == "target":
        return sorted(rows, key=lambda r: (r.target_value is None, -(r.target_value or 0), region_order(r.region)))
    if sort == "prev_actual":
        return sorted(rows, key=lambda r: (r.prev_actual_value is None, -(r.prev_actual_value or 0),
                                           region_order(r.region)))
    return sorted(rows, key=lambda r: region_order(r.region))
