"""kill -9: what a crashed process leaves behind.

- SQLite in WAL mode, killed while writing progress updates in a loop: the database is intact
  (integrity_check, the FTS5 index's own check), every write the child acknowledged (printed
  after its commit) is there with its audit entry, at most one more (committed, not yet
  printed), and the database takes new writes. Several rounds on one file.
- ``luoshi import`` killed at a random moment and at fixed points inside its transaction (after
  the figures, just before the commit, and while replacing a report's version), on SQLite and
  PostgreSQL: either nothing of the report or all of it, the old version still current, and a
  re-run imports cleanly.
- ``luoshi import DIR --recursive --workers 2`` killed with its workers mid-way: every
  acknowledged document is complete, a second run finishes the rest, every document once.
  (tests/services/test_bulk_import.py covers Ctrl-C inside the process; this is the crash.)

The kill moments are random; the seed is printed in every assertion message (set
LUOSHI_KILL_SEED to replay one).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

import luoshi
from luoshi import store
from luoshi.services import bulk, importer
from luoshi.store import Report, ReportFigure, ReportNode, SearchEntry
from luoshi.track import services as S

HERE = Path(__file__).parent
CHILD = str(HERE / "kill_child.py")
LUOSHI = str(Path(sys.executable).with_name("luoshi"))  # this environment's console script


@pytest.fixture
def rng() -> random.Random:
    seed = int(os.environ.get("LUOSHI_KILL_SEED") or int.from_bytes(os.urandom(4), "big"))
    r = random.Random(seed)
    r.seed_value = seed  # type: ignore[attr-defined]
    return r


class Child:
    """A process in a session of its own (so that SIGKILL reaches its workers too) whose stdout
    lines are collected as they come."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", start_new_session=True)
        self.lines: list[str] = []
        self.err = ""
        self._out = threading.Thread(target=self._read, daemon=True)
        self._out.start()
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._err.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill was never acknowledged
                self.lines.append(line.rstrip("\n"))

    def _read_err(self) -> None:
        self.err = self.proc.stderr.read()

    def wait_lines(self, n: int, timeout: float = 120) -> None:
        """Until ``n`` lines are out (or the child has ended: then fail with its stderr)."""
        end = time.monotonic() + timeout
        while len(self.lines) < n:
            if self.proc.poll() is not None:
                self._out.join(5)
                self._err.join(5)
                if len(self.lines) >= n:
                    return
                pytest.fail(f"child ended ({self.proc.returncode}) after {len(self.lines)} lines: {self.err[-2000:]}")
            if time.monotonic() > end:
                self.kill()
                pytest.fail(f"child gave {len(self.lines)} of {n} lines in {timeout} s")
            time.sleep(0.005)

    def kill(self) -> list[str]:
        """SIGKILL the child's whole session; every complete line it wrote."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self._out.join(30)
        self._err.join(30)
        return list(self.lines)


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def check_sqlite(path: Path) -> sqlite3.Connection:
    """The file after a crash, opened by plain sqlite3 (which recovers the WAL): intact."""
    con = sqlite3.connect(path, isolation_level=None)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")  # raises if corrupt
    return con


# -- (a) SQLite WAL, killed during writes -------------------------------------------------------

def test_sqlite_wal_survives_kill_during_writes(tmp_path, rng):
    url = f"sqlite:///{tmp_path / 'luoshi.db'}"
    factory = store.open(url)
    with factory() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"  # what store/db.py sets
    report = importer.import_file(factory, luoshi.sample_path())
    with store.write_transaction(factory) as s:
        S.tasks_from_report(s, report.report_id, S.SYSTEM)
    store.close(factory)
    why = f"seed {rng.seed_value}"

    acked: dict[int, str] = {}
    unacked: set[int] = set()  # committed, killed before printing: at most one a round
    for _ in range(3):
        child = Child([sys.executable, CHILD, "writer", url])
        child.wait_lines(rng.randint(1, 100))  # a random number of writes (~10 ms each) …
        time.sleep(rng.uniform(0, 0.02))  # … and a random part of the next one
        lines = child.kill()
        assert sqlite_path(url).with_name("luoshi.db-wal").exists(), why  # killed with a live WAL
        for line in lines:
            i, n = line.split()
            acked[int(i)] = f"kill-test {n}"
        con = check_sqlite(sqlite_path(url))
        rows = dict(con.execute("SELECT id, narrative FROM progress_updates"))
        audited = {int(x) for (x,) in con.execute(
            "SELECT entity_id FROM audit_log WHERE entity = 'progress_update'")}
        con.close()
        assert {i: rows.get(i) for i in acked} == acked, why  # every acknowledged write, intact
        assert audited == set(rows), why  # each update with its audit entry, never one alone
        new = set(rows) - set(acked) - unacked
        assert len(new) <= 1 and all(i > max(acked) for i in new), (why, new)  # the last one only
        unacked |= new

    factory = store.open(url)  # and it takes new writes
    try:
        with store.write_transaction(factory) as s:
            got = S.report_progress(s, S.list_tasks(s)[0].id, S.ProgressInput(
                reported_on=dt.date.today(), status="completed", narrative="after the crashes"), S.SYSTEM, None)
    finally:
        store.close(factory)
    con = check_sqlite(sqlite_path(url))
    assert con.execute("SELECT narrative FROM progress_updates WHERE id = ?", (got.id,)).fetchone() \
        == ("after the crashes",)
    assert con.execute("SELECT count(*) FROM progress_updates").fetchone() == (len(rows) + 1,)
    con.close()


# -- (b) a killed import ------------------------------------------------------------------------

def provinces() -> list[tuple[str, str]]:
    """(full name, short name) of the gazetteer's provinces other than the example's."""
    raw = json.loads((resources.files("luoshi") / "data" / "places.json").read_text(encoding="utf-8"))
    return [(p["name"], p["short"][0]) for p in raw["provinces"] if p["name"] != "辽宁省"]


_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?=\s*年)")


def variant(i: int) -> str:
    """The example as another province's report (and, past the last province, a year earlier):
    a report of its own for each i."""
    places = provinces()
    name, short = places[i % len(places)]
    out = luoshi.sample_path().read_text("utf-8").replace("辽宁省", name).replace("辽宁", short)
    shift = i // len(places)
    return _YEAR.sub(lambda m: str(int(m.group(1)) - shift), out) if shift else out


def counts(factory) -> tuple[int, int, int, int]:
    with factory() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Report, ReportNode, ReportFigure, SearchEntry))


def rows_of(path: Path) -> tuple[int, int, int, int]:
    """What importing ``path`` adds: the report, its outline nodes, figures and search rows."""
    p = importer.prepare(path)
    return 1, len(p.nodes), len(p.figures), len(p.entries)


def plus(a, b):
    return tuple(x + y for x, y in zip(a, b))


def currents(factory) -> dict[str, list[int]]:
    """doc_key → its current versions (must be exactly one each)."""
    out: dict[str, list[int]] = {}
    with factory() as s:
        for key, version in s.execute(select(Report.doc_key, Report.version).where(Report.is_current)):
            out.setdefault(key, []).append(version)
    return out


def test_killed_import_leaves_the_database_as_before(db_url, tmp_path, rng):
    files = []
    for i in range(4):
        files.append(tmp_path / f"r{i}.txt")
        files[-1].write_text(variant(i), "utf-8")
    newer = tmp_path / "r0-v2.txt"  # the next version of r0's report (same doc key)
    newer.write_text(variant(0) + "\n全省新增就业50万人。\n", "utf-8")
    # (file, how the child runs, pause point or the random delay)
    rounds = [(files[0], "cli", rng.uniform(0.2, 3.0)), (files[1], "cli", rng.uniform(0.2, 3.0)),
              (files[2], "paused", "figures"), (files[3], "paused", "commit"), (newer, "paused", "commit")]
    factory = store.open(db_url)
    why = f"seed {rng.seed_value}, {db_url.split(':')[0]}"
    try:
        for path, how, when in rounds:
            before, adds = counts(factory), rows_of(path)
            current_before = currents(factory)
            if how == "cli":
                child = Child([LUOSHI, "import", str(path), "--db", db_url])
                time.sleep(when)
                child.kill()
            else:
                child = Child([sys.executable, CHILD, "import", db_url, str(path), when])
                child.wait_lines(1)
                assert child.lines[0] == f"paused {when}"
                child.kill()
            after = counts(factory)
            whole = plus(before, adds)
            if how == "paused":
                assert after == before, why  # killed inside the transaction: nothing of it
                assert currents(factory) == current_before, why  # the old version still current
            else:
                assert after in (before, whole), (why, when, before, after)
            if db_url.startswith("sqlite"):
                check_sqlite(sqlite_path(db_url)).close()
            again = importer.import_file(factory, path)  # a re-run imports cleanly
            assert again.status in (("replaced",) if path == newer else ("imported", "unchanged")), why
            assert (again.status == "unchanged") == (after == whole), why
            assert counts(factory) == whole, why
            assert all(len(v) == 1 for v in currents(factory).values()), why
        with factory() as s:
            versions = s.execute(select(Report.source, Report.version, Report.is_current)
                                 .order_by(Report.source)).all()
        assert [tuple(v) for v in versions] == [("r0-v2.txt", 2, True), ("r0.txt", 1, False),
                                                ("r1.txt", 1, True), ("r2.txt", 1, True), ("r3.txt", 1, True)]
    finally:
        store.close(factory)


# -- (c) a killed bulk import -------------------------------------------------------------------

def test_bulk_import_killed_with_its_workers_then_resumed(tmp_path, rng):
    # enough files for the worker pool to start and for more than two write transactions (the
    # importer may write several reports a transaction: bulk.BATCH)
    batch = getattr(bulk, "BATCH", 1)
    n = max(bulk.POOL_MIN, 2 * batch) + 2
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    files = []
    for i in range(n):
        files.append((root / "sub" if i % 3 == 0 else root) / f"r{i:02d}.txt")
        files[-1].write_text(variant(i), "utf-8")
    adds = {p.name: rows_of(p) for p in files}
    url = f"sqlite:///{tmp_path / 'luoshi.db'}"
    store.close(store.open(url))  # migrated, so the child's time goes to the import
    why = f"seed {rng.seed_value}"

    child = Child([LUOSHI, "import", str(root), "--recursive", "--workers", "2", "--db", url])
    child.wait_lines(1)  # a first transaction is in …
    time.sleep(rng.uniform(0, 1.0))  # … and the next ones are being parsed or written
    lines = child.kill()  # the parent and both workers
    acked = {Path(json.loads(x)["file"]).name for x in lines}
    assert all(json.loads(x)["status"] == "imported" for x in lines), why

    factory = store.open(url)
    try:
        with factory() as s:
            present = set(s.scalars(select(Report.source)))  # sources are the file names
        assert acked <= present, why  # every acknowledged document is in
        assert len(present - acked) <= batch, why  # at most the transaction being printed
        assert counts(factory) == tuple(map(sum, zip(*(adds[p] for p in present)))), why  # each whole
        check_sqlite(sqlite_path(url)).close()

        r = subprocess.run([LUOSHI, "import", str(root), "-r", "--workers", "2", "--db", url],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        status = {Path(json.loads(x)["file"]).name: json.loads(x)["status"] for x in r.stdout.splitlines()}
        assert status == {p.name: "unchanged" if p.name in present else "imported" for p in files}, why
        with factory() as s:
            shas = list(s.scalars(select(Report.sha256)))
            keys = list(s.scalars(select(Report.doc_key)))
        assert len(shas) == len(set(shas)) == len(keys) == len(set(keys)) == n  # each document once
        assert counts(factory) == tuple(map(sum, zip(*adds.values())))
    finally:
        store.close(factory)
