"""PostgreSQL for tests: a server that answers, a throwaway database in it, a schema per test.

Used by tests/store/conftest.py and meant for any other test package that needs the database.
The server is the one at env LUOSHI_TEST_DATABASE_URL (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); when none answers there, a throwaway
cluster is started from Debian's PostgreSQL binaries (initdb + pg_ctl in a temp dir, unix socket
only) and removed afterwards. Nothing is installed here: scripts/bootstrap.sh installs Debian's
``postgresql`` when neither a server nor the binaries are found.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from .db import resolve_url

ENV_TEST_URL = "LUOSHI_TEST_DATABASE_URL"
DEFAULT_TEST_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Unavailable(RuntimeError):
    """No PostgreSQL server answers and none can be started."""


def configured_url() -> URL:
    return resolve_url(os.environ.get(ENV_TEST_URL, "").strip() or DEFAULT_TEST_URL)


def problem(url: URL, timeout: int = 3) -> str | None:
    """None when a server answers at ``url`` (and lets us in), else why not."""
    engine = create_engine(url, connect_args={"connect_timeout": timeout}, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as e:  # refused, unknown host, auth: all mean "use another server"
        return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    finally:
        engine.dispose()


def bindir() -> Path | None:
    """The newest Debian PostgreSQL bin dir with initdb and pg_ctl, else the ones on PATH."""
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2])
                  if d.split("/")[-2].isdigit() else 0)
    for d in reversed(dirs):
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    return Path(initdb).parent if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent else None


@contextmanager
def throwaway_cluster(bin_dir: Path | None = None) -> Iterator[URL]:
    """Start a PostgreSQL cluster in a temp dir (unix socket in that dir, no TCP); stop and
    remove it on exit. As root it runs as the ``postgres`` user (PostgreSQL refuses root)."""
    bin_dir = bin_dir or bindir()
    if bin_dir is None:
        raise Unavailable("no initdb/pg_ctl found")
    user = None
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no 'postgres' user to run initdb as") from None
        user = pw.pw_name
    tmp = Path(tempfile.mkdtemp(prefix="luoshi-pg-"))
    if user:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    data, log, port = tmp / "data", tmp / "log", "5432"

    def run(*args: str) -> None:
        r = subprocess.run(args, user=user, capture_output=True, text=True, cwd=tmp, timeout=120)
        if r.returncode:
            raise Unavailable(f"{Path(args[0]).name} failed: {(r.stderr or r.stdout).strip()[-500:]}")

    started = False
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
            f"-k {tmp} -p {port} -c listen_addresses='' -c fsync=off", "start")
        started = True
        yield URL.create("postgresql+psycopg", username="postgres", database="postgres",
                         query={"host": str(tmp), "port": port})
    finally:
        if started:
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           user=user, capture_output=True, cwd=tmp, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[URL]:
    """The configured server if it answers, else a throwaway cluster; Unavailable if neither."""
    url = configured_url()
    why = problem(url)
    if why is None:
        yield url
        return
    if bindir() is None:
        raise Unavailable(f"no PostgreSQL answers at {url.render_as_string()} ({why}) and no initdb "
                          "to start one: run scripts/bootstrap.sh (installs Debian's postgresql)")
    with throwaway_cluster() as u:
        yield u


@contextmanager
def throwaway_database(server: URL) -> Iterator[URL]:
    """A new, uniquely named database on ``server``, dropped on exit."""
    name = f"luoshi_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def schema_url(database: URL, schema: str | None = None) -> URL:
    """Create an empty schema in ``database``; the URL returned works in it alone (search_path),
    so each test starts from an empty database without creating one."""
    schema = schema or f"t_{secrets.token_hex(6)}"
    engine = create_engine(database, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    return database.update_query_dict({"options": f"-csearch_path={schema}"})
