"""`luoshi import`: JSON lines on stdout, a summary on stderr, bad files reported, exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

import luoshi
from luoshi import store
from luoshi.cli import main

SAMPLE = luoshi.sample_path()


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["import", *args], env=env)


def lines(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines()]


def test_import_then_unchanged(db_url, plan_exec):
    r = run("sample", str(plan_exec), "--db", db_url)
    assert r.exit_code == 0, r.stderr
    rows = lines(r.stdout)
    assert [(x["file"], x["status"], x["region"], x["year"]) for x in rows] == [
        ("sample", "imported", "辽宁省", 2024), (str(plan_exec), "imported", "辽宁省", 2025)]
    assert all(set(x) >= {"file", "status", "report_id", "region", "year", "figures"} for x in rows)
    assert rows[0]["figures"] > 100
    assert "2 imported, 0 replaced, 0 unchanged, 0 failed" in r.stderr
    again = run(str(SAMPLE), "--db", db_url)
    assert again.exit_code == 0
    assert [(x["status"], x["report_id"]) for x in lines(again.stdout)] == [("unchanged", rows[0]["report_id"])]


def test_bad_files_reported_others_imported(db_url, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    missing = tmp_path / "missing.txt"
    r = run(str(empty), "sample", str(missing), "--db", db_url)
    assert r.exit_code == 2
    assert [x["status"] for x in lines(r.stdout)] == ["imported"]
    errors = [x for x in r.stderr.splitlines() if "error" in x]
    assert errors == [f"luoshi: error: {empty}: empty file", f"luoshi: error: {missing}: no such file"]
    assert "1 imported, 0 replaced, 0 unchanged, 2 failed (3 files)" in r.stderr
    factory = store.open(db_url)
    try:
        with factory() as s:
            assert len(store.current_reports(s)) == 1
    finally:
        store.close(factory)


def test_replaced(db_url, tmp_path):
    assert run("sample", "--db", db_url).exit_code == 0
    v2 = tmp_path / "v2.txt"
    v2.write_text(SAMPLE.read_text("utf-8").replace("地区生产总值增长5.3%", "地区生产总值增长5.4%", 1), "utf-8")
    r = run(str(v2), "--db", db_url)
    assert r.exit_code == 0
    (row,) = lines(r.stdout)
    assert (row["status"], row["version"]) == ("replaced", 2)


def test_database_url_from_env(sqlite_url):
    r = run("sample", env={"LUOSHI_DATABASE_URL": sqlite_url})
    assert r.exit_code == 0, r.stderr
    assert sqlite_url in r.stderr


def test_bad_database_url(tmp_path):
    r = run("sample", "--db", "not a url")
    assert r.exit_code == 2
    assert r.stdout == "" and r.stderr.startswith("luoshi: error: database URL")
    r = run("sample", "--db", "mysql://u@127.0.0.1/x")  # no driver installed for it
    assert r.exit_code == 2 and "driver not installed" in r.stderr
    r = run("sample", "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert r.exit_code == 1
    assert r.stdout == "" and "cannot open" in r.stderr and len(r.stderr.splitlines()) == 1


def test_password_not_shown():
    r = run("sample", "--db", "postgresql://u:s3cret@127.0.0.1:1/x")
    assert r.exit_code == 1
    assert "s3cret" not in r.stderr and "***" in r.stderr
