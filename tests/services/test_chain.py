"""The chain across documents and years: a province's 2025 分工方案 (filed with its region, as
``luoshi import --region 辽宁省 --level province`` does), its 2025 work report and its 2026
report. The 2025 targets are judged by the 2026 report's 2025 results; a target stated in the
report and again in the 分工方案 shows once with both sources; a plan-execution report's
actual beats the work report's."""

from __future__ import annotations

from luoshi.services.across import across_regions
from luoshi.services.compare import compare
from luoshi.services.importer import import_file

DIVISION_2025 = """关于印发2025年《政府工作报告》重点工作分工方案的通知
各市人民政府，省政府各部门：
　　现将重点工作分工方案印发给你们，请认真抓好贯彻落实。
2025年2月8日
2025年《政府工作报告》重点工作分工方案
一、主要预期目标
1．地区生产总值增长5%以上。（牵头单位：省发展改革委；责任单位：省统计局）
2．一般公共预算收入增长4%。（牵头单位：省财政厅；责任单位：省税务局）
3．城镇新增就业47万人左右。（牵头单位：省人力资源社会保障厅）
4．居民收入增长和经济增长同步。（牵头单位：省统计局）
"""
REPORT_2025 = """2025年辽宁省政府工作报告
——2025年1月15日在辽宁省第十四届人民代表大会第三次会议上
各位代表：
　　一、2024年工作回顾
　　过去一年，全省地区生产总值增长5.1%。
　　二、2025年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%以上，一般公共预算收入增长4%，城镇新增就业47万人左右，居民收入增长和经济增长同步。
"""
REPORT_2026 = """2026年辽宁省政府工作报告
——2026年1月20日在辽宁省第十四届人民代表大会第四次会议上
各位代表：
　　一、2025年工作回顾
　　过去一年，全省地区生产总值增长3.7%，一般公共预算收入增长0.4%，城镇新增就业48万人。
　　二、2026年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右。
"""
PLAN_EXEC_2026 = """关于辽宁省2025年国民经济和社会发展计划执行情况与2026年国民经济和社会发展计划草案的报告
——2026年1月20日在辽宁省第十四届人民代表大会第四次会议上
辽宁省发展和改革委员会
各位代表：
　　一、2025年国民经济和社会发展计划执行情况
　　全省地区生产总值同比增长3.8%，一般公共预算收入增长0.4%。
"""


def _file(sessions, tmp_path, name, text, **overrides):
    f = tmp_path / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    import_file(sessions, f, overrides=overrides or None)


def _rows(s):
    return {(c.canonical, c.measure): c for c in compare(s, year=2025, region="辽宁省") if c.measure != "rule"}


def test_division_judged_by_next_years_report(sessions, tmp_path):
    _file(sessions, tmp_path, "ln-2025-division", DIVISION_2025, region="辽宁省", level="province")
    _file(sessions, tmp_path, "ln-2026", REPORT_2026)
    with sessions() as s:
        got = _rows(s)
    gdp, revenue, jobs = got[("gdp", "growth")], got[("budget_revenue", "growth")], got[("urban_new_jobs", "amount")]
    assert (gdp.target_value, gdp.target_comparator, gdp.actual_value, gdp.verdict) == (5, "ge", 3.7, "missed")
    assert (revenue.target_value, revenue.actual_value, revenue.verdict) == (4, 0.4, "missed")
    assert (jobs.target_value, jobs.target_comparator, jobs.actual_value, jobs.verdict) == (47, "approx", 48, "met")
    assert gdp.target_source.doc == "ln-2025-division" and gdp.actual_source.doc == "ln-2026"
    assert gdp.region == "辽宁省"


def test_stated_in_two_documents_shows_once(sessions, tmp_path):
    _file(sessions, tmp_path, "ln-2025-division", DIVISION_2025, region="辽宁省", level="province")
    _file(sessions, tmp_path, "ln-2025", REPORT_2025)
    _file(sessions, tmp_path, "ln-2026", REPORT_2026)
    with sessions() as s:
        rows = [c for c in compare(s, year=2025, region="辽宁省") if c.canonical == "gdp" and c.measure == "growth"]
        across = across_regions(s, indicator="gdp", year=2025)
    assert len(rows) == 1
    assert rows[0].target_source.doc == "ln-2025"  # the report leads, its 分工方案 follows
    assert [x.doc for x in rows[0].other_sources] == ["ln-2025-division"]
    assert [(r.region, [x.doc for x in r.sources]) for r in across] == [("辽宁省", ["ln-2025", "ln-2025-division"])]
    with sessions() as s:
        income = [c for c in compare(s, year=2025, region="辽宁省") if c.measure == "rule"]
    assert [(c.target_source.doc, [x.doc for x in c.other_sources]) for c in income] == \
        [("ln-2025", ["ln-2025-division"])]


def test_the_more_official_actual_wins(sessions, tmp_path):
    _file(sessions, tmp_path, "ln-2025", REPORT_2025)
    _file(sessions, tmp_path, "ln-2026", REPORT_2026)
    _file(sessions, tmp_path, "ln-2026-plan-exec", PLAN_EXEC_2026)
    with sessions() as s:
        gdp = _rows(s)[("gdp", "growth")]
    assert (gdp.actual_value, gdp.actual_source.doc) == (3.8, "ln-2026-plan-exec")
    assert [o.doc for o in gdp.other_actuals] == ["ln-2026"]


def test_a_different_statement_is_kept_apart(sessions, tmp_path):
    """The 分工方案 states GDP otherwise than the report: the report's target leads the row, the
    other statement is listed, not lost."""
    _file(sessions, tmp_path, "ln-2025-division", DIVISION_2025.replace("增长5%以上", "增长5.5%左右"),
          region="辽宁省", level="province", date="2025-02-08")  # later than the report
    _file(sessions, tmp_path, "ln-2025", REPORT_2025)
    with sessions() as s:
        (row,) = across_regions(s, indicator="gdp", year=2025)
    assert (row.target, [x.doc for x in row.sources], [x.doc for x in row.other_targets]) == \
        ("5%以上", ["ln-2025"], ["ln-2025-division"])
