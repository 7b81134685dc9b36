"""The twelve real 2026 provincial reports (../shared/real), imported as they come with no flags:
one GDP growth row per province with its 2026 target as the report states it, and their
十五五 goals apart. Skipped when ../shared is not beside the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi import store
from luoshi.cli import main
from luoshi.services import bulk
from luoshi.services.across import across_regions
from luoshi.services.goals import goals

REAL = Path(__file__).resolve().parents[3] / "shared" / "real"
EXPECTED = json.loads((Path(__file__).with_name("across_real.json")).read_text(encoding="utf-8"))["rows"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory):
    docs = sorted((REAL / "docs").glob("*.txt"))
    if not docs:
        pytest.skip("../shared/real is not beside this checkout")
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'real.db'}"
    sessions = store.open(url)
    summary = bulk.import_files(sessions, [bulk.Item(str(p), p) for p in docs], workers=1)
    assert not summary.failures
    yield url, sessions
    store.close(sessions)


def test_gdp_2026_target_of_every_province(real_db):
    _, sessions = real_db
    with sessions() as s:
        rows = across_regions(s, indicator="gdp", year=2026)
    assert sorted(r.region for r in rows) == sorted(e["region"] for e in EXPECTED)  # one row each
    by_region = {r.region: r for r in rows}
    for e in EXPECTED:
        text = (REAL / "docs" / f"{e['doc']}.txt").read_text(encoding="utf-8")
        assert e["quote"] in text, e  # the table says what the report says
        r = by_region[e["region"]]
        got = (r.measure, r.target_value, r.target_value_max, r.target_comparator, r.target)
        assert got == ("growth", e["value"], e["value_max"], e["comparator"], e["shown"]), (e["doc"], got)
        assert all(s.doc == e["doc"] and text[s.start:s.end] == s.text and s.text in e["quote"] for s in r.sources), r.sources
        assert not r.other_targets  # no amount (地区生产总值达到…亿元) and no 十五五 年均 goal mixed in


def test_last_year_actual_is_an_annual_one(real_db):
    """十四五 results (年均增长5.2%) are not 2025's growth: Beijing grew 5.4% in 2025."""
    _, sessions = real_db
    with sessions() as s:
        bj = next(r for r in across_regions(s, indicator="gdp", year=2026) if r.region == "北京市")
    assert (bj.prev_actual_value, bj.prev_actual_unit) == (5.4, "%") and "年均" not in bj.prev_actual_source.text
    with sessions() as s:
        jobs = {r.region: r.prev_actual_value for r in across_regions(s, indicator="urban_new_jobs", year=2026)}
    # five years' jobs (这五年/五年来 … 城镇新增就业452万人) are not 2025's: 江苏 141万 in 2025, not 690万 in 十四五
    assert (jobs["江苏省"], jobs["四川省"], jobs["福建省"], jobs["吉林省"]) == (141, 107, 54.58, 22.89)
    assert jobs["河北省"] is None and jobs["内蒙古自治区"] is None


def test_cli_jsonl_and_goals_apart(real_db):
    url, _ = real_db
    run = CliRunner().invoke(main, ["compare", "--db", url, "--indicator", "gdp", "--year", "2026",
                                    "--across-regions", "--format", "jsonl"])
    assert run.exit_code == 0, run.output
    lines = [json.loads(x) for x in run.output.splitlines()]
    assert len(lines) == len(EXPECTED) and all(x["region"] and x["year"] == 2026 for x in lines)
    with store.open(url)() as s:
        five = goals(s, indicator="gdp")
    gd = next(g for g in five if g.region == "广东省")
    assert (gd.start_year, gd.end_year, gd.average, gd.target, gd.status) == (2026, 2030, True, "年均5%左右", "no_data")
    assert {g.region for g in five} >= {"北京市", "吉林省", "江苏省", "贵州省"}
