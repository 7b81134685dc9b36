"""End to end in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): each
role logs in; the overview, reader, board, task page, department view, compare, import and
exports work as a person uses them. Screenshots of every main page go to tests/web/artifacts/.
Skipped without Chromium or Playwright, except with CI=true, where that fails."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"
ARTIFACTS = Path(__file__).with_name("artifacts")
TEN = ["地区生产总值", "一般公共预算收入", "规模以上工业增加值", "固定资产投资", "社会消费品零售总额",
       "进出口总额", "城镇新增就业", "城镇调查失业率", "居民消费价格", "粮食产量"]
VALUES = ["5.5%", "5%", "5.5%", "10%", "8%", "6%", "46万人", "5.5%", "3%", "500亿斤"]


def _unavailable(reason: str) -> None:
    if CI:
        pytest.fail(f"the browser tests must run on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def login(browser, live_server):
    """login(user) -> a page of a fresh browser context, logged in as ``user``."""
    contexts = []

    def go(user: str, *, width: int = 1280, height: int = 900):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  accept_downloads=True)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, page.content()[:500]
        return page

    yield go
    for c in contexts:
        c.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_each_role_logs_in_and_sees_its_menu(login, live_server):
    for user, role, can_import in (("admin", "管理员", True), ("duban", "督查室", True),
                                   ("fgw", "报送单位", False), ("kan", "查阅", False)):
        page = login(user)
        assert f"{user}（{role}）" in page.inner_text("header")
        assert (page.locator("nav a[href='/import']").count() == 1) == can_import
        assert (page.locator("nav a[href='/my']").count() == 1) == (user == "fgw")
        page.click("header button:has-text('退出')")
        page.wait_for_url(re.compile(r"/login"))
        assert not page.errors, page.errors


def test_overview_shows_the_ten_main_targets(login, live_server):
    page = login("kan")
    page.goto(live_server + "/?report=1")
    cards = page.locator("ul.cards > li")
    names = [cards.nth(i).locator("h3").inner_text() for i in range(cards.count())]
    for name, value in zip(TEN, VALUES):
        card = cards.nth(names.index(name))
        assert value in card.locator(".target-value").inner_text(), name
    gdp = cards.nth(names.index("地区生产总值"))
    assert gdp.locator(".actual-value").inner_text() == "5.1%" and "未完成" in gdp.inner_text()
    assert page.locator("table.counts").first.is_visible() and page.locator("svg.chart").count() >= 1
    shot(page, "01-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "01-overview-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    assert not page.errors, page.errors


def test_reader_figure_details(login, live_server):
    page = login("kan")
    page.goto(live_server + "/reports/1")
    fig = page.locator("a.fig-target", has_text="地区生产总值增长5.5%左右")
    fig.click()
    panel = page.locator("#panel")
    panel.locator("text=数字详情").wait_for()
    text = panel.inner_text()
    assert "地区生产总值" in text and "5.5%" in text and "目标" in text and "包含这个数字的任务" in text
    assert panel.locator("a[href^='/tasks/']").count() >= 1
    page.click("nav.toc a:has-text('主要预期目标')")
    shot(page, "02-reader")
    page.locator("span.task", has_text="深入实施15项重大工程").dispatch_event("click")
    panel.locator("a[href^='/tasks/']", has_text="打开任务页").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert "深入实施15项重大工程" in page.inner_text("blockquote.context")
    assert not page.errors, page.errors


def test_board_filter_and_pages(login, live_server):
    page = login("kan")
    page.goto(live_server + "/tasks?report=1")
    assert "共 207 项任务" in page.inner_text("#result-count")
    page.select_option("select[name=status]", "reported:completed")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"status=reported%3Acompleted"))
    assert "共 1 项任务" in page.inner_text("#result-count")
    assert "一般公共预算收入增长5%" in page.inner_text("table.board")
    page.goto(live_server + "/tasks?report=1")
    page.fill("input[name=q]", "粮食")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%E7%B2%AE%E9%A3%9F"))
    rows = page.locator("table.board tbody tr")
    assert rows.count() >= 1 and all("粮食" in rows.nth(i).inner_text() for i in range(rows.count()))
    shot(page, "03-board")
    assert not page.errors, page.errors


def test_progress_update_changes_the_status(login, live_server):
    page = login("fgw")
    page.goto(live_server + "/tasks?report=1&q=" + "深入实施15项重大工程")
    page.click("table.board a[href^='/tasks/']")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    before = page.locator(".axes > div").first.inner_text()
    assert "推进中" in before
    form = page.locator("form.progress")
    form.locator("select[name=status]").select_option("completed")
    form.locator("textarea[name=narrative]").fill("")
    form.locator("button[type=submit]").click()  # checked in the browser first
    assert "请填写进展情况" in form.locator(".errors").inner_text()
    form.locator("input[name=percent]").fill("100")
    form.locator("textarea[name=narrative]").fill("15项重大工程全部开工，完成年度投资计划。")
    form.locator("input[name=reported_on]").fill("2024-12-20")
    shot(page, "04-task")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"saved=\d+"))
    status = page.locator(".axes > div")
    assert "已完成" in status.nth(0).inner_text() and "按期完成" in status.nth(2).inner_text()
    assert "15项重大工程全部开工" in page.inner_text("ol.timeline")
    assert not page.errors, page.errors


def test_department_view_keeps_a_draft(login, live_server):
    page = login("czt")
    page.goto(live_server + "/my")
    first = page.locator("form.progress").first
    first.locator("textarea[name=narrative]").fill("草稿：正在汇总各市数据")
    page.reload()
    assert page.locator("form.progress").first.locator("textarea[name=narrative]").input_value() == "草稿：正在汇总各市数据"
    assert page.locator(".draft-note").first.is_visible()
    shot(page, "05-my-tasks")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "05-my-tasks-phone")
    assert not page.errors, page.errors


def test_forbidden_actions_are_not_offered_and_are_refused(login, live_server):
    page = login("kan")  # a viewer
    page.goto(live_server + "/tasks")
    assert page.locator("input[name=task]").count() == 0 and page.locator("fieldset.bulk").count() == 0
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    r = page.request.post(live_server + "/tasks/assign", form={"csrf": token, "task": "1", "department": "省财政厅"})
    assert r.status == 403 and "无权" in r.text()
    page.goto(live_server + "/import")
    assert "无权" in page.inner_text("main")
    shot(page, "09-forbidden")
    rep = login("czt")
    rep.goto(live_server + "/tasks?report=1&q=地区生产总值增长5.5%")
    rep.click("table.board a[href^='/tasks/']")
    assert rep.locator("form.progress").count() == 0 and rep.locator("form.rate").count() == 0


def test_csrf_token_is_required(login, live_server):
    page = login("duban")
    r = page.request.post(live_server + "/tasks/assign", form={"task": "1", "department": "省财政厅"})
    assert r.status == 403 and "安全校验" in r.text()
    r = page.request.post(live_server + "/logout", form={})
    assert r.status == 403
    page.goto(live_server + "/")
    assert "duban" in page.inner_text("header")  # still logged in


def test_import_a_docx_and_confirm(login, live_server, tmp_path):
    from docx import Document

    d = Document()
    for line in ("2030年示范市政府工作报告", "——2030年1月10日在示范市第一届人民代表大会第一次会议上",
                 "一、2029年工作回顾", "2029年，全市地区生产总值增长5.2%。",
                 "二、2030年工作安排", "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，"
                 "城镇新增就业3万人。", "（一）扩大有效投资。年底前开工建设10个重大项目。"):
        d.add_paragraph(line)
    path = tmp_path / "大连市2030年政府工作报告.docx"
    d.save(path)
    page = login("duban")
    page.goto(live_server + "/import")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=year]", "1800")  # the browser's own bounds stop it first …
    page.click("form#upload button[type=submit]")
    assert page.locator("input[name=year]").evaluate("e => !e.validity.valid") and "/import" in page.url
    page.fill("input[name=region]", "大连")  # … then what the text leaves open, said by the user
    page.select_option("select[name=level]", label="市级")
    page.fill("input[name=year]", "2030")
    page.select_option("select[name=kind]", label="政府工作报告")
    shot(page, "07-import-form")
    page.click("form#upload button[type=submit]")
    page.locator("text=确认导入").wait_for()
    preview = page.inner_text("main")
    assert "2030" in preview and "增长6%左右" in preview
    meta = page.inner_text("dl.fields.meta")
    assert re.search(r"地区\s+大连市 （来自用户填写）", meta) and re.search(r"级别\s+市级 （来自用户填写）", meta), meta
    assert re.search(r"标题\s+2030年示范市政府工作报告 （来自文本）", meta), meta
    shot(page, "07-import-preview")
    page.click("form.confirm button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+"))
    assert "已导入" in page.inner_text(".flash")
    assert page.inner_text("main p.muted").startswith("大连市 · 计划年度 2030")
    assert page.locator("a.fig-target", has_text="地区生产总值增长6%左右").count() == 1
    assert "开工建设10个重大项目" in page.inner_text("article.text")


def test_xss_in_a_report_is_shown_as_text(login, live_server, tmp_path):
    evil = tmp_path / "某省2032年政府工作报告.txt"
    evil.write_text("2032年某省政府工作报告\n二、2032年工作安排\n"
                    "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
                    "地区生产总值增长6%左右，“引号”\"双引号\"'单引号'。\n", encoding="utf-8")
    page = login("admin")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/import")
    page.set_input_files("input[type=file]", str(evil))
    page.click("form#upload button[type=submit]")
    page.click("form.confirm button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+"))
    text = page.inner_text("article.text")
    assert "<script>window.__pwned=1</script>" in text and 'onerror="window.__pwned=2"' in text
    assert page.evaluate("window.__pwned") is None and not dialogs
    assert page.locator("article.text script, article.text img").count() == 0


def test_download_the_plan_xlsx(login, live_server):
    from openpyxl import load_workbook

    page = login("kan")
    page.goto(live_server + "/exports?report=1")  # other tests import reports of later years
    shot(page, "08-exports")
    with page.expect_download() as info:
        page.click("a[href^='/exports/plan.xlsx']")
    data = Path(info.value.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and rows[1][1] == "地区生产总值增长5.5%左右" and len(rows) > 190
    page.goto(live_server + "/bulletin?report=1")
    assert "督查通报" in page.inner_text("h1")
    shot(page, "08-bulletin")
    page.emulate_media(media="print")
    assert not page.locator(".noprint").is_visible()


def test_compare_and_public_pages(login, live_server, browser):
    page = login("kan")
    page.goto(live_server + "/compare?indicator=gdp&year=2024&across=1")
    assert page.locator("figure svg.chart").count() == 1 and "辽宁省" in page.inner_text("table.compare")
    shot(page, "06-compare")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    anon = ctx.new_page()
    anon.goto(live_server + "/")
    assert anon.url.endswith("/public")
    anon.goto(live_server + "/public?report=1")
    body = anon.inner_text("main")
    assert "地区生产总值" in body and "责任单位尚未报送任何进展" in body and "上半年增速低于目标" not in body
    shot(anon, "10-public")
    anon.goto(live_server + "/statuses")
    shot(anon, "10-statuses")
    ctx.close()


def test_regions_page(login, live_server):
    """各地目标 from the menu: the table, the bars, a sort by clicking a heading, the CSV export,
    the five-year goals section; no script errors."""
    page = login("kan")
    page.click("nav >> text=各地目标")
    page.wait_for_load_state()
    assert page.url.endswith("/compare/regions") and page.inner_text("h1") == "各地目标"
    page.select_option("select[name=indicator]", "gdp")
    page.select_option("select[name=year]", "2024")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    row = page.inner_text("table.regions tbody tr")
    assert "辽宁省" in row and "5.5%左右" in row
    assert page.locator("figure svg.chart rect.bar-target title").count() == 1  # one region's bar (and the legend)
    page.click("table.regions thead >> text=2024年目标")
    page.wait_for_load_state()
    assert "sort=target" in page.url and page.locator("select[name=sort]").input_value() == "target"
    assert page.locator("h2#goals").count() == 1 and page.locator("table.goals").count() == 1
    with page.expect_download() as dl:
        page.click("text=CSV")
    assert dl.value.suggested_filename == "各地目标-地区生产总值-2024.csv"  # the name people know, not the id
    assert page.errors == []
    shot(page, "06-regions")


def test_keyboard_reaches_the_navigation(login, live_server):
    page = login("kan")
    page.goto(live_server + "/tasks")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.getAttribute('href')"))
    assert {"/", "/reports", "/tasks", "/compare"} <= seen


def test_supervisor_publishes_ratings_to_the_public_view(login, live_server, browser):
    reason = "上半年增速低于目标"
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        anon = ctx.new_page()
        anon.goto(live_server + "/public?report=1")
        assert reason not in anon.inner_text("main") and anon.locator("th", has_text="督查评价").count() == 0
        page = login("duban")
        page.goto(live_server + "/?report=1")
        form = page.locator("form.publication")
        assert not form.locator("input[name=ratings]").is_checked()
        form.locator("input[name=ratings]").check()
        shot(page, "11-publication")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"#publication$"))
        assert "督查评价及理由" in page.inner_text(".flash")
        assert page.locator("form.publication input[name=ratings]").is_checked()
        anon.reload()
        row = anon.locator("table.board tr", has_text="地区生产总值增长5.5%左右")
        assert reason in row.inner_text() and anon.locator("th", has_text="督查评价").count() == 1
        assert "消费恢复偏慢" not in anon.inner_text("main")  # progress notes not published
        shot(anon, "11-public-with-ratings")
        page.locator("form.publication input[name=ratings]").uncheck()  # withdraw again
        page.locator("form.publication button[type=submit]").click()
        page.wait_for_url(re.compile(r"#publication$"))
        anon.reload()
        assert reason not in anon.inner_text("main")
        assert not page.errors, page.errors
    finally:
        ctx.close()


def test_unknown_pages_answer_in_chinese(login, live_server, browser):
    ctx = browser.new_context(locale="zh-CN")
    try:
        anon = ctx.new_page()
        r = anon.goto(live_server + "/nosuchpage")
        assert r.status == 404 and anon.inner_text("h1") == "页面不存在"
        anon.click("main a:has-text('回到首页')")
        anon.wait_for_url(re.compile(r"/public$"))
        page = login("kan")
        r = page.goto(live_server + "/tasks/999999")
        assert r.status == 404 and page.inner_text("h1") == "页面不存在"
        shot(page, "12-not-found")
        r = page.goto(live_server + "/api/v1/nosuchroute")
        assert r.status == 404 and r.json()["error"]["code"] == "not_found"
    finally:
        ctx.close()


def test_an_upload_over_the_limit_is_refused_in_the_browser(login, live_server):
    page = login("duban")
    page.goto(live_server + "/import")
    page.evaluate("document.querySelector('input[type=file]').setAttribute('data-max-bytes', '10')")
    page.set_input_files("input[type=file]", files=[{"name": "r.txt", "mimeType": "text/plain",
                                                     "buffer": "地区生产总值增长5%".encode("utf-8")}])
    page.click("form#upload button[type=submit]")
    assert "文件超过大小上限" in page.locator("form#upload .errors").inner_text()
    assert page.url.endswith("/import") and page.locator("text=确认导入").count() == 0
    assert not page.errors, page.errors


def test_search_the_library_and_open_a_hit_in_the_reader(login, live_server):
    """From the menu: search two words, narrow to sentences, open a hit: the reader scrolls to
    the sentence, highlighted."""
    page = login("kan")
    page.goto(live_server + "/")
    page.click("nav a[href='/search']")
    page.wait_for_url(re.compile(r"/search$"))
    page.fill("input[name=q]", "老旧小区 改造")
    page.select_option("select[name=kind]", "sentence")
    page.click("form[action='/search'] button[type=submit]")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "条结果" in page.inner_text("[role=status]")
    hits = page.locator("ol.hits > li")
    assert hits.count() >= 2 and page.locator("ol.hits .badge", has_text="原文").count() == hits.count()
    first = hits.first
    assert first.locator(".snippet mark").first.inner_text() in ("改造老旧小区", "老旧小区", "改造")
    shot(page, "13-search")
    first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/reports/1\?hit=\d+-\d+#hit$"))
    mark = page.locator("mark.hit")
    assert mark.count() == 1 and "老旧小区" in mark.inner_text()
    assert mark.is_visible() and mark.evaluate("e => { const r = e.getBoundingClientRect(); "
                                               "return r.top >= 0 && r.top < window.innerHeight; }")
    shot(page, "14-search-hit-in-reader")
    assert not page.errors, page.errors


def test_report_picker_and_search_by_keyboard_without_script(browser, live_server):
    """With JavaScript off, by keyboard alone: search a report from the overview, open it from
    the results, and switch reports with the picker."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=False)
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", "kan")
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.goto(live_server + "/?report=1")
        assert page.locator("select[name=report] option[selected]").get_attribute("value") == "1"
        page.focus("input[name=q]")
        page.keyboard.type("辽宁 2024")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/reports/find\?q="))
        assert "找到" in page.inner_text("[role=status]")
        shot(page, "12-report-search")
        link = page.locator("table.found a", has_text="2024年辽宁省政府工作报告").first
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/\?report=1$"))
        assert page.locator("ul.cards > li").count() >= 10
        other = page.locator("select[name=report] option:not([selected])").first.get_attribute("value")
        page.select_option("select[name=report]", other)
        page.focus("form[action='/'] button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"report={other}"))
        assert page.locator("select[name=report] option[selected]").get_attribute("value") == other
    finally:
        ctx.close()


def test_a_supervisor_settles_a_new_versions_tasks(login, live_server, live_seeded, tmp_path):
    """A small report tracked, then a new version without one of its tasks and with a new one:
    the board says so, the 版本对照 page links the two, and the new task shows the old one's
    progress."""
    from luoshi import store
    from luoshi.services.importer import import_file
    from luoshi.track import services as S

    sessions = live_seeded[1]
    text = ("2021年大连市政府工作报告\n——2021年1月10日在大连市第十六届人民代表大会第五次会议上\n"
            "一、2020年工作回顾\n2020年，全市地区生产总值增长5.2%。\n二、2021年工作安排\n"
            "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业3万人。\n"
            "（一）扩大有效投资。年底前开工建设10个重大项目。建设农村供水工程30处。\n")
    paths = []
    for n, body in enumerate((text, text.replace("建设农村供水工程30处。", "新建口袋公园30个。")), 1):
        (tmp_path / f"v{n}").mkdir()
        paths.append(tmp_path / f"v{n}" / "大连市2021年政府工作报告.txt")
        paths[-1].write_text(body, "utf-8")
    v1 = import_file(sessions, paths[0])
    with store.write_transaction(sessions) as s:
        water = next(t for t in S.tasks_from_report(s, v1.report_id, S.SYSTEM).created if "供水" in t.text)
        S.report_progress(s, water.id, S.ProgressInput(dt.date(2021, 3, 31), "in_progress", "已开工12处",
                                                       percent=40), S.SYSTEM, None)
    v2 = import_file(sessions, paths[1])
    assert v2.followed["pending"] == 1
    with sessions() as s:
        park = next(t for t in S.list_tasks(s, report_id=v2.report_id) if "口袋公园" in t.text)
    page = login("duban")
    page.goto(f"{live_server}/tasks?report={v2.report_id}")
    page.click("#versions-pending a")
    page.wait_for_url(re.compile(r"/tasks/versions\?report=\d+$"))
    row = page.locator(f"tr#old-{water.id}")
    assert "建设农村供水工程30处" in row.inner_text() and "进展 1 条" in row.inner_text()
    row.locator("select").select_option(str(park.id))
    row.locator("input[name^=r-]").fill("新版本改为口袋公园")
    shot(page, "15-versions")
    page.click("form#settle button[type=submit]")
    page.wait_for_url(re.compile(r"/tasks/versions\?report=\d+$"))
    assert "1 项由新任务承接" in page.inner_text(".flash") and page.locator("form#settle").count() == 0
    page.goto(f"{live_server}/tasks?report={v2.report_id}&q=口袋公园")
    page.click("table.board a[href^='/tasks/']")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert "承接报告第1版的任务" in page.inner_text("p.lineage") and "已开工12处" in page.inner_text("ol.timeline")
    assert not page.errors, page.errors
