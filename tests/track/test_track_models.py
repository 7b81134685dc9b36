"""Tracking tables (migration 0002): up and down on both backends, constraints, and the guards
that keep history append-only and a task's original wording and target unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from luoshi import store
from luoshi.store import (AppendOnlyError, Assignment, AuditEntry, Department, ProgressUpdate,
                          Report, Task, User)
from luoshi.store.db import alembic_config

TRACKING = {"departments", "tasks", "task_revisions", "assignments", "milestones",
            "progress_updates", "ratings", "users", "api_tokens", "audit_log"}


def _report() -> Report:
    return Report(doc_key="k", doc="d", source="d.txt", format="txt", sha256="0" * 64,
                  original="今年要做的事。", version=1, is_current=True, plan_year=2024)


def _task(report: Report, number: int = 1, **kw) -> Task:
    return Task(report=report, number=number, key=f"k{number}", text="今年要做的事", start=0, end=6,
                **kw)


def test_0002_up_and_down_keeps_reports(db_url):
    engine = store.create(db_url)
    try:
        store.upgrade(engine, "0001")
        assert not TRACKING & set(inspect(engine).get_table_names())
        store.upgrade(engine)
        assert TRACKING <= set(inspect(engine).get_table_names())
        factory = store.open(db_url)
        with factory.begin() as s:
            r = _report()
            s.add_all([r, _task(r)])
        store.close(factory)
        with pytest.raises(IntegrityError):  # tasks still point at the report: 0002 must go first
            with engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM reports")
        command.downgrade(alembic_config(engine), "0001")
        names = set(inspect(engine).get_table_names())
        assert not TRACKING & names and {"reports", "figures", "outline_nodes"} <= names
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM reports").scalar() == 1
        store.upgrade(engine)
        assert TRACKING <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_constraints(sessions):
    with sessions.begin() as s:
        r = _report()
        d = Department(name="省发展改革委", region="辽宁省")
        s.add_all([r, _task(r), d])
    with pytest.raises(IntegrityError):  # (report, number) is unique
        with sessions.begin() as s:
            s.add(Task(report_id=1, number=1, key="other", text="x", start=0, end=1))
    with pytest.raises(IntegrityError):  # a role outside the four
        with sessions.begin() as s:
            s.add(User(username="u", role="boss", password_hash="x"))
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(Assignment(task_id=1, department_id=1, role="helper"))
    with pytest.raises(IntegrityError):  # the same department twice in one name and region
        with sessions.begin() as s:
            s.add(Department(name="省发展改革委", region="辽宁省"))
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(ProgressUpdate(task_id=1, reported_on=dt.date(2024, 3, 1), status="done",
                                 task_version=2))
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(ProgressUpdate(task_id=1, reported_on=dt.date(2024, 3, 1), status="in_progress",
                                 percent=120, task_version=2))
    with sessions.begin() as s:
        s.add(Department(name="省发展改革委", region="吉林省"))
        s.add(User(username="u", role="reporter", password_hash="x", department_id=1))


def test_history_is_append_only_and_the_original_frozen(sessions):
    with sessions.begin() as s:
        r = _report()
        t = _task(r, value=5.5, unit="%")
        s.add_all([r, t])
        s.flush()
        s.add(ProgressUpdate(task_id=t.id, reported_on=dt.date(2024, 3, 1), status="in_progress",
                             task_version=2))
        s.add(AuditEntry(actor="system", action="x", entity="task", entity_id=str(t.id)))
    for model in (ProgressUpdate, AuditEntry):
        with pytest.raises(AppendOnlyError):
            with sessions.begin() as s:
                s.delete(s.scalars(select(model)).one())
    with pytest.raises(AppendOnlyError):
        with sessions.begin() as s:
            s.scalars(select(ProgressUpdate)).one().narrative = "rewritten"
    for field, value in (("text", "别的事"), ("value", 6.0)):
        with pytest.raises(AppendOnlyError):
            with sessions.begin() as s:
                setattr(s.scalars(select(Task)).one(), field, value)
    with sessions.begin() as s:  # what may change does
        t = s.scalars(select(Task)).one()
        t.version += 1
        t.deadline = dt.date(2024, 6, 30)
    with sessions() as s:
        assert s.scalars(select(Task)).one().version == 2
