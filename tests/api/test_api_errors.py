"""The error shape of the API: one JSON body for every failure, framework ones included."""

from __future__ import annotations

from click.testing import CliRunner
from fastapi.testclient import TestClient

from luoshi.api.app import create_app
from luoshi.api.settings import Settings
from luoshi.cli import main


def shape(r) -> dict:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "zh", "detail"}, body
    assert body["error"]["zh"] and not body["error"]["zh"].isascii(), body  # words a person reads
    return body["error"]


def test_error_shape_for_framework_errors(sqlite_url):
    with TestClient(create_app(sqlite_url, settings=Settings(include_web=False))) as c:
        assert c.get("/api/v1/health").json()["ok"] is True
        assert shape(c.get("/no/such/route"))["code"] == "not_found"
        assert shape(c.get("/no/such/route"))["zh"] == "请求的内容不存在"
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


def test_validation_errors_share_the_shape(sqlite_url, accounts):
    app = create_app(sqlite_url, settings=Settings(include_web=False))
    tokens, _ = accounts(app.state.sessions)
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {tokens['admin']}"}
        r = c.get("/api/v1/tasks", params={"limit": "many"}, headers=h)
        err = shape(r)
        assert r.status_code == 422 and err["code"] == "invalid" and err["detail"][0]["loc"] == ["query", "limit"]
        assert err["zh"] == "输入有误"
        r = c.post("/api/v1/users", json={"username": "x"}, headers=h)
        assert r.status_code == 422 and {tuple(d["loc"]) for d in shape(r)["detail"]} >= {("body", "password")}
        r = c.post("/api/v1/tasks/1/progress", content=b"{not json", headers={**h, "Content-Type": "application/json"})
        assert r.status_code == 422 and shape(r)["code"] == "invalid"
        r = c.post("/api/v1/tokens", json={"name": "x", "extra": 1}, headers=h)
        assert r.status_code == 422  # unknown fields are refused, not ignored
        r = c.get("/api/v1/me", headers={"Authorization": "Basic cm9vdDpyb290"})
        assert r.status_code == 401 and "Bearer" in shape(r)["message"]


def test_web_hook_and_serve_command(sqlite_url):
    from importlib.util import find_spec

    bare = create_app(sqlite_url, settings=Settings(include_web=False))
    assert bare.state.sessions is not None and bare.state.include_web is False
    with TestClient(bare) as c:
        assert shape(c.get("/"))["code"] == "not_found"  # no pages without the web package
    if find_spec("luoshi.web") is not None:
        with TestClient(create_app(sqlite_url)) as c:  # luoshi.web.mount added its pages
            assert c.get("/", follow_redirects=False).status_code != 404
    got = CliRunner().invoke(main, ["serve", "--db", "nosuchdriver://x"])
    assert got.exit_code == 2 and "database URL" in got.output
    assert "--public-read" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_a_busy_database_is_503_with_retry_after_not_500(tmp_path, monkeypatch):
    """SQLite's lock still held by another process after busy_timeout: nothing was written, so
    the answer is 503 with Retry-After (JSON under /api/, the web's page elsewhere); any other
    database failure stays a 500."""
    import sqlite3

    from fastapi.testclient import TestClient
    from sqlalchemy.exc import OperationalError

    from luoshi.api.app import create_app
    from luoshi.track import services as S

    app = create_app(f"sqlite:///{tmp_path / 'busy.db'}")

    def locked(*a, **kw):
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(S, "list_departments", locked)
    with TestClient(app, raise_server_exceptions=False) as c:
        with store_token(app) as headers:
            r = c.get("/api/v1/departments", headers=headers)
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert r.json()["error"]["code"] == "busy"

        def broken(*a, **kw):
            raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))

        monkeypatch.setattr(S, "list_departments", broken)
        with store_token(app) as headers:
            assert c.get("/api/v1/departments", headers=headers).status_code == 500


def store_token(app):
    """A context giving the Authorization header of a fresh admin token."""
    from contextlib import contextmanager

    from luoshi import store
    from luoshi.track import services as S

    @contextmanager
    def cm():
        with store.write_transaction(app.state.sessions) as s:
            if not S.list_users(s):
                S.create_user(s, "root", "correct horse battery", "admin", S.SYSTEM)
            token = S.create_token(s, "root", "t", S.SYSTEM).token
        yield {"Authorization": f"Bearer {token}"}
    return cm()
