"""The web import takes what the user says of a report — 地区, 级别, 年度, 文件类型 — as the CLI's
flags and the API's fields do (``outline.given``: one function decides): given values win over
the text and the file name, the preview says where each value came from (文本, 文件名, 用户填写),
the import files the report under them, and a bad value is refused in Chinese with nothing kept."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luoshi.store import Report

PASSWORD = "correct horse battery"  # conftest's library fixture: one supervisor, duban
JIANGXI = Path(__file__).parent.parent / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"


def signed_in(app) -> TestClient:
    c = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"username": "duban", "password": PASSWORD, "csrf": token},
                  follow_redirects=False).status_code == 303
    return c


def csrf(c: TestClient) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/import").text).group(1)


def confirm(c: TestClient, preview) -> str:
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    r = c.post("/import/confirm", data={"csrf": csrf(c), "token": token, "tasks": "1"})
    assert r.status_code == 200, r.text
    return r.text


def post(c, name: str, text: bytes, **given: str):
    return c.post("/import", data={"csrf": csrf(c), **given}, files={"file": (name, text, "text/plain")})


def fields(html: str) -> dict[str, str]:
    """The preview's metadata: field → value and source as shown."""
    dl = re.search(r'<dl class="fields meta">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", dl, re.S)
    return {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in pairs}


def headless() -> bytes:
    """The real excerpt cut at 各位代表 (as many reports on the web begin): no title, so no region."""
    text = JIANGXI.read_text("utf-8")
    return text[text.index("各位代表："):].encode("utf-8")


def test_the_form_offers_levels_kinds_and_region_names_in_chinese(library):
    _sessions, app = library
    page = signed_in(app).get("/import").text
    assert '<option value="province">省级</option>' in page and '<option value="city">市级</option>' in page
    assert '<option value="division">分工方案</option>' in page
    assert '<option value="plan_execution">计划执行情况报告</option>' in page
    names = re.search(r'<datalist id="region-names">(.*?)</datalist>', page, re.S).group(1)
    assert '<option value="辽宁省">' in names and '<option value="大连市">' in names
    assert 'name="year"' in page and 'min="1949"' in page and 'max="2100"' in page


def test_the_preview_says_where_each_field_came_from(library):
    _sessions, app = library
    c = signed_in(app)
    r = post(c, "各位代表.txt", headless())  # nobody says the region: it stays empty
    assert r.status_code == 200
    f = fields(r.text)
    assert f["地区"] == "—" and f["计划年度"] == "2024 （来自文本）" and f["类型"] == "政府工作报告 （来自文本）"
    assert "各位代表.txt：原文和文件名中都没有地区，请给出地区" in r.text  # and the form is where to

    r = post(c, "江西省2024年政府工作报告.txt", headless())
    assert fields(r.text)["地区"] == "江西省 （来自文件名）" and 'class="warn missing"' not in r.text

    r = post(c, "各位代表.txt", headless(), region="江西")  # a short name, as people type it
    f = fields(r.text)
    assert f["地区"] == "江西省 （来自用户填写）" and f["级别"] == "省级 （来自用户填写）"
    assert not re.search(r"province|work_report|flag|file name", " ".join(f.values()))


def test_given_values_win_over_the_text_and_are_imported(library):
    """The same file and values through the import service the CLI uses: the same metadata."""
    from luoshi.services.importer import prepare

    sessions, app = library
    c = signed_in(app)
    r = post(c, JIANGXI.name, JIANGXI.read_bytes(), year="2025", kind="other", level="", region="")
    f = fields(r.text)
    assert f["地区"] == "江西省 （来自文本）"  # blank fields say nothing
    assert f["计划年度"] == "2025 （来自用户填写）" and f["回顾年度"] == "2024 （来自用户填写）"
    assert f["类型"] == "其他文件 （来自用户填写）"
    page = confirm(c, r)
    assert "已导入" in page
    cli = prepare(JIANGXI, {"plan_year": 2025, "kind": "other"}).meta
    with sessions() as s:
        rep = s.scalars(select(Report)).one()
        assert (rep.region, rep.level, rep.plan_year, rep.review_year, rep.kind) == (
            cli["region"], cli["level"], cli["plan_year"], cli["review_year"], cli["kind"]) == (
            "江西省", "province", 2025, 2024, "other")


def test_bad_values_are_refused_in_chinese_and_nothing_is_kept(library):
    sessions, app = library
    c = signed_in(app)
    for given, words in (({"year": "1800", "region": "大连市"}, "年度应在1949年至2100年之间，1800不是。"),
                         ({"year": "明年"}, "年度应为四位数的年份，“明年”不是。"),
                         ({"level": "galaxy"}, "级别应为国家级、省级、市级、县级、区级之一，“galaxy”不是。"),
                         ({"kind": "speech"}, "文件类型应为政府工作报告、计划执行情况报告、统计公报、分工方案、预算报告、其他文件之一"),
                         ({"region": "辽宁省" * 20}, "地区应为地名（不超过40个字）")):
        r = post(c, JIANGXI.name, JIANGXI.read_bytes(), **given)
        assert r.status_code == 422, given
        error = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text, re.S).group(1)
        assert words in error and "报告未导入" in error, error
        assert 'id="upload"' in r.text  # the form again, with what was typed
        if "year" in given and given["year"] == "1800":
            assert 'name="year" value="1800"' in r.text and 'name="region" value="大连市"' in r.text
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 0
    assert not any(Path(app.state.web.uploads).glob("*"))  # no upload left waiting
