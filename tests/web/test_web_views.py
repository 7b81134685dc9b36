"""The pages through the TestClient (no browser): what each role sees and may do, the session
cookie, CSRF, security headers, escaping, the login limit, exports."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from luoshi.web.security import COOKIE, WebMiddleware

PASSWORD = "correct horse battery"  # as tests/web/conftest.py seeds them
ACCOUNTS = {"admin": "admin", "duban": "supervisor", "fgw": "reporter", "czt": "reporter", "kan": "viewer"}

TEN_TARGETS = [("地区生产总值", "5.5%"), ("一般公共预算收入", "5%"), ("规模以上工业增加值", "5.5%"),
               ("固定资产投资", "10%"), ("社会消费品零售总额", "8%"), ("进出口总额", "6%"),
               ("城镇新增就业", "46万人"), ("城镇调查失业率", "5.5%"), ("居民消费价格", "3%"),
               ("粮食产量", "500亿斤")]


def login(c: TestClient, user: str, password: str = PASSWORD, **kw):
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    return c.post("/login", data={"username": user, "password": password, "csrf": token}, **kw)


def client(app, user: str | None = None, **kw) -> TestClient:
    c = TestClient(app, **kw)
    if user:
        r = login(c, user, follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def csrf(c: TestClient, url: str = "/tasks") -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', c.get(url).text)
    assert m
    return m.group(1)


def task_id(c: TestClient, number: int) -> int:
    m = re.search(rf'<td>{number}</td>\s*<td class="tasktext"><a href="/tasks/(\d+)"', c.get("/tasks").text)
    assert m, f"task {number} not on the first page"
    return int(m.group(1))


def test_login_page_headers_and_language(app):
    r = client(app).get("/login")
    assert r.status_code == 200 and '<html lang="zh-CN">' in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text and 'src="/static/app.js"' in r.text  # no inline script
    assert client(app).head("/login").status_code == 200


def test_anonymous_is_sent_to_login_or_public(seeded, make_app):
    r = client(make_app(seeded[1])).get("/tasks", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/tasks")
    assert client(make_app(seeded[1])).get("/public").status_code == 404
    pub = client(make_app(seeded[1], public=True))
    assert pub.get("/", follow_redirects=False).headers["location"] == "/public"
    page = pub.get("/public").text
    assert "地区生产总值" in page and "责任单位尚未报送任何进展" in page  # statuses with definitions
    assert "上半年增速低于目标" not in page  # the rating's reason is internal
    assert "消费恢复偏慢" not in pub.get("/public").text  # so are the departments' narratives


def test_session_cookie_flags(app):
    c = TestClient(app)
    r = c.post("/login", data={"username": "kan", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403  # the login form's token is needed too
    r = login(c, "kan", follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    r = login(TestClient(app, base_url="https://testserver"), "kan", follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_then_rate_limited(app):
    c = client(app)
    for _ in range(5):
        r = login(c, "duban", "wrong password")
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    r = login(c, "duban")
    assert r.status_code == 429 and "登录失败次数过多" in r.text


@pytest.mark.parametrize("user", list(ACCOUNTS))
def test_overview_shows_the_ten_targets_to_every_role(app, user):
    page = client(app, user).get("/").text
    cards = re.findall(r'<li class="card[^"]*">\s*<h3>([^<]+)</h3>\s*<p class="kv"><span>目标</span>'
                       r'<strong class="target-value">([^<]+)</strong>', page)
    for name, value in TEN_TARGETS:
        assert any(n == name and value in v for n, v in cards), (name, value, cards)
    assert "5.1%" in page and "未完成" in page  # GDP's actual and verdict
    assert ("/import" in page) == (ACCOUNTS[user] in ("admin", "supervisor"))


def test_reader_marks_figures_and_shows_details(app):
    c = client(app, "kan")
    page = c.get("/reports/1").text
    m = re.search(r'<a class="fig fig-target" id="f-(\d+)" data-fig="\d+" href="\?fig=\d+#f-\d+">地区生产总值增长5.5%左右</a>', page)
    assert m and 'class="fig fig-actual"' in page and 'href="#n-' in page
    detail = c.get(f"/figures/{m.group(1)}").text
    assert "地区生产总值" in detail and "5.5%" in detail and "目标" in detail and "/tasks/" in detail


def test_reader_hides_converter_leftovers(app):
    """The example's "[bookmark: _GoBack]" (a docx → txt leftover) stays in the page at its place
    in the original but is not shown."""
    page = client(app, "kan").get("/reports/1").text
    assert page.count("[bookmark: _GoBack]") == 1
    assert '<span class="leftover" hidden>[bookmark: _GoBack]</span>' in page


def test_board_filters_sorts_and_exports(app):
    c = client(app, "kan")
    all_ = c.get("/tasks").text
    assert "共 207 项任务" in all_
    done = c.get("/tasks", params={"status": "reported:completed"}).text
    assert "共 1 项任务" in done and "一般公共预算收入增长5%" in done
    found = c.get("/tasks", params={"q": "粮食"}).text
    assert "粮食产量500亿斤左右" in found and "地区生产总值增长" not in found
    x = c.get("/tasks/export.xlsx", params={"q": "粮食"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "任务") and all("粮食" in r[1] for r in rows[1:]) and len(rows) > 1
    assert 'name="task"' not in all_  # a viewer is not offered the bulk assignment


def test_csrf_and_roles_on_bulk_assign(app):
    sup = client(app, "duban")
    tid = task_id(sup, 12)
    r = sup.post("/tasks/assign", data={"task": tid, "department": "省财政厅", "role": "responsible"})
    assert r.status_code == 403 and "安全校验" in r.text  # no token
    r = sup.post("/tasks/assign", data={"task": tid, "department": "省财政厅", "role": "responsible",
                                        "csrf": csrf(sup), "back": "/tasks"})
    assert r.status_code == 200 and "已将 1 项任务分配" in r.text
    assert "省财政厅" in sup.get(f"/tasks/{tid}").text
    rep = client(app, "czt")
    r = rep.post("/tasks/assign", data={"task": tid, "department": "省财政厅", "role": "lead", "csrf": csrf(rep)})
    assert r.status_code == 403 and "无权" in r.text


def test_progress_is_checked_on_the_server(app):
    c = client(app, "fgw")
    tid = task_id(c, 1)
    token = csrf(c, f"/tasks/{tid}")
    r = c.post(f"/tasks/{tid}/progress", data={"csrf": token, "reported_on": "2024-07-01", "status": "in_progress",
                                                "percent": "140", "narrative": ""})
    assert r.status_code == 422 and "完成度应在 0 到 100 之间" in r.text and "请填写进展情况" in r.text
    r = c.post(f"/tasks/{tid}/progress", data={"csrf": token, "reported_on": "2099-01-01", "status": "in_progress",
                                                "narrative": "x"})
    assert r.status_code == 422 and "报送日期不能晚于今天" in r.text
    other = client(app, "czt")
    r = other.post(f"/tasks/{tid}/progress", data={"csrf": csrf(other), "reported_on": "2024-07-01",
                                                    "status": "in_progress", "narrative": "越权"})
    assert r.status_code == 403
    assert 'action="/tasks/%d/progress"' % tid not in other.get(f"/tasks/{tid}").text


def test_imported_text_is_escaped(app, tmp_path):
    c = client(app, "admin")
    evil = ('2031年某省政府工作报告\n\n二、2031年工作安排\n'
            '<script>alert("x")</script>地区生产总值增长6%左右，"引号"与\'单引号\'与&amp;。\n')
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": ("某省2031年政府工作报告.txt", evil.encode("utf-8"), "text/plain")})
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text and "确认导入" in r.text
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/import/confirm", data={"csrf": csrf(c, "/import"), "token": token, "tasks": "1"})
    assert r.status_code == 200 and "已导入" in r.text
    assert "<script>alert" not in r.text and '&lt;script&gt;alert("x")&lt;/script&gt;' in r.text


def test_import_with_tasks_is_one_transaction(app, seeded, monkeypatch):
    """The report, its audit entry and the tasks drafted from it are stored together: a failure
    while drafting the tasks leaves no report behind."""
    from sqlalchemy import select

    from luoshi.store import AuditEntry, Report
    from luoshi.track import services as S

    _, sessions = seeded
    c = client(app, "admin")
    text = "2032年某省政府工作报告\n\n二、2032年工作安排\n地区生产总值增长6%左右。\n"

    def upload(name: str) -> str:
        r = c.post("/import", data={"csrf": csrf(c, "/import")},
                   files={"file": (name, text.encode("utf-8"), "text/plain")})
        assert r.status_code == 200, r.text
        return re.search(r'name="token" value="([^"]+)"', r.text).group(1)

    def broken(*a, **kw):
        raise RuntimeError("drafting failed")

    with monkeypatch.context() as mp:
        mp.setattr(S, "tasks_from_report", broken)
        token = upload("某省2032年政府工作报告.txt")
        tc = TestClient(app, raise_server_exceptions=False, cookies=c.cookies)
        assert tc.post("/import/confirm", data={"csrf": csrf(c, "/import"), "token": token,
                                               "tasks": "1"}).status_code == 500
    with sessions() as s:
        assert s.scalar(select(Report.id).where(Report.plan_year == 2032)) is None
    r = c.post("/import/confirm", data={"csrf": csrf(c, "/import"), "token": upload("某省2032年政府工作报告.txt"),
                                        "tasks": "1"})
    assert r.status_code == 200 and "已导入" in r.text
    with sessions() as s:
        rid = s.scalar(select(Report.id).where(Report.plan_year == 2032))
        assert rid is not None
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.entity == "report", AuditEntry.action == "import",
                                                    AuditEntry.entity_id == str(rid))) is not None


def test_import_refuses_what_it_cannot_read(app):
    c = client(app, "duban")
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": ("x.exe", b"MZ\x00\x01", "application/octet-stream")})
    assert r.status_code == 422 and "不支持的文件类型" in r.text
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": ("broken.docx", b"not a zip", "application/octet-stream")})
    assert r.status_code == 422 and "无法读取该文件" in r.text
    assert client(app, "fgw").get("/import").status_code == 403


def test_exports(app):
    from docx import Document
    from openpyxl import load_workbook

    c = client(app, "kan")
    x = c.get("/exports/plan.xlsx", params={"report": 1})
    assert x.status_code == 200 and "attachment" in x.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "地区生产总值增长5.5%左右" and "省发展改革委" in rows[1][4]
    assert Document(io.BytesIO(c.get("/exports/plan.docx?report=1").content)).tables
    figures = c.get("/exports/figures.csv?report=1").text.lstrip("\ufeff").splitlines()
    assert figures[0].startswith("编号,原文,指标,标准指标,口径,数值,")  # for people: Chinese headings
    assert ",地区生产总值增长5.3%,地区生产总值,地区生产总值,增长,5.3,,%,,实际,2023,辽宁省," in figures[1]
    assert c.get("/exports/figures.json?report=1").json()[0]["role"] == "actual"  # for scripts: codes
    tasks = c.get("/exports/tasks.csv?report=1")
    assert tasks.text.lstrip("\ufeff").startswith("序号,任务,类型,所属部分,牵头单位,")
    assert "filename*=UTF-8''" + quote("2024年辽宁省政府工作报告-任务及状态.csv") in tasks.headers["content-disposition"]
    assert len(c.get("/exports/tasks.json?report=1").json()) == 207
    b = c.get("/bulletin?report=1").text
    assert "督查通报" in b and 'href="/static/print.css"' in b


def test_compare_and_across_regions(app):
    c = client(app, "kan")
    page = c.get("/compare", params={"indicator": "gdp"}).text
    assert "5.1%" in page and "未完成" in page
    across = c.get("/compare", params={"indicator": "gdp", "year": 2024, "across": "1"}).text  # → 各地目标
    assert "<svg" in across and "辽宁省" in across and "<h1>各地目标</h1>" in across


def test_regions_page_table_chart_goals_exports(app):
    from openpyxl import load_workbook

    c = client(app, "kan")
    page = c.get("/compare/regions", params={"indicator": "gdp", "year": 2024}).text
    assert 'href="/compare/regions" aria-current="page">各地目标' in page  # the menu entry
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 1 and "<td>辽宁省</td>" in body and "<td>5.5%左右</td>" in body
    assert '<svg class="chart"' in page and "五年规划目标" in page and "五年规划目标的进度说明" in page
    assert "进度滞后" in c.get("/statuses").text  # the goals' statuses are explained with the others
    assert not re.search(r"verdicts\.toml|income_with_growth|[a-z]+_[a-z]+:", page)  # no file names or ids
    amounts = c.get("/compare/regions", params={"indicator": "gdp", "year": 2024, "measure": "amount"}).text
    assert '<option value="amount" selected>总量</option>' in amounts and "5.5%左右" not in amounts.split("<tbody>")[1]
    first = c.get("/compare/regions").text  # no choice: GDP and the newest year with targets
    assert '<option value="gdp" selected>' in first
    csv = c.get("/compare/regions.csv", params={"indicator": "gdp", "year": 2024})
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert csv.text.lstrip("\ufeff").splitlines()[1].startswith("辽宁省,地区生产总值,2024,5.5%左右")
    x = c.get("/compare/regions.xlsx", params={"indicator": "gdp", "year": 2024})
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("地区", "指标", "年份", "目标") and rows[1][0] == "辽宁省"
    assert c.get("/compare/regions.pdf").status_code == 404


def test_compare_defaults_to_the_latest_due_year_and_pages(app, monkeypatch):
    """A library of thousands of reports holds tens of thousands of targets: with no filter the
    page shows the latest due year, 全部 lifts it, and the table comes a page at a time."""
    from luoshi.web.pages import compare as P

    c = client(app, "kan")
    first = c.get("/compare").text
    shown = re.search(r"未选条件：显示 (\d{4}) 年的目标", first)
    assert shown, first[:2000]
    assert re.search(rf'<option value="{shown.group(1)}" selected>', first)
    total = lambda html: int(re.search(r"共 (\d+) 项目标", html).group(1))  # noqa: E731
    every = c.get("/compare", params={"year": "all"}).text
    assert "未选条件" not in every and '<option value="all" selected>' in every
    assert total(every) >= total(first) > 0
    monkeypatch.setattr(P, "COMPARE_PAGE", 5)
    rows = lambda html: html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")  # noqa: E731
    one = c.get("/compare", params={"year": "all"}).text
    pages = -(-total(every) // 5)
    assert rows(one) == 5 and f"第 1 页，共 {pages} 页" in one and 'rel="next"' in one and 'rel="prev"' not in one
    assert 'href="/compare?year=all&amp;page=2"' in one
    two = c.get("/compare", params={"year": "all", "page": 2}).text
    assert rows(two) == min(5, total(every) - 5) and 'rel="prev"' in two
    assert re.findall(r'href="(/reports/\d+\?at=\d+)"', two) != re.findall(r'href="(/reports/\d+\?at=\d+)"', one)
    last = c.get("/compare", params={"year": "all", "page": 999}).text  # past the end: the last page
    assert f"第 {pages} 页，共 {pages} 页" in last and 'rel="next"' not in last


def test_api_write_needs_the_csrf_header_with_a_cookie():
    """The session middleware lends the actor to a non-page POST only with X-CSRF-Token."""
    app = FastAPI()

    @app.post("/api/thing")
    def thing(request: Request) -> dict:
        a = getattr(request.state, "actor", None)
        return {"actor": a.username if a else None}

    @app.get("/me")
    def me(request: Request) -> dict:
        request.session.update(uid=1, u="duban", r="supervisor", csrf="tok")
        return {}

    app.add_middleware(WebMiddleware, secret="s" * 32, is_web_path=lambda p: not p.startswith("/api"))
    c = TestClient(app)
    c.get("/me")
    assert c.post("/api/thing").json() == {"actor": None}
    assert c.post("/api/thing", headers={"X-CSRF-Token": "nope"}).json() == {"actor": None}
    assert c.post("/api/thing", headers={"X-CSRF-Token": "tok"}).json() == {"actor": "duban"}


def test_error_pages_are_html_outside_the_api(app):
    anon, kan = client(app), client(app, "kan")
    for c, path in ((anon, "/nosuchpage"), (kan, "/nosuchpage"), (kan, "/tasks/999999"), (kan, "/static/nope.css")):
        r = c.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
        assert "<h1>页面不存在</h1>" in r.text and '<a href="/">回到首页</a>' in r.text, path
        assert '<html lang="zh-CN">' in r.text and 'class="top"' in r.text  # the base template
        assert r.headers["content-security-policy"]
    assert "kan（查阅）" in kan.get("/nosuchpage").text  # still the signed-in page furniture
    r = kan.get("/import")
    assert r.status_code == 403 and "<h1>无权限</h1>" in r.text
    r = kan.get("/logout")  # a form's route, asked with the wrong method
    assert r.status_code == 405 and "text/html" in r.headers["content-type"] and "<h1>" in r.text
    for path in ("/api/v1/nosuchroute", "/api/v1/tasks/999999", "/api/nothing"):
        r = anon.get(path, headers={"Authorization": "Bearer nope"} if "tasks" in path else {})
        assert r.headers["content-type"] == "application/json", path
        assert set(r.json()["error"]) == {"code", "message", "zh", "detail"}, path
    r = client(app, "admin").get("/api/v1/tasks/999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_a_crash_is_a_chinese_page_on_the_web_and_json_on_the_api(seeded, make_app):
    app = make_app(seeded[1])

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    c = TestClient(app, raise_server_exceptions=False)
    r = c.get("/boom")
    assert r.status_code == 500 and "<h1>服务器错误</h1>" in r.text and '<a href="/">回到首页</a>' in r.text
    assert "a bug" not in r.text and "Traceback" not in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    r = c.get("/api/v1/boom")
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal"


def test_publication_is_decided_by_the_supervisor(seeded, make_app):
    """Ratings and progress notes stay internal until a supervisor publishes them; a viewer is
    neither offered the form nor allowed to post it."""
    app = make_app(seeded[1], public=True)
    anon, kan, sup = client(app), client(app, "kan"), client(app, "duban")
    reason, note = "上半年增速低于目标", "上半年地区生产总值同比增长5.3%"
    page = anon.get("/public?report=1").text
    assert reason not in page and note not in page and "未经督查室发布" in page
    assert 'action="/reports/1/publication"' not in kan.get("/?report=1").text
    r = kan.post("/reports/1/publication", data={"csrf": csrf(kan), "ratings": "1", "notes": "1"})
    assert r.status_code == 403 and "无权" in r.text
    assert 'action="/reports/1/publication"' in sup.get("/?report=1").text
    r = sup.post("/reports/1/publication", data={"ratings": "1"})
    assert r.status_code == 403 and "安全校验" in r.text  # no CSRF token
    assert reason not in anon.get("/public?report=1").text
    try:
        r = sup.post("/reports/1/publication", data={"csrf": csrf(sup), "ratings": "1"})
        assert r.status_code == 200 and "公开页面现在显示：督查评价及理由" in r.text
        assert re.search(r'name="ratings" value="1"\s+checked', r.text)
        page = anon.get("/public?report=1").text
        assert reason in page and note not in page and "<th>督查评价</th>" in page
        sup.post("/reports/1/publication", data={"csrf": csrf(sup), "notes": "1"})
        page = anon.get("/public?report=1").text
        assert reason not in page and note in page
        assert "消费恢复偏慢" not in page  # the problems a department reports stay internal
        api = kan.get("/api/v1/reports/1/publication").json()
        assert (api["ratings"], api["notes"], api["by"]) == (False, True, "duban")
        audit = client(app, "admin").get("/api/v1/audit").json()
        assert any(e["entity"] == "report_publication" and e["actor"] == "duban" for e in audit["items"])
    finally:
        sup.post("/reports/1/publication", data={"csrf": csrf(sup)})
    page = anon.get("/public?report=1").text
    assert reason not in page and note not in page


def test_import_preview_says_what_it_would_replace(app):
    from luoshi import sample_path

    c = client(app, "duban")
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": ("liaoning-2024.txt", sample_path().read_bytes(), "text/plain")})
    assert r.status_code == 200 and "内容完全相同" in r.text and "确认后不会重复导入" in r.text
    shorter = sample_path().read_text("utf-8")[:3000].encode("utf-8")  # a new version of the same report
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": ("辽宁省2024年政府工作报告.txt", shorter, "text/plain")})
    assert r.status_code == 200 and "取代当前版本" in r.text and "207 项任务" in r.text
    assert "当前版本的 207 项任务将由新版本中原文相同或相近的任务自动承接" in r.text  # they follow (track.versions)


def test_refusals_before_routing_are_pages_on_the_web_and_json_on_the_api(app):
    """A body over the upload limit (declared) and a NUL in the URL are refused before any view
    runs: a page in Chinese outside /api/, the API's error shape under it."""
    c = client(app, "admin")
    huge = {"content-length": str(10**12), "content-type": "application/octet-stream"}
    r = c.post("/import", content=b"x", headers=huge)
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "内容过大" in r.text and "<!doctype html>" in r.text.lower()
    r = c.post("/api/v1/reports", content=b"x", headers=huge)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = c.get("/tasks?q=%00")
    assert r.status_code == 422 and "输入有误" in r.text and r.headers["content-type"].startswith("text/html")
    assert c.get("/api/v1/tasks?q=%00").json()["error"]["code"] == "invalid"


