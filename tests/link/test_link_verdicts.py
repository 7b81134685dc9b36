"""Targets judged against actuals: every comparator, the edges, and the issue's examples."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import luoshi
from luoshi import link

SHARED = Path(__file__).resolve().parents[3] / "shared"


def fig(indicator, measure, value, unit, comparator="eq", value_max=None, role="target"):
    return SimpleNamespace(indicator=indicator, measure=measure, value=value, unit=unit,
                           comparator=comparator, value_max=value_max, role=role, canonical=None)


G, A, S, P = "growth", "amount", "share", "pp"
CASES = [
    # id, target (indicator, measure, value, unit, comparator, value_max), actual (value, unit), tolerance,
    # expected verdict, gap, gap unit
    ("issue: GDP 5.5 approx vs 5.1", ("地区生产总值", G, 5.5, "%", "approx"), (5.1, "%"), None, "missed", -0.4, "个百分点"),
    ("issue: grain 500 approx vs 500.1", ("粮食产量", A, 500, "亿斤", "approx"), (500.1, "亿斤"), None, "met", 0.1, "亿斤"),
    ("issue: jobs 46 vs 48.6", ("城镇新增就业", A, 46, "万人", "eq"), (48.6, "万人"), None, "met", 2.6, "万人"),
    ("eq exactly on the bound", ("一般公共预算收入", G, 5, "%", "eq"), (5, "%"), None, "met", 0, "个百分点"),
    ("eq below", ("规模以上工业增加值", G, 5.5, "%", "eq"), (3.1, "%"), None, "missed", -2.4, "个百分点"),
    ("eq negative actual", ("进出口总额", G, 6, "%", "eq"), (-0.5, "%"), None, "missed", -6.5, "个百分点"),
    ("eq for less-is-better means at most", ("单位地区生产总值能耗", G, -3, "%", "eq"), (-3.5, "%"), None, "met", -0.5, "个百分点"),
    ("eq for less-is-better, short", ("单位地区生产总值能耗", G, -3, "%", "eq"), (-2.5, "%"), None, "missed", 0.5, "个百分点"),
    ("ge on the bound", ("城镇新增就业", A, 45, "万人", "ge"), (45, "万人"), None, "met", 0, "万人"),
    ("ge below", ("城镇新增就业", A, 45, "万人", "ge"), (44.9, "万人"), None, "missed", -0.1, "万人"),
    ("gt on the bound counts as met", ("粮食总产量", A, 430, "亿斤", "gt"), (430, "亿斤"), None, "met", 0, "亿斤"),
    ("le on the bound", ("城镇调查失业率", S, 5.5, "%", "le"), (5.5, "%"), None, "met", 0, "个百分点"),
    ("le above", ("城镇调查失业率", S, 5.5, "%", "le"), (5.6, "%"), None, "missed", 0.1, "个百分点"),
    ("le below", ("城镇调查失业率", S, 5.5, "%", "le"), (5.1, "%"), None, "met", -0.4, "个百分点"),
    ("lt above", ("赤字率", S, 4, "%", "lt"), (4.1, "%"), None, "missed", 0.1, "个百分点"),
    ("approx exactly at the tolerance", ("地区生产总值", G, 5.5, "%", "approx"), (5.3, "%"), None, "met", -0.2, "个百分点"),
    ("approx just beyond the tolerance", ("地区生产总值", G, 5.5, "%", "approx"), (5.29, "%"), None, "missed", -0.21, "个百分点"),
    ("approx above is met", ("地区生产总值", G, 5.5, "%", "approx"), (6.1, "%"), None, "met", 0.6, "个百分点"),
    ("approx with tolerance overridden", ("地区生产总值", G, 5.5, "%", "approx"), (5.1, "%"), 0.5, "met", -0.4, "个百分点"),
    ("approx override at the edge", ("地区生产总值", G, 5.5, "%", "approx"), (5.0, "%"), 0.5, "met", -0.5, "个百分点"),
    ("approx less-is-better below", ("居民消费价格", G, 3, "%", "approx"), (0.2, "%"), None, "met", -2.8, "个百分点"),
    ("approx less-is-better at tolerance", ("居民消费价格", G, 3, "%", "approx"), (3.2, "%"), None, "met", 0.2, "个百分点"),
    ("approx less-is-better over", ("居民消费价格", G, 3, "%", "approx"), (3.3, "%"), None, "missed", 0.3, "个百分点"),
    ("approx amount at 2 %", ("粮食产量", A, 500, "亿斤", "approx"), (490, "亿斤"), None, "met", -10, "亿斤"),
    ("approx amount beyond 2 %", ("粮食产量", A, 500, "亿斤", "approx"), (489.9, "亿斤"), None, "missed", -10.1, "亿斤"),
    ("approx amount, other unit", ("粮食产量", A, 1.4, "万亿斤", "approx"), (70650, "万吨"), None, "met", 0.013, "万亿斤"),
    ("range inside", ("地区生产总值", G, 6, "%", "range", 6.5), (6.2, "%"), None, "met", 0, "个百分点"),
    ("range on the lower bound", ("地区生产总值", G, 6, "%", "range", 6.5), (6, "%"), None, "met", 0, "个百分点"),
    ("range on the upper bound", ("地区生产总值", G, 6, "%", "range", 6.5), (6.5, "%"), None, "met", 0, "个百分点"),
    ("range below", ("地区生产总值", G, 6, "%", "range", 6.5), (5.8, "%"), None, "missed", -0.2, "个百分点"),
    ("range exceeded", ("地区生产总值", G, 6, "%", "range", 6.5), (7, "%"), None, "met", 0.5, "个百分点"),
    ("range less-is-better above", ("居民消费价格", G, 2, "%", "range", 3), (3.4, "%"), None, "missed", 0.4, "个百分点"),
    ("growth target in % vs actual in 倍", ("旅游总收入", G, 50, "%", "eq"), (1.7, "倍"), None, "met", 120, "个百分点"),
    ("growth target in 倍 vs actual in %", ("旅游总收入", G, 1, "倍", "eq"), (120, "%"), None, "met", 20, "个百分点"),
    ("amount in different units, on the bound", ("粮食产量", A, 500, "亿斤", "ge"), (2500, "万吨"), None, "met", 0, "亿斤"),
    ("amount 万亿 vs 亿元", ("地区生产总值总量", A, 3, "万亿", "gt"), (32612.7, "亿元"), None, "met", 0.26127, "万亿"),
    ("pp target", ("城镇化率", P, 1, "个百分点", "eq"), (1.2, "个百分点"), None, "met", 0.2, "个百分点"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_judge(case):
    _, t, (av, au), tol, verdict, gap, gap_unit = case
    target = fig(*t)
    actual = fig(t[0], t[1], av, au, role="actual")
    v = link.judge(target, actual, tolerance=tol)
    assert (v.verdict, v.gap_unit) == (verdict, gap_unit), v.rule
    assert v.gap == pytest.approx(gap)
    assert v.rule and _readable(v.rule), v.rule


def _readable(reason: str) -> bool:
    """A reason people read: in Chinese, no identifiers or English words (growth, met, approx)."""
    import re

    return re.search(r"[A-Za-z_]{3,}", reason) is None and re.search(r"[\u4e00-\u9fff]", reason) is not None


@pytest.mark.parametrize("target,actual", [(("地区生产总值", "growth", 5, "%", "eq"), None),
                                           (("地区生产总值", "growth", 5, "%", "eq"), ("地区生产总值", "amount", 3, "万亿元")),
                                           (("粮食产量", "amount", 500, "亿斤", "ge"), ("粮食产量", "amount", 3, "个"))])
def test_reasons_without_a_verdict_are_in_chinese(target, actual):
    v = link.judge(fig(*target), fig(*actual, role="actual") if actual else None)
    assert v.verdict in ("no_data", "needs_judgement") and _readable(v.rule), v.rule


def test_missing_actual_is_no_data():
    target = fig("地区生产总值", G, 5.5, "%", "approx")
    v = link.judge(target, None)
    assert (v.verdict, v.gap, v.gap_unit) == ("no_data", None, "个百分点")
    assert link.judge(target, fig("地区生产总值", G, None, "%", role="actual")).verdict == "no_data"


def test_not_comparable_needs_judgement():
    target = fig("地区生产总值", G, 5.5, "%", "approx")
    assert link.judge(target, fig("地区生产总值", A, 32612.7, "亿元", role="actual")).verdict == "needs_judgement"
    dollars = link.judge(fig("实际利用外资", A, 40, "亿美元"), fig("实际利用外资", A, 250, "亿元", role="actual"))
    assert dollars.verdict == "needs_judgement" and dollars.gap is None


def test_uncatalogued_indicator_reads_more_as_better():
    v = link.judge(fig("新建口袋公园", A, 100, "个", "approx"), fig("新建口袋公园", A, 150, "个", role="actual"))
    assert (v.verdict, v.gap) == ("met", 50)


def test_tolerances_come_from_the_settings_file():
    s = link.settings()
    assert s.rate_pp == 0.2 and s.amount_relative == 0.02


def test_liaoning_2024_targets_against_the_plan_execution_report():
    """End to end: the 2024 targets of the example against the 2024 actuals of the sample."""
    plan_exec = SHARED / "samples" / "ln-2024-plan-exec.txt"
    if not plan_exec.exists():
        pytest.skip("../shared is not beside this checkout")
    targets = [f for f in link.annotate(luoshi.extract_figures(luoshi.read(luoshi.sample_path())))
               if f.role == "target" and f.year == 2024 and f.region == "辽宁省" and f.canonical]
    actuals = link.index_actuals(link.annotate(luoshi.extract_figures(luoshi.read(plan_exec))), year=2024)
    got = {}
    for t in targets:
        a = actuals.get(f"{t.canonical}:{t.measure}")
        got.setdefault((t.canonical, t.measure), link.judge(t, a))
    want = {("gdp", G): ("missed", -0.4), ("grain_output", A): ("met", 0.1),
            ("urban_new_jobs", A): ("met", 2.6), ("budget_revenue", G): ("met", 0.5),
            ("industrial_value_added", G): ("missed", -2.4), ("fixed_asset_investment", G): ("missed", -4.7),
            ("retail_sales", G): ("missed", -4), ("trade_total", G): ("missed", -6.5),
            ("surveyed_unemployment", S): ("no_data", None), ("cpi", G): ("no_data", None)}
    for key, (verdict, gap) in want.items():
        assert got[key].verdict == verdict, (key, got[key])
        assert got[key].gap == (pytest.approx(gap) if gap is not None else None)
