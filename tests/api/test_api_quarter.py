"""The issue's "done when": a supervisor and two department reporters do a quarter of work on
the example through the API alone — import, create tasks, assign, report progress several times
across January to March, rate, then read the roll-ups and reminders — on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from luoshi import sample_path, store
from luoshi.api.app import create_app
from luoshi.api.settings import Settings
from luoshi.track import services as S

END_Q1 = "2024-03-31"


def test_a_quarter_of_work(db_url):
    app = create_app(db_url, settings=Settings(include_web=False))
    with store.write_transaction(app.state.sessions) as s:  # the operator's one shell step
        S.create_user(s, "root", "root password", "admin", S.SYSTEM)
        root = S.create_token(s, "root", "setup", S.SYSTEM).token

    with TestClient(app, base_url="http://test/api/v1") as c:
        def call(method: str, path: str, token: str, expect: int, **kw) -> dict:
            r = c.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
            assert r.status_code == expect, (method, path, r.text)
            return r.json()

        # accounts and tokens, by the admin, over the API
        tok = {}
        for name, role, dep in [("duban", "supervisor", None), ("fgw", "reporter", "省发展改革委"),
                                ("czt", "reporter", "省财政厅")]:
            call("POST", "/users", root, 201, json={"username": name, "password": f"{name} password 2024",
                                                     "role": role, "department": dep})
            tok[name] = call("POST", "/tokens", root, 201, json={"username": name, "name": "Q1"})["token"]
        sup, fgw, czt = tok["duban"], tok["fgw"], tok["czt"]

        # the supervision office imports the report and makes its tasks
        rep = call("POST", "/reports", sup, 201, files={"file": ("liaoning-2024.txt", sample_path().read_bytes())})
        made = call("POST", f"/reports/{rep['report_id']}/tasks", sup, 201)
        assert made["created"] == 207
        tasks = call("GET", "/tasks", sup, 200, params={"report": rep["report_id"], "limit": 5})["items"]
        gdp, revenue = tasks[0], tasks[1]
        assert gdp["text"] == "地区生产总值增长5.5%左右"
        # assignments: 省财政厅 leads budget revenue, 省发展改革委 supports it; GDP milestones
        call("PUT", f"/tasks/{revenue['id']}/assignments", sup, 200,
             json={"lead": ["省财政厅"], "responsible": ["省发展改革委"], "expected_version": revenue["version"]})
        call("PUT", f"/tasks/{gdp['id']}/milestones", sup, 200, json={"milestones": [
            {"date": "2024-03-31", "expected": 5.5}, {"date": "2024-06-30", "expected": 5.5}]})

        # three months of reports, each based on the version just read
        def report(token: str, task_id: int, on: str, **kw) -> dict:
            version = call("GET", f"/tasks/{task_id}", token, 200)["task"]["version"]
            return call("POST", f"/tasks/{task_id}/progress", token, 201,
                        json={"expected_version": version, "reported_on": on, **kw})

        report(fgw, gdp["id"], "2024-01-31", status="in_progress", narrative="1月工业生产平稳",
               problems="外需偏弱", next_steps="推进重大项目开工")
        report(czt, revenue["id"], "2024-01-31", status="in_progress", narrative="1月收入入库", percent=8)
        report(fgw, gdp["id"], "2024-02-29", status="in_progress", narrative="前两月投资回升", percent=15)
        report(czt, revenue["id"], "2024-03-31", status="in_progress", narrative="一季度收入增长5.9%",
               value=5.9, unit="%", percent=25)
        report(fgw, gdp["id"], "2024-03-31", status="in_progress", narrative="一季度地区生产总值增长5.3%",
               value=5.3, unit="%", percent=25,
               evidence=[{"name": "一季度统计快报", "url": "https://tjj.ln.gov.cn/q1"}])
        # 省财政厅 may not report on GDP; nothing is written
        r = c.post(f"/tasks/{gdp['id']}/progress", headers={"Authorization": f"Bearer {czt}"},
                   json={"expected_version": None, "reported_on": END_Q1, "status": "completed"})
        assert r.status_code == 403

        # the supervision office rates and revises
        call("POST", f"/tasks/{gdp['id']}/ratings", sup, 201,
             json={"level": "amber", "reason": "一季度5.3%，低于5.5%的目标"})
        call("POST", f"/tasks/{revenue['id']}/ratings", sup, 201, json={"level": "green", "reason": "进度符合预期"})
        call("POST", f"/tasks/{revenue['id']}/revisions", sup, 201, json={
            "effective": "2024-03-15", "fields": {"deadline_text": "11月底前", "deadline": "2024-11-30"},
            "reason": "省政府第X次常务会议调整"})

        # where things stand at the end of the quarter
        d = call("GET", f"/tasks/{gdp['id']}", sup, 200, params={"today": END_Q1})
        assert [u["narrative"] for u in d["history"]["updates"]] == [
            "1月工业生产平稳", "前两月投资回升", "一季度地区生产总值增长5.3%"]
        assert [u["reported_on"] for u in d["history"]["updates"]] == ["2024-01-31", "2024-02-29", "2024-03-31"]
        assert d["status"]["reported"]["code"] == "in_progress"
        assert d["status"]["confidence"]["code"] == "amber" and d["rating"]["by"] == "duban"
        assert d["latest_update"]["value"] == 5.3
        assert d["definitions"]["confidence"]["amber"]["label_zh"]
        rv = call("GET", f"/tasks/{revenue['id']}", czt, 200, params={"today": END_Q1})
        assert rv["task"]["deadline"] == "2024-11-30" and rv["task"]["original_deadline"] == "2024-12-31"
        assert {(a["department"], a["role"]) for a in rv["task"]["assignments"]} >= {
            ("省财政厅", "lead"), ("省发展改革委", "responsible")}

        ro = call("GET", f"/reports/{rep['report_id']}/rollups", sup, 200, params={"today": END_Q1})
        assert ro["whole"]["tasks"] == 207
        assert ro["whole"]["counts"]["reported"]["in_progress"] == 2
        assert ro["whole"]["counts"]["reported"]["no_update"] == 205
        assert ro["whole"]["counts"]["confidence"]["amber"] == 1 and ro["whole"]["counts"]["confidence"]["green"] == 1
        czt_roll = next(x for x in ro["by_department"] if x["name"] == "省财政厅")
        assert czt_roll["counts"]["reported"]["in_progress"] >= 1
        assert ro["by_section"][0]["name"] == "主要预期目标"

        rem = call("GET", "/reminders", sup, 200, params={"today": END_Q1, "report": rep["report_id"]})["items"]
        fgw_rem = next(g for g in rem if g["department"] == "省发展改革委")
        silent_ids = {i["task_id"] for i in fgw_rem["silent"]}
        assert gdp["id"] not in silent_ids and silent_ids  # reported on 31 March; its other tasks are silent
        assert all(i["days"] >= 30 for i in fgw_rem["silent"])
        mine = call("GET", "/tasks", fgw, 200, params={"department": "省发展改革委", "reported": "in_progress",
                                                      "today": END_Q1})
        assert [t["id"] for t in mine["items"]] == [gdp["id"], revenue["id"]]

        # every change is in the audit log, with who made it
        log = call("GET", "/audit", sup, 200, params={"limit": 1000})["items"]
        by = {(e["actor"], e["action"], e["entity"]) for e in log}
        assert {("fgw", "report", "progress_update"), ("czt", "report", "progress_update"),
                ("duban", "rate", "rating"), ("duban", "revise", "task_revision"),
                ("duban", "import", "report"), ("duban", "create", "task"), ("root", "create", "user"),
                ("duban", "set_milestones", "task"), ("duban", "assign", "assignment")} <= by
        assert sum(1 for e in log if e["action"] == "report") == 5
