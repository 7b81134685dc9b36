"""Reads on the example (one world per backend for the module): reports, outline, figures,
tasks with filters, sort and pages, task detail, roll-ups, reminders, compare, search, plan."""

from __future__ import annotations

import io

import pytest


def ok(r) -> dict:
    assert r.status_code == 200, r.text
    return r.json()


def test_reports_outline_figures(shared):
    w = shared
    items = ok(w.get("/reports", "viewer"))["items"]
    ex = next(r for r in items if r["id"] == w.report_id)
    assert (ex["region"], ex["plan_year"], ex["tasks"]) == ("辽宁省", 2024, 207) and ex["figures"] > 100
    assert ok(w.get("/reports", "viewer", params={"year": 1999}))["items"] == []
    tree = ok(w.get(f"/reports/{w.report_id}/outline", "viewer"))
    assert tree["outline"][0]["kind"] == "document" and tree["outline"][0]["children"]
    with_s = ok(w.get(f"/reports/{w.report_id}/outline", "viewer", params={"sentences": True}))

    def sentences(nodes):
        for n in nodes:
            yield from ([n] if n["kind"] == "sentence" else [])
            yield from sentences(n["children"])
    first = next(sentences(with_s["outline"]))
    assert first["text"]
    assert w.get("/reports/9999", "viewer").json()["error"]["code"] == "not_found"
    gdp = ok(w.get("/figures", "viewer", params={"canonical": "gdp", "role": "target", "year": 2024}))
    assert gdp["total"] >= 1 and all(f["canonical"] == "gdp" and f["role"] == "target" for f in gdp["items"])
    assert ok(w.get("/figures", "viewer", params={"indicator": "gdp", "region": "辽宁"}))["total"] >= gdp["total"]
    exec_only = ok(w.get("/figures", "viewer", params={"report": w.exec_id, "limit": 2}))
    assert len(exec_only["items"]) == 2 and exec_only["total"] > 2
    assert {f["report_id"] for f in exec_only["items"]} == {w.exec_id}
    sec = ok(w.get("/figures", "viewer", params={"section": "工作回顾"}))
    assert sec["total"] > 5 and all("工作回顾" in f["section"] for f in sec["items"])


