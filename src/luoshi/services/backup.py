"""Backup and restore of the whole library — reports, outlines, figures, search index, tasks,
progress, ratings, users, tokens, audit log — for SQLite and PostgreSQL alike.

The format is portable, so a backup moves between backends (SQLite ↔ PostgreSQL): a zip with
``manifest.json`` (format, schema revision, luoshi version, source backend, row count per table)
and ``tables/<name>.jsonl``, one JSON object per row, ordered by primary key; dates and times
are ISO strings (times in UTC), JSON columns stay JSON. Every table is read in ONE read
transaction (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: one snapshot of the WAL), so the
backup is consistent while the server keeps writing. Tokens are stored as their hashes and
passwords as argon2 hashes, exactly as in the database: keep backups as safe as the database.

A SQLite database can also be copied as a SQLite file with SQLite's online backup API
(``fmt="sqlite"``, or a PATH ending in .db/.sqlite/.sqlite3): an ordinary database file, which
``luoshi --db sqlite:///PATH`` opens directly and ``restore`` also accepts as a source.

``restore`` loads a backup into an EMPTY database (a new SQLite file, a new PostgreSQL database
or schema; one that is migrated but holds no rows is fine too) inside one transaction — all of
it or nothing — migrating a fresh database to the backup's schema revision first and to the
current one afterwards (so a backup of an older luoshi restores into a newer one). Row ids are
kept (links between rows hold), and PostgreSQL's id sequences are moved past them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .. import __version__, store
from ..errors import LuoshiError

FORMAT = "luoshi-backup"
FORMAT_VERSION = 1
BATCH = 1000
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class BackupError(LuoshiError):
    """Not a backup, a backup this luoshi cannot read, or a target that is not empty."""


@dataclass(frozen=True)
class BackupResult:
    path: str
    format: str  # zip | sqlite
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RestoreResult:
    path: str
    revision: str | None  # the backup's schema revision
    tables: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- values

def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        raise BackupError("binary columns are not supported by the portable format")
    return value


def _typed(column: sa.Column, value: Any) -> Any:
    """A value read from JSON as the column wants it (naive times are UTC)."""
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        v = dt.datetime.fromisoformat(value)
        return v.replace(tzinfo=dt.UTC) if column.type.timezone and v.tzinfo is None else v
    if isinstance(column.type, sa.Date):
        return dt.date.fromisoformat(value)
    return value


def row_dict(table: sa.Table, row: Any) -> dict[str, Any]:
    """A row as the backup writes it (also what tests compare)."""
    return {c.name: _plain(row._mapping[c.name]) for c in table.columns}


def tables() -> list[sa.Table]:
    """The library's tables, parents before children."""
    return list(store.Base.metadata.sorted_tables)


