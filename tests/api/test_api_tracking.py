"""Writes through the API on SQLite and PostgreSQL: who may write what (a refusal changes
nothing), optimistic versions (409 with the rejected text), an audit entry for every change."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from luoshi import sample_path
from luoshi.store import Assignment, AuditEntry, ProgressUpdate, Rating, Task, TaskRevision


def progress(narrative: str = "一季度增长5.3%", version: int | None = 1, **kw) -> dict:
    return {"expected_version": version, "reported_on": "2024-03-31", "status": "in_progress",
            "narrative": narrative, "value": 5.3, "unit": "%", **kw}


def snapshot(w, task_id: int) -> tuple:
    with w.sessions() as s:
        n = lambda m, *c: s.scalar(select(func.count()).select_from(m).where(*c))  # noqa: E731
        return (n(ProgressUpdate), n(Rating), n(TaskRevision), n(Assignment), n(AuditEntry),
                s.get(Task, task_id).version)


def test_reporter_writes_only_on_its_departments_tasks(world):
    w = world
    r = w.post(f"/tasks/{w.other}/progress", "reporter_other", json=progress())
    assert r.status_code == 201, r.text
    assert (r.json()["by"], r.json()["department"]) == ("czt", "省财政厅")
    before = snapshot(w, w.own)
    for role in ("reporter_other", "viewer"):  # 省财政厅 is not on task 1; a viewer writes nothing
        r = w.post(f"/tasks/{w.own}/progress", role, json=progress("不该写入"))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
    for role in ("reporter", "reporter_other", "viewer"):  # managers' writes
        assert w.post(f"/tasks/{w.own}/ratings", role, json={"level": "red", "reason": "x"}).status_code == 403
        assert w.post(f"/tasks/{w.own}/assignments", role, json={"departments": ["省财政厅"]}).status_code == 403
        assert w.put(f"/tasks/{w.own}/assignments", role, json={"lead": ["省财政厅"]}).status_code == 403
        assert w.post(f"/tasks/{w.own}/revisions", role, json={
            "effective": "2024-06-01", "fields": {"text": "改"}, "reason": "x"}).status_code == 403
        assert w.post(f"/reports/{w.report_id}/tasks", role).status_code == 403
    assert w.post(f"/tasks/{w.own}/progress", None, json=progress()).status_code == 401
    assert snapshot(w, w.own) == before  # nothing written, not even an audit entry
    with w.sessions() as s:
        assert not s.scalars(select(ProgressUpdate).where(ProgressUpdate.narrative == "不该写入")).all()
    r = w.post(f"/tasks/{w.own}/progress", "reporter", json=progress())
    assert r.status_code == 201 and r.json()["task_version"] == 2


def test_stale_version_is_409_and_the_text_comes_back(world):
    w = world
    assert w.post(f"/tasks/{w.own}/progress", "reporter", json=progress("第一稿")).status_code == 201
    r = w.post(f"/tasks/{w.own}/progress", "supervisor", json=progress("督查室的补充：数据待核实", version=1))
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "conflict"
    assert err["detail"]["rejected"]["narrative"] == "督查室的补充：数据待核实"
    assert (err["detail"]["expected"], err["detail"]["actual"]) == (1, 2)
    assert err["detail"]["current"]["latest_update"]["narrative"] == "第一稿"
    version = w.task(w.own)["task"]["version"]
    assert w.post(f"/tasks/{w.own}/progress", "supervisor",
                  json=progress("督查室的补充：数据待核实", version=version)).status_code == 201
    r = w.post(f"/tasks/{w.own}/ratings", "supervisor", json={"level": "amber", "reason": "慢", "expected_version": 1})
    assert r.status_code == 409 and r.json()["error"]["detail"]["rejected"]["reason"] == "慢"


def test_two_writers_at_once_one_wins(world):
    w = world
    barrier = threading.Barrier(2)

    def send(role: str, text: str):
        barrier.wait()
        return w.post(f"/tasks/{w.own}/progress", role, json=progress(text, version=1))

    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(send, "reporter", "发改委：一季度增长5.3%")
        b = pool.submit(send, "supervisor", "督查室：一季度增长5.2%")
        got = sorted([a.result(), b.result()], key=lambda r: r.status_code)
    assert [r.status_code for r in got] == [201, 409], [r.text for r in got]
    lost = got[1].json()["error"]["detail"]["rejected"]["narrative"]
    kept = got[0].json()["narrative"]
    assert {lost, kept} == {"发改委：一季度增长5.3%", "督查室：一季度增长5.2%"}
    with w.sessions() as s:
        assert [u.narrative for u in s.scalars(select(ProgressUpdate))] == [kept]


def audit_tail(w, since: int) -> list[tuple[str, str, str]]:
    with w.sessions() as s:
        return [(e.actor, e.action, e.entity) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.id > since).order_by(AuditEntry.id))]


def last_audit_id(w) -> int:
    with w.sessions() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def test_every_change_is_audited(world):
    w = world
    steps = [
        (lambda: w.post(f"/tasks/{w.own}/progress", "reporter", json=progress(version=None)),
         [("fgw", "report", "progress_update")]),
        (lambda: w.post(f"/tasks/{w.own}/ratings", "supervisor", json={"level": "amber", "reason": "慢"}),
         [("duban", "rate", "rating")]),
        (lambda: w.post(f"/tasks/{w.own}/revisions", "supervisor", json={
            "effective": "2024-07-01", "fields": {"value": 5.2}, "reason": "年中调整"}),
         [("duban", "revise", "task_revision")]),
        (lambda: w.post(f"/tasks/{w.own}/assignments", "supervisor", json={"departments": ["省财政厅"],
                                                                           "role": "responsible"}),
         [("duban", "assign", "assignment")]),
        (lambda: w.delete(f"/tasks/{w.own}/assignments", "supervisor",
                          params={"department": "省财政厅", "role": "responsible"}),
         [("duban", "unassign", "assignment")]),
        (lambda: w.put(f"/tasks/{w.own}/assignments", "admin", json={"lead": ["省财政厅"]}),
         None),  # removes the old ones, adds 省财政厅: checked below
        (lambda: w.put(f"/tasks/{w.own}/milestones", "supervisor",
                       json={"milestones": [{"date": "2024-03-31", "expected": 1.2}]}),
         [("duban", "set_milestones", "task")]),
        (lambda: w.post("/users", "admin", json={"username": "new", "password": "long password", "role": "viewer"}),
         [("root", "create", "user")]),
        (lambda: w.post("/users/new/disable", "admin"), [("root", "disable", "user")]),
        (lambda: w.post("/tokens", "viewer", json={"name": "laptop"}), [("kan", "create", "api_token")]),
        (lambda: w.post("/reports", "supervisor", files={"file": (
            "ln-exec-2024.txt", sample_path("ln-2024-plan-exec.txt").read_bytes() + "\n补充。".encode(), "text/plain")}),
         [("duban", "import", "report")]),
    ]
    for send, expected in steps:
        since = last_audit_id(w)
        r = send()
        assert r.status_code in (200, 201), r.text
        got = audit_tail(w, since)
        if expected is None:
            assert got and all(a == ("root",) + a[1:] and a[2] == "assignment" for a in got), got
            assert {a[1] for a in got} == {"assign", "unassign"}
        else:
            assert got == expected, got
    tid = w.post("/tokens", "viewer", json={"name": "x"}).json()["id"]
    since = last_audit_id(w)
    assert w.delete(f"/tokens/{tid}", "viewer").status_code == 200
    assert audit_tail(w, since) == [("kan", "revoke", "api_token")]
    r = w.get("/audit", "supervisor", params={"entity": "api_token", "limit": 1})
    assert r.json()["items"][0]["action"] == "revoke"


def test_assignments_and_stale_put(world):
    w = world
    t = w.task(w.own)["task"]
    r = w.put(f"/tasks/{w.own}/assignments", "supervisor",
              json={"lead": ["省财政厅"], "responsible": ["省发展改革委"], "expected_version": t["version"]})
    assert r.status_code == 200, r.text
    got = {(a["department"], a["role"]) for a in r.json()["assignments"]}
    assert got == {("省财政厅", "lead"), ("省发展改革委", "responsible")}
    r = w.put(f"/tasks/{w.own}/assignments", "supervisor", json={"lead": ["省财政厅"], "expected_version": t["version"]})
    assert r.status_code == 409  # based on the version before the change
    # 省发展改革委 still may report (responsible), 省财政厅 now may too
    assert w.post(f"/tasks/{w.own}/progress", "reporter_other", json=progress(version=None)).status_code == 201
    r = w.post(f"/tasks/{w.own}/progress", "reporter", json=progress(version=None, percent=150))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_users_and_tokens(world):
    w = world
    r = w.post("/users", "admin", json={"username": "ntk", "password": "long password", "role": "reporter",
                                        "department": "省财政厅"})
    assert r.status_code == 201 and r.json()["department"] == "省财政厅"
    assert w.post("/users", "admin", json={"username": "x", "password": "short", "role": "viewer"}).status_code == 422
    assert w.post("/users", "admin", json={"username": "y", "password": "long password", "role": "boss"}).status_code == 422
    r = w.post("/tokens", "admin", json={"username": "ntk", "name": "for ntk"})
    assert r.status_code == 201
    token = r.json()["token"]
    me = w.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["username"], me["role"]) == ("ntk", "reporter")
    assert w.post("/tokens", "reporter", json={"username": "ntk"}).status_code == 403  # not one's own
    assert w.get("/tokens", "reporter", params={"user": "ntk"}).status_code == 403
    assert [t["username"] for t in w.get("/tokens", "reporter").json()["items"]] == ["fgw"]
    assert w.delete(f"/tokens/{r.json()['id']}", "reporter").status_code == 403
    assert w.post("/users/ntk/disable", "admin").json()["active"] is False
    r = w.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401  # a disabled account's tokens stop at once
    assert w.delete(f"/tokens/{9999}", "admin").status_code == 404


def test_reads_record_token_use_at_most_once_a_minute(world, monkeypatch):
    """A token's last_used_at is bookkeeping: the first request records it, later reads within
    TOUCH_EVERY write nothing (no write lock for reads); after that it moves again."""
    import datetime as dt

    from luoshi.store import ApiToken, User
    from luoshi.track import users

    w = world

    def last_used():
        with w.sessions() as s:
            return s.scalar(select(ApiToken.last_used_at).join(User, User.id == ApiToken.user_id)
                            .where(User.username == "kan"))

    assert last_used() is None
    assert w.get("/me", "viewer").status_code == 200
    first = last_used()
    assert first is not None
    for _ in range(3):
        assert w.get(f"/tasks/{w.own}", "viewer").status_code == 200
    assert last_used() == first
    monkeypatch.setattr(users, "TOUCH_EVERY", dt.timedelta(0))
    assert w.get("/me", "viewer").status_code == 200
    assert last_used() > first
