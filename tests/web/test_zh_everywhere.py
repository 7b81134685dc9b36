"""Chinese wherever a person reads (issue 18 item 5): a crawl of the main pages and the exports of
a library holding the example (with its tasks, progress and a rating), a work report and its
分工方案, failing when what a person sees holds one of luoshi's codes (``province``,
``work_report``, ``ge``, ``on_track``, an indicator id, a qualitative rule id) or a file name
such as ``verdicts.toml``. The codes come from the data files that define them, so a new code
is guarded as soon as it has words. The report's own text (the reader's article) is the
document's, not luoshi's, and is left out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi import labels, store
from luoshi.store import Report, ReportFigure, Task

PASSWORD = "correct horse battery"
ROOT = Path(__file__).parent.parent.parent
JIANGXI = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"
NOT_CODES = {"admin"}  # also the seeded administrator's user name, which the pages show as such
FILE_NAME = re.compile(r"[\w\-]+\.(?:toml|json|txt|csv|xlsx|docx|pdf|html?|py|md)(?![A-Za-z])", re.ASCII)
SEEN_ATTRS = ("title", "aria-label", "placeholder", "alt")


def _data(name: str) -> str:
    return (resources.files("luoshi") / "data" / name).read_text("utf-8")


def known_codes() -> set[str]:
    """Every code luoshi shows words for, every indicator id and every qualitative rule id."""
    codes = {code for g in labels.labels().values() for code in g}
    tracking = tomllib.loads(_data("tracking.toml"))
    codes |= {code for axis in tracking["definitions"].values() for code in axis}
    codes |= {e["id"] for e in json.loads(_data("indicators.json"))["indicators"]}
    codes |= {q["id"] for q in tomllib.loads(_data("verdicts.toml"))["qualitative"]}
    return {c for c in codes if re.fullmatch(r"[a-z][a-z0-9_ ]*", c)} - NOT_CODES


CODES = known_codes()
CODE = re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, sorted(CODES, key=len, reverse=True)))
                  + r")(?![A-Za-z0-9_])")


def offending(text: str) -> list[str]:
    """The codes and file names in ``text``."""
    return sorted({m.group(0) for m in CODE.finditer(text)} | {m.group(0) for m in FILE_NAME.finditer(text)})


def visible(html: str) -> str:
    """What a person reads on a page: its text and the attributes shown on hover or to a screen
    reader, without scripts, styles and the report's own text."""
    soup = BeautifulSoup(html, "html.parser")
    for t in soup(["script", "style"]):
        t.decompose()
    for t in soup.select("article.text"):
        t.decompose()
    attrs = [str(t.get(a)) for a in SEEN_ATTRS for t in soup.find_all(attrs={a: True})]
    return soup.get_text(" ", strip=True) + " " + " ".join(attrs)


def test_the_guard_sees_codes_and_file_names():
    assert offending("层级 province · 类型 work_report · 按 verdicts.toml 的规则") == [
        "province", "verdicts.toml", "work_report"]
    assert offending("income_with_growth：居民收入增长…") == ["income_with_growth"]
    assert offending("标准指标 gdp") == ["gdp"]
    assert offending("地区生产总值增长5%以上 · PM2.5 · 第 1 版 · 导出（xlsx）") == []
    assert "on_track" in CODES and "plan_execution" in CODES and "ge" in CODES


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, fast_hashes):
    """A signed-in supervisor's client over the library, with the ids worth visiting."""
    from luoshi.commands.demo import make_app, seed
    from luoshi.services.importer import import_file
    from luoshi.store import User
    from luoshi.track import services as S
    from luoshi.track.actor import Actor

    d = tmp_path_factory.mktemp("zh")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUOSHI_INSTANCE_DIR", str(d / "instance"))
        mp.delenv("LUOSHI_SECRET_KEY", raising=False)
        sessions = store.open(f"sqlite:///{d / 'zh.db'}")
        seed(sessions, passwords={u: PASSWORD for u in ("admin", "duban", "fgw", "czt")})
        work = import_file(sessions, JIANGXI)
        with store.write_transaction(sessions) as s:
            S.tasks_from_report(s, work.report_id, S.SYSTEM)
        division = import_file(sessions, DIVISION)
        assert division.division and division.division["tasks"] > 0
        with sessions() as s:
            example = s.scalar(select(Report.id).where(Report.region == "辽宁省", Report.kind == "work_report"))
            task = s.scalar(select(Task.id).where(Task.report_id == example, Task.kind == "target"))
            div_task = s.scalar(select(Task.id).where(Task.report_id == division.report_id).order_by(Task.id))
        with store.write_transaction(sessions) as s:  # a revision and milestones: the audit shows both
            supervisor = Actor.of(s.scalar(select(User).where(User.username == "duban")))
            S.revise_target(s, task, dt.date(2024, 7, 1), {"comparator": "ge", "value": 5.0}, "省政府常务会议调整",
                            supervisor)
        from luoshi import sample_path

        revised = d / "liaoning-2024-revised.txt"  # a new version: the tasks follow it (track.versions)
        revised.write_text(sample_path().read_text("utf-8") + "\n（本报告文字有订正。）\n", encoding="utf-8")
        version = import_file(sessions, revised)
        assert version.status == "replaced"
        with sessions() as s:
            figures = list(s.scalars(select(ReportFigure.id).where(ReportFigure.report_id == example,
                                                                  ReportFigure.canonical.is_not(None))
                                     .order_by(ReportFigure.id).limit(3)))
        app = make_app(sessions, public=True)
        c, reporter = login(app, "duban"), login(app, "fgw")
        yield c, {"reporter": reporter, "version": version.report_id, "example": example, "work": work.report_id, "division": division.report_id,
                  "task": task, "div_task": div_task, "figures": figures}
        store.close(sessions)


