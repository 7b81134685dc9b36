"""`luoshi compare`: the example's 2024 targets judged against the bundled 2024 actuals, on
SQLite and PostgreSQL; the 2023 actuals joined to 2023 targets once a 2023 report is imported."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from luoshi import sample_path
from luoshi.cli import main
from luoshi.services.compare import compare
from luoshi.services.importer import import_file

PLAN_EXEC = sample_path("ln-2024-plan-exec.txt")

# A 2023 work report of the same province, composed for the test: its 2023 targets are judged
# by the 2023 actuals of the example (the 2024 report's review part).
REPORT_2023 = """2023年辽宁省政府工作报告
——2023年1月13日在辽宁省第十四届人民代表大会第一次会议上
省长 李乐成
各位代表：
　　一、2022年工作回顾
　　过去一年，全省地区生产总值增长2.1%，一般公共预算收入增长2.4%。
　　二、2023年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%以上，一般公共预算收入增长5%，固定资产投资增长10%以上，城镇新增就业45万人，粮食产量稳定在500亿斤以上。
"""


def _by_indicator(rows, year):
    return {(r.canonical, r.measure): r for r in rows if r.year == year}


def test_example_2024_targets_judged(sessions):
    import_file(sessions, sample_path())
    import_file(sessions, PLAN_EXEC)
    with sessions() as s:
        rows = compare(s)
    got = _by_indicator(rows, 2024)
    gdp = got[("gdp", "growth")]
    assert (gdp.verdict, round(gdp.gap, 6), gdp.gap_unit) == ("missed", -0.4, "个百分点")
    assert gdp.target_source.doc == "liaoning-2024" and gdp.actual_source.doc == "ln-2024-plan-exec"
    original = sample_path().read_text(encoding="utf-8")
    assert original[gdp.target_source.start:gdp.target_source.end] == gdp.target_source.text
    assert got[("grain_output", "amount")].verdict == "met"
    jobs = got[("urban_new_jobs", "amount")]
    assert (jobs.verdict, round(jobs.gap, 6)) == ("met", 2.6)
    assert got[("budget_revenue", "growth")].verdict == "met"
    assert got[("surveyed_unemployment", "share")].verdict == "no_data"
    income = [r for r in rows if r.measure == "rule" and "同步" in r.indicator]
    assert income and income[0].verdict in ("met", "missed")
    assert [r for r in rows if r.measure == "rule" and "能耗" in r.indicator][0].verdict == "needs_judgement"


def test_2023_targets_joined_to_2023_actuals(sessions, tmp_path):
    f = tmp_path / "liaoning-2023.txt"
    f.write_text(REPORT_2023, encoding="utf-8")
    import_file(sessions, f)
    import_file(sessions, sample_path())
    with sessions() as s:
        got = _by_indicator(compare(s, year=2023), 2023)
    gdp = got[("gdp", "growth")]
    assert (gdp.target_value, gdp.target_comparator, gdp.actual_value, gdp.verdict) == (5, "ge", 5.3, "met")
    assert gdp.actual_source.doc == "liaoning-2024"
    assert got[("budget_revenue", "growth")].verdict == "met"  # 9.1 against 5
    assert got[("fixed_asset_investment", "growth")].verdict == "missed"  # 4 against 10
    assert got[("urban_new_jobs", "amount")].verdict == "met"  # 47.9万 against 45万


def test_filters(sessions):
    import_file(sessions, sample_path())
    import_file(sessions, PLAN_EXEC)
    with sessions() as s:
        assert {r.canonical for r in compare(s, indicator="gdp")} == {"gdp"}
        assert compare(s, region="吉林省") == []
        assert all(r.year == 2024 for r in compare(s, year=2024))
        assert {r.region for r in compare(s, region="辽宁")} == {"辽宁省"}


def test_cli_formats(db_url, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["import", "sample", "sample:ln-2024-plan-exec.txt", "--db", db_url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["compare", "--db", db_url, "--format", "jsonl", "--indicator", "gdp"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    row = next(x for x in rows if x["year"] == 2024 and x["measure"] == "growth")
    for key in ("indicator", "canonical", "region", "year", "target_value", "target_unit",
                "target_comparator", "actual_value", "actual_unit", "verdict", "gap",
                "target_source", "actual_source"):
        assert key in row
    assert row["verdict"] == "missed" and row["actual_value"] == 5.1
    r = runner.invoke(main, ["compare", "--db", db_url])
    assert "未完成" in r.stdout and "地区生产总值" in r.stdout
    r = runner.invoke(main, ["compare", "--db", db_url, "--format", "csv"])
    assert any(x["verdict"] == "met" for x in csv.DictReader(io.StringIO(r.stdout)))
    out = tmp_path / "c.xlsx"
    r = runner.invoke(main, ["compare", "--db", db_url, "--format", "xlsx", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out).active
    assert ws["A1"].value == "指标" and ws.max_row > 5
    heads = [c.value for c in ws[1]]
    assert {"完成", "未完成"} <= {r[heads.index("判定")] for r in ws.iter_rows(min_row=2, values_only=True)}
    r = runner.invoke(main, ["compare", "--db", db_url, "--across-regions", "--indicator", "gdp", "--year", "2024"])
    assert r.exit_code == 0 and "辽宁省" in r.stdout
    r = runner.invoke(main, ["compare", "--db", db_url, "--across-regions"])
    assert r.exit_code == 2


BULLETIN_2024 = """辽宁省2024年国民经济和社会发展统计公报
辽宁省统计局
2025年3月10日
一、综合
　　初步核算，全年全省地区生产总值32612.7亿元，比上年增长5.1%。全年固定资产投资比上年增长5.2%。
"""


def test_two_sources_prefer_the_official_and_show_both(sessions, tmp_path):
    f = tmp_path / "liaoning-2024-bulletin.txt"
    f.write_text(BULLETIN_2024, encoding="utf-8")
    for p in (sample_path(), PLAN_EXEC, f):
        import_file(sessions, p)
    with sessions() as s:
        got = _by_indicator(compare(s, year=2024), 2024)
    fai = got[("fixed_asset_investment", "growth")]
    assert fai.actual_value == 5.2 and fai.actual_source.doc == "liaoning-2024-bulletin"
    assert [o.doc for o in fai.other_actuals] == ["ln-2024-plan-exec"]
    assert [o.value for o in fai.other_actuals] == [5.3]


def test_narrowing_follows_the_library(sessions, tmp_path):
    """The compare page's filters are read once per library stamp: an import shows at once."""
    from luoshi.services.compare import Narrowing, narrowing

    import_file(sessions, sample_path())
    with sessions() as s:
        first = narrowing(s)
        assert 2024 in first.years and "辽宁省" in first.regions
        assert ("gdp", "地区生产总值") in first.indicators
        assert narrowing(s) is first  # the same library: read once
    other = tmp_path / "jilin.txt"
    other.write_text(sample_path().read_text("utf-8").replace("辽宁省", "吉林省").replace("辽宁", "吉林"), "utf-8")
    import_file(sessions, other)
    with sessions() as s:
        assert "吉林省" in narrowing(s).regions
    n = Narrowing([], [], [2026, 2025, 2023])
    assert (n.default_year(2026), n.default_year(2024), n.default_year(2023)) == (2025, 2023, 2026)
    assert Narrowing([], [], []).default_year(2026) is None


