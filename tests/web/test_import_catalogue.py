"""The web import with a departments catalogue, and a 分工方案's agreement on its page, each on a
library of its own (no other test's reports): a bad or mismatched catalogue is refused in
Chinese with nothing stored; the preview and the result say which catalogue named the units
(the uploaded one, the library's, or only the generic one); after a 分工方案 import its page
shows the draft-vs-real agreement with the same numbers the CLI prints. One short run in
headless Chromium goes through it as a person does."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luoshi.store import DepartmentCatalogue, Report

PASSWORD = "correct horse battery"
ROOT = Path(__file__).parent.parent.parent
JIANGXI = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"
CATALOGUE = ROOT / "tests" / "track" / "fixtures" / "jiangxi-departments.json"
HAIDIAN_CAT = ROOT / "tests" / "track" / "fixtures" / "haidian-departments.json"


def signed_in(app) -> TestClient:
    c = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"username": "duban", "password": PASSWORD, "csrf": token},
                  follow_redirects=False).status_code == 303
    return c


def csrf(c: TestClient) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/import").text).group(1)


def upload(c: TestClient, report: Path, catalogue: tuple[str, bytes] | None = None):
    files = {"file": (report.name, report.read_bytes(), "text/plain")}
    if catalogue:
        files["departments"] = (catalogue[0], catalogue[1], "application/json")
    return c.post("/import", data={"csrf": csrf(c)}, files=files)


def confirm(c: TestClient, preview) -> str:
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    r = c.post("/import/confirm", data={"csrf": csrf(c), "token": token, "tasks": "1"})
    assert r.status_code == 200, r.text
    return r.text


def stored(sessions) -> tuple[int, int]:
    with sessions() as s:
        return (s.scalar(select(func.count()).select_from(Report)),
                s.scalar(select(func.count()).select_from(DepartmentCatalogue)))


def test_a_bad_or_another_regions_catalogue_is_refused_in_chinese(library):
    sessions, app = library
    c = signed_in(app)
    r = upload(c, JIANGXI, ("mine.json", '{"units": [{"name": "省财政厅", "kind": "厅"}]}'.encode()))
    assert r.status_code == 422
    assert "部门目录文件 mine.json 无效：第 1 个单位（省财政厅）的 kind 应为" in r.text and "报告未导入" in r.text
    r = upload(c, JIANGXI, ("mine.json", b"{not json"))
    assert r.status_code == 422 and "不是有效的 JSON（第 1 行" in r.text
    r = upload(c, JIANGXI, (HAIDIAN_CAT.name, HAIDIAN_CAT.read_bytes()))
    assert r.status_code == 422 and "是北京市海淀区的，报告是江西省的" in r.text
    assert stored(sessions) == (0, 0)
    assert not any(Path(app.state.web.uploads).glob("*"))  # no upload left waiting


def test_the_preview_and_result_say_which_catalogue_named_the_units(library):
    sessions, app = library
    c = signed_in(app)
    r = upload(c, JIANGXI)  # nothing for Jiangxi: the generic catalogue, and the page says so
    assert r.status_code == 200 and "资料库和 luoshi 都没有江西省的部门目录" in r.text and "各市人民政府" in r.text
    page = confirm(c, r)
    assert "已导入" in page and "单位按通用目录建议，名称按省级命名，请核对" in page

    r = upload(c, DIVISION, (CATALOGUE.name, CATALOGUE.read_bytes()))  # its 分工方案, with its catalogue
    assert "部门目录：使用上传的 jiangxi-departments.json（江西省，省级）" in r.text
    page = confirm(c, r)
    assert "部门目录 jiangxi-departments.json 已为江西省保存" in page
    assert stored(sessions) == (2, 1)
    with sessions() as s:
        from luoshi.track.division import applied

        div = s.scalar(select(Report.id).where(Report.kind == "division"))
        d = applied(s, div)
    a = d["agreement"]
    flash = re.search(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert f"报告 {a['report_tasks']} 项任务中 {a['matched']} 项与条目对上，草稿的第一牵头单位对了 {a['agree']} 项" in flash
    section = re.search(r'<section class="division-result".*?</section>', page, re.S).group(0)
    assert f"<strong>{a['matched']}</strong> 项与本方案的条目对上（方案共 {a['division_items']} 条）" in section
    assert f"一致 <strong>{a['agree']}</strong> 项" in section
    assert f"<strong>{d['reassigned']}</strong> 项：原为草稿建议的单位" in section and d["reassigned"] > 0
    assert section.count('<li><a href="/tasks/') == d["reassigned"] + d["kept"]

    again = c.post("/import", data={"csrf": csrf(c)},  # the library's catalogue now answers for Jiangxi
                   files={"file": ("江西省2025年政府工作报告.txt",
                                   JIANGXI.read_text(encoding="utf-8").replace("2024", "2025").encode(), "text/plain")})
    assert "部门目录：资料库为江西省保存的目录（jiangxi-departments.json" in again.text
    assert "各设区市人民政府" in again.text


def test_kept_catalogues_listed_on_the_import_page_and_removed(library):
    sessions, app = library
    c = signed_in(app)
    assert "资料库还没有保存部门目录" in c.get("/import").text
    confirm(c, upload(c, JIANGXI, (CATALOGUE.name, CATALOGUE.read_bytes())))
    page = c.get("/import").text
    row = re.search(r'<table class="kept">.*?</table>', page, re.S).group(0)
    assert "江西省" in row and "省级" in row and CATALOGUE.name in row and "使用中" in row
    cid = re.search(r'action="/import/catalogues/(\d+)/remove"', row).group(1)
    done = c.post(f"/import/catalogues/{cid}/remove", data={"csrf": csrf(c)})
    assert done.status_code == 200
    assert f"已删除江西省的部门目录 {CATALOGUE.name}。江西省的任务草稿改用 luoshi 自带的目录或通用目录" in done.text
    assert stored(sessions) == (1, 0)
    again = c.post(f"/import/catalogues/{cid}/remove", data={"csrf": csrf(c)})
    assert again.status_code == 404 and "该部门目录已删除或不存在" in again.text
    assert c.post(f"/import/catalogues/{cid}/remove", data={"csrf": "forged"}).status_code in (400, 403)


# ---------------------------------------------------------------- in the browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).with_name("artifacts")


def test_import_with_a_catalogue_then_the_division_in_chromium(library):
    """A supervisor uploads Jiangxi's report with its catalogue, confirms, then the 分工方案:
    the drafted tasks name the catalogue's units; the 分工方案's page shows the agreement."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _unavailable("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        return _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    import socket

    import uvicorn

    _, app = library
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the web app did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "/login")
            page.fill("input[name=username]", "duban")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.stack button[type=submit]")
            page.wait_for_load_state()

            page.goto(base + "/import")
            page.set_input_files("input[name=file]", str(JIANGXI))
            page.set_input_files("input[name=departments]", str(CATALOGUE))
            page.click("form#upload button[type=submit]")
            page.locator("text=确认导入").wait_for()
            assert "使用上传的 jiangxi-departments.json（江西省，省级）" in page.inner_text("p.catalogue")
            assert "各设区市人民政府" in page.inner_text("#h-tasks + div")  # the catalogue's own unit
            page.screenshot(path=str(ARTIFACTS / "import-catalogue.png"))
            page.click("form.confirm button[type=submit]")
            page.wait_for_url(re.compile(r"/reports/\d+"))
            assert "部门目录 jiangxi-departments.json 已为江西省保存" in page.inner_text(".flash")

            page.goto(base + "/import")
            page.set_input_files("input[name=file]", str(DIVISION))
            page.click("form#upload button[type=submit]")
            page.locator("text=确认导入").wait_for()
            assert "资料库为江西省保存的目录" in page.inner_text("p.catalogue")
            page.click("form.confirm button[type=submit]")
            page.wait_for_url(re.compile(r"/reports/\d+"))
            section = page.locator("section.division-result")
            text = section.inner_text()
            assert "对上条目" in text and "草稿牵头单位" in text and "改派" in text
            assert re.search(r"报告的 20 项任务中，\d+ 项与本方案的条目对上（方案共 23 条）", text), text
            section.locator("details.division-tasks summary").first.click()
            assert section.locator("details.division-tasks[open] li a").count() > 0
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "division-agreement.png"))
            assert not errors, errors
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)


def _unavailable(reason: str) -> None:
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"the browser tests must run on CI: {reason}")
    pytest.skip(reason)
