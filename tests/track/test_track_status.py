"""The status engine on a table of dated cases (status_cases.json), and its definitions."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from luoshi.track import status as st

CASES = json.loads((Path(__file__).with_name("status_cases.json")).read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    got = st.evaluate(st.Facts.from_dict(case["facts"]), dt.date.fromisoformat(case["today"]))
    want = case["expect"]
    for axis in st.AXES:
        if axis in want:
            value = getattr(got, axis)
            assert value.code == want[axis], f"{axis}: {value.code} ({value.detail})"
            assert value.definition_zh and value.definition_en and value.label_zh
    if "expected" in want:
        assert got.numbers.expected == pytest.approx(want["expected"], abs=1e-5)
    if "basis" in want:
        assert got.numbers.basis == want["basis"]


def test_every_status_has_a_definition_in_both_languages():
    for scale in st.SCALES:
        defs = st.definitions(scale=scale)
        assert set(defs) == set(st.AXES)
        assert set(defs["reported"]) == set(st.REPORTED)
        assert set(defs["evidence"]) == set(st.EVIDENCE)
        assert set(defs["schedule"]) == set(st.SCHEDULE)
        assert set(defs["confidence"]) == {"unrated", *st.SCALES[scale]}
        for axis in defs.values():
            for d in axis.values():
                assert d.zh and d.en and d.label_zh and d.label_en and "{" not in d.zh + d.en
    assert "30" in st.definitions()["schedule"]["due_soon"].en  # settings filled in


def test_settings_come_from_the_data_file():
    cfg = st.load_settings('[schedule]\ndue_soon_days = 7\n[confidence]\nscale = "three"\n')
    assert (cfg.due_soon_days, cfg.scale, cfg.rate_at_risk_pp) == (7, "three", 0.3)
    assert st.settings().scale == "five"
    with pytest.raises(ValueError):
        st.load_settings('[confidence]\nscale = "seven"\n')
    facts = st.Facts(plan_year=2024, deadline=dt.date(2024, 6, 30))
    narrow = replace(st.settings(), due_soon_days=7)
    assert st.evaluate(facts, dt.date(2024, 6, 20), narrow).schedule.code == "not_due"
    assert st.evaluate(facts, dt.date(2024, 6, 20)).schedule.code == "due_soon"


def test_status_serialises():
    facts = st.Facts.from_dict(CASES[0]["facts"])
    d = st.evaluate(facts, dt.date(2024, 3, 1)).to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["today"] == "2024-03-01" and d["schedule"]["code"] == "not_due"


def test_the_engine_needs_no_database():
    import subprocess
    import sys

    code = "import sys, luoshi.track.status; assert 'sqlalchemy' not in sys.modules, 'sqlalchemy loaded'"
    subprocess.run([sys.executable, "-c", code], check=True)
