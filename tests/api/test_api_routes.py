"""Every route of the OpenAPI document, with each role, against tests/api/route_roles.json:
authorisation is checked on the server for every route, and nothing answers 500."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

from luoshi import sample_path, store
from luoshi.track import services as S

TABLE = json.loads((Path(__file__).with_name("route_roles.json")).read_text("utf-8"))


def _requests(w) -> dict[str, dict]:
    """Path parameters, query and body for each route (valid input: only the role decides)."""
    with store.write_transaction(w.sessions) as s:
        S.create_user(s, "victim", "victim password", "viewer", S.SYSTEM)
        victim_token = S.create_token(s, "kan", "to revoke", S.SYSTEM).info.id
    lead = [a["department"] for a in w.task(w.own)["task"]["assignments"] if a["role"] == "lead"]
    resp = [a["department"] for a in w.task(w.own)["task"]["assignments"] if a["role"] == "responsible"]
    sample = sample_path().read_bytes()
    return {
        "GET /api/v1/reports/{report_id}/plan": {"params": {"format": "xlsx"}},
        "GET /api/v1/search": {"params": {"q": "生产总值"}},
        "GET /api/v1/compare": {"params": {"indicator": "gdp"}},
        "PUT /api/v1/reports/{report_id}/publication": {"json": {"ratings": True}},
        "POST /api/v1/reports": {"files": {"file": ("liaoning-2024.txt", sample, "text/plain")}},
        "POST /api/v1/tasks/{task_id}/assignments": {"json": {"departments": ["省发展改革委"], "role": "lead"}},
        "PUT /api/v1/tasks/{task_id}/assignments": {"json": {"lead": lead, "responsible": resp}},
        "DELETE /api/v1/tasks/{task_id}/assignments": {"params": {"department": "不存在的单位", "role": "lead"}},
        "PUT /api/v1/tasks/{task_id}/milestones": {"json": {"milestones": [{"date": "2024-06-30", "expected": 5.0}]}},
        "POST /api/v1/tasks/{task_id}/progress": {"json": {"expected_version": None, "reported_on": "2024-03-31",
                                                           "status": "in_progress", "narrative": "一季度增长5.3%",
                                                           "value": 5.3, "unit": "%"}},
        "POST /api/v1/tasks/{task_id}/ratings": {"json": {"level": "amber", "reason": "一季度低于目标"}},
        "POST /api/v1/tasks/{task_id}/revisions": {"json": {"effective": "2024-07-01", "fields": {"deadline": "2024-11-30"},
                                                            "reason": "省政府常务会议决定"}},
        "POST /api/v1/reports/{report_id}/unmatched": {"json": {"decisions": [{"old_task_id": w.own, "new_task_id": None,
                                                                              "reason": "不再列入"}]}},
        "POST /api/v1/users": {"json": {"username": "newbie", "password": "long enough password", "role": "viewer"}},
        "POST /api/v1/tokens": {"json": {"name": "mine"}},
        "_path": {"report_id": w.report_id, "task_id": w.own, "username": "victim", "token_id": victim_token,
                  "catalogue_id": 999999},
    }


def test_every_route_with_every_role(world):
    w = world
    spec = w.client.get("/api/v1/openapi.json").json()
    routes = [f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops]
    assert sorted(routes) == sorted(TABLE["routes"]), "route_roles.json must list exactly the API's routes"
    reqs = _requests(w)
    got: dict[str, dict[str, int]] = {}
    for route in routes:
        method, path = route.split(" ", 1)
        extra = reqs.get(route, {})
        url = path.format(**reqs["_path"])
        for role in TABLE["roles"]:
            headers = w.h(None if role == "anonymous" else role)
            r = w.client.request(method, url, headers=headers, **extra)
            assert r.status_code < 500 or r.status_code == 503, (route, role, r.text)
            if r.status_code >= 400:
                err = r.json()["error"]
                assert err["code"] and err["message"], (route, role, r.text)
            got.setdefault(route, {})[role] = r.status_code
    table = dict(TABLE["routes"])
    if find_spec("luoshi.services.search") is None:  # a build without the search service: 503
        table["GET /api/v1/search"] = {r: 401 if r == "anonymous" else 503 for r in TABLE["roles"]}
    wrong = {k: (got[k], v) for k, v in table.items() if got[k] != v}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
