"""Engines and migrations: one URL in, an upgraded database and a session factory out.

SQLite gets WAL (readers don't block the importer), foreign keys ON (SQLite ignores them
otherwise) and explicit BEGIN (pysqlite's implicit transactions would let a read and the
write that depends on it run in different transactions); write_transaction begins IMMEDIATE.
Migrations live inside the package and run through Alembic's API, so an installed luoshi
upgrades any database it opens.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///luoshi.db"
ENV_URL = "LUOSHI_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")


def resolve_url(url: str | URL | None = None) -> URL:
    """The database URL: the argument, else env LUOSHI_DATABASE_URL, else ``sqlite:///luoshi.db``.

    ``postgresql://`` and ``postgres://`` mean psycopg 3, the driver luoshi installs.
    """
    raw = url if url is not None else (os.environ.get(ENV_URL, "").strip() or DEFAULT_URL)
    u = make_url(raw)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see _sqlite_begin
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


WRITE = "luoshi_write"  # execution option: this transaction will write (see write_transaction)
BULK = "luoshi_bulk"  # execution option: a bulk load (see write_transaction)
_FK_OFF = "luoshi_fk_off"  # the pooled connection's info: foreign keys to be turned on again


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get(BULK):  # before BEGIN: SQLite ignores this pragma inside a transaction
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.connection.info[_FK_OFF] = True
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE) else "BEGIN")


def _sqlite_checkin(dbapi_conn: Any, record: Any) -> None:
    """A connection back in the pool after a bulk load checks foreign keys again."""
    if record.info.pop(_FK_OFF, False):
        dbapi_conn.execute("PRAGMA foreign_keys=ON")


def create(url: str | URL | None = None, **kw: Any) -> Engine:
    """An engine for ``url`` (see resolve_url), not yet migrated."""
    u = resolve_url(url)
    engine = create_engine(u, **kw)
    if u.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "checkin", _sqlite_checkin)
    return engine


def alembic_config(engine: Engine | None = None):
    """Alembic's config for the migrations shipped in the package (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (head by default); a no-op when it is there already."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def open(url: str | URL | None = None, *, migrate: bool = True, **kw: Any) -> sessionmaker[Session]:
    """Open the database at ``url`` (see resolve_url), upgrade it to head, return a session factory.

    The engine is ``factory.kw["bind"]``; ``close(factory)`` disposes of it.
    """
    engine = create(url, **kw)
    try:
        if migrate:
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return sessionmaker(engine, expire_on_commit=False)


_GATES: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_GATES_LOCK = threading.Lock()


def _writer_gate(engine: Engine | None) -> Any:
    """SQLite: one lock per engine that this process's writers queue on before BEGIN IMMEDIATE.

    SQLite's busy handler does not queue: a waiting writer sleeps and retries, so under a steady
    stream of writers an unlucky one can keep losing until busy_timeout and fail with "database
    is locked" (the soak saw it). Threads of one process now take turns in order on this lock;
    only writers of other processes still meet the busy handler. Reentrant, so a nested
    write_transaction fails as before (on the database's lock) instead of hanging here.
    """
    if engine is None or engine.dialect.name != "sqlite":
        return nullcontext()
    with _GATES_LOCK:
        gate = _GATES.get(engine)
        if gate is None:
            gate = _GATES[engine] = threading.RLock()
    return gate


@contextmanager
def write_transaction(factory: sessionmaker[Session], *, bulk: bool = False) -> Iterator[Session]:
    """A session in one transaction that commits on exit and rolls back on an exception.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a transaction that reads and
    then writes would otherwise fail with "database is locked" when another writer got in
    between, instead of waiting its turn; writers of this process queue first (_writer_gate).

    ``bulk``: a load whose rows refer only to rows it writes or reads itself, with ids it
    allocates under that lock (``services.importer.write_many``). SQLite then skips its
    per-row foreign-key lookups for this transaction — some 1,900 a report, a sixteenth of a
    bulk import's writer — and checks them again once the connection is back in the pool; the
    tests run ``PRAGMA foreign_key_check`` after bulk imports. PostgreSQL: no difference.
    """
    with _writer_gate(factory.kw.get("bind")), factory.begin() as session:
        session.connection(execution_options={WRITE: True, BULK: bulk})
        yield session


def lock(session: Session, name: str) -> None:
    """Hold a lock on ``name`` until the session's transaction ends, so that writers of the same
    thing (one report's versions) take turns: a PostgreSQL advisory lock; on SQLite the
    write_transaction already holds the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name})


def engine_of(factory: sessionmaker[Session]) -> Engine:
    return factory.kw["bind"]


def close(factory: sessionmaker[Session]) -> None:
    """Release the connections of a factory made by ``open``."""
    engine_of(factory).dispose()
