"""Metadata read through the noise: the real 2026 provincial reports as copied from the web
(menus, 【字号】, breadcrumbs, captions), and small real-genre headers of other kinds and levels
(a data table, meta_cases.json) that show the rules are general, not tuned to the twelve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi
from luoshi import read_text
from luoshi.outline import read_metadata

from outline_paths import SHARED

CASES = json.loads((Path(__file__).parent / "meta_cases.json").read_text("utf-8"))
REAL = SHARED / "real"
FIELDS = ("region", "level", "plan_year", "review_year", "kind")


def _real_rows() -> list[dict]:
    path = REAL / "meta.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_genre_headers(case):
    md = read_metadata(read_text(case["text"]))
    assert {k: md[k] for k in case["expect"]} == case["expect"]


@pytest.mark.skipif(not (REAL / "meta.jsonl").exists(), reason="shared/real not beside the repository")
@pytest.mark.parametrize("row", _real_rows(), ids=lambda r: r["doc"])
def test_real_reports_from_the_text_alone(row):
    md = read_metadata(luoshi.read(REAL / "docs" / f"{row['doc']}.txt"))
    assert {k: md[k] for k in FIELDS} == {k: row[k] for k in FIELDS}
    assert md["title"] and "下载" not in md["title"] and md["date"] and md["speaker"]


@pytest.mark.skipif(not (REAL / "meta.jsonl").exists(), reason="shared/real not beside the repository")
@pytest.mark.parametrize("row", _real_rows()[:4], ids=lambda r: r["doc"])
def test_real_reports_flattened_into_one_line(row):
    """The same page flattened into one line: furniture and all, the header still reads."""
    text = (REAL / "docs" / f"{row['doc']}.txt").read_text("utf-8").replace("\n", " ")
    md = read_metadata(read_text(text))
    assert {k: md[k] for k in FIELDS} == {k: row[k] for k in FIELDS}


@pytest.mark.skipif(not (REAL / "meta.jsonl").exists(), reason="shared/real not beside the repository")
def test_furniture_is_header_not_body():
    """The page furniture is flagged as header; the parts start where the report does."""
    ol = luoshi.build_outline(luoshi.read(REAL / "docs" / "beijing-2026-report.txt"))
    heads = [c.flags.get("header") for c in ol.root.children if c.flags.get("header")]
    assert heads[:10] == ["furniture"] * 9 + ["title"]
    assert heads[-1] == "salutation" and {"date", "speaker"} <= set(heads)
    assert ol.parts[0].title.startswith("一、2025年工作回顾")
