"""`luoshi user`, `luoshi token`, `luoshi tasks` and `luoshi remind` on both backends."""

from __future__ import annotations

import json

from click.testing import CliRunner

from luoshi import sample_path, store
from luoshi.cli import main
from luoshi.services.importer import import_file
from luoshi.track import services as S

PASSWORD = "correct horse battery"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_users_and_tokens(db_url):
    r = run("user", "add", "admin1", "--role", "admin", "--password", PASSWORD, "--db", db_url)
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["role"] == "admin"
    r = run("user", "add", "fgw", "--role", "reporter", "--department", "省发展改革委", "--db", db_url,
            input=f"{PASSWORD}\n{PASSWORD}\n")  # asked for, twice, never echoed
    assert r.exit_code == 0, r.stderr
    assert PASSWORD not in r.stdout + r.stderr
    assert json.loads(r.stdout.splitlines()[-1])["department"] == "省发展改革委"
    bad = run("user", "add", "x", "--role", "reporter", "--password", PASSWORD, "--db", db_url)
    assert bad.exit_code == 2 and "needs a department" in bad.stderr
    listed = run("user", "list", "--format", "json", "--db", db_url)
    assert [json.loads(x)["username"] for x in listed.stdout.splitlines()] == ["admin1", "fgw"]

    made = run("token", "create", "fgw", "--name", "script", "--db", db_url)
    assert made.exit_code == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("ls_") and "cannot be shown again" in made.stderr
    tokens = [json.loads(x) for x in run("token", "list", "--db", db_url).stdout.splitlines()]
    assert [(t["user"], t["name"], t["revoked_at"]) for t in tokens] == [("fgw", "script", None)]
    assert token not in json.dumps(tokens)
    factory = store.open(db_url)
    try:
        with store.write_transaction(factory) as s:
            assert S.authenticate_token(s, token).username == "fgw"
        assert run("token", "revoke", str(tokens[0]["id"]), "--db", db_url).exit_code == 0
        assert run("token", "revoke", "999", "--db", db_url).exit_code == 2
        with store.write_transaction(factory) as s:
            assert S.authenticate_token(s, token) is None
        assert run("user", "disable", "fgw", "--db", db_url).exit_code == 0
        with factory() as s:
            assert S.verify_password(s, "fgw", PASSWORD) is None
            assert S.verify_password(s, "admin1", PASSWORD).role == "admin"
    finally:
        store.close(factory)
    text = run("user", "list", "--db", db_url).stdout
    assert "fgw\treporter\t省发展改革委\tdisabled" in text


def test_tasks_and_reminders(db_url):
    factory = store.open(db_url)
    try:
        report = import_file(factory, sample_path())
    finally:
        store.close(factory)
    assert run("tasks", "--create", "--db", db_url).exit_code == 2  # needs --report
    made = run("tasks", "--report", str(report.report_id), "--create", "--db", db_url)
    assert made.exit_code == 0, made.stderr
    created = [json.loads(x) for x in made.stdout.splitlines()]
    assert created[0]["text"] == "地区生产总值增长5.5%左右" and "task(s) created" in made.stderr
    again = run("tasks", "--report", str(report.report_id), "--create", "--db", db_url)
    assert again.stdout == "" and f"{len(created)} there already" in again.stderr

    table = run("tasks", "--report", str(report.report_id), "--today", "2024-03-01", "--db", db_url)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("id\t编号") and len(lines) == len(created) + 1
    assert "\t未报送\t无法判断\t未到期\t未评价\t地区生产总值增长5.5%左右" in lines[1]
    js = run("tasks", "--department", "省财政厅", "--format", "jsonl", "--today", "2024-03-01", "--db", db_url)
    rows = [json.loads(x) for x in js.stdout.splitlines()]
    assert rows and all(any(a["department"] == "省财政厅" for a in r["task"]["assignments"]) for r in rows)
    assert rows[0]["status"]["schedule"]["definition_en"]

    r = run("remind", "--department", "省财政厅", "--today", "2024-12-10", "--db", db_url)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("省财政厅\n") and "30天内到期 due within 30 days" in r.stdout
    assert "(21天 left)" in r.stdout and "天 without an update" in r.stdout
    j = run("remind", "--format", "json", "--days", "10", "--silent-days", "400", "--today", "2024-12-10",
            "--db", db_url)
    assert j.exit_code == 0 and j.stdout == ""  # 21 days left is not within 10; no one silent for 400
    late = run("remind", "--format", "json", "--today", "2025-01-02", "--silent-days", "400", "--db", db_url)
    groups = [json.loads(x) for x in late.stdout.splitlines()]
    assert groups and all(g["overdue"] and not g["due_soon"] for g in groups)
    assert all(x["days"] == 2 for g in groups for x in g["overdue"])
    assert run("remind", "--department", "省魔法厅", "--db", db_url).exit_code == 2