def login(app, user: str) -> TestClient:
    c = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"username": user, "password": PASSWORD, "csrf": token},
                  follow_redirects=False).status_code == 303
    return c


def main_pages(ids: dict) -> list[str]:
    return ["/", f"/?report={ids['division']}", "/reports", f"/reports/{ids['example']}",
            f"/reports/{ids['work']}", f"/reports/{ids['division']}", "/tasks",
            f"/tasks?report={ids['division']}", f"/tasks/{ids['task']}", f"/tasks/{ids['div_task']}", "/my",
            "/compare", "/compare?year=2024", "/compare?year=all", "/compare/regions",
            "/compare/regions?indicator=gdp&year=2024", "/compare/regions?indicator=gdp&year=2026&goals=all",
            f"/reports/{ids['version']}", f"/tasks?report={ids['version']}", f"/tasks/versions?report={ids['version']}",
            "/exports", "/bulletin", "/import", "/search?q=地区生产总值", "/reports/find?q=辽宁", "/statuses",
            "/public", f"/public/reports/{ids['example']}",
            *[f"/figures/{f}" for f in ids["figures"]], *[f"/public/figures/{f}" for f in ids["figures"]]]


def test_no_page_shows_a_code_or_a_file_name(crawl):
    c, ids = crawl
    found = {}
    for url in main_pages(ids):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        bad = offending(visible(r.text))
        if bad:
            found[url] = bad
    reporter = ids["reporter"]  # a department's view, and the refusals it meets
    for url, status in (("/my", 200), ("/", 200), (f"/tasks/{ids['task']}", 200), ("/import", 403)):
        r = reporter.get(url)
        assert r.status_code == status, (url, r.status_code)
        bad = offending(visible(r.text))
        if bad:
            found[f"{url} (fgw)"] = bad
    assert not found, f"codes or file names shown to people: {found}"


def test_the_import_preview_of_a_division_shows_no_code(crawl):
    c, _ids = crawl
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/import").text).group(1)
    r = c.post("/import", data={"csrf": token},
               files={"file": (DIVISION.name, DIVISION.read_bytes(), "text/plain")})
    assert r.status_code == 200 and "确认导入" in r.text
    preview = visible(r.text).replace(DIVISION.name, "")  # the user's own file, named back to them
    assert offending(preview) == []
    assert "分工方案" in preview and "省级" in preview


def _csv_cells(data: bytes) -> str:
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_cells(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)


def test_exports_for_people_have_chinese_headings_and_words(crawl):
    c, ids = crawl
    for url in (f"/exports/figures.csv?report={ids['example']}", f"/exports/tasks.csv?report={ids['example']}",
                f"/exports/tasks.csv?report={ids['division']}", "/compare/regions.csv?indicator=gdp&year=2024"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert offending(_csv_cells(r.content)) == [], url
    for url in (f"/exports/plan.xlsx?report={ids['example']}", f"/tasks/export.xlsx?report={ids['example']}",
                "/compare/regions.xlsx?indicator=gdp&year=2024"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert offending(_xlsx_cells(r.content)) == [], url
        disposition = r.headers["content-disposition"]
        assert offending(disposition.split("''", 1)[-1].rsplit(".", 1)[0]) == [], disposition


def test_the_audit_trail_reads_as_words(crawl):
    """A task's 操作记录 in words: who (系统 for the command line), what, and the fields it set —
    not the stored JSON with its ids and codes."""
    c, ids = crawl
    soup = BeautifulSoup(c.get(f"/tasks/{ids['task']}").text, "html.parser")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("table.audit tbody tr")]
    revised = next(r for r in rows if r[2] == "调整")
    assert revised[3].startswith("调整") and "限定：以上" in revised[4] and "理由：省政府常务会议调整" in revised[4]
    follow = next(r for r in rows if r[2] == "承接")  # the report's new version took the task over
    assert follow[3].startswith("版本对照") and "对应方式：原文相同" in follow[4]
    created = next(r for r in rows if r[2] == "创建")
    assert created[1] == "系统" and "标准指标：地区生产总值" in created[4] and "限定：左右" in created[4]
    assert any(r[2] == "分配" and "分工：牵头单位" in r[4] and "来源：任务草稿建议" in r[4] for r in rows)
    update = next(r for r in rows if r[2] == "报送进展")
    assert len(re.findall(r"(?<!计量)单位：", update[4])) == 1 and "状态：推进中" in update[4] and "计量单位：%" in update[4]
    assert not any("{" in r[4] or "_id" in r[4] for r in rows)
    revision = soup.select_one("li.revision").get_text(" ", strip=True)
    assert "限定：以上；数值：5" in revision
    div = c.get(f"/tasks/{ids['div_task']}").text
    assert "分工：牵头单位；来源：分工方案" in div
