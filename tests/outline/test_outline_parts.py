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
