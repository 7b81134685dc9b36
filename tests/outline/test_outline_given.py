"""Metadata the user gives over what the text says: one pure function (a data table of cases),
and the flags of outline, extract, plan and import that use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import main
from luoshi.outline import Given, resolve_metadata
from luoshi.outline.given import overrides_from, warning

CASES = json.loads((Path(__file__).parent / "given_cases.json").read_text("utf-8"))
# a city report cut at 各位代表 that names neither its city nor its year
ANONYMOUS = ("各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、过去一年的工作\n"
             "全市地区生产总值增长5%。\n二、今年的工作安排\n今年地区生产总值增长6%左右。\n")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_resolve_metadata(case):
    values = {k: v for k, (v, _) in case["given"].items()}
    sources = {k: s for k, (_, s) in case["given"].items()}
    meta, src = resolve_metadata(case["found"], Given(values, sources, case["file_name"]))
    assert {k: meta[k] for k in case["expect"]} == case["expect"]
    assert {k: src[k] for k in case["sources"]} == case["sources"]


def test_bad_given_values_are_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        overrides_from({"kind": "speech"})
    with pytest.raises(ValueError, match="year must be a year"):
        overrides_from({"year": "next"})
    assert overrides_from({"year": " 2024 ", "region": "", "kind": "bulletin"}) == {"plan_year": 2024, "kind": "bulletin"}


@pytest.mark.parametrize(("values", "field", "zh"), [
    ({"year": 1800}, "year", "年度应在1949年至2100年之间"),
    ({"year": "2101"}, "year", "年度应在1949年至2100年之间"),
    ({"year": "明年"}, "year", "年度应为四位数的年份"),
    ({"level": "galaxy"}, "level", "级别应为国家级、省级、市级、县级、区级之一"),
    ({"kind": "speech"}, "kind", "文件类型应为政府工作报告、"),
    ({"region": "辽宁省" * 20}, "region", "地区应为地名"),
])
def test_bad_values_name_their_field_in_chinese(values, field, zh):
    """The web form and the API show the reason to people: the field and the words in Chinese."""
    from luoshi.outline.given import BadMetadata

    with pytest.raises(BadMetadata) as e:
        overrides_from(values)
    assert e.value.field == field and e.value.zh.startswith(zh)
    assert overrides_from({"year": 1949, "region": "辽宁"}) == {"plan_year": 1949, "region": "辽宁"}


def test_warning_names_the_file_and_the_gap():
    assert warning("a.txt", {"region": None, "plan_year": 2024}) == \
        "luoshi: a.txt: no region found in the text; give --region or a manifest row"
    assert "no region or plan year" in warning("a.txt", {})
    assert warning("a.txt", {"region": "江口县", "kind": "bulletin", "review_year": 2025}) is None


def _file(tmp_path: Path, name: str = "report.txt") -> Path:
    p = tmp_path / name
    p.write_text(ANONYMOUS, "utf-8")
    return p


def test_outline_json_says_where_each_value_came_from(tmp_path):
    f = _file(tmp_path)
    r = CliRunner().invoke(main, ["outline", str(f), "--format", "json"])
    out = json.loads(r.stdout)
    assert out["metadata"]["region"] is None and out["sources"]["region"] is None
    assert out["sources"]["kind"] == "text" and out["metadata"]["level"] == "city"
    assert "report.txt: no region or plan year found in the text" in r.stderr
    r = CliRunner().invoke(main, ["outline", str(f), "--format", "json", "--region", "大同市", "--year", "2026"])
    out = json.loads(r.stdout)
    assert (out["metadata"]["region"], out["metadata"]["plan_year"], out["metadata"]["review_year"]) == ("大同市", 2026, 2025)
    assert out["sources"]["region"] == out["sources"]["plan_year"] == "flag"
    assert r.stderr == ""


def test_extract_reads_figures_in_the_manifest_region_and_year(tmp_path):
    (tmp_path / "docs").mkdir()
    a, b = _file(tmp_path / "docs", "a.txt"), _file(tmp_path / "docs", "b.txt")
    b.write_text(ANONYMOUS + "\n", "utf-8")
    m = tmp_path / "m.csv"
    m.write_text("file,region,level,year,kind\ndocs/a.txt,大同市,,2026,work_report\n", "utf-8")
    r = CliRunner().invoke(main, ["extract", str(a), str(b), "--manifest", str(m), "--year", "2024"])
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    got = {(row["doc"], row["region"], row["role"], row["year"]) for row in rows}
    assert got == {("a", "大同市", "actual", 2025), ("a", "大同市", "target", 2026),
                   ("b", None, "actual", 2023), ("b", None, "target", 2024)}  # b: the flag only
    assert r.stderr.count("luoshi: b.txt: no region found") == 1 and "a.txt" not in r.stderr


def test_bad_manifest_is_a_usage_error(tmp_path):
    m = tmp_path / "m.csv"
    m.write_text("file,province\nx.txt,辽宁\n", "utf-8")
    r = CliRunner().invoke(main, ["extract", str(_file(tmp_path)), "--manifest", str(m)])
    assert r.exit_code == 2 and "unknown column(s) province" in r.stderr


def test_plan_uses_the_given_region(tmp_path):
    f = _file(tmp_path)
    r = CliRunner().invoke(main, ["plan", str(f), "--format", "jsonl", "--region", "大同市", "--year", "2026"])
    assert r.exit_code == 0 and "no region" not in r.stderr
    r = CliRunner().invoke(main, ["plan", str(f), "--format", "jsonl"])
    assert r.exit_code == 0 and "report.txt: no region or plan year found" in r.stderr


def test_import_takes_a_kind(tmp_path):
    from sqlalchemy import create_engine, text

    f = _file(tmp_path)
    db = f"sqlite:///{tmp_path / 'l.db'}"
    r = CliRunner().invoke(main, ["import", str(f), "--db", db, "--kind", "plan_execution", "--region", "大同市",
                                  "--year", "2026"])
    assert r.exit_code == 0, r.output
    with create_engine(db).connect() as c:
        assert c.execute(text("SELECT kind, region, level, plan_year FROM reports")).one() == \
            ("plan_execution", "大同市", "city", 2026)
    r = CliRunner().invoke(main, ["import", str(f), "--db", db, "--kind", "speech"])
    assert r.exit_code == 2


def test_import_warns_of_a_report_filed_without_region(tmp_path):
    f = _file(tmp_path)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    r = CliRunner().invoke(main, ["import", str(f), "--db", db, "--year", "2026"])
    assert r.exit_code == 0 and "report.txt: no region found in the text" in r.stderr
    r = CliRunner().invoke(main, ["import", str(f), "--db", db, "--year", "2026"])
    assert '"unchanged"' in r.stdout and "no region" not in r.stderr  # said once, when it was filed


@pytest.mark.parametrize("command", [["outline", "sample"], ["extract", "sample"], ["plan", "sample"],
                                     ["import", "sample", "--db", "sqlite://"]])
def test_every_command_refuses_a_year_out_of_range_as_bad_input(command):
    r = CliRunner().invoke(main, [*command, "--year", "1800"])
    assert r.exit_code == 2, r.output
    assert "year must be a year from 1949 to 2100, not 1800" in r.output and "Traceback" not in r.output
