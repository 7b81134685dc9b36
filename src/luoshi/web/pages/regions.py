"""各地目标: one year's annual targets of one indicator in every region, as a table and bars,
and the regions' multi-year goals (十五五) apart from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ...services.across import SORTS, RegionRow, across_regions
from ...services.compare import narrowing
from ...services.goals import Goal, goals
from ..svg import Bar, bars
from .common import query_string


@dataclass
class RegionsPage:
    indicators: list[tuple[str, str]]
    years: list[int]
    indicator: str
    year: int | None
    sort: str
    rows: list[RegionRow]
    chart: Any
    goals: list[Goal] = field(default_factory=list)
    goal_chart: Any = None
    scope: str = ""  # "" every place; "province" the provinces; a place: the places inside it
    scopes: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    all_goals: bool = False  # the goals of every indicator, not only the chosen one's
    measure: str = ""  # the measure compared ("" the indicator's headline one)
    measures: list[str] = field(default_factory=list)  # the indicator's measures (the catalogue's)

    def query(self, **change: Any) -> str:
        return query_string({"indicator": self.indicator, "year": self.year or "", "sort": self.sort,
                             "scope": self.scope, "goals": "all" if self.all_goals else "",
                             "measure": self.measure, **change})


def _scopes(regions: list[str]) -> list[tuple[str, str]]:
    """全部地区, 各省（区、市）, and 'places inside X' for each province or city of the library
    that has places inside it."""
    from collections import Counter

    from ... import gazetteer

    found = {r: gazetteer.resolve(r) for r in regions}  # once each: a library may hold thousands of places
    prefixes = Counter(p for d in found.values() if d is not None for p in {d.code[:2], d.code[:4]})
    out = [("", "全部地区"), ("province", "各省（区、市）")]
    for r, d in found.items():
        if d is not None and d.level in ("province", "city") and \
                prefixes[d.code[:2] if d.level == "province" else d.code[:4]] > 1:
            out.append((r, f"{r}所辖各地"))
    return out


def _in_unit(x: float | None, unit: str | None, to: str, indicator: str) -> float | None:
    """A value in the chart's unit (regions write 亿元 and 万亿元), or None when it does not convert."""
    from ... import link

    try:
        return None if x is None else link.convert(x, unit or "", to, indicator)
    except ValueError:
        return None


def regions_page(s: Session, *, indicator: str = "", year: int | None = None, sort: str = "region",
                 scope: str = "", all_goals: bool = False, measure: str = "",
                 today: dt.date | None = None) -> RegionsPage:
    """With no choice given: GDP (or the first indicator) and the newest year with targets."""
    narrow = narrowing(s)
    ids = [i for i, _ in narrow.indicators]
    indicator = indicator if indicator in ids else ("gdp" if "gdp" in ids else (ids[0] if ids else ""))
    this_year = (today or dt.date.today()).year
    annual = [y for y in narrow.years if y <= this_year + 1]
    year = year if year in narrow.years else (annual[0] if annual else (narrow.years[-1] if narrow.years else None))
    sort = sort if sort in SORTS else "region"
    scopes = _scopes(narrow.regions)
    scope = scope if scope in {v for v, _ in scopes} else ""
    within, level = (None, "province") if scope == "province" else ((scope or None), None)
    from ... import link

    measures = list(getattr(link.indicator(indicator), "measures", ()) or ())
    measure = measure if measure in measures else ""
    rows = across_regions(s, indicator=indicator, year=year, sort=sort, within=within, level=level,
                          measure=measure or None) if indicator and year else []
    chart = None
    if rows:
        unit = rows[0].target_unit
        ranges = any(r.target_value_max is not None for r in rows)  # 4.5%—5%: its upper bound beside it
        def v(x: float | None, u: str | None) -> float | None:
            return _in_unit(x, u, unit, indicator)

        groups = [(r.region, [Bar("目标", v(r.target_value, r.target_unit), "bar-target", r.target),
                              *([Bar("目标上限", v(r.target_value_max, r.target_unit), "bar-target-max", r.target)]
                                if ranges else []),
                              Bar("上年实际", v(r.prev_actual_value, r.prev_actual_unit),
                                  "bar-actual")]) for r in rows]
        chart = bars(groups, title=f"{rows[0].indicator} {year}年目标（各地区）", unit=unit,
                     width=max(640, 22 * len(groups[0][1]) * len(rows) + 60))
    gs = goals(s, indicator=None if all_goals else indicator or None, year=year) if indicator and year else []
    if within or level:
        from ...services.across import in_scope

        gs = [g for g in gs if in_scope(g.region, within=within, level=level)]
    return RegionsPage(narrow.indicators, narrow.years, indicator, year, sort, rows, chart, gs,
                       scope=scope, scopes=scopes, all_goals=all_goals, measure=measure, measures=measures)
