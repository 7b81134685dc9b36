"""A corrected version of the example uploaded through the API: its tasks take over the tracking
of the earlier ones, the one task it no longer has is listed with the new one it gained, and a
supervisor settles it — all decisions of a request or none."""

from __future__ import annotations

from luoshi import sample_path

WATER, PARK = "建设农村供水工程300处。", "新建口袋公园300个。"


def test_a_new_version_takes_over_and_a_supervisor_settles(world):
    w = world
    body = {"expected_version": 1, "reported_on": "2024-03-31", "status": "in_progress",
            "narrative": "一季度增长5.3%", "value": 5.3, "unit": "%"}
    assert w.post(f"/tasks/{w.own}/progress", "reporter", json=body).status_code == 201
    text = sample_path().read_text("utf-8").replace(WATER, PARK)
    r = w.post("/reports", "supervisor", files={"file": ("liaoning-2024.txt", text.encode(), "text/plain")})
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["status"] == "replaced"
    assert {k: got["followed"][k] for k in ("by_key", "by_wording", "pending", "new")} == {
        "by_key": 206, "by_wording": 0, "pending": 1, "new": 1}
    v2 = got["report_id"]

    left = w.get(f"/reports/{v2}/unmatched", "viewer").json()
    assert [(o["task"]["text"], o["state"]) for o in left["open"]] == [(WATER, "no_counterpart")]
    assert [t["text"] for t in left["new"]] == [PARK] and left["pending"] == 1
    water, park = left["open"][0]["task"]["id"], left["new"][0]["id"]

    link = {"old_task_id": water, "new_task_id": park, "reason": "新版本改为口袋公园"}
    assert w.post(f"/reports/{v2}/unmatched", "reporter", json={"decisions": [link]}).status_code == 403
    both = {"decisions": [link, {"old_task_id": water, "new_task_id": None, "reason": "重复"}]}
    r = w.post(f"/reports/{v2}/unmatched", "supervisor", json=both)
    assert r.status_code == 422 and "decided twice" in r.json()["error"]["message"]
    assert w.get(f"/reports/{v2}/unmatched", "viewer").json()["pending"] == 1  # nothing of it was kept
    r = w.post(f"/reports/{v2}/unmatched", "supervisor", json={"decisions": [link]})
    assert r.status_code == 200, r.text
    assert r.json() == {"report_id": v2, "linked": [[water, park]], "dropped": [], "pending": 0}

    gdp = next(t for t in w.get(f"/tasks?report={v2}&limit=1000").json()["items"] if t["number"] == 1)
    one = w.task(gdp["id"], "viewer")
    assert [(u["narrative"], u["task_id"]) for u in one["history"]["updates"]] == [("一季度增长5.3%", w.own)]
    assert one["status"]["reported"]["code"] == "in_progress"
    body["expected_version"] = None
    r = w.post(f"/tasks/{w.own}/progress", "reporter", json=body)  # the earlier task is closed
    assert r.status_code == 422 and f"continued by task {gdp['id']}" in r.json()["error"]["message"]
