"""`luoshi extract`: formats, --explain, offsets, document order, several files."""

import csv
import io
import json

from click.testing import CliRunner

from luoshi import sample_path
from luoshi.cli import main

SEED = sample_path()


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_jsonl_offsets_and_order():
    r = run("extract", str(SEED), "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    original = SEED.read_text(encoding="utf-8")
    assert len(rows) > 100
    for row in rows:
        assert original[row["start"]:row["end"]] == row["text"]
        assert row["doc"] == "liaoning-2024"
        assert set(row) >= {"indicator", "measure", "value", "unit", "comparator", "role", "year", "region", "section"}
    starts = [r["start"] for r in rows]
    assert starts == sorted(starts) or sum(a > b for a, b in zip(starts, starts[1:])) < 5
    gdp = rows[0]
    assert (gdp["indicator"], gdp["value"], gdp["role"], gdp["year"]) == ("地区生产总值", 5.3, "actual", 2023)
    assert gdp["section"].startswith("一、2023年工作回顾")
    assert "rule" not in gdp


def test_explain_adds_rule():
    r = run("extract", str(SEED), "--explain")
    row = json.loads(r.output.splitlines()[0])
    assert row["rule"]


def test_csv_and_table():
    r = run("extract", str(SEED), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert rows and rows[0]["indicator"] == "地区生产总值"
    r = run("extract", str(SEED), "--format", "table")
    assert r.output.splitlines()[0].split("\t")[0] == "indicator"
    assert "地区生产总值" in r.output


def test_several_files_and_bad_one(tmp_path):
    other = tmp_path / "city.txt"
    other.write_text("一、2023年工作回顾\n全市地区生产总值增长6%。\n", encoding="utf-8")
    r = run("extract", str(SEED), str(other))
    docs = {json.loads(line)["doc"] for line in r.stdout.splitlines()}
    assert docs == {"liaoning-2024", "city"}
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = CliRunner().invoke(main, ["extract", str(SEED), str(empty)])
    assert r.exit_code == 2
    assert r.stdout == ""