def test_tasks_list_filters_sort_pages(shared):
    w = shared
    all_ = ok(w.get("/tasks", "viewer", params={"report": w.report_id, "limit": 1000}))
    assert all_["total"] == 207 and [t["number"] for t in all_["items"]] == list(range(1, 208))
    p = ok(w.get("/tasks", "viewer", params={"report": w.report_id, "limit": 10, "offset": 20}))
    assert (p["total"], p["limit"], p["offset"], [t["number"] for t in p["items"]]) == (207, 10, 20, list(range(21, 31)))
    targets = ok(w.get("/tasks", "viewer", params={"kind": "target", "limit": 1000}))
    assert targets["total"] >= 10 and all(t["kind"] == "target" for t in targets["items"])
    fgw = ok(w.get("/tasks", "viewer", params={"department": "省发展改革委", "limit": 1000}))
    assert 0 < fgw["total"] < 207
    assert all(any(a["department"] == "省发展改革委" for a in t["assignments"]) for t in fgw["items"])
    sec = ok(w.get("/tasks", "viewer", params={"section": "主要预期目标", "limit": 1000}))
    assert sec["total"] >= 10 and all("主要预期目标" in t["section"] for t in sec["items"])
    q = ok(w.get("/tasks", "viewer", params={"q": "粮食"}))
    assert q["total"] >= 1 and all("粮食" in t["text"] for t in q["items"])
    rng = ok(w.get("/tasks", "viewer", params={"deadline_from": "2024-01-01", "deadline_to": "2024-06-30", "limit": 1000}))
    assert all("2024-01-01" <= t["deadline"] <= "2024-06-30" for t in rng["items"])
    assert rng["total"] < 207
    silent = ok(w.get("/tasks", "viewer", params={"reported": "no_update", "today": "2024-02-01", "limit": 1}))
    assert silent["total"] == 207 - _reported(w)
    none = ok(w.get("/tasks", "viewer", params={"reported": ["completed"], "schedule": ["overdue"]}))
    assert none["total"] == 0
    desc = ok(w.get("/tasks", "viewer", params={"sort": "-deadline", "limit": 1000}))["items"]
    dates = [t["deadline"] for t in desc if t["deadline"]]
    assert dates == sorted(dates, reverse=True)
    r = w.get("/tasks", "viewer", params={"sort": "colour"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    r = w.get("/tasks", "viewer", params={"limit": 0})
    assert r.status_code == 422 and r.json()["error"]["detail"][0]["loc"] == ["query", "limit"]
    assert w.get("/tasks", "viewer", params={"department": "没有这个单位"}).status_code == 404


def _reported(w) -> int:
    return 0  # nothing is reported in the shared world


def test_task_detail_has_axes_definitions_history(shared):
    w = shared
    d = w.task(w.own, "viewer")
    assert d["task"]["text"] == "地区生产总值增长5.5%左右"
    assert set(d["status"]) >= {"reported", "evidence", "schedule", "confidence"}
    assert set(d["definitions"]) == {"reported", "evidence", "schedule", "confidence"}
    defs = d["definitions"]["reported"]
    assert all({"label_zh", "label_en"} <= set(v) for v in defs.values()), defs
    assert {"revisions", "updates", "ratings"} == set(d["history"])
    assert any(a["department"] == "省发展改革委" and a["role"] == "lead" for a in d["task"]["assignments"])
    assert w.get("/tasks/99999", "viewer").json()["error"]["code"] == "not_found"
    r = w.get("/tasks/abc", "viewer")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_rollups_reminders_compare_search(shared):
    w = shared
    ro = ok(w.get(f"/reports/{w.report_id}/rollups", "viewer", params={"today": "2024-03-31"}))
    assert ro["whole"]["tasks"] == 207 and sum(ro["whole"]["counts"]["reported"].values()) == 207
    assert ro["by_section"] and ro["by_department"]
    rem = ok(w.get("/reminders", "viewer", params={"today": "2024-06-20", "days": 15}))["items"]
    assert rem and all({"department", "due_soon", "overdue", "silent"} <= set(g) for g in rem)
    one = ok(w.get("/reminders", "viewer", params={"department": "省发展改革委", "today": "2024-06-20"}))["items"]
    assert [g["department"] for g in one] == ["省发展改革委"]
    assert w.get("/reminders", "viewer", params={"department": "无此单位"}).status_code == 404
    cmp_ = ok(w.get("/compare", "viewer", params={"indicator": "gdp", "region": "辽宁", "year": 2024}))["items"]
    assert {c["verdict"] for c in cmp_} & {"met", "missed"}  # the codes stay, their words beside them:
    assert all(c["verdict_zh"] == {"met": "完成", "missed": "未完成", "no_data": "无数据",
                                   "needs_judgement": "待人工判断"}[c["verdict"]] for c in cmp_)
    assert [(c["verdict"], c["actual_value"]) for c in cmp_] == [("missed", 5.1)]
    across = ok(w.get("/compare", "viewer", params={"indicator": "gdp", "year": 2024, "across_regions": True}))
    assert [(r["region"], r["measure"], r["target"], len(r["sources"])) for r in across["items"]] == \
        [("辽宁省", "growth", "5.5%左右", 1)]  # one row per region: the growth target, not an amount
    sheet = w.get("/compare", "viewer", params={"indicator": "gdp", "year": 2024, "across_regions": True,
                                                "format": "csv"})
    assert sheet.text.lstrip("\ufeff").startswith("地区,指标,年份,目标") and "辽宁省,地区生产总值,2024,5.5%左右" in sheet.text
    bad = w.get("/compare", "viewer", params={"across_regions": True})
    assert bad.status_code == 422 and "指标" in bad.json()["error"]["message"]
    assert ok(w.get("/compare", "viewer", params={"goals": True, "region": "辽宁"}))["total"] == 0  # no 十四五 goal in a 2024 report
    every = ok(w.get("/compare", "viewer", params={"year": 2024}))
    assert every["total"] == len(every["items"]) > 3 and every["limit"] is None
    part = ok(w.get("/compare", "viewer", params={"year": 2024, "limit": 2, "offset": 1}))
    assert (part["total"], part["limit"], part["offset"]) == (every["total"], 2, 1)
    assert part["items"] == every["items"][1:3]
    assert w.get("/compare", "viewer", params={"limit": 0}).status_code == 422
    csv = w.get("/compare", "viewer", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    pytest.importorskip("luoshi.services.search")
    hits = ok(w.get("/search", "viewer", params={"q": "粮食 产量"}))["items"]
    assert hits and all("粮食" in h["text"] and "产量" in h["text"] for h in hits)
    figure = ok(w.get("/search", "viewer", params={"q": "粮食", "kind": "figure", "limit": 3}))["items"][0]
    assert figure["kind"] == "figure" and figure["reader"] == f"/reports/{figure['report_id']}?fig={figure['ref_id']}#f-{figure['ref_id']}"
    assert w.get("/search", "viewer").status_code == 422
    long = w.get("/search", "viewer", params={"q": " ".join(f"词{i}" for i in range(9))})
    assert long.status_code == 422 and "at most 8 words" in long.json()["error"]["message"]


def test_plan_export_files(shared):
    w = shared
    from docx import Document
    from openpyxl import load_workbook

    r = w.get(f"/reports/{w.report_id}/plan", "viewer", params={"format": "xlsx"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert any(row[1] == "地区生产总值增长5.5%左右" and "省发展改革委" in (row[4] or "") for row in rows)
    r = w.get(f"/reports/{w.report_id}/plan", "viewer", params={"format": "docx"})
    text = "\n".join(c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells)
    assert "地区生产总值增长5.5%左右" in text
    assert w.get(f"/reports/{w.report_id}/plan", "viewer", params={"format": "pdf"}).status_code == 422
    assert w.get(f"/reports/{w.exec_id}/plan", "viewer").status_code == 200  # no tasks: the draft
