"""The indicator catalogue: what links, what must not, and that every headline figure links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi
from luoshi import link

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPUS_GOLD = ROOT / "tests" / "corpus" / "gold"

MATCHES = [
    # (indicator as extracted, measure, canonical id)
    ("地区生产总值", "growth", "gdp"),
    ("地区生产总值", "amount", "gdp"),
    ("地区生产总值总量", "amount", "gdp"),
    ("国内生产总值", "growth", "gdp"),
    ("全省地区生产总值", "growth", "gdp"),
    ("经济增长", "growth", "gdp"),
    ("GDP", "growth", "gdp"),
    ("ｇｄｐ", "growth", "gdp"),
    ("经济总量", "amount", "gdp"),
    ("人均地区生产总值", "amount", "gdp_per_capita"),
    ("一般公共预算收入", "growth", "budget_revenue"),
    ("地方一般公共预算收入", "amount", "budget_revenue"),
    ("一般公共预算总收入", "growth", "budget_revenue_total"),
    ("一般公共预算支出", "amount", "budget_expenditure"),
    ("规模以上工业增加值", "growth", "industrial_value_added"),
    ("规上工业增加值", "growth", "industrial_value_added"),
    ("全社会固定资产投资", "growth", "fixed_asset_investment"),
    ("固定资产投资", "growth", "fixed_asset_investment"),
    ("社会消费品零售总额", "growth", "retail_sales"),
    ("进出口总额", "growth", "trade_total"),
    ("外贸进出口", "growth", "trade_total"),
    ("货物进出口总额", "amount", "trade_total"),
    ("出口", "growth", "exports"),
    ("进口", "amount", "imports"),
    ("城镇新增就业", "amount", "urban_new_jobs"),
    ("城镇调查失业率", "share", "surveyed_unemployment"),
    ("城镇调查失业率", "pp", "surveyed_unemployment"),
    ("城镇登记失业率", "share", "registered_unemployment"),
    ("居民消费价格", "growth", "cpi"),
    ("居民消费价格涨幅", "growth", "cpi"),
    ("CPI", "growth", "cpi"),
    ("居民人均可支配收入", "growth", "disposable_income"),
    ("全体居民人均可支配收入", "amount", "disposable_income"),
    ("城镇居民人均可支配收入", "growth", "urban_income"),
    ("农村居民人均可支配收入", "growth", "rural_income"),
    ("粮食产量", "amount", "grain_output"),
    ("粮食总产量", "amount", "grain_output"),
    ("粮食播种面积", "amount", "grain_area"),
    ("单位地区生产总值能耗", "growth", "energy_intensity"),
    ("单位GDP能耗", "growth", "energy_intensity"),
    ("单位国内生产总值二氧化碳排放", "growth", "carbon_intensity"),
    ("研发经费投入强度", "share", "rd_intensity"),
    ("R&D经费投入强度", "share", "rd_intensity"),
    ("r&d经费投入强度", "share", "rd_intensity"),
    ("研发经费支出占地区生产总值比重", "share", "rd_intensity"),
    ("实际利用外资", "amount", "foreign_capital"),
    ("实际使用外资", "amount", "foreign_capital"),
    ("新增高新技术企业", "amount", "high_tech_enterprises_new"),
    ("高新技术企业总数", "amount", "high_tech_enterprises"),
    ("PM2.5平均浓度", "amount", "pm25"),
    ("地级及以上城市细颗粒物（PM2.5）平均浓度", "growth", "pm25"),
    ("空气质量优良天数比例", "share", "good_air_days_ratio"),
    ("森林覆盖率", "share", "forest_coverage"),
    ("常住人口城镇化率", "share", "urbanisation_rate"),
    ("年末常住人口", "amount", "population"),
    ("赤字率", "share", "deficit_ratio"),
    ("税收收入", "amount", "tax_revenue"),
    ("旅游总收入", "growth", "tourism_revenue"),
    ("“新增专精特新‘小巨人’企业”", "amount", "little_giants_new"),
    ("城镇新增就业", None, "urban_new_jobs"),
]

NON_MATCHES = [
    ("纺织业增加值", "growth"),           # a sub-sector, not 规模以上工业增加值
    ("化学纤维制造业增加值", "amount"),
    ("新建口袋公园", "amount"),
    ("“新三样”产品出口", "growth"),        # a product group, not exports
    ("对俄进出口", "growth"),             # one partner, not the total
    ("地区生产总值占全省比重", "share"),   # a city's share, not GDP
    ("高技术制造业投资", "growth"),        # not fixed-asset investment as a whole
    ("一般公共预算支出规模比上年增加", "amount"),
    ("新增高新技术企业总数", "amount"),     # a flow word and a stock word: which is it?
    ("城镇新增就业", "growth"),           # jobs are an amount
    ("城镇调查失业率", "amount"),
    ("", None),
    ("重大工程", "amount"),
]


@pytest.mark.parametrize("name,measure,expected", MATCHES)
def test_matches(name, measure, expected):
    assert link.canonical(name, measure) == expected


@pytest.mark.parametrize("name,measure", NON_MATCHES)
def test_non_matches_stay_none(name, measure):
    assert link.canonical(name, measure) is None


def test_catalogue_has_the_issue_indicators():
    ids = set(link.catalogue().indicators)
    assert {"gdp", "gdp_per_capita", "budget_revenue", "budget_expenditure", "industrial_value_added",
            "fixed_asset_investment", "retail_sales", "trade_total", "exports", "imports",
            "urban_new_jobs", "surveyed_unemployment", "registered_unemployment", "cpi",
            "disposable_income", "urban_income", "rural_income", "grain_output", "grain_area",
            "energy_intensity", "carbon_intensity", "rd_intensity", "foreign_capital",
            "high_tech_enterprises", "pm25", "good_air_days_ratio", "forest_coverage",
            "urbanisation_rate", "population", "deficit_ratio", "tax_revenue", "tourism_revenue"} <= ids


@pytest.mark.parametrize("ind", list(link.catalogue().indicators.values()), ids=lambda i: i.id)
def test_catalogue_entries_are_well_formed(ind):
    assert ind.id.isidentifier() and ind.id == ind.id.lower()
    assert ind.zh and ind.names and ind.department
    assert set(ind.measures) <= {"growth", "amount", "share", "pp"}
    assert ind.direction in ("up", "down")
    assert link.canonical(ind.zh) == ind.id
    for u in ind.units:  # the usual units convert to the main unit (one currency to another: no)
        if ("美元" in u) == ("美元" in ind.unit):
            link.convert(1, u, ind.unit, ind.id)


def test_department_hints():
    assert link.indicator("gdp").department == "发展改革委"
    assert link.indicator("budget_revenue").department == "财政厅"
    assert link.indicator("urban_new_jobs").department == "人力资源社会保障厅"


def test_annotate_sets_in_place_and_returns_the_list():
    doc = luoshi.read(luoshi.sample_path())
    figures = luoshi.extract_figures(doc)
    figures[0].canonical = "stale"
    out = link.annotate(iter(figures))
    assert out == figures and out[0] is figures[0]
    by = {(f.indicator, f.measure, f.role): f.canonical for f in figures}
    assert by[("地区生产总值", "growth", "actual")] == "gdp"
    assert by[("粮食产量", "amount", "target")] == "grain_output"
    assert all(f.canonical != "stale" for f in figures)


def _headline_and_targets(path) -> list:
    """Tier-1-like figures without gold: the innermost block holding the document's first actual
    figure (the headline results) and the main-targets paragraph(s)."""
    doc = luoshi.read(path)
    outline = luoshi.build_outline(doc)
    figures = link.annotate(luoshi.extract_figures(doc, outline))
    spans = [(n.nstart, n.nend) for n in outline.nodes("paragraph") if n.flags.get("main_targets")]
    first = next(f for f in figures if f.role in ("actual", "estimate"))
    inner = outline.path_at(first.nstart)[-1]  # its paragraph, or a section such as （一）
    spans.append((inner.nstart, inner.nend))
    return [f for f in figures if any(s <= f.nstart < e for s, e in spans)]


def test_sample_headline_and_targets_all_link():
    picked = _headline_and_targets(luoshi.sample_path())
    assert len(picked) >= 19
    assert [f.indicator for f in picked if f.canonical is None] == []


def _gold_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _shared(name: str) -> Path:
    p = SHARED / name
    if not p.exists():
        pytest.skip("../shared is not beside this checkout")
    return p


@pytest.mark.parametrize("gold", ["liaoning-2024.jsonl", "ln-2024-plan-exec.jsonl"])
def test_shared_gold_tier1_all_link(gold):
    rows = [r for r in _gold_rows(_shared("gold") / gold) if r.get("tier") == 1]
    assert rows
    assert [(r["indicator"], r["measure"]) for r in rows if link.canonical(r["indicator"], r["measure"]) is None] == []


def test_plan_exec_sample_headline_all_links():
    picked = _headline_and_targets(_shared("samples") / "ln-2024-plan-exec.txt")
    assert len(picked) >= 11
    assert {f.canonical for f in picked} >= {"gdp", "grain_output", "industrial_value_added", "exports",
                                             "disposable_income", "urban_new_jobs", "trade_total"}
    assert [f.indicator for f in picked if f.canonical is None] == []


def test_corpus_gold_tier1_all_link():
    rows = [r for p in sorted(CORPUS_GOLD.glob("*.jsonl")) for r in _gold_rows(p) if r.get("tier") == 1]
    assert len(rows) > 100
    assert [(r["doc"], r["indicator"]) for r in rows if link.canonical(r["indicator"], r["measure"]) is None] == []
