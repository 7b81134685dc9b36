"""Qualitative targets: finding them in the 主要预期目标 list and judging the ones a rule can."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import luoshi
from luoshi import link

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
INCOME = "居民人均可支配收入增长与经济增长基本同步"


def actual(measure, value, unit="%"):
    return SimpleNamespace(measure=measure, value=value, unit=unit, role="actual")


def test_income_in_step_with_gdp_liaoning_2024():
    """Liaoning 2024: income +4.9 % against GDP +5.1 %. Income trails by 0.2 point, within the
    0.5 point that "基本同步" allows, so the target is met (gap −0.2 point)."""
    v = link.judge_qualitative(INCOME, {"disposable_income": actual("growth", 4.9), "gdp": actual("growth", 5.1)})
    assert (v.verdict, v.gap, v.gap_unit) == ("met", -0.2, "个百分点")
    assert "基本同步" in v.rule and v.rule.endswith("居民人均可支配收入 4.9%，地区生产总值 5.1%")


@pytest.mark.parametrize("income,gdp,verdict", [(4.6, 5.1, "met"), (4.5, 5.1, "missed"), (6.0, 5.1, "met")])
def test_income_rule_edges(income, gdp, verdict):
    v = link.judge_qualitative(INCOME, {"disposable_income:growth": actual("growth", income),
                                        "gdp:growth": actual("growth", gdp)})
    assert v.verdict == verdict


def test_keys_by_measure_are_preferred():
    actuals = {"gdp": actual("amount", 32612.7, "亿元"), "gdp:growth": actual("growth", 5.1),
               "disposable_income": actual("growth", 4.9)}
    assert link.judge_qualitative("居民收入增长和经济增长同步", actuals).verdict == "met"
    # only an amount for gdp: no growth actual to compare with
    assert link.judge_qualitative(INCOME, {"gdp": actual("amount", 1, "亿元"),
                                           "disposable_income": actual("growth", 4.9)}).verdict == "no_data"


def test_rural_faster_than_urban():
    acts = {"rural_income": actual("growth", 7.9), "urban_income": actual("growth", 4.3)}
    assert link.judge_qualitative("农村居民收入增长快于城镇居民", acts).verdict == "met"


def test_missing_actuals_are_no_data():
    v = link.judge_qualitative(INCOME, {"gdp": actual("growth", 5.1)})
    assert v.verdict == "no_data" and "居民人均可支配收入" in v.rule


@pytest.mark.parametrize("text", ["单位地区生产总值能耗完成国家下达任务", "国际收支保持基本平衡",
                                  "生态环境质量持续改善", "营商环境持续优化"])
def test_others_need_judgement(text):
    assert link.judge_qualitative(text, {}).verdict == "needs_judgement"


def test_a_quantitative_sentence_is_not_qualitative():
    assert link.judge_qualitative("地区生产总值增长5.5%左右", {}) is None
    assert link.judge_qualitative("到2025年居民收入增长与经济增长同步", {}).verdict == "no_data"


def test_sample_main_targets():
    doc = luoshi.read(luoshi.sample_path())
    found = link.qualitative_targets(doc, luoshi.build_outline(doc))
    assert [(q.text, q.rule_id) for q in found] == [(INCOME, "income_with_growth"),
                                                   ("单位地区生产总值能耗完成国家下达任务", "energy_quota")]
    for q in found:
        assert doc.original[q.start:q.end] == q.text


EXPECTED = {
    "city-2024-work-report": ["income_with_growth", "energy_quota"],
    "county-2023-work-report": ["energy_quota"],
    "national-2025-work-report": ["income_with_growth", "balance_of_payments", "environment_improves"],
    "province-2024-task-division": ["income_with_growth", "energy_quota"],   # numbered items, (牵头单位…) notes
    "province-2025-plan-exec": ["income_with_growth", "energy_quota"],       # "——经济增长。" headed lines
    "traditional-2024-work-report": ["income_with_growth", "energy_quota"],
    "web-page-2024-work-report": ["income_with_growth"],
    "city-2023-stat-bulletin": [],
}


@pytest.mark.parametrize("name,rules", EXPECTED.items())
def test_corpus_main_targets(name, rules):
    doc = luoshi.read(CORPUS / f"{name}.txt")
    found = link.qualitative_targets(doc, luoshi.build_outline(doc))
    assert [q.rule_id for q in found] == rules, found
    for q in found:
        assert doc.original[q.start:q.end] == q.text
        assert not link.qualitative.has_number(q.text)


def test_index_actuals_from_the_sample():
    figures = luoshi.extract_figures(luoshi.read(luoshi.sample_path()))
    acts = link.index_actuals(figures, region="辽宁省", year=2023)
    assert acts["gdp:growth"].value == 5.3 and acts["gdp:amount"].unit == "万亿"
    assert acts["gdp"].measure == "growth"
    assert all(f.role == "actual" for f in acts.values())
    v = link.judge_qualitative("城乡居民收入增长快于经济增长", acts)
    assert v.verdict == "no_data"  # 2023 gives urban and rural income, not all residents


@pytest.mark.parametrize("rule", link.qualitative_rules(), ids=lambda r: r.id)
def test_rules_explain_themselves_in_chinese(rule):
    """What people read (pages, exports, the API) names no rule id and no English word."""
    import re

    assert re.search(r"[\u4e00-\u9fff]", rule.explain) and not re.search(r"[A-Za-z_]{3,}", rule.explain)