def revision_of(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(store.db.alembic_config())


def head_revision() -> str:
    return _script().get_current_head()


# ---------------------------------------------------------------- backup

def _read_snapshot(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    conn.begin()
    return conn


def _rows(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    q = sa.select(table).order_by(*table.primary_key.columns)
    for row in conn.execution_options(yield_per=BATCH).execute(q):
        yield row_dict(table, row)


def backup(db_url: str | None, path: str | Path, *, fmt: str | None = None) -> BackupResult:
    """Write the whole database at ``db_url`` (migrated to the current schema first, like
    every command) to ``path``: the portable zip, or with ``fmt="sqlite"`` (default for a .db,
    .sqlite or .sqlite3 path) a SQLite file made with SQLite's online backup API."""
    path = Path(path)
    fmt = fmt or ("sqlite" if path.suffix.lower() in SQLITE_SUFFIXES else "zip")
    if fmt not in ("zip", "sqlite"):
        raise BackupError(f"unknown backup format {fmt!r}: zip or sqlite")
    sessions = store.open(db_url)
    engine = store.engine_of(sessions)
    try:
        if fmt == "sqlite":
            return _backup_sqlite(engine, path)
        return _backup_zip(engine, path)
    finally:
        store.close(sessions)


def _backup_zip(engine: Engine, path: Path) -> BackupResult:
    counts: dict[str, int] = {}
    tmp = path.with_name(path.name + ".partial")
    conn = _read_snapshot(engine)
    try:
        revision = revision_of(conn)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for table in tables():
                n = 0
                with zf.open(f"tables/{table.name}.jsonl", "w") as fh:
                    for row in _rows(conn, table):
                        fh.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
                        n += 1
                counts[table.name] = n
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                        "luoshi": __version__, "backend": engine.dialect.name,
                        "created_at": dt.datetime.now(dt.UTC).isoformat(), "tables": counts}
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        conn.rollback()
        conn.close()
    tmp.replace(path)  # a backup file is either complete or absent
    return BackupResult(str(path), "zip", revision, counts)


def _backup_sqlite(engine: Engine, path: Path) -> BackupResult:
    if engine.dialect.name != "sqlite":
        raise BackupError("a SQLite-file backup needs a SQLite database; use a .zip path for PostgreSQL")
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(dst)  # online and consistent: one snapshot of the source
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    tmp.replace(path)
    with store.create(f"sqlite:///{path}").connect() as conn:
        revision = revision_of(conn)
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables()}
    return BackupResult(str(path), "sqlite", revision, counts)


# ---------------------------------------------------------------- reading a backup

class _Source:
    """A backup to restore from: the portable zip or a SQLite file."""

    revision: str | None
    counts: dict[str, int]

    def rows(self, table: sa.Table) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _ZipSource(_Source):
    def __init__(self, path: Path) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
            manifest = json.loads(self.zf.read("manifest.json"))
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as e:
            raise BackupError(f"{path}: not a luoshi backup ({e})") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: not a luoshi backup (format {manifest.get('format')!r})")
        if manifest.get("format_version", 0) > FORMAT_VERSION:
            raise BackupError(f"{path}: written by a newer luoshi (backup format {manifest['format_version']})")
        self.revision = manifest.get("schema_revision")
        self.counts = dict(manifest.get("tables", {}))

    def rows(self, table: sa.Table) -> Iterator[dict[str, Any]]:
        if table.name not in self.counts:
            return
        with self.zf.open(f"tables/{table.name}.jsonl") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    def close(self) -> None:
        self.zf.close()


class _SqliteSource(_Source):
    def __init__(self, path: Path) -> None:
        self.engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        self.conn = self.engine.connect()
        self.conn.begin()
        self.revision = revision_of(self.conn)
        have = set(sa.inspect(self.conn).get_table_names())
        self.counts = {t.name: self.conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                       for t in tables() if t.name in have}

    def rows(self, table: sa.Table) -> Iterator[dict[str, Any]]:
        if table.name in self.counts:
            yield from _rows(self.conn, table)

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


def _source(path: Path) -> _Source:
    try:
        head = path.open("rb").read(16)
    except OSError as e:
        raise BackupError(f"{path}: cannot read ({e.strerror or e})") from None
    if head.startswith(b"PK\x03\x04"):
        return _ZipSource(path)
    if head.startswith(b"SQLite format 3\x00"):
        return _SqliteSource(path)
    raise BackupError(f"{path}: not a luoshi backup (neither a backup zip nor a SQLite database)")


# ---------------------------------------------------------------- restore

def _check_empty(conn: Connection) -> None:
    names = set(sa.inspect(conn).get_table_names())
    full = [t.name for t in tables() if t.name in names
            and conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None]
    if full:
        raise BackupError(f"the target database is not empty ({', '.join(full)} hold rows): restore into a "
                          "new SQLite file or an empty PostgreSQL database")


def _reset_sequences(conn: Connection) -> None:
    for t in tables():
        pk = list(t.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                                 f"coalesce((SELECT max({pk[0].name}) FROM {t.name}), 0) + 1, false)"),
                         {"t": t.name, "c": pk[0].name})


def _rebuild_fts(conn: Connection) -> None:
    """SQLite full-text indexes over a table (FTS5 with external content) are filled by the
    writer, not by triggers: rebuild each from the rows just loaded."""
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                "AND sql LIKE 'CREATE VIRTUAL TABLE%'").all()
    for name, sql in rows:
        low = sql.lower().replace(" ", "")
        if "usingfts5" in low and "content=" in low and "content=''" not in low:
            conn.exec_driver_sql(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')


def restore(path: str | Path, db_url: str | None) -> RestoreResult:
    """Load the backup at ``path`` into the empty database at ``db_url`` (see the module
    docstring); BackupError if it is not a backup or the database is not empty."""
    from alembic.util.exc import CommandError

    path = Path(path)
    src = _source(path)
    engine = store.create(db_url)
    try:
        known = {r.revision for r in _script().walk_revisions()}
        if src.revision is not None and src.revision not in known:
            raise BackupError(f"{path}: schema revision {src.revision} is newer than this luoshi knows; "
                              "restore it with a newer luoshi")
        with engine.connect() as conn:
            current = revision_of(conn)
            _check_empty(conn)
            conn.rollback()
        if current is None or current != src.revision:
            try:  # a fresh database: the backup's schema first
                store.upgrade(engine, src.revision or "head")
            except CommandError as e:
                raise BackupError(f"the target database is at schema revision {current}, the backup at "
                                  f"{src.revision}: restore into a new database ({e})") from None
        counts: dict[str, int] = {}
        with engine.connect().execution_options(**{store.db.WRITE: True}) as conn:
            with conn.begin():
                _check_empty(conn)
                if engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                for table in tables():
                    counts[table.name] = _load(conn, table, src.rows(table))
                    want = src.counts.get(table.name, 0)
                    if counts[table.name] != want:
                        raise BackupError(f"{path}: {table.name} has {counts[table.name]} rows, the manifest "
                                          f"says {want}: the backup is damaged")
                if engine.dialect.name == "postgresql":
                    _reset_sequences(conn)
                else:
                    _rebuild_fts(conn)
        store.upgrade(engine)  # then on to this luoshi's schema
    finally:
        src.close()
        engine.dispose()
    return RestoreResult(str(path), src.revision, counts)


def _load(conn: Connection, table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    cols = {c.name: c for c in table.columns}
    batch: list[dict[str, Any]] = []
    n = 0
    for row in rows:
        batch.append({k: _typed(cols[k], v) for k, v in row.items() if k in cols})
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            n, batch = n + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        n += len(batch)
    return n
