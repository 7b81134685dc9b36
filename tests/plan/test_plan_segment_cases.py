"""Plan segmentation across the genre's layouts: one parametrised test over the rows of
segment_cases.json (short excerpts of real reports and 分工方案), plus list numbers never
opening a task of the corpora."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import luoshi
from luoshi.plan.tasks import build_tasks

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = json.loads((HERE / "segment_cases.json").read_text(encoding="utf-8"))["cases"]
LIST_NUMBER = re.compile(r"\s*(?:\d{1,3}[．.、](?!\d)|[（(]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}(?:是|、)|——)")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"][:40])
def test_layouts(case):
    tasks = build_tasks(luoshi.read_text(case["text"], "case"))
    assert [[t.kind == "target", t.text] for t in tasks] == case["tasks"]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in
                                        [*ROOT.glob("tests/corpus/*.txt"), *ROOT.glob("tests/heldout/*.txt")]))
def test_no_task_opens_with_a_list_number_or_is_an_annotation(path):
    for t in build_tasks(luoshi.read(ROOT / path)):
        assert not LIST_NUMBER.match(t.text), t.text
        assert not re.fullmatch(r"[（(][^（(]*[)）]。?", t.text.strip()), t.text
