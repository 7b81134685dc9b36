"""The rule that pairs the tasks of a new report version with the earlier ones, case by case
(follow_cases.json: each case says why), and its settings read from data/tracking.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi.ingest.normalize import normalize
from luoshi.plan.model import task_key
from luoshi.track import follow

CASES = json.loads(Path(__file__).with_name("follow_cases.json").read_text("utf-8"))


def side(d: dict) -> follow.Side:
    key = task_key(normalize(d["text"])[0])
    if d.get("key", "").startswith("~"):  # a repeated wording, as tasks_from_report keys it
        key += d["key"]
    return follow.Side(d["id"], key, d["text"], d["section"], d.get("rank", 0))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    got = follow.match([side(d) for d in case["old"]], [side(d) for d in case["new"]])
    want = case["expect"]
    assert sorted([p.old, p.new, p.how] for p in got.pairs) == sorted(want.get("pairs", []))
    assert {str(k): [n for n, _s in v] for k, v in got.ambiguous.items()} == want.get("ambiguous", {})
    assert got.no_counterpart == want.get("no_counterpart", [])
    paired = {p.new for p in got.pairs}
    assert got.no_ancestor == [d["id"] for d in case["new"] if d["id"] not in paired]
    assert got.no_ancestor == want.get("no_ancestor", got.no_ancestor)


def test_every_outcome_has_a_case():
    seen = {k for c in CASES for k, v in c["expect"].items() if v}
    assert seen == {"pairs", "ambiguous", "no_counterpart", "no_ancestor"}
    assert {p[2] for c in CASES for p in c["expect"].get("pairs", [])} == {"key", "similar"}


def test_the_rule_is_data():
    r = follow.rule()
    assert (r.similar, r.margin) == (0.85, 0.05)  # data/tracking.toml [versions]
    case = next(c for c in CASES if c["name"] == "a clause added below the threshold")
    loose = follow.Rule(similar=0.7, margin=0.05)
    got = follow.match([side(d) for d in case["old"]], [side(d) for d in case["new"]], loose)
    assert [(p.old, p.new) for p in got.pairs] == [(1, 11)]


def test_section_key_leaves_out_ordinals():
    assert follow.section_key("（三）加快动能转换 / 全力塑造制造业新优势") == "加快动能转换 / 全力塑造制造业新优势"
    assert follow.section_key("二、2024年工作安排") == "2024年工作安排"
    assert follow.section_key("主要预期目标") == "主要预期目标"
