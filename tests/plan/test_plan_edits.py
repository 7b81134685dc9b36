"""Edits made by hand survive regeneration: keyed by task text, not number."""

from __future__ import annotations

import copy
import json

import pytest

from luoshi.plan.edits import (EditError, Edits, apply_edits, find_task, load_edits,
                               parse_assignment, record, save_edits)


def test_parse_assignment():
    assert parse_assignment("lead_units=省财政厅,省税务局") == ("lead_units", ["省财政厅", "省税务局"])
    assert parse_assignment("resp_units=省统计局、各市人民政府") == ("resp_units", ["省统计局", "各市人民政府"])
    assert parse_assignment("lead_units=") == ("lead_units", [])
    assert parse_assignment("lead_leader=张三") == ("lead_leader", "张三")
    assert parse_assignment("deadline=2024-06-30") == ("deadline", "2024-06-30")
    for bad in ("text=别的", "deadline=6月底", "lead_units"):
        with pytest.raises(EditError):
            parse_assignment(bad)


def test_record_save_load_apply(sample_tasks, tmp_path):
    tasks = copy.deepcopy(sample_tasks)
    edits = Edits()
    t = find_task(tasks, "3")
    record(edits, t, "lead_units", ["省财政厅", "省税务局"])
    record(edits, find_task(tasks, "12"), "deadline", "2024-06-30")
    assert t.lead_units == ["省财政厅", "省税务局"] and t.edited == ["lead_units"]
    path = tmp_path / "edits.json"
    save_edits(path, edits)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["tasks"][t.key]["_task"] == t.text[:40]

    fresh = copy.deepcopy(sample_tasks)
    assert apply_edits(fresh, load_edits(path)) == []
    assert fresh[2].lead_units == ["省财政厅", "省税务局"]
    assert fresh[2].confidence == 1.0 and "edited by hand" in fresh[2].reasons
    assert fresh[11].deadline == "2024-06-30" and fresh[11].deadline_text == ""
    assert fresh[0].lead_units == [] and fresh[0].edited == []


def test_edits_follow_the_task_when_numbers_change(sample_tasks):
    tasks = copy.deepcopy(sample_tasks)
    edits = Edits()
    record(edits, find_task(tasks, "20"), "lead_leader", "李四")
    target_text = tasks[19].text
    # a new version of the report: a task dropped before it, so everything after moves up
    moved = copy.deepcopy(sample_tasks[:5] + sample_tasks[6:])
    for i, t in enumerate(moved, 1):
        t.number = i
    assert apply_edits(moved, edits) == []
    t = find_task(moved, "19")
    assert t.text == target_text and t.lead_leader == "李四"
    assert find_task(moved, "20").lead_leader == ""


def test_orphans_and_bad_files(sample_tasks, tmp_path):
    tasks = copy.deepcopy(sample_tasks)
    assert apply_edits(tasks, Edits({"nosuchkey": {"lead_leader": "x"}})) == ["nosuchkey"]
    assert load_edits(tmp_path / "missing.json").tasks == {}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(EditError):
        load_edits(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(EditError):
        load_edits(bad)
    with pytest.raises(EditError):
        find_task(tasks, "9999")
    assert find_task(tasks, tasks[4].key) is tasks[4]
