"""The target panel on SQLite and PostgreSQL: rows, target types, the four flags, and the
CSV / Parquet exports with their codebook. The reports are composed here, small and made up:
the nation, two provinces and a city, with Jilin in two years."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from luoshi.cli import main
from luoshi.services.importer import import_file
from luoshi.services.panel import COLUMNS, RULES, _lead_scopes, target_panel, target_type

HEAD = "{title}\n——{date}在{meeting}上\n{office} {name}\n各位代表：\n"

NATION_2024 = HEAD.format(title="2024年政府工作报告", date="2024年3月5日",
                          meeting="第十四届全国人民代表大会第二次会议", office="国务院总理", name="李强") + """\
　　一、2023年工作回顾
　　过去一年，国内生产总值增长5.2%，粮食产量13908亿斤。
　　二、2024年经济社会发展总体要求和政策取向
　　今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上；粮食产量1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右（约束性）；居民收入增长和经济增长同步。
"""

JILIN_2023 = HEAD.format(title="2023年吉林省政府工作报告", date="2023年1月12日",
                         meeting="吉林省第十四届人民代表大会第一次会议", office="省长", name="胡玉亭") + """\
　　一、2022年工作回顾
　　过去一年，全省地区生产总值下降1.9%。
　　二、2023年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业23万人，粮食产量稳定在800亿斤以上。
"""

JILIN_2024 = HEAD.format(title="2024年吉林省政府工作报告", date="2024年1月24日",
                         meeting="吉林省第十四届人民代表大会第三次会议", office="省长", name="胡玉亭") + """\
　　一、2023年工作回顾
　　过去一年，全省地区生产总值增长6.3%，城镇新增就业23万人，粮食产量837.3亿斤。
　　二、2024年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业24万人，粮食产量稳定在800亿斤以上。约束性指标为：单位地区生产总值能耗下降3%。
"""

# Heilongjiang's grain is made up so that the provinces add up to more than the nation.
HEILONGJIANG_2024 = HEAD.format(title="2024年黑龙江省政府工作报告", date="2024年1月28日",
                                meeting="黑龙江省第十四届人民代表大会第二次会议", office="省长",
                                name="梁惠玲") + """\
　　一、2023年工作回顾
　　过去一年，全省粮食产量13200亿斤。
　　二、2024年工作安排
　　今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右。
"""

CHANGCHUN_2024 = HEAD.format(title="2024年长春市政府工作报告", date="2024年1月10日",
                             meeting="长春市第十六届人民代表大会第三次会议", office="市长",
                             name="王子联") + """\