def test_qualitative_targets_are_stored_at_import_and_backfilled(sessions, monkeypatch):
    """Found once, at import (and by migration 0007 for reports stored before it): a comparison
    reads them from the table, never the report's text again."""
    from alembic import command
    from sqlalchemy import delete, select

    import luoshi
    from luoshi import store
    from luoshi.store import QualitativeTargetRow
    from luoshi.store.db import alembic_config

    r = import_file(sessions, sample_path())
    import_file(sessions, PLAN_EXEC)
    cols = [c for c in QualitativeTargetRow.__table__.columns if c.name != "id"]
    with sessions() as s:
        stored = s.execute(select(*cols).order_by(QualitativeTargetRow.report_id, QualitativeTargetRow.ord)).all()
    original = sample_path().read_text(encoding="utf-8")
    mine = [q for q in stored if q.report_id == r.report_id]
    assert any("同步" in q.text and q.rule_id for q in mine)
    assert all(original[q.start:q.end] == q.text for q in mine)

    def no_reading(*a, **k):
        raise AssertionError("a comparison read a report's text again")

    monkeypatch.setattr(luoshi, "build_outline", no_reading)
    with sessions() as s:
        rules = [(c.indicator, c.verdict) for c in compare(s) if c.measure == "rule"]
    assert ("能耗" in " ".join(i for i, _ in rules)) and rules
    monkeypatch.undo()

    engine = store.engine_of(sessions)
    command.downgrade(alembic_config(engine), "0006")
    command.upgrade(alembic_config(engine), "head")  # the backfill reads each report once more
    with sessions() as s:
        assert s.execute(select(*cols).order_by(QualitativeTargetRow.report_id, QualitativeTargetRow.ord)).all() == stored
    with sessions.begin() as s:
        s.execute(delete(QualitativeTargetRow))
    from luoshi.services.compare import _compare

    with sessions() as s:  # uncached (the library's stamp did not move): the table is what is read
        rows = _compare(s, indicator=None, region=None, year=None, tolerance=None)
        assert rows and [c for c in rows if c.measure == "rule"] == []


SHARED_NAME = """{year}年{region}政府工作报告
各位代表：
一、{last}年工作回顾
　　过去一年，朝阳区地区生产总值增长{actual}%。
二、{year}年工作安排
　　今年主要预期目标是：朝阳区地区生产总值增长{target}%左右。
"""


def test_a_district_name_two_provinces_share_keys_by_its_report(sessions, tmp_path):
    """朝阳区 in a Beijing report is Beijing's, in a Jilin report 长春's: a Beijing target is
    judged by Beijing's actual only, and found under 北京市朝阳区."""
    for doc, region, year, actual, target in [("bj-2024", "北京市", 2024, 5.2, 6),
                                              ("bj-2025", "北京市", 2025, 5.5, 6),
                                              ("jl-2025", "吉林省", 2025, 7, 7)]:
        f = tmp_path / f"{doc}.txt"
        f.write_text(SHARED_NAME.format(year=year, last=year - 1, region=region, actual=actual,
                                        target=target), encoding="utf-8")
        import_file(sessions, f)
    with sessions() as s:
        rows = [r for r in compare(s, indicator="gdp", year=2024) if r.target_source.doc == "bj-2024"]
        assert len(rows) == 1
        (bj,) = rows
        assert (bj.actual_source.doc, bj.actual_value, bj.verdict) == ("bj-2025", 5.5, "missed")
        assert [o.doc for o in bj.other_actuals] == []  # not 长春's 朝阳区 (jl-2025)
        assert [r.target_source.doc for r in compare(s, region="北京市朝阳区", year=2024)] == ["bj-2024"]
        assert [r.target_source.doc for r in compare(s, region="长春市朝阳区", year=2025)] == ["jl-2025"]
