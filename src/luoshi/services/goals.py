"""Multi-year goals (十五五: 地区生产总值年均增长5%左右, 到2030年研发投入强度达到3.5%), judged
each year from the actuals to date.

A goal is a target whose year lies beyond its report's plan year (2030 in a 2026 report) or a
growth target averaged over years (年均). It runs over a five-year plan when it ends in a plan's
last year (2030: 2026—2030, verdicts.toml ``[goals] plan_period``), else from the report's plan
year. How it stands:

* an average growth goal: the compound average of the annual growth actuals since the period
  began (consecutive years from the first), judged against the goal by the rules of
  ``link.judge`` (左右 with its tolerance, 以上, a range) — 进度正常 (on track) or 进度滞后
  (behind);
* a level goal (a share, an amount, 到2030年达到…): the latest actual against the goal —
  已达到 (reached) when it already meets it, else 进行中 (in progress) with the latest value;
  a ceiling (城镇调查失业率控制在5.5%以内, or an indicator where less is better) holds each year:
  进度正常 while the latest actual keeps within it, else 进度滞后;
* no actual yet: 尚无实际数 (no data).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from .. import labels, link
from ..link.verdicts import MET, RATE_UNITS, fmt
from .across import region_order, target_text
from .compare import (FigureRow, Source, _figures, _pick, _Reports, _source, is_period_result, period_results,
                      place_key, region_key)

ON_TRACK, BEHIND, REACHED, IN_PROGRESS, NO_DATA = "on_track", "behind", "reached", "in_progress", "no_data"
STATUS_ZH = labels.group("goal_status")  # the words people read: data/labels.toml
STATUS_DEF = labels.group("goal_status_def")


@dataclass
class YearActual:
    year: int
    value: float
    unit: str
    source: Source


@dataclass
class Goal:
    region: str
    canonical: str
    indicator: str
    measure: str
    start_year: int
    end_year: int
    average: bool  # 年均: judged by the average growth so far
    target_value: float
    target_value_max: float | None
    target_unit: str
    target_comparator: str
    target: str  # as written: 年均5%左右
    sources: list[Source]
    other_targets: list[Source] = field(default_factory=list)  # the same goal stated otherwise
    actuals: list[YearActual] = field(default_factory=list)
    so_far: float | None = None  # the average growth so far, or the latest value
    needed: float | None = None  # 年均 goal: the average growth the remaining years need to meet it
    status: str = NO_DATA
    reason: str = ""  # in Chinese, for people

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_zh"] = STATUS_ZH[self.status]
        return d


def period_start(end_year: int, plan_year: int | None) -> int:
    """The first year of a goal's period (see the module docstring)."""
    n = link.settings().plan_period
    if end_year % n == 0 and (plan_year is None or end_year - n < plan_year <= end_year):
        return end_year - n + 1
    return plan_year or end_year


def goals(session: Session, *, indicator: str | None = None, region: str | None = None,
          year: int | None = None) -> list[Goal]:
    """Every multi-year goal of the current reports (narrowed by indicator id, region, and a
    year the goal's period covers), one per region, indicator, measure and end year."""
    reports = _Reports(session)
    targets = [f for f in _figures(session, canonical=indicator, region=region, role="target")
               if f.canonical and f.year is not None]
    reports.need({f.report_id for f in targets})
    found: dict[tuple, list[tuple[FigureRow, Any]]] = {}
    for f in targets:
        rep = reports[f.report_id]
        multi = rep.plan_year is not None and f.year > rep.plan_year
        if not (multi or is_period_result(f)):
            continue
        place = place_key(f.region, rep.region)
        if region is not None and place != region_key(region):
            continue
        found.setdefault((place, f.canonical, f.measure, f.year), []).append((f, rep))
    out = []
    actuals = _Actuals(session, reports, region)
    for (place, cid, measure, end), group in found.items():
        group.sort(key=lambda fr: (-(fr[1].plan_year or 0), fr[1].id, fr[0].start))
        f, rep = group[0]
        start = period_start(end, rep.plan_year)
        if year is not None and not start <= year <= end:
            continue
        avg = measure == "growth" and is_period_result(f)
        key = (f.value, f.value_max, f.comparator)
        same = [_source(g, r) for g, r in group if (g.value, g.value_max, g.comparator) == key]
        other = [_source(g, r) for g, r in group if (g.value, g.value_max, g.comparator) != key]
        goal = Goal(region=place or "—", canonical=cid, indicator=getattr(link.indicator(cid), "zh", "") or f.indicator,
                    measure=measure, start_year=start, end_year=end, average=avg, target_value=f.value,
                    target_value_max=f.value_max, target_unit=f.unit, target_comparator=f.comparator,
                    target=("年均" if avg else f"到{end}年") + target_text(f.value, f.value_max, f.unit, f.comparator),
                    sources=same, other_targets=other)
        _judge(actuals, goal, f)
        out.append(goal)
    return sorted(out, key=lambda g: (region_order(g.region), g.end_year, g.indicator, g.measure))