def test_a_busy_database_is_a_503_page(app, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from luoshi.track import services as S

    c = client(app, "admin")
    tc = TestClient(app, raise_server_exceptions=False, cookies=c.cookies)

    def locked(*a, **kw):
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(S, "statuses", locked)
    r = tc.get("/tasks")
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert "服务器繁忙" in r.text and r.headers["content-type"].startswith("text/html")


# ---------------------------------------------------------------- the report picker and search

def picker_of(page: str) -> tuple[list[str], list[tuple[str, bool]]]:
    """(optgroup labels, [(report id, selected)]) of the overview's report picker."""
    select = re.search(r'<select name="report">(.*?)</select>', page, re.S).group(1)
    return (re.findall(r'<optgroup label="([^"]+)">', select),
            [(rid, bool(sel)) for rid, sel in re.findall(r'<option value="(\d+)"\s*(selected)?', select)])


def report_id_of(sessions, region: str, year: int) -> int:
    from sqlalchemy import select

    from luoshi.store import Report

    with sessions() as s:
        return s.scalar(select(Report.id).where(Report.region == region, Report.plan_year == year,
                                                Report.is_current))


def test_overview_picker_offers_a_few_reports_in_groups(many_reports, make_app):
    from luoshi.web.pages import common as P

    app = make_app(many_reports[1])
    page = client(app, "duban").get("/").text
    groups, options = picker_of(page)
    ids = [rid for rid, _sel in options]
    assert len(ids) == len(set(ids)) <= P.PICK_REGION + P.PICK_TRACKED + P.PICK_RECENT + 1
    assert groups[0] == "辽宁省的报告" and "最近导入的报告" in groups
    assert [rid for rid, sel in options if sel] == ["1"]  # the example: the newest report with tasks
    assert "查找其他报告（共 62 份）" in page and 'action="/reports/find"' in page
    # a reporter's own region comes first; a report outside every group is still offered, selected
    old = report_id_of(many_reports[1], "甘肃省", 2001)
    groups, options = picker_of(client(app, "fgw").get(f"/?report={old}").text)
    assert groups[0] == "正在查看" and options[0] == (str(old), True) and groups[1] == "辽宁省的报告"
    assert [rid for rid, sel in options if sel] == [str(old)]
    # a supervisor (no department) gets the shown report's region
    groups, options = picker_of(client(app, "duban").get(f"/?report={old}").text)
    assert "甘肃省的报告" in groups and [rid for rid, sel in options if sel] == [str(old)]


def test_report_search_reaches_every_report(many_reports, make_app):
    from luoshi.web.pages import reader as P

    app = make_app(many_reports[1])
    c = client(app, "kan")
    old = report_id_of(many_reports[1], "甘肃省", 2001)
    r = c.get("/reports/find", params={"q": " 甘肃  2001 "})
    assert r.status_code == 200 and "找到 1 份报告" in r.text
    assert re.findall(r'<a href="/\?report=(\d+)">', r.text) == [str(old)]
    assert f'href="/reports/{old}"' in r.text and 'value="甘肃 2001"' in r.text
    assert "找到 3 份报告" in c.get("/reports/find", params={"q": "2019年 政府工作报告"}).text  # three provinces
    many = c.get("/reports/find", params={"q": "政府工作报告"}).text
    assert len(re.findall(r'<a href="/\?report=\d+">', many)) == P.FIND_LIMIT and "缩小范围" in many
    years = [int(y) for y in re.findall(r"</a></td><td>[^<]+</td><td>(\d{4})</td>", many)]
    assert years == sorted(years, reverse=True) and years[0] == 2024  # newest year first
    assert "没有找到含“不存在的地方”的报告" in c.get("/reports/find", params={"q": "不存在的地方"}).text
    assert "多个字词用空格分开" in c.get("/reports/find").text
    hostile = c.get("/reports/find", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert" not in hostile and "&lt;script&gt;" in hostile
    assert c.head("/reports/find?q=辽宁").status_code == 200
    assert c.get("/reports/1").status_code == 200  # the reader's path still answers
    anon = client(app).get("/reports/find?q=辽宁", follow_redirects=False)
    assert anon.status_code == 303 and anon.headers["location"].startswith("/login")


def test_overview_counts_are_rendered_once_per_rollup_and_follow_a_write(many_reports, make_app):
    """The counts tables are kept rendered with the roll-ups they came from: a second read
    reuses them, and a write shows on the very next read."""
    import datetime as dt

    from luoshi import store
    from luoshi.track import services as S
    from luoshi.web.views import overview as views

    app = make_app(many_reports[1])
    c = client(app, "duban")

    def totals() -> list[int]:
        page = c.get("/?report=1&axis=reported").text
        foot = re.search(r'<tfoot><tr><th scope="row">合计</th><td>207</td>(.*?)</tr></tfoot>', page, re.S)
        return [int(n) for n in re.findall(r"<td>(\d+)</td>", foot.group(1))]

    key = (1, dt.date.today(), "reported")
    engine = store.engine_of(many_reports[1])
    kept_html = lambda k: views._COUNTS.latest(engine, k)[1]  # noqa: E731
    before = totals()
    kept = kept_html(key)
    assert totals() == before and kept_html(key) is kept  # rendered once
    with store.write_transaction(many_reports[1]) as s:
        task = next(t for t in S.list_tasks(s, report_id=1) if t.number == 150)
        S.report_progress(s, task.id, S.ProgressInput(dt.date(2024, 6, 30), "completed", "已完成", percent=100),
                          S.SYSTEM, None)
    after = totals()
    assert kept_html(key) is not kept and sum(after) == sum(before) == 207
    assert after != before  # one task moved to 已完成
    assert c.get("/?report=1&axis=schedule").status_code == 200 and views._COUNTS.latest(engine, (1, dt.date.today(), "schedule")) is not None


def test_search_page_finds_sentences_figures_and_tasks_and_links_to_the_reader(app):
    c = client(app, "kan")
    assert "多个字词用空格分开" in c.get("/search").text and 'href="/search" aria-current="page"' in c.get("/search").text
    page = c.get("/search", params={"q": "老旧小区 改造"}).text
    assert re.search(r'<p role="status">(前|共) \d+ 条结果', page)
    kinds = re.findall(r'<span class="badge kind-(\w+)">', page)
    assert {"sentence", "figure", "task"} <= set(kinds)
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
    assert snippets and all("<mark>" in x for x in snippets)
    # each kind links to its place in the reader
    assert re.search(r'href="/reports/1\?hit=\d+-\d+#hit"', page)
    assert re.search(r'href="/reports/1\?fig=(\d+)#f-\1"', page)
    assert re.search(r'href="/reports/1\?task=(\d+)#t-\1"', page)
    start, end = map(int, re.search(r'href="/reports/1\?hit=(\d+)-(\d+)#hit"', page).groups())
    reader = c.get(f"/reports/1?hit={start}-{end}").text
    assert '<span class="anchor" id="hit"></span><mark class="hit">' in reader
    marked = re.search(r'<mark class="hit">(.*?)</mark>', reader, re.S).group(1)
    assert "老旧小区" in re.sub(r"<[^>]+>", "", marked)
    for bad in ("abc", "9-3", "0-999999999", "-1-5"):  # not a span of this report: no mark, no error
        r = c.get(f"/reports/1?hit={bad}")
        assert r.status_code == 200 and 'class="hit"' not in r.text
    # narrowing: by kind, by region (short name too), by year; nothing found says so
    tasks_only = c.get("/search", params={"q": "老旧小区", "kind": "task"}).text
    assert set(re.findall(r'<span class="badge kind-(\w+)">', tasks_only)) == {"task"}
    assert 'value="task" selected' in tasks_only
    assert "kind-sentence" in c.get("/search", params={"q": "老旧小区", "region": "辽宁", "year": 2024}).text
    none = c.get("/search", params={"q": "老旧小区", "region": "吉林省"}).text
    assert "没有找到含“老旧小区”的内容（已按所选条件筛选）" in none and 'value="吉林省"' in none
    targets = c.get("/search", params={"q": "粮食", "role": "target", "kind": "figure"}).text
    assert "kind-figure" in targets and 'value="target" selected' in targets
    # a page at a time: "more" asks for as many again
    two = c.get("/search", params={"q": "就业", "limit": 2}).text
    assert len(re.findall(r'<span class="badge kind-', two)) == 2 and "前 2 条结果" in two
    assert re.search(r'href="/search\?q=%E5%B0%B1%E4%B8%9A&amp;limit=4">显示更多结果', two)
    hostile = c.get("/search", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert" not in hostile and "&lt;script&gt;" in hostile
    long = c.get("/search", params={"q": " ".join(f"词{i}" for i in range(9))})
    assert long.status_code == 200 and "检索词过长：最多 8 个词、200 个字符。" in long.text and "kind-" not in long.text
    assert c.get("/search", params={"q": "就" * 5000}).status_code == 200
    assert c.head("/search?q=就业").status_code == 200
    anon = client(app).get("/search?q=就业", follow_redirects=False)
    assert anon.status_code == 303 and anon.headers["location"].startswith("/login")


def test_library_page_is_narrowed_and_paged(many_reports, make_app, monkeypatch):
    from luoshi.web.pages import reader as P

    monkeypatch.setattr(P, "LIBRARY_PAGE", 25)
    c = client(make_app(many_reports[1]), "kan")
    first = c.get("/reports").text
    assert "共 62 份报告，第 1/3 页" in first
    rows = re.findall(r'<tr><td><a href="/reports/(\d+)">', first)
    assert len(rows) == 25
    years = [int(y) for y in re.findall(r"</td><td>(?:省级|—)</td>\s*<td>(\d{4})</td>", first)]
    assert len(years) == 25 and years == sorted(years, reverse=True) and years[0] == 2025  # newest first
    assert 'href="/reports?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = c.get("/reports", params={"page": 3}).text
    assert len(re.findall(r'<tr><td><a href="/reports/(\d+)">', last)) == 12 and 'href="/reports" rel="prev"' not in last
    assert 'href="/reports?page=2" rel="prev"' in last
    every = set(rows) | {x for p in (2, 3) for x in re.findall(r'<tr><td><a href="/reports/(\d+)">',
                                                                 c.get("/reports", params={"page": p}).text)}
    assert len(every) == 62  # each report on exactly one page
    assert "第 3/3 页" in c.get("/reports", params={"page": 99}).text  # past the end: the last page
    # narrowing keeps the other filters in the page links
    gansu = c.get("/reports", params={"region": "甘肃省"}).text
    assert "20 份报告符合条件（共 62 份）" in gansu and 'value="甘肃省" selected' in gansu
    assert 'href="/reports?region=%E7%94%98%E8%82%83%E7%9C%81&amp;page=2" rel="next"' not in gansu  # 20 < 25
    one = c.get("/reports", params={"region": "甘肃省", "year": 2001}).text
    assert re.findall(r'<tr><td><a href="/reports/(\d+)">', one) == [str(report_id_of(many_reports[1], "甘肃省", 2001))]
    tracked = c.get("/reports", params={"tracked": "1"}).text
    assert re.findall(r'<tr><td><a href="/reports/(\d+)">', tracked) == ["1"] and 'href="/?report=1">207</a>' in tracked
    words = c.get("/reports", params={"q": "2019年 政府工作报告"}).text
    assert "3 份报告符合条件" in words
    assert "没有符合条件的报告" in c.get("/reports", params={"q": "不存在的地方"}).text
    hostile = c.get("/reports", params={"q": '<script>alert(1)</script>', "year": "x", "page": "-3"})
    assert hostile.status_code == 200 and "<script>alert" not in hostile.text and "第 1/1 页" not in hostile.text


def test_exports_page_offers_a_few_reports_and_the_search(many_reports, make_app):
    c = client(make_app(many_reports[1]), "kan")
    page = c.get("/exports").text
    options = re.findall(r'<option value="(\d+)"', page)
    assert 1 < len(options) < 62 and "查找其他报告（共 62 份）" in page  # not the whole library
    assert re.search(r'<option value="1" selected>', page) and 'href="/exports/plan.xlsx?report=1"' in page
    old = report_id_of(many_reports[1], "甘肃省", 2001)
    chosen = c.get("/exports", params={"report": old}).text
    assert f'<option value="{old}" selected>' in chosen and f'href="/exports/figures.csv?report={old}"' in chosen
    found = c.get("/reports/find", params={"q": "甘肃 2001"}).text
    assert f'href="/exports?report={old}"' in found


def test_the_task_chart_draws_the_line_the_status_judged_by(seeded, monkeypatch):
    """The trajectory's facts are read once (the status's): GDP, a rate, starts from last year's
    actual on the chart as in its status, not from the target."""
    import datetime as dt

    from luoshi.track import services as S
    from luoshi.track.status import expected_at
    from luoshi.web.pages import tasks as P

    drawn = []
    monkeypatch.setattr(P, "trajectory_chart", lambda points, _obs, **_kw: drawn.append(points) or "<svg/>")
    with seeded[1]() as s:
        gdp = next(t for t in S.list_tasks(s, report_id=1) if t.number == 1)
        page = P.task_page(s, gdp.id, None, dt.date(2024, 7, 1))
    facts, numbers = page.status.facts, page.status.status.numbers
    assert facts.baseline == 5.3 and (facts.updates, facts.rating) == ((), None)
    assert drawn == [[(dt.date(2024, 1, 1), 5.3), (dt.date(2024, 12, 31), 5.5)]]
    assert numbers.expected == round(expected_at(drawn[0], numbers.as_of), 6)


def test_a_new_version_imported_on_the_web_says_what_its_tasks_took_over(app, seeded, tmp_path):
    from luoshi import store
    from luoshi.services.importer import import_file
    from luoshi.track import services as S

    _, sessions = seeded
    text = ("2022年大连市政府工作报告\n——2022年1月10日在大连市第十六届人民代表大会第六次会议上\n"
            "二、2022年工作安排\n今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右。\n"
            "（一）扩大有效投资。年底前开工建设10个重大项目。建设农村供水工程30处。\n")
    name = "大连市2022年政府工作报告.txt"
    (tmp_path / name).write_text(text, "utf-8")
    first = import_file(sessions, tmp_path / name)
    with store.write_transaction(sessions) as s:
        n = len(S.tasks_from_report(s, first.report_id, S.SYSTEM).created)
    c = client(app, "duban")
    r = c.post("/import", data={"csrf": csrf(c, "/import")},
               files={"file": (name, text.replace("建设农村供水工程30处。", "新建口袋公园30个。").encode(), "text/plain")})
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/import/confirm", data={"csrf": csrf(c, "/import"), "token": token, "tasks": "1"})
    assert r.status_code == 200
    assert "已导入新版本" in r.text and f"新建 {n} 项任务" in r.text
    assert f"其中 {n - 1} 项承接了上一版本任务的分工、进展和评价；上一版本有 1 项任务待对照" in r.text
