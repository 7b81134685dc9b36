"""Places at the head of a phrase (luoshi.extract.places): the report's region decides which
county short names are places; the cases are data (places_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi
from luoshi.extract.places import leading_places

CASES = json.loads((Path(__file__).parent / "places_cases.json").read_text(encoding="utf-8"))["cases"]
HEADER = "2026年{}政府工作报告\n各位代表：\n一、2025年工作回顾\n　　"


def _id(c: dict) -> str:
    return f"{c['op']}:{c.get('text') or c.get('phrase')}@{c['within']}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case):
    within = case["within"]
    if case["op"] == "figures":
        doc = luoshi.read_text(HEADER.format(within) + case["text"] + "\n", "case")
        figures = luoshi.extract_figures(doc)
        assert [f.region for f in figures] == case["expect"], case["why"]
        if "indicator" in case:
            assert figures[0].indicator == case["indicator"], case["why"]
    elif case["op"] == "leading":
        assert leading_places(case["phrase"], within=within) == (case["expect"], case["cut"]), case["why"]
    else:
        pytest.fail(f"unknown op {case['op']!r}")


def test_the_matcher_is_built_once_per_region():
    from luoshi.extract import places

    assert places._head_re("辽宁省") is places._head_re("辽宁省")
    assert places._head_re("辽宁省") is not places._head_re("吉林省")
    assert places._head_re(None) is places._head_re()
