"""The PostgreSQL test fixture itself: with no server at the configured URL it starts a
throwaway cluster from Debian's binaries, usable by the store, and removes it afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import luoshi
from luoshi import store
from luoshi.services.importer import import_file
from luoshi.store import testing


@pytest.fixture
def binaries() -> Path:
    found = testing.bindir()
    if found is None:
        reason = "no PostgreSQL binaries (initdb, pg_ctl)"
        # a server answers, so the fallback is not needed here; without one the suite needs it
        if os.environ.get("CI") == "true" and testing.problem(testing.configured_url()) is not None:
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def test_fallback_cluster_when_nothing_answers(binaries, monkeypatch):
    monkeypatch.setenv(testing.ENV_TEST_URL, "postgresql+psycopg://postgres@127.0.0.1:1/test")
    with testing.postgres_server() as server:
        socket_dir = Path(server.query["host"])
        assert socket_dir.is_dir() and testing.problem(server) is None
        with testing.throwaway_database(server) as db:
            factory = store.open(testing.schema_url(db))
            try:
                assert import_file(factory, luoshi.sample_path()).status == "imported"
            finally:
                store.close(factory)
    assert not socket_dir.exists()


def test_unavailable_names_the_fix(monkeypatch):
    monkeypatch.setenv(testing.ENV_TEST_URL, "postgresql+psycopg://postgres@127.0.0.1:1/test")
    monkeypatch.setattr(testing, "bindir", lambda: None)
    with pytest.raises(testing.Unavailable, match="bootstrap.sh"):
        with testing.postgres_server():
            pass
