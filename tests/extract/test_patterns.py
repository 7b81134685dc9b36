"""Every pattern the extractor must read, as a data table (cases.json) run by one test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi

CASES = json.loads((Path(__file__).parent / "cases.json").read_text(encoding="utf-8"))
HEADER = "2024年辽宁省政府工作报告\n——2024年1月23日在辽宁省第十四届人民代表大会第二次会议上\n省长 李乐成\n各位代表：\n"
PARTS = {"review": "一、2023年工作回顾\n", "plan": "一、2023年工作回顾\n　　过去一年，工作取得成效。\n二、2024年工作安排\n"}


def figures_of(text: str, part: str) -> list[dict]:
    doc = luoshi.read_text(HEADER + PARTS[part] + "　　" + text + "\n", "case")
    return [f.to_dict() for f in luoshi.extract_figures(doc)]


def _matches(exp: dict, got: dict) -> bool:
    for k, v in exp.items():
        if k == "indicator_contains":
            if v not in got["indicator"]:
                return False
        elif got.get(k) != v:
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_pattern(case):
    got = figures_of(case["text"], case["part"])
    assert len(got) == len(case["expect"]), f"expected {len(case['expect'])} figures, got {got}"
    for exp, fig in zip(case["expect"], got):
        assert _matches(exp, fig), f"{exp} != {fig}"
    doc_text = HEADER + PARTS[case["part"]] + "　　" + case["text"] + "\n"
    for fig in got:  # every figure is traceable to its exact span
        assert doc_text[fig["start"]:fig["end"]] == fig["text"]
        assert fig["value"] == fig["value"]  # not NaN
