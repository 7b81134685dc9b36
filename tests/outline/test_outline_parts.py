"""Parts found by what they do: numbered and unnumbered headings, headings inside a flattened
line, an annex's list, and the role of a part whose title does not tell (part_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi import read_text
from luoshi.outline import build

CASES = json.loads((Path(__file__).parent / "part_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_parts(case):
    ol = build(read_text(case["text"], "case"))
    assert [[p.title, p.flags["role"]] for p in ol.parts] == case["parts"]
