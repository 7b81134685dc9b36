"""One year across regions (``services.across``) and multi-year goals (``services.goals``) on
short reports composed in the genre's words: the annual target one row per region with every
source, last year's target judged by this year's report, and a 十五五 goal judged year by year."""

from __future__ import annotations

import pytest

from luoshi.services.across import across_regions, target_text
from luoshi.services.goals import goals
from luoshi.services.importer import import_file

HEAD = """{year}年{region}政府工作报告
——{year}年1月15日在{region}第十四届人民代表大会第{n}次会议上
省长 张三
各位代表：
"""
LN_2025 = HEAD + """　　一、2024年工作回顾
　　过去一年，全省地区生产总值增长5.1%。
　　二、2025年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%以上，一般公共预算收入增长4%，城镇新增就业47万人左右。
"""
LN_2026 = HEAD + """　　一、2025年工作回顾
　　这五年，民生福祉持续增进，城镇新增就业230万人。
　　过去一年，全省地区生产总值增长5.6%，一般公共预算收入增长0.4%，城镇新增就业48万人。“十四五”时期，全省地区生产总值年均增长4.9%。
　　二、“十五五”时期的主要目标
　　“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右，常住人口城镇化率达到75%，城镇调查失业率控制在5.5%以内。
　　三、2026年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长3%，城镇新增就业46万人。
　　（一）扩大有效需求。确保地区生产总值增长5%左右，全省地区生产总值达到35000亿元。
"""
LN_LATER = HEAD + """　　一、{prev}年工作回顾
　　过去一年，全省地区生产总值增长{growth}%，常住人口城镇化率达到{urban}%，城镇调查失业率{jobless}%。
　　二、{year}年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右。
"""
JL_2026 = HEAD + """　　一、2025年工作回顾
　　过去一年，全省地区生产总值增长5%。
　　二、2026年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业22万人。
"""


def _import(sessions, tmp_path, name, text):
    f = tmp_path / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    import_file(sessions, f)


@pytest.fixture
def library(sessions, tmp_path):
    _import(sessions, tmp_path, "ln-2025", LN_2025.format(year=2025, region="辽宁省", n=3))
    _import(sessions, tmp_path, "ln-2026", LN_2026.format(year=2026, region="辽宁省", n=4))
    _import(sessions, tmp_path, "jl-2026", JL_2026.format(year=2026, region="吉林省", n=4))
    return sessions


def test_one_row_per_region_with_last_years_verdict(library):
    with library() as s:
        rows = across_regions(s, indicator="gdp", year=2026)
    assert [r.region for r in rows] == ["辽宁省", "吉林省"]  # the official order: 210000 before 220000
    ln, jl = rows
    assert (ln.measure, ln.target, ln.target_comparator) == ("growth", "5%左右", "approx")  # not 35000亿元
    assert len(ln.sources) == 2 and not ln.other_targets  # stated twice: one row, both sources
    assert (ln.prev_target, ln.prev_actual_value, ln.prev_verdict) == ("5%以上", 5.6, "met")
    assert ln.prev_actual_source.doc == "ln-2026" and ln.prev_target_source.doc == "ln-2025"
    assert (jl.target, jl.prev_target, jl.prev_actual_value, jl.prev_verdict) == ("5.5%左右", None, 5, None)


def test_other_indicators_and_sorting(library):
    with library() as s:
        jobs = across_regions(s, indicator="urban_new_jobs", year=2025)
        by_target = across_regions(s, indicator="gdp", year=2026, sort="target")
    assert [(r.region, r.target, r.prev_target) for r in jobs] == [("辽宁省", "47万人左右", None)]
    with library() as s:
        jobs26 = across_regions(s, indicator="urban_new_jobs", year=2026)
    # 230万人 is five years' jobs ("这五年，…" in a report reviewing 十四五's last year), not 2025's
    assert [(r.region, r.target, r.prev_target, r.prev_actual_value, r.prev_verdict) for r in jobs26] == \
        [("辽宁省", "46万人", "47万人左右", 48, "met"), ("吉林省", "22万人", None, None, None)]
    assert [r.region for r in by_target] == ["吉林省", "辽宁省"]  # 5.5 before 5


@pytest.mark.parametrize("value,value_max,unit,comparator,shown", [
    (500, None, "亿元", "ge", "500亿元以上"), (500, None, "亿元", "gt", "超过500亿元"),
    (4.5, 5, "%", "range", "4.5%—5%"), (5, None, "%", "approx", "5%左右"), (3, None, "%", "le", "3%以内"),
    (46, None, "万人", "eq", "46万人"), (None, None, "", "rule", "定性目标")])
def test_target_text(value, value_max, unit, comparator, shown):
    assert target_text(value, value_max, unit, comparator) == shown


