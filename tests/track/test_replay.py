"""The audit log replayed: it accounts for every rating and assignment, a row written around
the services shows up as a difference, and the two tables rebuilt from the log alone equal what
they were (same ids, raters and times). Both databases; the CLI on SQLite."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import delete, insert, select

from luoshi import sample_path, store
from luoshi.cli import main
from luoshi.services.importer import import_file
from luoshi.store.models import Assignment, Rating
from luoshi.track import services as S
from luoshi.track.replay import differences, rebuild

PASSWORD = "correct horse battery"


def snapshot(s) -> tuple[list, list]:
    a = s.execute(select(Assignment.id, Assignment.task_id, Assignment.department_id, Assignment.role,
                         Assignment.leader).order_by(Assignment.id)).all()
    r = s.execute(select(Rating.id, Rating.task_id, Rating.level, Rating.scale, Rating.reason,
                         Rating.user_id).order_by(Rating.id)).all()
    return [tuple(x) for x in a], [tuple(x) for x in r]


def work(sessions) -> None:
    """Tasks with their suggested units, then a quarter's worth of supervision changes."""
    report = import_file(sessions, sample_path())
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM)
        u = S.create_user(s, "duban", PASSWORD, "supervisor", S.SYSTEM)
    sup = S.Actor(u.id, u.username, u.role, u.department_id)
    t1, t2 = made.created[0], made.created[1]
    with store.write_transaction(sessions) as s:
        S.assign(s, t1.id, ["省财政厅"], "responsible", sup, leader="张三")
        lead = next(a for a in S.get_task(s, t2.id).assignments if a.role == "lead")
        S.unassign(s, t2.id, lead.department, "lead", sup)
        S.rate(s, t1.id, "amber", "投资偏弱", sup)
        S.rate(s, t1.id, "green", "已改善", sup)


def test_the_log_accounts_for_every_row_and_rebuilds_both_tables(sessions):
    work(sessions)
    with sessions() as s:
        assert differences(s) == []
        before = snapshot(s)
    assert len(before[1]) == 2 and any(a[4] == "张三" for a in before[0])

    with store.write_transaction(sessions) as s:  # a row written around the services
        task_id = before[1][0][1]
        s.execute(insert(Rating).values(task_id=task_id, level="red", scale="five", reason="无痕"))
    with sessions() as s:
        found = differences(s)
    assert len(found) == 1 and "not in the audit log" in found[0] and "无痕" in found[0]

    with store.write_transaction(sessions) as s:  # both tables lost
        s.execute(delete(Assignment))
        s.execute(delete(Rating))
    with sessions() as s:
        assert len(differences(s)) == len(before[0]) + len(before[1])
    with store.write_transaction(sessions) as s:
        log = rebuild(s)
    assert len(log.ratings) == 2
    with sessions() as s:
        assert snapshot(s) == before and differences(s) == []


def test_cli(sqlite_url):
    sessions = store.open(sqlite_url)
    try:
        work(sessions)
        r = CliRunner().invoke(main, ["audit", "--db", sqlite_url])
        assert r.exit_code == 0, r.output
        with store.write_transaction(sessions) as s:
            s.execute(delete(Rating))
        r = CliRunner().invoke(main, ["audit", "--check", "--db", sqlite_url])
        assert r.exit_code == 1 and "rating" in r.output and "2 difference(s)" in r.output
        r = CliRunner().invoke(main, ["audit", "--rebuild", "--db", sqlite_url])
        assert r.exit_code == 0 and "2 ratings" in r.output
        assert CliRunner().invoke(main, ["audit", "--db", sqlite_url]).exit_code == 0
    finally:
        store.close(sessions)
