"""Judging a target against an actual: met, missed, no data, or needs a person's judgement.

How this genre reads a target (the rules ``judge`` applies):

* ``eq`` — a bare number ("增长5%", "城镇新增就业46万人") is a floor, not a point: government
  targets are commitments to reach, and beating them is success. So eq means *at least*, or
  *at most* for an indicator where less is better (prices, unemployment, energy use, PM2.5 —
  the catalogue's ``direction``).
* ``ge``/``gt`` (以上, 超过) — met at or above the bound; ``le``/``lt`` (以内, 低于) — met at or
  below. Strict and non-strict read the same: the published numbers are rounded, so landing
  exactly on the bound counts as met.
* ``approx`` (左右, 约) — met when the actual is on the good side of the target or short of it
  by no more than the tolerance (verdicts.toml: 0.2 point for % targets, 2 % of the target
  for amounts). At the tolerance exactly counts as met.
* ``range`` (6%—6.5%) — met inside [value, value_max]; beyond the good end (above it when more
  is better) is met too, as "exceeded"; short of the other end is missed.

``gap`` is actual − target, in percentage points for % targets, else in the target's unit
(the actual converted first). For a range it is the distance to the nearer bound, 0 inside.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from .catalogue import canonical, indicator
from .units import convert

MET, MISSED, NO_DATA, NEEDS_JUDGEMENT = "met", "missed", "no_data", "needs_judgement"
RATE_UNITS = ("%", "个百分点", "百分点")
PP = "个百分点"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a target. ``rule`` says in words which rule decided and with what numbers."""

    verdict: str  # met | missed | no_data | needs_judgement
    gap: float | None
    gap_unit: str
    rule: str


class FigureLike(Protocol):
    measure: str
    value: float
    unit: str
    comparator: str


@dataclass(frozen=True)
class Settings:
    rate_pp: float
    amount_relative: float
    qualitative: tuple[dict[str, Any], ...]
    average_cues: tuple[str, ...] = ("年均",)
    period_context: tuple[str, ...] = ()
    measure_zh: dict[str, str] = field(default_factory=dict, hash=False)
    plan_period: int = 5
    source_rank: dict[str, int] = field(default_factory=dict, hash=False)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """verdicts.toml, read once."""
    raw = tomllib.loads((resources.files("luoshi") / "data" / "verdicts.toml").read_text(encoding="utf-8"))
    tol = raw.get("tolerance", {})
    return Settings(rate_pp=float(tol.get("rate_pp", 0.2)),
                    amount_relative=float(tol.get("amount_relative", 0.02)),
                    qualitative=tuple(raw.get("qualitative", ())),
                    average_cues=tuple(raw.get("goals", {}).get("average_cues", ("年均",))),
                    plan_period=int(raw.get("goals", {}).get("plan_period", 5)),
                    period_context=tuple(raw.get("goals", {}).get("period_context", ())),
                    measure_zh=dict(raw.get("measure_zh", {})),
                    source_rank={k: int(v) for k, v in raw.get("sources", {}).items()})


def fmt(x: float | Fraction) -> str:
    """A number as a person writes it: 5.5, 46, -0.4."""
    s = f"{float(x):.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _q(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def _canonical_of(fig: Any) -> str | None:
    cid = getattr(fig, "canonical", None)
    if cid:
        return cid
    name = getattr(fig, "indicator", None)
    return canonical(name, getattr(fig, "measure", None)) if name else None


def judge(target: FigureLike, actual: FigureLike | None, *, tolerance: float | None = None) -> Verdict:
    """Judge one quantitative target against one actual (both Figure-like).

    ``tolerance`` overrides the settings for an ``approx`` target; it is absolute, in the gap's
    unit (percentage points for a % target, the target's unit otherwise). See the module
    docstring for the rules.
    """
    cid = _canonical_of(target) or (_canonical_of(actual) if actual is not None else None)
    ind = indicator(cid) if cid else None
    down = ind is not None and ind.direction == "down"
    t_unit = target.unit
    t, t_max = _q(target.value), (_q(target.value_max) if getattr(target, "value_max", None) is not None else None)
    if t_unit == "倍" and target.measure in ("growth", "share"):  # work in % (增长1倍 = 100%)
        t, t_max, t_unit = t * 100, (t_max * 100 if t_max is not None else None), "%"
    gap_unit = PP if t_unit in RATE_UNITS else t_unit

    if actual is None or getattr(actual, "value", None) is None:
        return Verdict(NO_DATA, None, gap_unit, "资料库中尚无该目标的实际数")
    if actual.measure != target.measure:
        return Verdict(NEEDS_JUDGEMENT, None, gap_unit,
                       f"目标是{_measure_zh(target.measure)}，实际数是{_measure_zh(actual.measure)}，不能按规则比较")
    try:
        a = _q(convert(actual.value, actual.unit, t_unit, cid))
    except ValueError:
        return Verdict(NEEDS_JUDGEMENT, None, gap_unit,
                       f"实际数的单位（{actual.unit or '无单位'}）与目标的单位（{target.unit or '无单位'}）不能换算比较")

    better = "越低越好" if down else "越高越好"
    shown = f"实际{fmt(a)}{t_unit}，目标{fmt(t)}{t_unit}"
    comp = target.comparator
    if comp == "range" and t_max is not None:
        lo, hi = min(t, t_max), max(t, t_max)
        shown = f"实际{fmt(a)}{t_unit}，目标{fmt(lo)}—{fmt(hi)}{t_unit}"
        gap = Fraction(0) if lo <= a <= hi else (a - lo if a < lo else a - hi)
        if lo <= a <= hi:
            ok, why = True, f"区间目标：实际值在{fmt(lo)}—{fmt(hi)}之内，完成"
        else:
            exceeded = (a > hi) != down
            ok = exceeded
            why = (f"区间目标{fmt(lo)}—{fmt(hi)}：" +
                   ("超出有利一端，视为完成（超额）" if exceeded else "未达到区间"))
        return Verdict(MET if ok else MISSED, round(float(gap), 6), gap_unit, f"{why}；{shown}")

    gap = a - t
    if comp in ("ge", "gt"):
        ok, why = a >= t, "“以上/超过”：达到或超过目标值即完成"
    elif comp in ("le", "lt"):
        ok, why = a <= t, "“以内/低于”：不超过目标值即完成"
    elif comp == "approx":
        if tolerance is not None:
            tol = _q(tolerance)
        elif gap_unit == PP:
            tol = _q(settings().rate_pp)
        else:
            tol = abs(t) * _q(settings().amount_relative)
        ok = (a <= t + tol) if down else (a >= t - tol)
        why = f"“左右”：{better}，差距不超过{fmt(tol)}{gap_unit}即完成"
    else:  # eq and anything unknown: a commitment to reach
        ok = (a <= t) if down else (a >= t)
        why = f"未加限定的目标是须达到的承诺：{better}，{'不高于' if down else '达到或超过'}目标值即完成"
    return Verdict(MET if ok else MISSED, round(float(gap), 6), gap_unit, f"{why}；{shown}")


def _measure_zh(measure: str) -> str:
    return settings().measure_zh.get(measure, measure)
