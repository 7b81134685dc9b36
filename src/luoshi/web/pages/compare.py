"""The comparison page's data: targets against actuals across reports, a page at a time, and
one indicator across regions as a chart."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ...services.compare import Comparison, compare, narrowing
from .. import labels as L
from .common import query_string


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

    @staticmethod
    def target(r: Comparison) -> str:
        """A target as the report writes it (5%左右, 4.5%—5%, 500亿元以上, 超过500亿元)."""
        from ...services.across import target_text

        return target_text(r.target_value, r.target_value_max, r.target_unit, r.target_comparator)

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
    rows = compare(s, indicator=indicator or None, region=region or None, year=year)  # 各地目标: pages.regions
    pages = max(1, math.ceil(len(rows) / COMPARE_PAGE))
    page = min(max(1, page), pages)
    counts = Counter(r.verdict for r in rows)
    return ComparePage(rows[(page - 1) * COMPARE_PAGE:page * COMPARE_PAGE], narrow.indicators, narrow.regions,
                       narrow.years, indicator, region, year, across, chart, all_years, defaulted, len(rows),
                       [(v, counts[v]) for v in L.VERDICT_ZH if counts[v]], page, pages)
