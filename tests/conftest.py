"""Database fixtures shared by every test package. Every storage test runs twice: on SQLite (a temp file) and on PostgreSQL (a schema of its own
in a database created for this test session and dropped at its end).

PostgreSQL comes from ``luoshi.store.testing``: the server at LUOSHI_TEST_DATABASE_URL (default
postgres@127.0.0.1:5432/test), else a throwaway cluster from Debian's binaries. If neither can be
had the PostgreSQL half skips — except with CI=true, where it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from luoshi import store
from luoshi.store import testing

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def unavailable(reason: str) -> None:
    if CI:
        pytest.fail(f"PostgreSQL is required on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    """A database of its own on a PostgreSQL server, for the whole session."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(testing.postgres_server())
            db = stack.enter_context(testing.throwaway_database(server))
        except testing.Unavailable as e:
            unavailable(str(e))
        yield db


@pytest.fixture
def postgresql_url(pg_database: URL) -> str:
    """A fresh, empty schema in the session's PostgreSQL database."""
    return testing.schema_url(pg_database).render_as_string(hide_password=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'luoshi.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database, once on each backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def sessions(db_url: str):
    """A migrated database's session factory."""
    factory = store.open(db_url)
    yield factory
    store.close(factory)


@pytest.fixture
def plan_exec() -> Path:
    """The shared plan-execution sample (../shared beside the checkout)."""
    p = SHARED / "samples" / "ln-2024-plan-exec.txt"
    if not p.exists():
        if CI:
            pytest.fail(f"{p} is missing on CI")
        pytest.skip("../shared is not beside this checkout")
    return p


@pytest.fixture
def old_reader(monkeypatch):
    """luoshi's reader before wrapped lines were joined (``normalize`` alone), for re-reading
    tests; ``.undo()`` gives today's reader back (and whatever else the test patched before)."""
    import luoshi.ingest

    monkeypatch.setattr(luoshi.ingest, "unwrap", lambda t, offsets: (t, offsets))
    return monkeypatch
