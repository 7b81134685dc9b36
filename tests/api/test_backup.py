"""luoshi backup / restore: the same data after the round trip, on SQLite and PostgreSQL and
across them; an empty target only; one transaction."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from importlib.util import find_spec

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from luoshi import store
from luoshi.cli import main
from luoshi.services import backup as B
from luoshi.store import testing
from luoshi.track import services as S


def snapshot(url: str) -> dict[str, list[dict]]:
    """Every row of every table, as the backup writes it (times in UTC)."""
    engine = store.create(url)
    try:
        with engine.connect() as conn:
            return {t.name: [B.row_dict(t, r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                    for t in B.tables()}
    finally:
        engine.dispose()


def fill(world) -> None:
    """Some of everything: progress, a rating, a revision, milestones, a revoked token."""
    w = world
    assert w.post(f"/tasks/{w.own}/progress", "reporter", json={
        "expected_version": 1, "reported_on": "2024-02-29", "status": "in_progress", "narrative": "一季度增长5.3%",
        "value": 5.3, "unit": "%", "evidence": [{"name": "快报", "url": "https://example.org/q1"}]}).status_code == 201
    assert w.post(f"/tasks/{w.own}/ratings", "supervisor", json={"level": "amber", "reason": "低于目标"}).status_code == 201
    assert w.post(f"/tasks/{w.own}/revisions", "supervisor", json={
        "effective": "2024-07-01", "fields": {"value": 5.2}, "reason": "调整"}).status_code == 201
    assert w.put(f"/tasks/{w.own}/milestones", "supervisor",
                 json={"milestones": [{"date": "2024-06-30", "expected": 2.5}]}).status_code == 200
    tid = w.post("/tokens", "viewer", json={"name": "old"}).json()["id"]
    assert w.delete(f"/tokens/{tid}", "viewer").status_code == 200


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_round_trip(world, db_url, target, request, tmp_path):
    fill(world)
    before = snapshot(db_url)
    assert before["progress_updates"] and before["audit_log"] and before["figures"]
    path = tmp_path / "backup.zip"
    got = CliRunner().invoke(main, ["backup", str(path), "--db", db_url])
    assert got.exit_code == 0, got.output
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["schema_revision"] == B.head_revision()
    assert manifest["tables"] == {k: len(v) for k, v in before.items()}
    if target == "sqlite":
        other = f"sqlite:///{tmp_path / 'restored.db'}"
    else:  # a fresh schema of its own
        other = testing.schema_url(request.getfixturevalue("pg_database")).render_as_string(hide_password=False)
    got = CliRunner().invoke(main, ["restore", str(path), "--db", other])
    assert got.exit_code == 0, got.output
    assert snapshot(other) == before
    sessions = store.open(other)
    try:  # the restored database works: new rows get fresh ids, logins and search work
        with store.write_transaction(sessions) as s:
            u = S.create_user(s, "after", "long password", "viewer", S.SYSTEM)
            assert u.id > max(r["id"] for r in before["users"])
            assert S.verify_password(s, "fgw", "correct horse battery") is not None
            ts = S.task_status(s, world.own, today=dt.date(2024, 3, 31))
            assert ts.latest_update.narrative == "一季度增长5.3%"
        if find_spec("luoshi.services.search") is not None:
            from luoshi.services.search import search

            with sessions() as s:  # the full-text index was rebuilt
                assert search(s, "生产总值", limit=3)
    finally:
        store.close(sessions)
    got = CliRunner().invoke(main, ["restore", str(path), "--db", other])  # not empty any more
    assert got.exit_code == 2 and "not empty" in got.output


def test_sqlite_file_backup_and_bad_inputs(world, db_url, tmp_path):
    copy = tmp_path / "copy.sqlite"
    if not db_url.startswith("sqlite"):  # SQLite's backup API needs a SQLite source
        with pytest.raises(B.BackupError, match="needs a SQLite database"):
            B.backup(db_url, copy)
        return
    fill(world)
    before = snapshot(db_url)
    r = B.backup(db_url, copy)  # the .sqlite suffix chooses the format
    assert r.format == "sqlite" and snapshot(f"sqlite:///{copy}") == before
    target = f"sqlite:///{tmp_path / 'from-file.db'}"
    B.restore(copy, target)  # a SQLite file is a source for restore too
    assert snapshot(target) == before
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a backup")
    got = CliRunner().invoke(main, ["restore", str(junk), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert got.exit_code == 2 and "not a luoshi backup" in got.output
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something else"}))
    with pytest.raises(B.BackupError, match="not a luoshi backup"):
        B.restore(other_zip, f"sqlite:///{tmp_path / 'y.db'}")


def test_a_damaged_backup_writes_nothing(sessions, db_url, tmp_path):
    from luoshi import sample_path
    from luoshi.services.importer import import_file

    import_file(sessions, sample_path())
    path = tmp_path / "b.zip"
    B.backup(db_url, path)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/figures.jsonl":
                data = b"\n".join(data.splitlines()[:-3]) + b"\n"  # three rows lost
            dst.writestr(item, data)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(B.BackupError, match="damaged"):
        B.restore(broken, target)
    assert all(not rows for rows in snapshot(target).values())
    B.restore(path, target)  # the good one still goes in
    assert snapshot(target)["figures"]
