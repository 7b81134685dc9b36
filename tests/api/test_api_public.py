"""Public read-only mode: an anonymous reader of the API sees targets, tasks and statuses, and
the supervision office's ratings and the departments' progress notes only once they are
published (the stored decision of track.publication) — in the task list, a task's page and
history, and the roll-ups, whose confidence counts are the ratings by another name."""

from __future__ import annotations



def test_anonymous_readers_see_ratings_and_notes_only_once_published(public_world):
    w = public_world
    body = {"expected_version": 1, "reported_on": "2024-03-31", "status": "in_progress",
            "narrative": "一季度增长5.3%", "value": 5.3, "unit": "%", "problems": "内部问题：数据待核实",
            "next_steps": "下一步：约谈"}
    assert w.post(f"/tasks/{w.own}/progress", "reporter", json=body).status_code == 201
    r = w.post(f"/tasks/{w.own}/ratings", "supervisor", json={"level": "red", "reason": "督查室内部判断"})
    assert r.status_code == 201, r.text

    def anonymous() -> tuple[dict, dict, dict, str]:
        row = next(t for t in w.get(f"/tasks?report={w.report_id}&limit=1000", None).json()["items"]
                   if t["id"] == w.own)
        one = w.get(f"/tasks/{w.own}", None).json()
        roll = w.get(f"/reports/{w.report_id}/rollups", None).json()
        return row, one, roll, w.client.get(f"/api/v1/tasks?report={w.report_id}&confidence=red").text

    row, one, roll, filtered = anonymous()
    assert row["rating"] is None and row["latest_update"] is None
    assert row["status"]["confidence"]["code"] == "withheld" and row["status"]["rating_reason"] == ""
    assert one["rating"] is None and one["history"]["ratings"] == [] and one["history"]["updates"] == []
    assert "督查室内部判断" not in str(one) and "一季度增长5.3%" not in str(one)
    assert roll["whole"]["counts"]["confidence"] == {"withheld": roll["whole"]["tasks"]}
    assert '"items":[]' in filtered.replace(" ", "")  # filtering by a rating finds nothing
    staff = w.task(w.own, "viewer")  # signed-in readers are not affected
    assert staff["rating"]["reason"] == "督查室内部判断" and staff["status"]["confidence"]["code"] == "red"

    assert w.put(f"/reports/{w.report_id}/publication", "supervisor",
                 json={"ratings": True, "notes": True}).status_code == 200
    row, one, roll, _ = anonymous()
    assert row["rating"]["reason"] == "督查室内部判断" and row["status"]["confidence"]["code"] == "red"
    assert roll["whole"]["counts"]["confidence"]["red"] >= 1
    update = one["history"]["updates"][0]
    assert update["narrative"] == "一季度增长5.3%"
    assert update["problems"] == "" and update["next_steps"] == "" and update["by"] is None
