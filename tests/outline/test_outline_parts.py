"""Parts found by what they do: numbered and unnumbered headings, headings inside a flattened
line, an annex's list, the back matter (附件, 名词解释), the closing address, the five-year period's part, and the role of a part whose title does not tell (part_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi import read_text
from luoshi.outline import build

CASES = json.loads((Path(__file__).parent / "part_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_parts(case):
    doc = read_text(case["text"], "case")
    ol = build(doc)
    assert [[p.title, p.flags["role"]] for p in ol.parts] == case["parts"]
    if "closing" in case:  # the closing address: the words it opens with, or none
        closing = [n for n in ol.root.children if n.flags.get("closing")]
        assert (doc.original[closing[0].start:closing[0].start + len(case["closing"] or "")] if closing else None) == case["closing"]
    if "period" in case:  # a part of the five-year period's goals: the period's end year
        assert [p.flags.get("period") for p in ol.parts] == case["period"]
    if "main_targets" in case:  # the year's 主要预期目标, never the period's 主要目标
        assert [p.title for p in ol.parts if any(n.flags.get("main_targets") for n in p.walk())] \
            == case["main_targets"]


# inline part headings: (text, the headings found, as matched)
INLINE = [
    ("…审议。一、2025年工作回顾 过去一年", ["一、2025年工作回顾"]),
    ("…审议。 二、2026年工作安排今年", ["二、2026年工作安排"]),  # behind a space
    ("…审议！十二、2026年工作安排", ["十二、2026年工作安排"]),  # two numerals
    ("…审议。一二三四、2026年工作安排", []),  # four numerals: no part number
    ("一、2025年工作回顾", []),  # nothing before it: a heading of its own line, not inline
    ("…审议，一、2025年工作回顾", []),  # behind a comma: inside a sentence
    ("…审议。一、加强生态保护、2025年工作回顾", ["一、加强生态保护、2025年工作回顾"]),  # its title holds a 、
    ("…完成。一、2025年工作回顾。二、2026年工作安排", ["一、2025年工作回顾", "二、2026年工作安排"]),
]


@pytest.mark.parametrize("text, found", INLINE, ids=[t for t, _ in INLINE])
def test_inline_parts(text, found):
    from luoshi.outline import roles

    roles.inline_parts.cache_clear()
    assert [m.group(0) for m in roles.inline_parts(text)] == found
    assert [m.group(0) for m in roles.inline_part_re().finditer(text)] == found  # the pattern's own
