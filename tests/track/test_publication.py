"""The publication decision on SQLite and PostgreSQL: nothing public until a supervisor or admin
decides, other roles refused with nothing written, every change audited in its transaction, the
row carried by backup and restore."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from luoshi import store
from luoshi.services import backup as B
from luoshi.store import AuditEntry, Report
from luoshi.store.models.publication import ReportPublication
from luoshi.track import services as S
from luoshi.track.publication import Publication, publication, publish

PASSWORD = "correct horse battery"


@pytest.fixture
def world(sessions):
    """A bare report and one account of each role."""
    with store.write_transaction(sessions) as s:
        r = Report(doc_key="k", doc="d", source="d.txt", format="txt", sha256="0" * 64, original="x",
                   version=1, is_current=True)
        s.add(r)
        s.flush()
        acts = {}
        for name, role, dep in (("root", "admin", None), ("duban", "supervisor", None),
                                ("fgw", "reporter", "省发展改革委"), ("kan", "viewer", None)):
            u = S.create_user(s, name, PASSWORD, role, S.SYSTEM, department=dep)
            acts[role] = S.Actor(u.id, u.username, u.role, u.department_id)
        return sessions, r.id, acts


def audits(s) -> list[AuditEntry]:
    return list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "report_publication")))


def test_nothing_is_published_until_decided(world):
    sessions, rid, _ = world
    with sessions() as s:
        assert publication(s, rid) == Publication(rid, False, False, None, None)


def test_supervisor_and_admin_decide_and_each_change_is_audited(world):
    sessions, rid, a = world
    with store.write_transaction(sessions) as s:
        got = publish(s, rid, a["supervisor"], ratings=True)
    assert (got.ratings, got.notes, got.by) == (True, False, "duban") and got.updated_at
    with store.write_transaction(sessions) as s:
        got = publish(s, rid, a["admin"], notes=True)  # ratings left as they are
    assert (got.ratings, got.notes, got.by) == (True, True, "root")
    with store.write_transaction(sessions) as s:
        publish(s, rid, a["supervisor"], ratings=False, notes=False)
    with sessions() as s:
        now = publication(s, rid)
        assert (now.ratings, now.notes, now.by) == (False, False, "duban")
        log = audits(s)
        assert [(e.actor, e.action, e.entity_id, e.before, e.after) for e in log] == [
            ("duban", "publish", str(rid), {"ratings": False, "notes": False}, {"ratings": True, "notes": False}),
            ("root", "publish", str(rid), {"ratings": True, "notes": False}, {"ratings": True, "notes": True}),
            ("duban", "publish", str(rid), {"ratings": True, "notes": True}, {"ratings": False, "notes": False}),
        ]
        assert s.scalar(select(func.count()).select_from(ReportPublication)) == 1


@pytest.mark.parametrize("role", ["reporter", "viewer"])
def test_other_roles_are_refused_and_nothing_is_written(world, role):
    sessions, rid, a = world
    with pytest.raises(S.Forbidden):
        with store.write_transaction(sessions) as s:
            publish(s, rid, a[role], ratings=True, notes=True)
    with sessions() as s:
        assert publication(s, rid).ratings is False and not audits(s)
        assert s.scalar(select(func.count()).select_from(ReportPublication)) == 0


def test_a_disabled_supervisor_is_refused(world):
    sessions, rid, a = world
    with store.write_transaction(sessions) as s:
        S.disable_user(s, "duban", a["admin"])
    with pytest.raises(S.Forbidden):
        with store.write_transaction(sessions) as s:
            publish(s, rid, a["supervisor"], ratings=True)


def test_bad_input_and_unknown_report(world):
    sessions, rid, a = world
    with sessions() as s:
        with pytest.raises(S.NotFound):
            publication(s, rid + 99)
    with pytest.raises(S.NotFound):
        with store.write_transaction(sessions) as s:
            publish(s, rid + 99, a["admin"], ratings=True)
    with pytest.raises(S.Invalid):
        with store.write_transaction(sessions) as s:
            publish(s, rid, a["admin"], ratings="yes")  # type: ignore[arg-type]


def test_the_change_and_its_audit_entry_roll_back_together(world):
    sessions, rid, a = world
    with pytest.raises(RuntimeError):
        with store.write_transaction(sessions) as s:
            publish(s, rid, a["supervisor"], ratings=True)
            raise RuntimeError("a later step of the same transaction fails")
    with sessions() as s:
        assert publication(s, rid).ratings is False and not audits(s)


def test_deleting_the_report_removes_its_decision(world):
    sessions, rid, a = world
    with store.write_transaction(sessions) as s:
        publish(s, rid, a["supervisor"], notes=True)
    with sessions.begin() as s:
        s.execute(sa.text("DELETE FROM reports"))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReportPublication)) == 0


def test_backup_and_restore_carry_the_decision(world, db_url, tmp_path):
    sessions, rid, a = world
    with store.write_transaction(sessions) as s:
        publish(s, rid, a["supervisor"], ratings=True)
    assert "report_publications" in {t.name for t in B.tables()}
    path = tmp_path / "backup.zip"
    made = B.backup(db_url, path)
    assert made.tables["report_publications"] == 1
    other = f"sqlite:///{tmp_path / 'restored.db'}"
    B.restore(path, other)
    restored = store.open(other)
    try:
        with restored() as s:
            got = publication(s, rid)
            assert (got.ratings, got.notes, got.by) == (True, False, "duban")
    finally:
        store.close(restored)
