"""Migrations: from empty to head on both backends, models and migrations agree, constraints hold."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from luoshi import store
from luoshi.store import Base, Report, ReportNode
from luoshi.store.db import MIGRATIONS, alembic_config
from luoshi.store.models.search import include_name

TABLES = {"reports", "outline_nodes", "figures",
          # 0002, delivery tracking (tests/track/test_track_models.py tests them further)
          "departments", "tasks", "task_revisions", "assignments", "milestones", "progress_updates",
          "ratings", "users", "api_tokens", "audit_log",
          # 0003, the search index (tests/services/test_search.py); SQLite adds its FTS5 tables
          "search_entries",
          # 0004, the publication decision (tests/track/test_publication.py)
          "report_publications",
          # 0007, qualitative targets found at import (tests/services/test_compare.py)
          "qualitative_targets",
          # 0009, catalogues users supplied (tests/track/test_kept_catalogues.py)
          "department_catalogues",
          # 0010, which task of a newer report version continues which (tests/track/test_versions.py)
          "task_lineage"}
FTS5 = {"search_fts", "search_fts_data", "search_fts_idx", "search_fts_config"}
DOCSIZE = "search_fts_docsize"  # FTS5's row sizes: kept until 0012 (columnsize=0)


def tables(engine) -> set[str]:
    """Our tables, with the FTS5 table and its shadow tables expected on SQLite only."""
    names = set(inspect(engine).get_table_names())
    if engine.dialect.name == "sqlite":
        assert FTS5 <= names
        names -= FTS5 | {DOCSIZE}
    return names


def fts_config(engine, key: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT v FROM search_fts_config WHERE k = :k"), {"k": key}).scalar()


def fts_hashsize(engine) -> int | None:
    return fts_config(engine, "hashsize")


def fts_sql(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")).scalar_one()


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_from_empty_to_head(db_url):
    engine = store.create(db_url)
    try:
        assert set(inspect(engine).get_table_names()) == set()
        store.upgrade(engine)
        assert tables(engine) == TABLES | {"alembic_version"}
        assert revision(engine) == head()
        indexes = {i["name"]: i for t in TABLES for i in inspect(engine).get_indexes(t)}
        if engine.dialect.name == "postgresql":
            trgm = indexes["ix_search_entries_text_trgm"]["dialect_options"]
            assert (trgm["postgresql_using"], trgm["postgresql_ops"]) == ("gin", {"text": "gin_trgm_ops"})
        assert indexes["ix_figures_canonical_region_year_role"]["column_names"] == [
            "canonical", "region", "year", "role"]
        assert indexes["ix_reports_region_plan_year"]["column_names"] == ["region", "plan_year"]
        if engine.dialect.name == "sqlite":  # 0008: a bulk import's batch is one FTS5 segment
            assert fts_hashsize(engine) == 32 * 1024 * 1024
        store.upgrade(engine)  # again: nothing to do
        if engine.dialect.name == "sqlite":  # 0013: segments merged eight at a time
            assert fts_config(engine, "automerge") == 8
            command.downgrade(alembic_config(engine), "0012")
            assert fts_config(engine, "automerge") in (None, 4)  # FTS5's default
            assert fts_hashsize(engine) == 32 * 1024 * 1024
            store.upgrade(engine)
            assert fts_config(engine, "automerge") == 8
        if engine.dialect.name == "sqlite":  # 0012: no row sizes, no case folding in the index
            assert "columnsize=0" in fts_sql(engine) and "case_sensitive 1" in fts_sql(engine)
            assert DOCSIZE not in inspect(engine).get_table_names()
            command.downgrade(alembic_config(engine), "0011")
            assert "columnsize" not in fts_sql(engine) and DOCSIZE in inspect(engine).get_table_names()
            assert fts_hashsize(engine) == 32 * 1024 * 1024
            command.downgrade(alembic_config(engine), "0007")
            assert fts_hashsize(engine) == 1024 * 1024  # FTS5's default again
            store.upgrade(engine)
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        store.upgrade(engine)
        assert revision(engine) == head()
    finally:
        engine.dispose()


def test_models_match_migrations(sessions):
    with store.engine_of(sessions).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(ctx, Base.metadata) == []


def test_open_twice_is_fine(db_url):
    for _ in range(2):
        store.close(store.open(db_url))


def _report(version: int, current: bool) -> Report:
    return Report(doc_key="k", doc="d", source="d.txt", format="txt", sha256=f"{version:064d}",
                  original="x", version=version, is_current=current)


def test_one_current_version_per_report(sessions):
    with sessions.begin() as s:
        s.add_all([_report(1, False), _report(2, True)])
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(_report(3, True))
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(_report(2, False))  # (doc_key, version) is unique


def test_foreign_keys_enforced_and_cascade(sessions):
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(ReportNode(report_id=999, ord=0, kind="document", title="", level=0, start=0,
                             end=0, nstart=0, nend=0, flags={}))
    with sessions.begin() as s:
        r = _report(1, True)
        r.nodes.append(ReportNode(ord=0, kind="document", title="", level=0, start=0, end=1,
                                  nstart=0, nend=1, flags={"a": 1}))
        s.add(r)
    with sessions.begin() as s:  # deleting in SQL (not through the ORM) relies on ON DELETE CASCADE
        s.execute(text("DELETE FROM reports"))
    with sessions() as s:
        assert s.execute(text("SELECT count(*) FROM outline_nodes")).scalar() == 0


def test_sqlite_wal_and_foreign_keys(sqlite_url):
    factory = store.open(sqlite_url)
    try:
        with store.engine_of(factory).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close(factory)


def test_resolve_url(monkeypatch):
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)
    assert store.resolve_url().render_as_string() == "sqlite:///luoshi.db"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", "postgresql://u@h/db")
    assert store.resolve_url().drivername == "postgresql+psycopg"
    assert store.resolve_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert store.resolve_url("sqlite:///x.db").database == "x.db"


def test_migrations_ship_in_the_package():
    """env.py and the versions are package modules, so a wheel carries them."""
    from setuptools import find_packages

    pkgs = set(find_packages(str(MIGRATIONS.parents[2])))
    assert {"luoshi.store.migrations", "luoshi.store.migrations.versions"} <= pkgs
    assert (MIGRATIONS / "env.py").exists()
