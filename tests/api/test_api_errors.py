"""The error shape of the API: one JSON body for every failure, framework ones included."""

from __future__ import annotations

from fastapi.testclient import TestClient

from luoshi.api.app import create_app


def shape(r) -> dict:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}, body
    return body["error"]


def test_error_shape_for_framework_errors(sqlite_url):
    with TestClient(create_app(sqlite_url)) as c:
        assert c.get("/api/v1/health").json()["ok"] is True
        assert shape(c.get("/no/such/route"))["code"] == "not_found"
        assert shape(c.get("/api/v1/nope"))["code"] == "not_found"
        r = c.get("/api/v1/me")
        assert r.status_code == 401 and shape(r)["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
        r = c.get("/api/v1/me", headers={"Authorization": "Bearer ls_not-a-token"})
        assert r.status_code == 401 and shape(r)["code"] == "unauthorized"
        r = c.delete("/api/v1/health")
        assert r.status_code == 405 and shape(r)["code"] == "method_not_allowed"
        assert c.get("/api/v1/openapi.json").json()["info"]["title"] == "luoshi"
        page = c.get("/api/v1/docs").text
        assert "/api/v1/openapi.json" in page and "http" not in page.replace("http-equiv", "")
