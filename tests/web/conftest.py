"""The web app on a temp SQLite database seeded like ``luoshi demo`` (known passwords), served
in-process for TestClient tests and by uvicorn on a free loopback port for the browser tests."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from luoshi import store
from luoshi.track import users

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "correct horse battery"
ACCOUNTS = {"admin": "admin", "duban": "supervisor", "fgw": "reporter", "czt": "reporter", "kan": "viewer"}
ARTIFACTS = Path(__file__).with_name("artifacts")


@pytest.fixture(scope="session")
def fast_hashes() -> Iterator[None]:
    """Cheap argon2 parameters for the whole session (the server thread hashes too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        yield


def seed_db(url: str) -> object:
    from luoshi.commands.demo import seed
    from luoshi.track import services as S

    sessions = store.open(url)
    seed(sessions, passwords={name: PASSWORD for name in ACCOUNTS})
    with store.write_transaction(sessions) as s:
        S.create_user(s, "kan", PASSWORD, "viewer", S.SYSTEM)
    return sessions


def _seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    d = tmp_path_factory.mktemp("web")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUOSHI_INSTANCE_DIR", str(d / "instance"))
        mp.delenv("LUOSHI_SECRET_KEY", raising=False)
        url = f"sqlite:///{d / 'web.db'}"
        sessions = seed_db(url)
        yield url, sessions
        store.close(sessions)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, fast_hashes: None) -> Iterator[tuple[str, object]]:
    """(url, sessionmaker) of a database seeded once for the TestClient tests; tests that write
    use tasks or reports of their own, and pages name the example (report 1) where it matters."""
    yield from _seeded(tmp_path_factory)


@pytest.fixture(scope="session")
def live_seeded(tmp_path_factory: pytest.TempPathFactory, fast_hashes: None) -> Iterator[tuple[str, object]]:
    """The browser tests' own database, seeded the same way."""
    yield from _seeded(tmp_path_factory)


@pytest.fixture
def library(tmp_path, fast_hashes, monkeypatch):
    """An empty library of a test of its own with one supervisor (duban), and the app over it."""
    from luoshi.commands.demo import make_app
    from luoshi.track import services as S

    monkeypatch.setenv("LUOSHI_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("LUOSHI_SECRET_KEY", raising=False)
    sessions = store.open(f"sqlite:///{tmp_path / 'web.db'}")
    with store.write_transaction(sessions) as s:
        S.create_user(s, "duban", PASSWORD, "supervisor", S.SYSTEM)
    yield sessions, make_app(sessions)
    store.close(sessions)


def make_app(sessions: object, *, public: bool = False):
    from luoshi.commands.demo import make_app as app_of

    return app_of(sessions, public=public)


@pytest.fixture
def app(seeded):
    return make_app(seeded[1])


@pytest.fixture(name="make_app")
def make_app_fixture():
    return make_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(live_seeded) -> Iterator[str]:
    """The app (public view on) served by uvicorn in a thread on a free loopback port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(live_seeded[1], public=True), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


REGIONS = ("辽宁省", "甘肃省", "陕西省")
YEARS = range(2000, 2020)


@pytest.fixture(scope="module")
def many_reports(tmp_path_factory: pytest.TempPathFactory, fast_hashes: None) -> Iterator[tuple[str, object]]:
    """A seeded database with 60 more current reports (three provinces, 2000–2019; bare rows:
    a few lines of text, no figures, no tasks), more than the overview's report picker offers."""
    from luoshi.store import Report

    for url, sessions in _seeded(tmp_path_factory):
        with store.write_transaction(sessions) as s:
            for region in REGIONS:
                for year in YEARS:
                    s.add(Report(doc_key=f"many/{region}/{year}", doc=f"many-{region}-{year}",
                                 title=f"{year}年{region}政府工作报告", region=region, level="province",
                                 kind="work_report", plan_year=year, source=f"many-{region}-{year}.txt",
                                 format="txt", sha256=f"{hash((region, year)) & 0xFFFFFFFF:064x}",
                                 original=f"{year}年{region}政府工作报告\n\n一、过去一年的工作\n\n各项工作稳步推进。\n",
                                 version=1, is_current=True))
        yield url, sessions