class _Actuals:
    """The library's annual actuals of the goals' indicators, read once per indicator (not once
    per goal: a whole library holds tens of thousands of goals) and grouped by place."""

    def __init__(self, session: Session, reports: _Reports, region: str | None) -> None:
        self.session, self.reports, self.region = session, reports, region
        self.by: dict[tuple, list[FigureRow]] = {}
        self.read: set[str] = set()

    def of(self, goal: Goal) -> list[YearActual]:
        if goal.canonical not in self.read:
            self._load(goal.canonical)
        out = []
        for y in range(goal.start_year, goal.end_year + 1):
            chosen, _ = _pick(self.by.get((goal.region, goal.canonical, goal.measure, y), []), self.reports)
            if chosen is not None:
                out.append(YearActual(y, chosen.value, chosen.unit, _source(chosen, self.reports[chosen.report_id])))
        return out

    def _load(self, cid: str) -> None:
        self.read.add(cid)
        rows = [a for role in ("actual", "estimate")
                for a in _figures(self.session, canonical=cid, region=self.region, role=role)
                if a.year is not None and not is_period_result(a)]
        periods = period_results(self.session, rows, self.reports)
        for a in rows:
            if a.id not in periods:
                place = place_key(a.region, self.reports[a.report_id].region)
                self.by.setdefault((place, cid, a.measure, a.year), []).append(a)


def _judge(actuals: _Actuals, goal: Goal, target: FigureRow) -> None:
    acts = actuals.of(goal)
    goal.actuals = acts
    if goal.average:
        run = []  # consecutive years from the start: a gap leaves the average unknown after it
        for a in acts:
            if a.year != goal.start_year + len(run) or a.unit not in RATE_UNITS:
                break
            run.append(a)
        if not run:
            goal.reason = f"尚无{goal.start_year}年以来的年度实际增速。"
            return
        prod = Fraction(1)
        for a in run:
            prod *= 1 + Fraction(repr(a.value)) / 100
        avg = (float(prod) ** (1 / len(run)) - 1) * 100
        goal.so_far = round(avg, 2)
        v = link.judge(target, SimpleNamespace(measure="growth", value=goal.so_far, unit="%", comparator="eq"))
        goal.status = ON_TRACK if v.verdict == MET else BEHIND
        years = f"{run[0].year}年" if len(run) == 1 else f"{run[0].year}—{run[-1].year}年"
        goal.reason = (f"{years}平均增长{fmt(goal.so_far)}%，目标年均{target_text(goal.target_value, goal.target_value_max, '%', goal.target_comparator)}"
                       f"：{STATUS_ZH[goal.status]}。")
        left = goal.end_year - run[-1].year
        if left > 0 and goal.target_unit == "%":
            whole = (1 + goal.target_value / 100) ** (goal.end_year - goal.start_year + 1)
            goal.needed = round(((whole / float(prod)) ** (1 / left) - 1) * 100, 2)
            goal.reason += f"余下{left}年须年均增长{fmt(goal.needed)}%。"
        return
    if not acts:
        goal.reason = f"尚无{goal.start_year}年以来的实际数。"
        return
    last = acts[-1]
    goal.so_far = last.value
    v = link.judge(target, SimpleNamespace(measure=goal.measure, value=last.value, unit=last.unit, comparator="eq"))
    ind = link.indicator(goal.canonical)
    if goal.target_comparator in ("le", "lt") or (ind is not None and ind.direction == "down"):
        goal.status = ON_TRACK if v.verdict == MET else BEHIND  # a ceiling (失业率5.5%以内) holds each year
    else:
        goal.status = REACHED if v.verdict == MET else IN_PROGRESS
    goal.reason = (f"{last.year}年为{fmt(last.value)}{last.unit}，{goal.end_year}年目标"
                   f"{target_text(goal.target_value, goal.target_value_max, goal.target_unit, goal.target_comparator)}"
                   f"：{STATUS_ZH[goal.status]}。")
