"""A real 分工方案 imported (SQLite and PostgreSQL): its items are stored as tasks with its own
units; the tasks of the work report of the same region and year take its units where the
tracker holds suggestions, never where a person assigned; tasks made later take them too; the
audit log still accounts for every assignment."""

from __future__ import annotations

from pathlib import Path

from luoshi import store
from luoshi.services.importer import import_file
from luoshi.track import services as S
from luoshi.track.replay import differences

ROOT = Path(__file__).parent.parent.parent
REPORT = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"  # composed from the items
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"
UNLISTED = "积极发展银发经济，完善居家社区养老服务网络。"  # in the report, not in the division


def units(t: S.TaskInfo, role: str) -> list[str]:
    return [a.department for a in t.assignments if a.role == role]


def by_text(tasks: list[S.TaskInfo]) -> dict[str, S.TaskInfo]:
    return {t.text.rstrip("。"): t for t in tasks}


def test_division_import_reassigns_suggestions_and_keeps_a_persons_choice(sessions):
    report = import_file(sessions, REPORT)
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM).created
        first = made[0]  # 地区生产总值增长5%以上: a person changes its units
        S.unassign(s, first.id, units(first, "lead")[0], "lead", S.SYSTEM)
        S.assign(s, first.id, ["省审计厅"], "lead", S.SYSTEM)
        unlisted = next(t for t in made if t.text == UNLISTED)
    assert made[0].assignments and report.division is None

    div = import_file(sessions, DIVISION)
    applied = div.division
    assert applied["report_id"] == report.report_id and applied["tasks"] == 23
    agreement = applied["agreement"]
    assert (agreement["report_tasks"], agreement["matched"], agreement["division_items"]) == (len(made), len(made) - 1, 23)
    assert 0 <= agreement["agree"] <= agreement["matched"]
    assert applied["kept"] == 1

    with store.write_transaction(sessions) as s:
        items = by_text(S.list_tasks(s, report_id=div.report_id))
        after = {t.id: t for t in S.list_tasks(s, report_id=report.report_id)}
        assert len(items) == 23
        item = items["深入实施企业上市“映山红行动”，新增境内外上市公司10家左右"]
        assert (units(item, "lead"), units(item, "responsible")) == (["省地方金融管理局"], ["江西证监局"])
        assert "省审计厅" in units(after[first.id], "lead")  # a person's choice stays
        assert units(after[unlisted.id], "lead") == units(unlisted, "lead")  # no item: suggestions stay
        changed = 0
        for t in after.values():
            if t.id in (first.id, unlisted.id):
                continue
            it = items[t.text.rstrip("。")] if t.text.rstrip("。") in items else None
            if it is not None:  # the same wording: the item's units exactly
                assert (units(t, "lead"), units(t, "responsible")) == (units(it, "lead"), units(it, "responsible"))
            changed += t.version > 1
        assert changed == applied["reassigned"]
        assert differences(s) == []


def test_tasks_made_after_the_division_take_its_units(sessions):
    div = import_file(sessions, DIVISION)
    assert div.division["report_id"] is None and div.division["tasks"] == 23
    report = import_file(sessions, REPORT)
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM)
        items = by_text(S.list_tasks(s, report_id=div.report_id))
    assert made.division["matched"] == len(made.created) - 1
    got = by_text(made.created)
    t = got["城乡居民基础养老金最低标准每人每月提高20元"]
    it = items["城乡居民基础养老金最低标准每人每月提高20元"]
    assert (units(t, "lead"), units(t, "responsible")) == (units(it, "lead"), units(it, "responsible"))
    # imported again: the division's tasks are there already, nothing is reassigned
    again = import_file(sessions, DIVISION)
    assert again.status == "unchanged"


def test_a_division_whose_items_fail_is_still_imported(sessions, monkeypatch):
    """A failure after its tasks were written: the savepoint takes them back, the report stays."""
    import luoshi.track.division as division

    def broken(*_a, **_k):
        raise ValueError("no work report to read")

    monkeypatch.setattr(division, "same_plan", broken)  # runs after the division's tasks are made
    div = import_file(sessions, DIVISION)
    assert div.status == "imported" and "no work report to read" in div.division["error"]
    with store.write_transaction(sessions) as s:
        assert S.list_tasks(s, report_id=div.report_id) == []
        assert differences(s) == []


def test_a_new_version_of_the_division_reassigns_what_the_old_one_gave(sessions, tmp_path):
    report = import_file(sessions, REPORT)
    with store.write_transaction(sessions) as s:
        S.tasks_from_report(s, report.report_id, S.SYSTEM)
    import_file(sessions, DIVISION)
    text = DIVISION.read_text(encoding="utf-8")
    old = "新建改造高标准农田260万亩。（牵头单位：省农业农村厅；责任单位：省财政厅）"
    assert old in text
    v2 = tmp_path / DIVISION.name
    v2.write_text(text.replace(old, "新建改造高标准农田260万亩。（牵头单位：省财政厅；责任单位：省农业农村厅）"),
                  encoding="utf-8")
    again = import_file(sessions, v2)
    assert again.status == "replaced" and again.division["reassigned"] == 1 and again.division["kept"] == 0
    followed = again.division["followed"]  # the re-issued plan's own tasks continue the first one's
    assert (followed["by_key"], followed["pending"], followed["new"]) == (again.division["tasks"], 0, 0)
    with store.write_transaction(sessions) as s:  # its units are the new plan's: the old ones were the plan's too
        item = by_text(S.list_tasks(s, report_id=again.report_id))["新建改造高标准农田260万亩"]
        assert (units(item, "lead"), units(item, "responsible")) == (["省财政厅"], ["省农业农村厅"])
    with store.write_transaction(sessions) as s:
        t = by_text(S.list_tasks(s, report_id=report.report_id))["新建改造高标准农田260万亩"]
        assert (units(t, "lead"), units(t, "responsible")) == (["省财政厅"], ["省农业农村厅"])
        assert differences(s) == []