def test_five_year_goal_judged_year_by_year(library, tmp_path):
    with library() as s:
        found = goals(s, region="辽宁")
        annual = across_regions(s, indicator="gdp", year=2030)
    gdp = next(g for g in found if g.canonical == "gdp")
    assert (gdp.start_year, gdp.end_year, gdp.average, gdp.target, gdp.status) == (2026, 2030, True, "年均5%左右", "no_data")
    assert annual == []  # a goal is not an annual target of 2030
    _import(library, tmp_path, "ln-2027", LN_LATER.format(year=2027, prev=2026, region="辽宁省", n=5, growth=4.6, urban=74, jobless=5.2))
    with library() as s:
        gdp = next(g for g in goals(s, region="辽宁省") if g.canonical == "gdp")
        urban = next(g for g in goals(s, region="辽宁省") if g.canonical == "urbanisation_rate")
        jobless = next(g for g in goals(s, region="辽宁省") if g.canonical == "surveyed_unemployment")
    assert (gdp.so_far, gdp.status) == (4.6, "behind") and "2026年平均增长4.6%" in gdp.reason
    assert (urban.target, urban.so_far, urban.status) == ("到2030年75%", 74, "in_progress")
    assert (jobless.so_far, jobless.status) == (5.2, "on_track")  # within its ceiling so far
    _import(library, tmp_path, "ln-2028", LN_LATER.format(year=2028, prev=2027, region="辽宁省", n=6, growth=5.6, urban=75.2, jobless=5.6))
    with library() as s:
        gdp = next(g for g in goals(s, region="辽宁省") if g.canonical == "gdp")
        urban = next(g for g in goals(s, region="辽宁省") if g.canonical == "urbanisation_rate")
        jobless = next(g for g in goals(s, region="辽宁省") if g.canonical == "surveyed_unemployment")
    assert [a.year for a in gdp.actuals] == [2026, 2027]
    assert (gdp.so_far, gdp.status) == (5.1, "on_track")  # (1.046 × 1.056)^½ − 1 = 5.1%
    assert gdp.needed == 4.93 and "余下3年须年均增长4.93%" in gdp.reason  # (1.05^5 / (1.046 × 1.056))^⅓ − 1
    assert urban.status == "reached"
    assert (jobless.target, jobless.so_far, jobless.status) == ("到2030年5.5%以内", 5.6, "behind")  # a ceiling broken


SY_2026 = """2026年沈阳市政府工作报告
——2026年1月10日在沈阳市第十七届人民代表大会第五次会议上
市长 李四
各位代表：
　　一、2025年工作回顾
　　过去一年，全市地区生产总值增长5.8%。
　　二、2026年工作安排
　　今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右。
"""


@pytest.mark.parametrize("within,level,regions", [
    (None, None, ["辽宁省", "沈阳市", "吉林省"]), (None, "province", ["辽宁省", "吉林省"]),
    ("辽宁省", None, ["沈阳市"]), ("辽宁", "city", ["沈阳市"]), ("吉林省", None, [])])
def test_all_provinces_or_the_cities_of_one(library, tmp_path, within, level, regions):
    _import(library, tmp_path, "sy-2026", SY_2026)
    with library() as s:
        rows = across_regions(s, indicator="gdp", year=2026, within=within, level=level)
    assert [r.region for r in rows] == regions



def test_a_target_set_for_a_city_in_a_provinces_report_is_not_the_citys_row(library, tmp_path):
    _import(library, tmp_path, "ln-2026b", LN_2026.format(year=2026, region="辽宁省", n=4).replace(
        "城镇新增就业46万人。", "城镇新增就业46万人。沈阳市地区生产总值增长6%。"))
    with library() as s:
        rows = across_regions(s, indicator="gdp", year=2026)
    assert "沈阳市" not in [r.region for r in rows]


def test_cli_tables_and_exports(library, db_url, tmp_path):
    import csv
    import io
    import json

    from click.testing import CliRunner
    from openpyxl import load_workbook

    from luoshi.cli import main

    run = lambda *a: CliRunner().invoke(main, ["compare", "--db", db_url, *a])  # noqa: E731
    table = run("--indicator", "gdp", "--year", "2026", "--across-regions", "--sort", "target")
    assert table.exit_code == 0 and [x.split("\t")[:3] for x in table.stdout.splitlines()[1:]] == \
        [["吉林省", "地区生产总值", "5.5%左右"], ["辽宁省", "地区生产总值", "5%左右"]]
    provinces = run("--indicator", "gdp", "--year", "2026", "--across-regions", "--level", "province", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(provinces.stdout)))
    assert [(r["地区"], r["目标"], r["上年目标"], r["上年实际"]) for r in rows] == \
        [("辽宁省", "5%左右", "5%以上", "5.6%"), ("吉林省", "5.5%左右", "", "5%")]
    goals = [json.loads(x) for x in run("--goals", "--region", "辽宁", "--format", "jsonl").stdout.splitlines()]
    assert {(g["canonical"], g["status_zh"]) for g in goals} == \
        {("gdp", "尚无实际数"), ("urbanisation_rate", "尚无实际数"), ("surveyed_unemployment", "尚无实际数")}
    out = tmp_path / "goals.xlsx"
    assert run("--goals", "--format", "xlsx", "--out", str(out)).exit_code == 0
    assert next(load_workbook(out).active.iter_rows(values_only=True))[:4] == ("地区", "指标", "规划期", "目标")
    assert run("--goals", "--across-regions", "--indicator", "gdp", "--year", "2026").exit_code == 2
