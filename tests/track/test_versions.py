"""Tasks follow a new version of their report, on SQLite and PostgreSQL: an excerpt of the
example (its targets and one part) is tracked — progress, a rating, a revision, milestones, a
person's assignment, the publication decision — then a corrected version is imported (one
target's figure corrected, one task's figure corrected, one task gone, one new), and then a
third. The rule itself is tests/track/test_follow_rule.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luoshi import sample_path, store
from luoshi.services.importer import import_file
from luoshi.store import AuditEntry, Task, TaskLineage
from luoshi.track import replay
from luoshi.track import services as S
from luoshi.track import versions as V
from luoshi.track.publication import publication, publish

D = dt.date
PASSWORD = "correct horse battery"
EXCERPT = (1, 2, 3, 4, 5, 24, 28, 31, 45, 46, 47)  # header, 工作安排, targets, part (四): 26 tasks
GDP, GDP_NEW = "地区生产总值增长5.5%左右", "地区生产总值增长6%左右"
ROAD, ROAD_NEW = "建设改造农村公路6000公里", "建设改造农村公路6500公里"
WATER = "建设农村供水工程300处。"
PARK = "新建口袋公园300个。"


def excerpt(*edits: tuple[str, str]) -> str:
    lines = sample_path().read_text("utf-8").split("\n")
    text = "\n".join(lines[i - 1] for i in EXCERPT) + "\n"
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return text


def write(tmp_path: Path, version: int, text: str) -> Path:
    d = tmp_path / f"v{version}"
    d.mkdir()
    p = d / "辽宁省2024年政府工作报告.txt"
    p.write_text(text, "utf-8")
    return p


@dataclass
class World:
    sessions: object
    tmp_path: Path
    v1: int
    old: dict[str, S.TaskInfo]  # by the words that find them
    duban: S.Actor
    fgw: S.Actor

    def version(self, n: int, *edits: tuple[str, str]):
        return import_file(self.sessions, write(self.tmp_path, n, excerpt(*edits)))


def actor(u: S.UserInfo) -> S.Actor:
    return S.Actor(u.id, u.username, u.role, u.department_id)


def find(tasks, words: str):
    return next(t for t in tasks if words in t.text)


def count(s, model, *where) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def tracked(sessions, tmp_path) -> World:
    r1 = import_file(sessions, write(tmp_path, 1, excerpt()))
    assert r1.followed is None  # a first version: nothing to follow
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, r1.report_id, S.SYSTEM)
        duban = actor(S.create_user(s, "duban", PASSWORD, "supervisor", S.SYSTEM))
        fgw = actor(S.create_user(s, "fgw", PASSWORD, "reporter", S.SYSTEM, department="省发展改革委"))
    assert len(made.created) == 26 and made.followed is None
    old = {w: find(made.created, w) for w in (GDP, ROAD, WATER)}
    with store.write_transaction(sessions) as s:
        S.report_progress(s, old[GDP].id, S.ProgressInput(D(2024, 3, 31), "in_progress", "一季度增长5.3%",
                                                          value=5.3, unit="%"), fgw, expected_version=1)
        S.rate(s, old[GDP].id, "amber", "一季度低于目标", duban)
        S.revise_target(s, old[GDP].id, D(2024, 4, 1), {"deadline": "2024-11-30"}, "省政府常务会议决定", duban)
        S.set_milestones(s, old[GDP].id, [(D(2024, 6, 30), 5.3)], duban)
        S.assign(s, old[ROAD].id, ["省财政厅"], "responsible", duban)
        S.report_progress(s, old[WATER].id, S.ProgressInput(D(2024, 3, 31), "in_progress", "已开工120处",
                                                            percent=40), duban, expected_version=None)
        publish(s, r1.report_id, duban, ratings=True)
    return World(sessions, tmp_path, r1.report_id, old, duban, fgw)


def test_a_new_version_takes_over_its_tracking(tracked):
    w = tracked
    r2 = w.version(2, (GDP, GDP_NEW), (ROAD, ROAD_NEW), (WATER, ""), ("加快村庄绿化美化亮化建设。", "加快村庄绿化美化亮化建设。" + PARK))
    assert (r2.status, r2.version) == ("replaced", 2)
    assert r2.followed == {"created": 26, "report_id": r2.report_id, "earlier": [w.v1], "by_key": 23,
                           "by_wording": 2, "publication": True, "pending": 1, "new": 1}
    with w.sessions() as s:
        new = S.list_tasks(s, report_id=r2.report_id)
        gdp, road = find(new, GDP_NEW), find(new, ROAD_NEW)
        h = S.history(s, gdp.id)
        assert [(u.narrative, u.task_id) for u in h.updates] == [("一季度增长5.3%", w.old[GDP].id)]
        assert [(r.reason, r.task_id) for r in h.ratings] == [("一季度低于目标", w.old[GDP].id)]
        assert gdp.deadline == D(2024, 11, 30) and gdp.original_deadline == D(2024, 12, 31)  # the decision carried
        assert [(r.reason, r.by) for r in h.revisions] == [("省政府常务会议决定", "duban")]
        assert [(m.date, m.expected) for m in gdp.milestones] == [(D(2024, 6, 30), 5.3)]
        assert gdp.target.value == 6  # the new version's own target, the decision on the deadline kept
        st = S.task_status(s, gdp.id, today=D(2024, 5, 1))
        assert (st.status.reported.code, st.status.confidence.code) == ("in_progress", "amber")
        assert st.latest_update.narrative == "一季度增长5.3%"
        # a person's assignment wins over the new draft's suggestion; a suggestion stays one
        assert {(a.department, a.role) for a in road.assignments} == {
            (a.department, a.role) for a in w.old[ROAD].assignments} | {("省财政厅", "responsible")}
        assert publication(s, r2.report_id).ratings is True
        assert count(s, TaskLineage) == 25
        assert count(s, AuditEntry, AuditEntry.action == "follow") == 25
        assert count(s, AuditEntry, AuditEntry.action == "carry") == 2  # the revision, the milestones
        assert replay.differences(s) == []  # every assignment carried is in the audit log
        u = V.unmatched(s, r2.report_id)
        assert [(o.task.id, o.state, o.updates) for o in u.open] == [(w.old[WATER].id, "no_counterpart", 1)]
        assert [t.text for t in u.new] == [PARK] and (u.followed, u.dropped) == (25, 0)
        # across reports only open tasks: the department sees the new GDP task, not the old one
        mine = [ts.task.id for ts in S.statuses(s, department="省发展改革委", today=D(2024, 5, 1))]
        assert gdp.id in mine and w.old[GDP].id not in mine
        everywhere = {t.id for t in S.list_tasks(s)}
        assert w.old[WATER].id in everywhere and w.old[GDP].id not in everywhere
    with store.write_transaction(w.sessions) as s:  # running it again links nothing more
        again = S.tasks_from_report(s, r2.report_id, S.SYSTEM)
        assert again.created == [] and (again.followed["by_key"], again.followed["pending"]) == (0, 1)
        assert count(s, TaskLineage) == 25
    for write in (lambda s: S.report_progress(s, w.old[GDP].id, S.ProgressInput(D(2024, 4, 30), "in_progress", "旧任务"),
                                              w.fgw, None),
                  lambda s: S.rate(s, w.old[GDP].id, "green", "旧任务", w.duban),
                  lambda s: S.assign(s, w.old[GDP].id, ["省财政厅"], "lead", w.duban)):
        with pytest.raises(S.Invalid, match=f"continued by task {gdp.id}"):
            with store.write_transaction(w.sessions) as s:
                write(s)


def test_a_person_settles_what_is_left_all_or_nothing(tracked):
    w = tracked
    with store.write_transaction(w.sessions) as s:  # a person's units on the earlier task …
        S.assign(s, w.old[WATER].id, ["省民政厅"], "responsible", w.duban)
    r2 = w.version(2, (WATER, PARK))
    with store.write_transaction(w.sessions) as s:  # … and on the new one before it is linked: they stay
        park = find(S.list_tasks(s, report_id=r2.report_id), PARK)
        park = S.assign(s, park.id, ["省林草局"], "lead", w.duban)
    with w.sessions() as s:
        audit_before, links_before = count(s, AuditEntry), count(s, TaskLineage)
    water = w.old[WATER].id
    bad = [[V.Decision(water, park.id, "表述调整"), V.Decision(w.old[GDP].id, None, "重复")],  # GDP: settled
           [V.Decision(water, park.id), V.Decision(water, None, "重复")],  # one task decided twice
           [V.Decision(water, None, " ")],  # a drop without a reason
           [V.Decision(water, w.old[ROAD].id)]]  # not a task of this version
    for decisions in bad:
        with pytest.raises(S.Invalid):
            with store.write_transaction(w.sessions) as s:
                V.settle(s, r2.report_id, decisions, w.duban)
    with pytest.raises(S.Forbidden):
        with store.write_transaction(w.sessions) as s:
            V.settle(s, r2.report_id, [V.Decision(water, park.id)], w.fgw)
    with pytest.raises(S.Invalid, match="not the current version"):
        with store.write_transaction(w.sessions) as s:
            V.settle(s, w.v1, [V.Decision(water, park.id)], w.duban)
    with w.sessions() as s:
        assert (count(s, AuditEntry), count(s, TaskLineage)) == (audit_before, links_before)
    with store.write_transaction(w.sessions) as s:
        done = V.settle(s, r2.report_id, [V.Decision(water, park.id, "新版本改为口袋公园")], w.duban)
    assert (done.linked, done.dropped, done.pending) == ([(water, park.id)], [], 0)
    with w.sessions() as s:
        assert [u.narrative for u in S.updates(s, park.id)] == ["已开工120处"]
        now = S.get_task(s, park.id)
        assert {(a.department, a.role) for a in now.assignments} == {(a.department, a.role) for a in park.assignments}
        assert "省民政厅" not in {a.department for a in now.assignments} and now.version == park.version + 1
        row = s.get(TaskLineage, water)
        assert (row.new_task_id, row.how, row.reason) == (park.id, "person", "新版本改为口袋公园")
        e = s.scalars(select(AuditEntry).where(AuditEntry.action == "follow", AuditEntry.entity_id == str(water))).one()
        assert (e.actor, e.after["how"], e.after["new_task_id"]) == ("duban", "person", park.id)
        assert V.unmatched(s, r2.report_id).open == []
        came, went = V.links(s, park.id)
        assert (came.task_id, came.how, went) == (water, "person", None)
    # a third version drops the park: its task (which continues the water task) is left, and
    # the GDP task's history goes back two versions
    r3 = w.version(3, (WATER, ""))
    assert (r3.followed["by_key"], r3.followed["pending"], r3.followed["earlier"]) == (25, 1, [r2.report_id])
    with store.write_transaction(w.sessions) as s:
        V.settle(s, r3.report_id, [V.Decision(park.id, None, "不再列入")], w.duban)
    with w.sessions() as s:
        gdp3 = find(S.list_tasks(s, report_id=r3.report_id), GDP)
        assert [u.narrative for u in S.updates(s, gdp3.id)] == ["一季度增长5.3%"]
        assert V.links(s, park.id)[1].how == "dropped"
        assert count(s, Task, Task.id.not_in(select(TaskLineage.old_task_id))) == 25  # version 3's
    with pytest.raises(S.Invalid, match="closed as dropped"):
        with store.write_transaction(w.sessions) as s:
            S.rate(s, park.id, "green", "已撤销的任务", w.duban)
