"""Role and year of figures, as two data tables (role_cases.json): whole small documents through
the extractor, and the decision itself on the words before a figure and its context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi
from luoshi.outline import Given, roles
from luoshi.outline import build

CASES = json.loads((Path(__file__).parent / "role_cases.json").read_text(encoding="utf-8"))
DOCS, SENTENCES = CASES["documents"], CASES["sentences"]


@pytest.mark.parametrize("case", DOCS, ids=[c["id"] for c in DOCS])
def test_document_roles(case):
    doc = luoshi.read_text(case["text"], "case")
    given = case.get("given")  # what a user files it under (a manifest row), when the text cannot say
    ol = build(doc, Given(given, dict.fromkeys(given, "manifest")) if given else None)
    if "kind" in case:  # the metadata reader's answer, given
        ol.metadata["kind"] = case["kind"]
    figs = luoshi.extract_figures(doc, ol)
    used: set[int] = set()
    for exp in case["expect"]:
        k = next((i for i, f in enumerate(figs) if i not in used and i >= max(used, default=-1)
                  and f.value == exp["value"]), None)
        assert k is not None, f"no figure {exp['value']} after the ones matched: {[(f.text, f.value) for f in figs]}"
        used.add(k)
        f = figs[k]
        assert (f.role, f.year) == (exp["role"], exp["year"]), f"{f.text}: {f.role} {f.year} ({f.rule})"


@pytest.mark.parametrize("case", SENTENCES, ids=[c["id"] for c in SENTENCES])
def test_decision(case):
    years = roles.Years(2025, 2026)
    role, year, _ = roles.decide(case["before"], case["part"], case.get("kind"), years,
                                 case.get("carry"), case["before"], case.get("headings", ""))
    assert (role, year) == (case["role"], case["year"])
