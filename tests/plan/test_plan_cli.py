"""``luoshi plan``: formats, --out, --edits and --set; the suggestion hook (with a stand-in)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import luoshi
from luoshi.cli import main
from luoshi.plan import draft


def run(*args):
    return CliRunner().invoke(main, ["plan", "sample", *args])


def test_jsonl_without_suggestions():
    r = run("--format", "jsonl", "--no-suggest")
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(recs) == 207 and recs[0]["task"] == "地区生产总值增长5.5%左右"
    assert all(rec["lead_units"] == [] for rec in recs)


def test_table_to_file(tmp_path):
    out = tmp_path / "plan.txt"
    r = run("--no-suggest", "--out", str(out))
    assert r.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("辽宁省2024年《政府工作报告》重点工作分工方案（草案）")
    assert "207．" in text


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_binary_formats(tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    r = run("--no-suggest", "--format", fmt, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 5000
    assert "wrote 207 tasks" in r.stderr


def test_set_records_and_regeneration_keeps_it(tmp_path):
    edits = tmp_path / "edits.json"
    r = run("--no-suggest", "--format", "jsonl", "--edits", str(edits),
            "--set", "3", "lead_units=省财政厅,省税务局", "--set", "3", "lead_leader=赵六")
    assert r.exit_code == 0, r.output
    assert "task 3" in r.stderr
    saved = json.loads(edits.read_text(encoding="utf-8"))
    (key, entry), = saved["tasks"].items()
    assert entry["lead_units"] == ["省财政厅", "省税务局"] and entry["lead_leader"] == "赵六"
    rec = json.loads(r.stdout.splitlines()[2])
    assert rec["key"] == key and rec["lead_units"] == ["省财政厅", "省税务局"]

    again = run("--no-suggest", "--format", "jsonl", "--edits", str(edits))
    rec = json.loads(again.stdout.splitlines()[2])
    assert rec["lead_units"] == ["省财政厅", "省税务局"] and rec["lead_leader"] == "赵六"
    assert rec["edited"] == ["lead_units", "lead_leader"]


def test_bad_usage(tmp_path):
    assert run("--no-suggest", "--set", "3", "lead_units=x").exit_code == 2  # no --edits
    edits = str(tmp_path / "e.json")
    r = run("--no-suggest", "--edits", edits, "--set", "999", "lead_units=x")
    assert r.exit_code == 2 and "no task" in r.stderr
    r = run("--no-suggest", "--edits", edits, "--set", "3", "text=x")
    assert r.exit_code == 2 and "cannot edit" in r.stderr
    assert CliRunner().invoke(main, ["plan", "/no/such/file.txt", "--no-suggest"]).exit_code == 2


def test_orphan_edits_are_reported(tmp_path):
    edits = tmp_path / "e.json"
    edits.write_text(json.dumps({"version": 1, "tasks": {"0000000000": {"lead_leader": "x"}}}))
    r = run("--no-suggest", "--format", "jsonl", "--edits", str(edits))
    assert r.exit_code == 0 and "match no task" in r.stderr


class FakeAssign(SimpleNamespace):
    """A stand-in for luoshi.plan.assign: the wiring, not the engine's answers, is tested here."""


def _fake():
    calls = []

    def load_departments(path, **where):
        return {"catalogue": path}

    def suggest(text, figures, places, departments):
        calls.append((text, figures, places, departments))
        return SimpleNamespace(lead_units=["省甲厅"], resp_units=["省乙局"], confidence=0.5,
                               reasons=["because"])

    return FakeAssign(load_departments=load_departments, suggest=suggest), calls


def test_draft_plan_asks_for_a_suggestion_per_task(monkeypatch, sample):
    fake, calls = _fake()
    monkeypatch.setattr(draft, "_assign", lambda: fake)
    doc, outline, figures = sample
    tasks = draft.draft_plan(doc, outline, figures)
    assert len(calls) == len(tasks) == 207
    assert all(t.lead_units == ["省甲厅"] and t.confidence == 0.5 for t in tasks)
    text, figs, places, deps = calls[0]
    assert text == "地区生产总值增长5.5%左右" and figs[0].indicator == "地区生产总值"
    assert deps == {"catalogue": None}
    # edits win over suggestions
    from luoshi.plan.edits import Edits
    tasks = draft.draft_plan(doc, outline, figures, departments="x.json",
                             edits=Edits({tasks[0].key: {"lead_units": ["省丙委"]}}))
    assert tasks[0].lead_units == ["省丙委"] and calls[-1][3] == {"catalogue": "x.json"}


def test_missing_engine_is_a_clear_error(monkeypatch, sample):
    def missing():
        raise draft.SuggestionsUnavailable("department suggestions need luoshi.plan.assign")

    monkeypatch.setattr(draft, "_assign", missing)
    with pytest.raises(luoshi.LuoshiError, match="suggestions"):
        draft.draft_plan(*sample)
    assert len(draft.draft_plan(*sample, suggest=False)) == 207
    r = run("--format", "jsonl")
    assert r.exit_code == 1 and "--no-suggest" not in r.stdout and "suggestions" in r.stderr
