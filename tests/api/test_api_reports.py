"""Uploading reports: a good file is imported (and audited), a bad one is 400 with the reader's
reason and imports nothing, an oversized one is 413; the public read-only mode."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luoshi import sample_path, store
from luoshi.api.app import create_app
from luoshi.api.settings import Settings
from luoshi.store import AuditEntry, Report


def count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def upload(client, token: str | None, name: str, data: bytes, **form):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/reports", headers=headers, files={"file": (name, data, "application/octet-stream")},
                       data=form)


def test_upload_good_bad_and_too_large(db_url, accounts):
    app = create_app(db_url, settings=Settings(include_web=False, max_upload_bytes=200_000))
    tokens, _ = accounts(app.state.sessions)
    sup = tokens["supervisor"]
    with TestClient(app) as c:
        sample = sample_path().read_bytes()
        r = upload(c, sup, "liaoning-2024.txt", sample)
        assert r.status_code == 201, r.text
        assert (r.json()["status"], r.json()["region"], r.json()["year"]) == ("imported", "辽宁省", 2024)
        assert upload(c, sup, "liaoning-2024.txt", sample).json()["status"] == "unchanged"
        before = (count(app.state.sessions, Report), count(app.state.sessions, AuditEntry))
        for name, data, reason in [("empty.txt", b"", "empty"), ("bin.txt", bytes(range(256)) * 40, "binary"),
                                   ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
                                   ("report.exe", "政府工作报告".encode(), "type")]:
            r = upload(c, sup, name, data)
            assert r.status_code == 400, (name, r.text)
            err = r.json()["error"]
            assert err["code"] == "bad_file" and err["detail"]["reason"] == err["message"]
            assert reason in err["message"].lower() or name.split(".")[-1] in err["message"], err
        r = upload(c, sup, "huge.txt", "很长的报告。".encode() * 20_000)
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
        r = c.post("/api/v1/reports", headers={"Authorization": f"Bearer {sup}", "Content-Length": "999999999"},
                   content=b"x")
        assert r.status_code == 413

        def chunks():  # no Content-Length: cut off while it arrives
            yield from (b"x" * 50_000 for _ in range(100))
        r = c.post("/api/v1/reports", headers={"Authorization": f"Bearer {sup}",
                                               "Content-Type": "multipart/form-data; boundary=b"}, content=chunks())
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
        assert (count(app.state.sessions, Report), count(app.state.sessions, AuditEntry)) == before
        assert upload(c, tokens["reporter"], "liaoning-2024.txt", sample).status_code == 403
        r = c.post("/api/v1/reports", headers={"Authorization": f"Bearer {sup}"})
        assert r.status_code == 422 and r.json()["error"]["detail"][0]["loc"] == ["body", "file"]
        r = upload(c, sup, "exec.txt", sample_path("ln-2024-plan-exec.txt").read_bytes(), region="辽宁省", year="2024")
        assert r.status_code == 201 and r.json()["status"] == "imported"
        n = count(app.state.sessions, Report)
        for form in ({"kind": "speech"}, {"level": "town"}, {"year": "20x4"}, {"year": "1800"}):  # as the CLI checks them
            r = upload(c, sup, "d.txt", "各位代表：全年地区生产总值增长5%。".encode(), **form)
            assert r.status_code == 422, (form, r.text)
        assert count(app.state.sessions, Report) == n
        r = upload(c, sup, "d.txt", "各位代表：全年地区生产总值增长5%。".encode(), year="1800")
        assert r.json()["error"]["detail"] == {"field": "year", "zh": "年度应在1949年至2100年之间，1800不是。"}
        r = upload(c, sup, "d.txt", "各位代表：全年地区生产总值增长5%。".encode(), level="town")
        assert r.json()["error"]["detail"]["zh"].startswith("级别应为国家级、省级、市级、县级、区级之一，“town”不是")
        r = upload(c, sup, "各位代表.txt", "各位代表：去年全年地区生产总值增长5%。".encode(), year="2025")
        assert r.status_code == 201 and "no region" in r.json()["warning"]  # for people too, in Chinese:
        assert r.json()["warning_zh"] == "各位代表.txt：原文和文件名中都没有地区，请给出地区（在此之前，报告中的数字不标地区）。"
        r = upload(c, sup, "division.txt", "一、地区生产总值增长5%左右。（牵头单位：省发展改革委）".encode(),
                   kind="division", region="辽宁省", year="2025")
        assert r.status_code == 201, r.text
        with app.state.sessions() as s:
            rep = s.get(Report, r.json()["report_id"])
            assert (rep.kind, rep.region, rep.plan_year) == ("division", "辽宁省", 2025)


def test_public_read_only_mode(sqlite_url):
    app = create_app(sqlite_url, settings=Settings(include_web=False, public_read=True))
    with TestClient(app) as c:
        assert c.get("/api/v1/reports").status_code == 200
        assert c.get("/api/v1/me").json()["username"] == "anonymous"
        assert c.get("/api/v1/users").status_code == 403
        assert c.get("/api/v1/audit").status_code == 403
        r = c.post("/api/v1/tokens", json={"name": "x"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert upload(c, None, "a.txt", b"x").status_code == 401
    closed = create_app(sqlite_url, settings=Settings(include_web=False))
    with TestClient(closed) as c:
        assert c.get("/api/v1/reports").status_code == 401


def test_upload_and_its_audit_entry_are_one_transaction(db_url, accounts, monkeypatch):
    """An upload whose audit entry cannot be written leaves no report behind; a good one
    stores both."""
    from luoshi.track import audit

    app = create_app(db_url, settings=Settings(include_web=False))
    tokens, _ = accounts(app.state.sessions)
    real = audit.record

    def failing(session, actor, action, *a, **kw):
        if action == "import":
            raise RuntimeError("audit log unavailable")
        return real(session, actor, action, *a, **kw)

    with TestClient(app, raise_server_exceptions=False) as c:
        before = (count(app.state.sessions, Report), count(app.state.sessions, AuditEntry))
        monkeypatch.setattr(audit, "record", failing)
        assert upload(c, tokens["supervisor"], "liaoning-2024.txt", sample_path().read_bytes()).status_code == 500
        assert (count(app.state.sessions, Report), count(app.state.sessions, AuditEntry)) == before
        monkeypatch.setattr(audit, "record", real)
        assert upload(c, tokens["supervisor"], "liaoning-2024.txt", sample_path().read_bytes()).status_code == 201
        with app.state.sessions() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")) == 1


def test_reread(world):
    """POST /reports/{id}/reread: a figure an older reader read with a line break in its
    indicator is read again (dry run: said, not done); its id and the tasks stay."""
    from sqlalchemy import select, update

    from luoshi.store import ReportFigure, Task

    with store.write_transaction(world.sessions) as s:
        f = s.scalars(select(ReportFigure).join(Task, Task.figure_id == ReportFigure.id)
                      .where(Task.id == world.own)).one()
        fid, indicator = f.id, f.indicator
        s.execute(update(ReportFigure).where(ReportFigure.id == fid).values(indicator=indicator[:2] + "\n" + indicator[2:]))
    dry = world.post(f"/reports/{world.report_id}/reread", params={"dry_run": True})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["dry_run"] and body["status"] == "reread"
    assert [c["id"] for c in body["changed"]] == [fid] and body["changed"][0]["fields"]["indicator"][1] == indicator
    with world.sessions() as s:
        assert "\n" in s.get(ReportFigure, fid).indicator
    done = world.post(f"/reports/{world.report_id}/reread")
    assert done.status_code == 200 and done.json()["status"] == "reread"
    with world.sessions() as s:
        assert s.get(ReportFigure, fid).indicator == indicator and s.get(Task, world.own).figure_id == fid
    assert world.post(f"/reports/{world.report_id}/reread").json()["status"] == "unchanged"
    assert world.post("/reports/999999/reread").status_code == 404
    assert world.post(f"/reports/{world.report_id}/reread", "reporter").status_code == 403
    with store.write_transaction(world.sessions) as s:  # bytes the reader refuses: said, nothing changed
        s.execute(update(Report).where(Report.id == world.report_id).values(original=" \n"))
    bad = world.post(f"/reports/{world.report_id}/reread")
    assert bad.status_code == 422 and "无法重新识读" in bad.json()["error"]["detail"]["zh"]
    with world.sessions() as s:
        assert s.get(ReportFigure, fid) is not None
