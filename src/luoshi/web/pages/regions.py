"""各地目标: one year's annual targets of one indicator in every region, as a table and bars,
and the regions' multi-year goals (十五五) apart from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ...services.across import SORTS, RegionRow, across_regions
from ...services.compare import narrowing
from ...services.goals import STATUS_DEF, STATUS_ZH, Goal, goals
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
    status_zh: dict[str, str] = field(default_factory=lambda: dict(STATUS_ZH))
    status_def: dict[str, str] = field(default_factory=lambda: dict(STATUS_DEF))

    def query(self, **change: Any) -> str:
        return query_string({"indicator": self.indicator, "year": self.year or "", "sort": self.sort, **change})


def regions_page(s: Session, *, indicator: str = "", year: int | None = None, sort: str = "region",
                 today: dt.date | None = None) -> RegionsPage:
    """With no choice given: GDP (or the first indicator) and the newest year with targets."""
    narrow = narrowing(s)
    ids = [i for i, _ in narrow.indicators]
    indicator = indicator if indicator in ids else ("gdp" if "gdp" in ids else (ids[0] if ids else ""))
    this_year = (today or dt.date.today()).year
    annual = [y for y in narrow.years if y <= this_year + 1]
    year = year if year in narrow.years else (annual[0] if annual else (narrow.years[-1] if narrow.years else None))
    sort = sort if sort in SORTS else "region"
    rows = across_regions(s, indicator=indicator, year=year, sort=sort) if indicator and year else []
    chart = None
    if rows:
        unit = rows[0].target_unit
        groups = [(r.region, [Bar("目标", r.target_value, "bar-target", r.target),
                              Bar("上年实际", r.prev_actual_value if r.prev_actual_unit == unit else None,
                                  "bar-actual")]) for r in rows]
        chart = bars(groups, title=f"{rows[0].indicator} {year}年目标（各地区）", unit=unit,
                     width=max(640, 56 * len(rows) + 60))
    gs = goals(s, indicator=indicator or None, year=year) if indicator and year else []
    return RegionsPage(narrow.indicators, narrow.years, indicator, year, sort, rows, chart, gs)
