"""The tracking services on SQLite and PostgreSQL, on the example report: tasks from the plan,
who may report on what, optimistic versions, ratings, revisions, roll-ups, reminders, audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from luoshi import sample_path, store
from luoshi.services.importer import import_file
from luoshi.store import Assignment, AuditEntry, Department, ProgressUpdate, Task
from luoshi.track import services as S
from luoshi.track.services import ProgressInput

D = dt.date
PASSWORD = "correct horse battery"


@dataclass
class World:
    sessions: object
    report_id: int
    tasks: list[S.TaskInfo]
    supervisor: S.Actor
    a: S.Actor  # reporter of 省发展改革委, the lead of task 1 (GDP)
    b: S.Actor  # reporter of 省财政厅, not on task 1
    viewer: S.Actor

    def task(self, number: int) -> S.TaskInfo:
        return next(t for t in self.tasks if t.number == number)


def actor(s, u: S.UserInfo) -> S.Actor:
    return S.Actor(u.id, u.username, u.role, u.department_id)


@pytest.fixture
def world(sessions) -> World:
    report = import_file(sessions, sample_path())
    import_file(sessions, sample_path("ln-2024-plan-exec.txt"))
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM)
        users = [S.create_user(s, "duban", PASSWORD, "supervisor", S.SYSTEM),
                 S.create_user(s, "fgw", PASSWORD, "reporter", S.SYSTEM, department="省发展改革委"),
                 S.create_user(s, "czt", PASSWORD, "reporter", S.SYSTEM, department="省财政厅"),
                 S.create_user(s, "kan", PASSWORD, "viewer", S.SYSTEM)]
        acts = [actor(s, u) for u in users]
    return World(sessions, report.report_id, made.created, *acts)


def count(s, model, *where) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where))


def progress(on=D(2024, 3, 31), **kw) -> ProgressInput:
    return ProgressInput(**{"reported_on": on, "status": "in_progress", "narrative": "一季度增长5.3%",
                            "value": 5.3, "unit": "%", **kw})


def test_tasks_from_report(world):
    w = world
    original = sample_path().read_text("utf-8")
    assert len(w.tasks) > 100
    gdp = w.task(1)
    assert gdp.text == "地区生产总值增长5.5%左右" == original[gdp.start:gdp.end]
    assert (gdp.target.canonical, gdp.target.value, gdp.target.unit, gdp.target.comparator) == (
        "gdp", 5.5, "%", "approx")
    assert gdp.figure_id is not None and gdp.deadline == D(2024, 12, 31) and gdp.version == 1
    assert ("省发展改革委", "lead") in {(a.department, a.role) for a in gdp.assignments}
    assert all(t.assignments for t in w.tasks[:11])  # the main targets all have a lead
    with store.write_transaction(w.sessions) as s:
        again = S.tasks_from_report(s, w.report_id, S.SYSTEM)  # a second run adds nothing
        assert (again.created, again.existing) == ([], len(w.tasks))
        assert count(s, Department) == len({a.department_id for t in w.tasks for a in t.assignments})
        assert count(s, AuditEntry, AuditEntry.entity == "task") == len(w.tasks)
        assert count(s, AuditEntry, AuditEntry.entity == "assignment") == count(s, Assignment)
        with pytest.raises(S.Forbidden):
            S.tasks_from_report(s, w.report_id, w.a)
        with pytest.raises(S.NotFound):
            S.tasks_from_report(s, 9999, S.SYSTEM)


def test_a_changed_draft_adds_its_new_tasks_after_the_last_number(world):
    """A report whose tasks an older reading made: running it again keeps them and numbers a task
    the draft now holds under a taken number after the last one, instead of failing."""
    w = world
    with store.write_transaction(w.sessions) as s:
        first = s.scalars(select(Task).where(Task.report_id == w.report_id, Task.number == 1)).one()
        # as an earlier reading stored it (written past the ORM's guard of original fields)
        s.execute(update(Task).where(Task.id == first.id).values(key="an-earlier-reading"))
        last = s.scalar(select(func.max(Task.number)).where(Task.report_id == w.report_id))
    with store.write_transaction(w.sessions) as s:
        again = S.tasks_from_report(s, w.report_id, S.SYSTEM)
        assert len(again.created) == 1 and again.existing == len(w.tasks)
        made = s.get(Task, again.created[0].id)
        assert made.number == last + 1 and made.text == w.task(1).text
        assert s.get(Task, first.id).number == 1  # the task people track keeps its number


def test_reporters_only_on_their_departments_tasks(world):
    w, gdp = world, world.task(1)
    with store.write_transaction(w.sessions) as s:
        got = S.report_progress(s, gdp.id, progress(evidence=[{"name": "统计快报", "url": "https://example.org/q1"}]),
                                w.a, expected_version=1)
    assert (got.by, got.department, got.task_version, got.value, got.unit) == ("fgw", "省发展改革委", 2, 5.3, "%")
    with w.sessions() as s:
        before = (count(s, ProgressUpdate), count(s, AuditEntry), s.get(Task, gdp.id).version)
    for who in (w.b, w.viewer):
        with pytest.raises(S.Forbidden):
            with store.write_transaction(w.sessions) as s:
                S.report_progress(s, gdp.id, progress(narrative="不该写入"), who, expected_version=2)
    with w.sessions() as s:
        assert (count(s, ProgressUpdate), count(s, AuditEntry), s.get(Task, gdp.id).version) == before
    with store.write_transaction(w.sessions) as s:  # B may report on its own task
        S.report_progress(s, w.task(2).id, progress(value=None, unit=None, percent=30), w.b, expected_version=1)
        S.disable_user(s, "czt", S.SYSTEM)
    with pytest.raises(S.Forbidden):  # a disabled account no longer may, even with its old Actor
        with store.write_transaction(w.sessions) as s:
            S.report_progress(s, w.task(2).id, progress(percent=40), w.b, expected_version=None)
    with pytest.raises(S.Invalid):
        with store.write_transaction(w.sessions) as s:
            S.report_progress(s, gdp.id, progress(status="done"), w.a, expected_version=2)
    with pytest.raises(S.Invalid):  # a value that cannot be compared with the target
        with store.write_transaction(w.sessions) as s:
            S.report_progress(s, gdp.id, progress(value=3, unit="亿元"), w.a, expected_version=2)
    with pytest.raises(S.Invalid):
        with store.write_transaction(w.sessions) as s:
            S.report_progress(s, gdp.id, progress(evidence=[{"name": "无链接"}]), w.a, expected_version=2)


def test_stale_version_conflicts_and_nothing_is_lost(world):
    w, gdp = world, world.task(1)
    with store.write_transaction(w.sessions) as s:
        S.report_progress(s, gdp.id, progress(narrative="第一稿：一季度增长5.3%"), w.a, expected_version=1)
    with w.sessions() as s:
        audit_before = count(s, AuditEntry)
    text = "第二稿：基于旧版本写的进展，不能丢"
    with pytest.raises(S.Conflict) as e:
        with store.write_transaction(w.sessions) as s:
            S.report_progress(s, gdp.id, progress(narrative=text, problems="投资偏弱"), w.supervisor,
                              expected_version=1)
    err = e.value
    assert (err.task_id, err.expected, err.actual) == (gdp.id, 1, 2)
    assert err.rejected["narrative"] == text and err.rejected["problems"] == "投资偏弱"
    assert err.current["latest_update"]["narrative"] == "第一稿：一季度增长5.3%"
    with w.sessions() as s:
        assert [u.narrative for u in S.updates(s, gdp.id)] == ["第一稿：一季度增长5.3%"]
        assert count(s, AuditEntry) == audit_before and s.get(Task, gdp.id).version == 2
    with pytest.raises(S.Conflict) as e:  # the same for ratings and revisions
        with store.write_transaction(w.sessions) as s:
            S.rate(s, gdp.id, "amber", "投资偏弱", w.supervisor, expected_version=1)
    assert e.value.rejected["reason"] == "投资偏弱"
    with store.write_transaction(w.sessions) as s:  # re-based on the version now stored: accepted
        S.report_progress(s, gdp.id, progress(narrative=text), w.supervisor, expected_version=2)
    with w.sessions() as s:
        assert [u.narrative for u in S.updates(s, gdp.id)][-1] == text


def test_ratings_latest_wins_with_history(world):
    w, gdp = world, world.task(1)
    with store.write_transaction(w.sessions) as s:
        S.rate(s, gdp.id, "amber", "一季度低于目标", w.supervisor)
        S.rate(s, gdp.id, "green", "二季度回升", w.supervisor)
        with pytest.raises(S.Forbidden):
            S.rate(s, gdp.id, "red", "报送单位不能自评", w.a)
        with pytest.raises(S.Invalid):
            S.rate(s, gdp.id, "purple", "没有这一级", w.supervisor)
        with pytest.raises(S.Invalid):
            S.rate(s, gdp.id, "red", "  ", w.supervisor)
        S.rate(s, w.task(2).id, "yellow", "三级制也可以", w.supervisor, scale="three")
    with w.sessions() as s:
        assert [(r.level, r.by) for r in S.ratings(s, gdp.id)] == [("amber", "duban"), ("green", "duban")]
        st = S.task_status(s, gdp.id, today=D(2024, 7, 1))
        assert (st.status.confidence.code, st.rating.reason) == ("green", "二季度回升")
        assert st.status.confidence.label_zh == "绿" and st.definitions["confidence"]["amber_red"].en
        three = S.task_status(s, w.task(2).id, today=D(2024, 7, 1))
        assert three.status.confidence.code == "yellow" and set(three.definitions["confidence"]) == {
            "unrated", "green", "yellow", "red"}
        assert count(s, AuditEntry, AuditEntry.entity == "rating") == 3


def test_revision_keeps_the_original_and_the_new_target(world):
    w, gdp = world, world.task(1)
    with store.write_transaction(w.sessions) as s:
        rev = S.revise_target(s, gdp.id, D(2024, 7, 1), {"value": 5.0, "text": "地区生产总值增长5%左右"},
                              "省政府常务会议调整年度目标", w.supervisor, expected_version=1)
        with pytest.raises(S.Invalid):
            S.revise_target(s, gdp.id, D(2024, 7, 1), {"number": 3}, "编号不能改", w.supervisor)
        with pytest.raises(S.Invalid):
            S.revise_target(s, gdp.id, D(2024, 7, 1), {"value": 4.0}, "", w.supervisor)
        with pytest.raises(S.Forbidden):
            S.revise_target(s, gdp.id, D(2024, 7, 1), {"value": 4.0}, "报送单位不能改目标", w.a)
    assert rev.fields == {"value": 5.0, "text": "地区生产总值增长5%左右"} and rev.by == "duban"
    with w.sessions() as s:
        before = S.get_task(s, gdp.id, as_of=D(2024, 6, 30))
        after = S.get_task(s, gdp.id, as_of=D(2024, 7, 2))
        assert (before.target.value, before.text, before.revised) == (5.5, "地区生产总值增长5.5%左右", False)
        assert (after.target.value, after.text, after.revised) == (5.0, "地区生产总值增长5%左右", True)
        assert (after.original_target.value, after.original_text) == (5.5, "地区生产总值增长5.5%左右")
        row = s.get(Task, gdp.id)
        assert (row.value, row.text, row.version) == (5.5, "地区生产总值增长5.5%左右", 2)
        h = S.history(s, gdp.id, as_of=D(2024, 7, 2))
        assert [r.reason for r in h.revisions] == ["省政府常务会议调整年度目标"]
        # the full-year actual 5.1% (plan-execution report): missed against 5.5, met against 5.0
        assert S.task_status(s, gdp.id, today=D(2025, 2, 1)).status.evidence.code == "on_track"
        audit = S.audit_entries(s, entity="task_revision")
        assert audit[-1].before["value"] == 5.5 and audit[-1].after["value"] == 5.0


def test_status_from_the_imported_actual(world):
    w = world
    with w.sessions() as s:
        gdp = S.task_status(s, w.task(1).id, today=D(2025, 2, 1))
        assert (gdp.status.evidence.code, gdp.status.numbers.actual, gdp.status.numbers.source) == (
            "at_risk", 5.1, "ln-2024-plan-exec")
        assert gdp.status.reported.code == "no_update" and gdp.status.schedule.code == "overdue"
        assert set(gdp.definitions) == {"reported", "evidence", "schedule", "confidence"}
        jobs = S.task_status(s, w.task(7).id, today=D(2025, 2, 1))
        assert (jobs.task.target.canonical, jobs.status.evidence.code) == ("urban_new_jobs", "on_track")
        assert S.task_status(s, w.task(1).id, today=D(2024, 3, 1)).status.evidence.code == "unknown"


def test_milestones_shape_the_trajectory(world):
    w, jobs = world, world.task(7)  # 城镇新增就业46万人
    with store.write_transaction(w.sessions) as s:
        S.set_milestones(s, jobs.id, [(D(2024, 3, 31), 8), (D(2024, 6, 30), 25), (D(2024, 9, 30), 38)],
                         w.supervisor, expected_version=1)
        S.report_progress(s, jobs.id, progress(on=D(2024, 6, 30), value=22, unit="万人", narrative="上半年22万人"),
                          S.SYSTEM, expected_version=2)
    with w.sessions() as s:
        st = S.task_status(s, jobs.id, today=D(2024, 7, 10))
        assert (st.status.numbers.expected, st.status.evidence.code) == (25, "at_risk")
        assert [m.expected for m in st.task.milestones] == [8, 25, 38]


def test_rollups(world):
    w = world
    with store.write_transaction(w.sessions) as s:
        S.report_progress(s, w.task(1).id, progress(), w.a, expected_version=1)
        S.report_progress(s, w.task(2).id, progress(value=None, unit=None, status="completed"), w.b,
                          expected_version=1)
        S.rate(s, w.task(1).id, "amber", "关注", w.supervisor)
    with w.sessions() as s:
        r = S.rollups(s, w.report_id, today=D(2024, 6, 1))
        n = len(w.tasks)
        assert r.whole.tasks == n
        assert r.whole.counts["reported"] == {"no_update": n - 2, "not_started": 0, "in_progress": 1, "completed": 1}
        assert r.whole.counts["schedule"]["done_on_time"] == 1 and r.whole.counts["schedule"]["not_due"] == n - 1
        assert r.whole.counts["confidence"]["amber"] == 1 and r.whole.counts["confidence"]["unrated"] == n - 1
        assert sum(r.whole.counts["evidence"].values()) == n
        assert sum(x.tasks for x in r.by_section) == n and r.by_section[0].name == "主要预期目标"
        assert r.by_section[0].counts["reported"]["in_progress"] == 1
        fgw = next(x for x in r.by_department if x.name == "省发展改革委")
        assert fgw.tasks == len(S.list_tasks(s, department="省发展改革委"))
        assert fgw.counts["reported"]["in_progress"] == 1
        with pytest.raises(S.NotFound):
            S.rollups(s, 9999)


def test_reminders(world):
    w = world  # every task of the example is due by 31 December 2024
    with store.write_transaction(w.sessions) as s:
        S.report_progress(s, w.task(1).id, progress(on=D(2024, 12, 1)), w.a, expected_version=1)
        S.report_progress(s, w.task(2).id, progress(on=D(2024, 11, 20), status="completed", value=None, unit=None),
                          w.b, expected_version=1)
    with w.sessions() as s:
        early = S.reminders(s, department="省发展改革委", today=D(2024, 6, 1), silent_days=400)
        assert early == []
        dec = S.reminders(s, department="省发展改革委", days=30, silent_days=30, today=D(2024, 12, 10))
        assert [g.department for g in dec] == ["省发展改革委"]
        g = dec[0]
        fgw_tasks = {t.id for t in S.list_tasks(s, department="省发展改革委")}
        assert {x.task_id for x in g.due_soon} == fgw_tasks and all(x.days == 21 for x in g.due_soon)
        assert w.task(1).id not in {x.task_id for x in g.silent}  # reported on 1 December
        assert {x.task_id for x in g.silent} == fgw_tasks - {w.task(1).id}
        assert all(x.days == (D(2024, 12, 10) - D(2024, 1, 1)).days for x in g.silent)
        late = S.reminders(s, today=D(2025, 1, 5), silent_days=30)
        czt = next(x for x in late if x.department == "省财政厅")
        assert w.task(2).id not in {x.task_id for x in czt.overdue}  # completed: no reminder
        fgw = next(x for x in late if x.department == "省发展改革委")
        assert {x.task_id for x in fgw.overdue} == fgw_tasks and fgw.overdue[0].days == 5
        assert fgw.to_dict()["overdue"][0]["deadline"] == "2024-12-31"


def test_every_change_is_audited(world):
    w, gdp = world, world.task(1)
    with w.sessions() as s:
        start = count(s, AuditEntry)
    with store.write_transaction(w.sessions) as s:
        S.report_progress(s, gdp.id, progress(), w.a, expected_version=1)
        S.rate(s, gdp.id, "amber", "关注", w.supervisor)
        S.revise_target(s, gdp.id, D(2024, 7, 1), {"deadline": "2024-11-30"}, "提前完成", w.supervisor)
        S.set_milestones(s, gdp.id, [(D(2024, 6, 30), 5.4)], w.supervisor)
        S.assign(s, gdp.id, ["省财政厅"], "responsible", w.supervisor, expected_version=5)
        S.unassign(s, gdp.id, "省财政厅", "responsible", w.supervisor, expected_version=6)
        t = S.create_token(s, "fgw", "laptop", w.a)
        S.revoke_token(s, t.info.id, w.a)
        S.create_user(s, "newbie", PASSWORD, "viewer", S.SYSTEM)
        S.disable_user(s, "newbie", S.SYSTEM)
    with w.sessions() as s:
        log = S.audit_entries(s)[start:]
        assert [(e.action, e.entity, e.actor) for e in log] == [
            ("report", "progress_update", "fgw"), ("rate", "rating", "duban"),
            ("revise", "task_revision", "duban"), ("set_milestones", "task", "duban"),
            ("assign", "assignment", "duban"), ("unassign", "assignment", "duban"),
            ("create", "api_token", "fgw"), ("revoke", "api_token", "fgw"),
            ("create", "user", "system"), ("disable", "user", "system")]
        assert log[1].after["level"] == "amber" and log[5].before["department_id"] is not None
        assert S.get_task(s, gdp.id).version == 7
        assert all(PASSWORD not in str(e.after) and t.token not in str(e.after) for e in log)


def test_users_and_tokens(world):
    w = world
    with store.write_transaction(w.sessions) as s:
        assert S.verify_password(s, "fgw", PASSWORD) == w.a
        assert S.verify_password(s, "fgw", "wrong password") is None
        assert S.verify_password(s, "nobody", PASSWORD) is None
        with pytest.raises(S.Forbidden):
            S.create_user(s, "x", PASSWORD, "admin", w.supervisor)
        with pytest.raises(S.Invalid):
            S.create_user(s, "fgw", PASSWORD, "viewer", S.SYSTEM)  # taken
        with pytest.raises(S.Invalid):
            S.create_user(s, "y", "short", "viewer", S.SYSTEM)
        with pytest.raises(S.Invalid):
            S.create_user(s, "z", PASSWORD, "reporter", S.SYSTEM)  # a reporter needs a department
        with pytest.raises(S.Invalid):
            S.create_user(s, "z", PASSWORD, "reporter", S.SYSTEM, department="省魔法厅")
        new = S.create_token(s, "fgw", "cli", w.a)
        assert new.token.startswith("ls_") and len(new.token) > 40
        with pytest.raises(S.Forbidden):
            S.create_token(s, "czt", "not mine", w.a)
    with store.write_transaction(w.sessions) as s:
        stored = s.scalars(select(store.ApiToken)).one()
        assert new.token not in (stored.token_hash, stored.name) and stored.last_used_at is None
        assert S.authenticate_token(s, new.token) == w.a
        assert S.authenticate_token(s, new.token + "x") is None
        assert S.list_tokens(s, "fgw")[0].last_used_at is not None
        S.revoke_token(s, new.info.id, S.SYSTEM)
        assert S.authenticate_token(s, new.token) is None
        other = S.create_token(s, "czt", "ci", S.SYSTEM)
        S.disable_user(s, "czt", S.SYSTEM)
        assert S.authenticate_token(s, other.token) is None  # a disabled user's tokens stop
        assert S.verify_password(s, "czt", PASSWORD) is None
        users = {u.username: u for u in S.list_users(s)}
        assert users["czt"].active is False and users["fgw"].department == "省发展改革委"
        assert s.scalars(select(store.User).where(store.User.username == "fgw")).one().password_hash.startswith("$argon2")


def test_racing_writers_one_wins_the_other_conflicts(world):
    """Two reporters send an update based on the same version at the same time: the task row
    is locked for the check, so exactly one is stored and the other gets a Conflict."""
    import threading

    w, gdp = world, world.task(1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(who: S.Actor, text: str) -> None:
        barrier.wait()
        try:
            with store.write_transaction(w.sessions) as s:
                S.report_progress(s, gdp.id, progress(narrative=text), who, expected_version=1)
            outcomes.append("stored")
        except S.Conflict as e:
            outcomes.append("conflict:" + e.rejected["narrative"])

    threads = [threading.Thread(target=write, args=(who, text))
               for who, text in ((w.a, "甲"), (w.supervisor, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "stored"]
    with w.sessions() as s:
        stored = [u.narrative for u in S.updates(s, gdp.id)]
        assert len(stored) == 1 and s.get(Task, gdp.id).version == 2
        assert outcomes[[o.startswith("conflict") for o in outcomes].index(True)].split(":")[1] != stored[0]