　　一、2023年工作回顾
　　过去一年，全市地区生产总值增长6.7%。
　　二、2024年工作安排
　　今年全市经济社会发展的主要预期目标是：地区生产总值增长7%左右，城镇新增就业10万人，生态环境质量持续改善。
"""

REPORTS = {"nation-2024": NATION_2024, "jilin-2023": JILIN_2023, "jilin-2024": JILIN_2024,
           "heilongjiang-2024": HEILONGJIANG_2024, "changchun-2024": CHANGCHUN_2024}


@pytest.fixture
def library(sessions, tmp_path):
    for name, text in REPORTS.items():
        f = tmp_path / f"{name}.txt"
        f.write_text(text, encoding="utf-8")
        import_file(sessions, f)
    return sessions


def _row(rows, region, year, canonical, measure=None):
    hits = [r for r in rows if r.region == region and r.year == year and r.canonical == canonical
            and (measure is None or r.measure == measure)]
    assert len(hits) == 1, (region, year, canonical, hits)
    return hits[0]


def test_rows_levels_and_verdicts(library):
    with library() as s:
        rows = target_panel(s)
    gdp = _row(rows, "吉林省", 2023, "gdp")
    assert (gdp.level, gdp.value, gdp.unit, gdp.comparator, gdp.specific) == ("province", 5.5, "%", "approx", True)
    assert (gdp.verdict, gdp.actual, gdp.gap) == ("met", 6.3, 0.8)  # the 2024 report's review
    assert gdp.text == "地区生产总值增长5.5%左右" and gdp.doc == "jilin-2023"
    assert JILIN_2023[gdp.start:gdp.end] == gdp.text
    assert _row(rows, "长春市", 2024, "gdp").level == "city"
    assert _row(rows, "全国", 2024, "gdp").level == "national"
    assert [r.year for r in rows] == sorted(r.year for r in rows)


def test_target_type(library):
    with library() as s:
        rows = target_panel(s)
    assert _row(rows, "全国", 2024, "energy_intensity").target_type == "约束性"  # （约束性） after it
    assert _row(rows, "吉林省", 2024, "energy_intensity").target_type == "约束性"  # 约束性指标为：…
    assert _row(rows, "全国", 2024, "gdp").target_type is None  # 主要预期目标 is not a type
    assert _row(rows, "吉林省", 2024, "gdp").target_type is None


def test_target_type_rules():
    text = "约束性指标：\n1. 单位地区生产总值能耗下降3%；\n2. 主要污染物排放量减少2%。\n下一段：地区生产总值增长5%，就业率95%（预期性）。"
    scopes = _lead_scopes(text)

    def at(s):
        i = text.index(s)
        return target_type(text, i, i + len(s), scopes)

    assert at("下降3%") == "约束性" and at("减少2%") == "约束性"
    assert at("增长5%") is None and at("95%") == "预期性"
    t = "地区生产总值增长5%为预期性指标，粮食产量800亿斤。"
    assert target_type(t, 0, t.index("为"), _lead_scopes(t)) == "预期性"
    assert target_type(t, t.index("800"), t.index("。"), _lead_scopes(t)) is None  # not a lead


def test_vague_targets(library):
    with library() as s:
        rows = target_panel(s)
    vague = [r for r in rows if not r.specific]
    env = next(r for r in vague if r.region == "长春市")
    assert (env.indicator, env.year, env.value, env.measure) == ("生态环境质量持续改善", 2024, None, None)
    assert env.verdict == "needs_judgement" and env.canonical == "environment_improves"
    assert CHANGCHUN_2024[env.start:env.end] == env.text
    income = next(r for r in vague if r.region == "全国")
    assert income.canonical == "income_with_growth"


def test_amplified(library):
    with library() as s:
        rows = target_panel(s, year=2024)
    nation, province, city = (_row(rows, r, 2024, "gdp") for r in ("全国", "吉林省", "长春市"))
    assert nation.amplified is None and nation.parent_region is None
    assert (province.amplified, province.parent_region, province.parent_value, province.amplification_gap) == \
        (True, "全国", 5.0, 0.5)
    assert (city.amplified, city.parent_region, city.parent_value, city.amplification_gap) == \
        (True, "吉林省", 5.5, 1.5)
    hlj = _row(rows, "黑龙江省", 2024, "gdp")
    assert (hlj.amplified, hlj.amplification_gap) == (False, 0.0)  # equal is not above
    # less is better: a deeper cut in energy intensity than the nation's is amplification
    energy = _row(rows, "吉林省", 2024, "energy_intensity")
    assert (energy.amplified, energy.amplification_gap) == (True, -0.5)
    jobs = _row(rows, "长春市", 2024, "urban_new_jobs")  # amounts scale with size: not compared
    assert jobs.amplified is None and jobs.amplification_gap is None


def test_repeated_unchanged(library):
    with library() as s:
        rows = target_panel(s)
    assert _row(rows, "吉林省", 2024, "gdp").repeated_unchanged is True
    assert _row(rows, "吉林省", 2024, "grain_output").repeated_unchanged is True
    assert _row(rows, "吉林省", 2024, "urban_new_jobs").repeated_unchanged is False  # 23 → 24万人
    assert _row(rows, "吉林省", 2023, "gdp").repeated_unchanged is None  # no 2022 report
    assert _row(rows, "长春市", 2024, "gdp").repeated_unchanged is None


def test_actual_equals_target_and_regional_sum(library):
    with library() as s:
        rows = target_panel(s, year=2023)
    assert {r.region for r in rows} == {"吉林省"}
    assert _row(rows, "吉林省", 2023, "urban_new_jobs").actual_equals_target is True  # 23 and 23
    assert _row(rows, "吉林省", 2023, "gdp").actual_equals_target is False
    grain = _row(rows, "吉林省", 2023, "grain_output")
    assert grain.actual_equals_target is False
    # 837.3 (Jilin) + 13200 (Heilongjiang) > 13908 (nation) for 2023
    assert grain.regional_sum_exceeds_national is True and grain.regional_sum_gap == pytest.approx(129.3)
    assert _row(rows, "吉林省", 2023, "urban_new_jobs").regional_sum_exceeds_national is None  # no national actual
    assert _row(rows, "吉林省", 2023, "gdp").regional_sum_exceeds_national is None  # growth does not add up


def test_filters(library):
    with library() as s:
        assert {r.canonical for r in target_panel(s, indicator="gdp")} == {"gdp"}
        assert {r.year for r in target_panel(s, year=2024)} == {2024}
        assert target_panel(s, year=1999) == []


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cli_csv_and_parquet(library, db_url, tmp_path):
    runner = CliRunner()
    out = tmp_path / "panel.csv"
    r = runner.invoke(main, ["panel", "--db", db_url, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "rows written" in r.stderr
    rows = _read_csv(out)
    assert list(rows[0]) == list(COLUMNS)
    city = next(x for x in rows if x["region"] == "长春市" and x["canonical"] == "gdp")
    assert (city["amplified"], city["amplification_gap"], city["specific"]) == ("1", "1.5", "1")
    assert city["repeated_unchanged"] == "" and city["value"] == "7.0"
    with library() as s:
        assert len(rows) == len(target_panel(s))

    book = (tmp_path / "panel.codebook.md").read_text(encoding="utf-8")
    for name in COLUMNS:
        assert f"| {name} |" in book
    for name in RULES:
        assert f"**{name}**" in book

    pout = tmp_path / "panel.parquet"
    r = runner.invoke(main, ["panel", "--db", db_url, "--year", "2024", "--indicator", "gdp",
                             "--out", str(pout)])
    assert r.exit_code == 0, r.output
    table = pq.read_table(pout)
    assert table.column_names == list(COLUMNS)
    assert str(table.schema.field("amplified").type) == "bool"
    assert str(table.schema.field("year").type) == "int64"
    got = {d["region"]: d for d in table.to_pylist()}
    assert set(got) == {"全国", "吉林省", "黑龙江省", "长春市"}
    assert got["长春市"]["amplified"] is True and got["全国"]["amplified"] is None
    assert (tmp_path / "panel.codebook.md").exists()


def test_cli_bad_usage(db_url, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["panel", "--db", db_url, "--out", str(tmp_path / "p.xlsx")])
    assert r.exit_code == 2 and ".csv or .parquet" in r.stderr
    r = runner.invoke(main, ["panel", "--db", db_url])
    assert r.exit_code == 2
    r = runner.invoke(main, ["panel", "--db", db_url, "--indicator", "nonsense", "--out", str(tmp_path / "p.csv")])
    assert r.exit_code == 2 and not (tmp_path / "p.csv").exists()


@pytest.mark.parametrize("region,level,parent", [
    ("深圳市南山区", "district", ("深圳市", "city")),    # a district of another province
    ("歙县", "county", ("黄山市", "city")),
    ("额尔古纳市", "county", ("呼伦贝尔市", "city")),     # a county-level city
    ("北京市朝阳区", "district", ("北京市", "province")),  # a municipality's district
    ("神农架林区", "county", ("湖北省", "province")),     # run by its province directly
    ("深圳市", "city", ("广东省", "province")),
    ("朝阳区", "district", None),                       # two places: not guessed
])
def test_parent_of_counties_of_every_province(region, level, parent):
    from luoshi.services.panel import parent_of

    assert parent_of(region, level) == parent


@pytest.mark.parametrize("region,within,parent", [
    ("朝阳区", "北京市", ("北京市", "province")),  # read in a Beijing report
    ("朝阳区", "吉林省", ("长春市", "city")),      # read in a Jilin report
    ("朝阳区", "辽宁省", None),                    # Liaoning has 朝阳市, no 朝阳区
])
def test_parent_of_a_shared_name_in_its_report_region(region, within, parent):
    from luoshi.services.panel import parent_of

    assert parent_of(region, "district", within) == parent
