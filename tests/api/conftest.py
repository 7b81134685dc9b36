"""The API on the example: a supervisor, two department reporters (省发展改革委, the lead of
task 1 = GDP; 省财政厅, not on it), a viewer and an admin, each with a token; the example and
the plan-execution sample imported, tasks created. ``world`` is fresh per test (for writes),
``shared`` once per module and backend (for reads)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from luoshi import sample_path, store
from luoshi.api.app import create_app
from luoshi.api.settings import Settings
from luoshi.services.importer import import_file
from luoshi.store import testing
from luoshi.track import services as S
from luoshi.track import users

PASSWORD = "correct horse battery"
ROLES = ("admin", "supervisor", "reporter", "reporter_other", "viewer")


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@dataclass
class World:
    client: TestClient
    sessions: object
    report_id: int
    exec_id: int
    tokens: dict[str, str]
    own: int  # task 1 (GDP): 省发展改革委 leads it
    other: int  # a task of 省财政厅 that 省发展改革委 is not on
    ids: dict[str, int] = field(default_factory=dict)  # user ids

    def h(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def get(self, path: str, role: str | None = "admin", **kw):
        return self.client.get("/api/v1" + path, headers=self.h(role), **kw)

    def post(self, path: str, role: str | None = "admin", **kw):
        return self.client.post("/api/v1" + path, headers=self.h(role), **kw)

    def put(self, path: str, role: str | None = "admin", **kw):
        return self.client.put("/api/v1" + path, headers=self.h(role), **kw)

    def delete(self, path: str, role: str | None = "admin", **kw):
        return self.client.delete("/api/v1" + path, headers=self.h(role), **kw)

    def task(self, task_id: int, role: str = "admin") -> dict:
        r = self.get(f"/tasks/{task_id}", role)
        assert r.status_code == 200, r.text
        return r.json()


def add_users(sessions) -> tuple[dict[str, str], dict[str, int]]:
    """The five accounts and a token each."""
    specs = {"admin": ("root", "admin", None), "supervisor": ("duban", "supervisor", None),
             "reporter": ("fgw", "reporter", "省发展改革委"), "reporter_other": ("czt", "reporter", "省财政厅"),
             "viewer": ("kan", "viewer", None)}
    tokens, ids = {}, {}
    with store.write_transaction(sessions) as s:
        for role, (name, r, dep) in specs.items():
            u = S.create_user(s, name, PASSWORD, r, S.SYSTEM, department=dep)
            tokens[role] = S.create_token(s, name, "tests", S.SYSTEM).token
            ids[role] = u.id
    return tokens, ids


@pytest.fixture
def accounts():
    """``accounts(sessions)``: the five accounts and a token each, in any database."""
    return add_users


@contextmanager
def make_world(db_url: str, settings: Settings | None = None) -> Iterator[World]:
    app = create_app(db_url, settings=settings or Settings(include_web=False))
    sessions = app.state.sessions
    report = import_file(sessions, sample_path())
    plan_exec = import_file(sessions, sample_path("ln-2024-plan-exec.txt"))
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM)
    tokens, ids = add_users(sessions)
    by_number = {t.number: t for t in made.created}
    own = by_number[1].id
    other = next(t.id for t in made.created
                 if {a.department for a in t.assignments} >= {"省财政厅"}
                 and "省发展改革委" not in {a.department for a in t.assignments})
    with TestClient(app) as client:
        yield World(client, sessions, report.report_id, plan_exec.report_id, tokens, own, other, ids)


@pytest.fixture
def world(db_url) -> Iterator[World]:
    with make_world(db_url) as w:
        yield w


@pytest.fixture
def public_world(db_url) -> Iterator[World]:
    """The world served in public read-only mode (anonymous GETs allowed)."""
    with make_world(db_url, Settings(include_web=False, public_read=True)) as w:
        yield w


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('api') / 'luoshi.db'}"
    db = request.getfixturevalue("pg_database")
    return testing.schema_url(db).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def shared(module_db_url) -> Iterator[World]:
    """One world per module and backend, for tests that only read (or whose writes the other
    tests of the module do not mind)."""
    hasher = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    try:
        with make_world(module_db_url) as w:
            yield w
    finally:
        users._hasher = hasher
