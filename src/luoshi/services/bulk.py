"""Bulk import: many report files, parsed in worker processes, written by this one.

Why this shape: parsing is pure CPU and parallelises; writing is one transaction per batch of
documents from this process (SQLite has a single writer anyway; on PostgreSQL a few batches are
written at once, in threads), so a crash or Ctrl-C loses no finished document and leaves no
half-written one. Files whose bytes are already in the library are
skipped by their SHA-256 before any parsing, which makes a re-run idempotent and an
interrupted run resumable: it does only what is left. Results come out in input order, so the
order of versions of one report does not depend on which worker finished first.
"""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError, LuoshiError
from ..ingest import SUPPORTED, size_limit
from ..outline import given
from ..store.models import Report, ReportFigure
from . import importer
from .importer import ImportResult, Prepared

LEVELS = given.LEVELS
# fewer files than this are parsed in this process: the first pool of a process starts the fork
# server (a fresh interpreter that imports luoshi and parses a sample, see _context), most of a
# second, some 25 parses
POOL_MIN = 16
# parsed reports are written BATCH at a time (or what BATCH_SECONDS gathered) in one transaction:
# on SQLite the commit and the search index's flush of its pending terms (one segment a batch,
# migration 0008) cost about what a report's rows do, and fewer, larger segments leave FTS5
# less merging; 32 measured a little faster than 16, 64 took 8.5 % fewer of the writer's
# instructions than 32 (callgrind, README "Import")
BATCH = 64
BATCH_SECONDS = 2.0
TAIL_MIN = 8  # the smallest of the last batches (see import_files)
WORKER_NICE = int(os.environ.get("LUOSHI_WORKER_NICE", "10"))  # see _worker_init
# the manifest and the flags are the outline package's (shared with outline, extract and plan)
read_manifest, overrides_from, MANIFEST_COLUMNS = given.read_manifest, given.overrides_from, given.MANIFEST_COLUMNS


@dataclass(frozen=True)
class Item:
    """One file to import: ``label`` is how it was named (what the output shows)."""

    label: str
    path: Path
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    label: str
    status: str  # imported | replaced | unchanged | failed
    result: ImportResult | None = None
    error: str | None = None  # one line: the file and the reason
    bad_input: bool = False  # the file is not a readable report (vs. a failure of the write)
    duplicate_of: str | None = None  # same bytes as this earlier file of the run


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("imported", "replaced", "relabelled", "unchanged", "failed"), 0))
    failures: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    files: int = 0

    def add(self, o: Outcome) -> None:
        self.counts[o.status] += 1
        if o.status == "failed":
            self.failures.append(o)


def collect(named: Iterable[tuple[str, Path]], *, recursive: bool = False) -> list[tuple[str, Path]]:
    """Files to import: a directory stands for the supported files in it (below it with
    ``recursive``), sorted; hidden files are left out. Plain files are kept as given."""
    out: list[tuple[str, Path]] = []
    for label, path in named:
        if not path.is_dir():
            out.append((label, path))
            continue
        found = path.rglob("*") if recursive else path.iterdir()
        files = sorted(f for f in found if f.suffix.lower() in SUPPORTED and f.is_file()
                       and not any(part.startswith(".") for part in f.relative_to(path).parts))
        out += [(str(f), f) for f in files]
    return out


def plan(named: Iterable[tuple[str, Path]], *, overrides: Mapping[str, Any] | None = None,
         manifest: Mapping[Path, Mapping[str, Any]] | None = None) -> list[Item]:
    """Items with their overrides: the flags', then the file's manifest row on top (a manifest
    row matches by path, else by file name when only one row has that name)."""
    row_of = given.row_finder(manifest or {})
    items = []
    for label, path in named:
        row = row_of(path)
        items.append(Item(label, path, {**(overrides or {}), **(row or {})}))
    return items


def _sha256(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read (``prepare`` then says why)."""
    try:
        limit = size_limit()
        if not path.is_file() or path.stat().st_size > limit:
            return None
        h, seen = hashlib.sha256(), 0
        with path.open("rb") as fh:  # at most limit+1 bytes, whatever stat said
            while chunk := fh.read(min(1 << 20, limit + 1 - seen)):
                h.update(chunk)
                seen += len(chunk)
                if seen > limit:
                    return None
        return h.hexdigest()
    except (OSError, LuoshiError):
        return None


def _known(factory: sessionmaker[Session], sha: str, overrides: Mapping[str, Any] | None = None) -> ImportResult | None:
    """The stored report with these bytes (the current version first), if any — and if it is
    filed as ``overrides`` say: metadata that differ are a correction, to be parsed and written
    (importer: "relabelled"), not skipped."""
    with factory() as s:
        r = s.execute(select(Report.id, Report.version, Report.doc_key, Report.region, Report.plan_year,
                             *(getattr(Report, k) for k in overrides or {}))
                      .where(Report.sha256 == sha)
                      .order_by(Report.is_current.desc(), Report.version.desc()).limit(1)).first()
        if r is None:
            return None
        if any(_stored(getattr(r, k)) != _stored(v) for k, v in (overrides or {}).items()):
            return None
        n = s.scalar(select(func.count()).select_from(ReportFigure).where(ReportFigure.report_id == r.id)) or 0
        return ImportResult("unchanged", r.id, n, r.version, r.doc_key, r.region, r.plan_year)


def _hashed(factory: sessionmaker[Session], items: Sequence[Item]) -> Iterator[tuple[Item, str | None, bool]]:
    """Each item with its file's hash and whether the library holds those bytes: hashed and
    looked up LOOKAHEAD files at a time, one query for many (a query a file cost the single
    writer process as much as a tenth of a report's write)."""
    for i in range(0, len(items), LOOKAHEAD):
        chunk = items[i:i + LOOKAHEAD]
        shas = [_sha256(item.path) for item in chunk]
        with factory() as s:
            stored = set(s.scalars(select(Report.sha256).where(Report.sha256.in_({x for x in shas if x}))))
        yield from ((item, sha, sha in stored) for item, sha in zip(chunk, shas))


LOOKAHEAD = 256


def _stored(v: Any) -> Any:
    """A metadata value as a column holds it (a manifest's date is text, the column's a date)."""
    return v.isoformat() if hasattr(v, "isoformat") else None if v in (None, "") else str(v)


@dataclass
class _Failed:
    error: str
    bad_input: bool


def _prepare(path: str, overrides: Mapping[str, Any], source: str) -> Prepared | _Failed:
    """Worker side: parse one file; failures come back as values (InputError does not pickle)."""
    try:
        return importer.prepare(path, overrides, source=source)
    except InputError as e:
        return _Failed(str(e), True)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop the others
        return _Failed(f"{path}: {type(e).__name__}: {e}", False)


def _worker_init(env: Mapping[str, str], cwd: str, nice: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them once the current write is done, and
    yield the CPU to it: the single writer is the bottleneck, parsers only need to keep ahead.
    A worker forked from the fork server takes this process's settings (LUOSHI_* variables such
    as the size limits, the working directory) as they are now, not as when that server
    started; its collector skips what the server loaded (``gc.freeze``) and runs less often: a
    parse makes many objects and leaves few cycles."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for k in [k for k in os.environ if k.startswith("LUOSHI_") and k not in env]:
        del os.environ[k]
    os.environ.update(env)
    os.chdir(cwd)
    gc.freeze()
    gc.set_threshold(*WORKER_GC)
    if nice and hasattr(os, "nice"):
        os.nice(nice)


WORKER_GC = (20_000, 20, 100)  # gc thresholds in a worker (Python's default: 700, 10, 10)


def _context() -> BaseContext:
    """Where workers come from: a fork server that has imported luoshi and parsed a sample
    (``services.warm``), so a worker starts warm in milliseconds instead of importing and
    loading the data files for most of a second; spawn where there is no fork server (Windows)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["luoshi.services.warm"])
    return ctx


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn or forkserver: workers start clean (no copy of this process's database connections
    # or threads)
    env = {k: v for k, v in os.environ.items() if k.startswith("LUOSHI_")}
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_worker_init,
                               initargs=(env, os.getcwd(), WORKER_NICE))


@dataclass
class _Job:
    item: Item
    kind: str  # parse | known | duplicate
    future: Future | None = None
    known: ImportResult | None = None
    first: str | None = None  # label of the earlier file with the same bytes
    attempts: int = 1


def writers_for(factory: sessionmaker[Session], workers: int) -> int:
    """How many batches are written at once by default: one on SQLite (a single writer
    anyway); on PostgreSQL as many as parse workers, up to MAX_WRITERS — a writer spends most
    of a batch waiting for the server (foreign-key checks, the trigram index), so a second one
    keeps the server and the parsers busy meanwhile."""
    if factory.kw["bind"].dialect.name != "postgresql":
        return 1
    return max(1, min(MAX_WRITERS, workers))


MAX_WRITERS = 4


def import_files(factory: sessionmaker[Session], items: Sequence[Item], *, workers: int = 1,
                 on_outcome: Callable[[Outcome], None] | None = None, writers: int | None = None) -> Summary:
    """Import ``items`` (see ``plan``): parse in ``workers`` processes (in this one for fewer
    than POOL_MIN files), write from this one — up to BATCH reports a transaction, each report
    whole or not at all; when a batch fails its reports are written one transaction each, so one
    bad write fails only its own file — and report each outcome in input order, once written.

    ``writers`` (default ``writers_for``) batches may be written at once, each in a thread with
    its own connection; a batch holding a version of a report that an earlier batch still being
    written also holds waits for it, so versions keep their input order.

    Ctrl-C (KeyboardInterrupt) stops after the batches being written are done — each committed
    whole and reported, or rolled back whole and not reported; the summary says ``interrupted``
    and a re-run picks up where this one stopped.
    """
    summary = Summary(files=len(items))
    writers = writers_for(factory, workers) if writers is None else max(1, writers)
    writing = ThreadPoolExecutor(writers, thread_name_prefix="luoshi-writer") if writers > 1 else None
    # even one worker pays: it parses the next file while this process writes the last one
    pool = _pool(workers) if len(items) >= POOL_MIN else None
    # jobs dispatched ahead: the batch being held plus as many again, so the workers go on
    # parsing the next batch while this process writes one (a window of one batch left them idle)
    window = 2 * BATCH + 4 * workers
    queue: deque[_Job] = deque()
    seen: dict[str, str] = {}
    done: dict[str, Outcome] = {}
    todo = _hashed(factory, items)

    def dispatch(hashed: tuple[Item, str | None, bool]) -> _Job:
        item, sha, stored = hashed
        if sha is not None:
            if sha in seen:
                return _Job(item, "duplicate", first=seen[sha])
            seen[sha] = item.label
            known = _known(factory, sha, item.overrides) if stored else None
            if known is not None:
                return _Job(item, "known", known=known)
        job = _Job(item, "parse")
        if pool is not None:
            job.future = pool.submit(_prepare, str(item.path), dict(item.overrides), item.path.name)
        return job

    def parsed(job: _Job) -> Prepared | _Failed:
        nonlocal pool
        while True:
            if job.future is None:
                return _prepare(str(job.item.path), dict(job.item.overrides), job.item.path.name)
            try:
                return job.future.result()
            except BrokenProcessPool:  # a worker died (killed, crashed in a native library)
                if job.attempts >= 2:
                    return _Failed(f"{job.item.path}: the worker process parsing it died", False)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(workers)
                for j in (job, *queue):
                    if j.kind == "parse":
                        j.attempts += 1
                        j.future = pool.submit(_prepare, str(j.item.path), dict(j.item.overrides),
                                               j.item.path.name)

    def settle(job: _Job) -> Outcome | Prepared:
        """The job's outcome when it needs no write, else what to write."""
        label = job.item.label
        if job.kind == "known":
            return Outcome(label, "unchanged", job.known)
        if job.kind == "duplicate":
            first = done.get(job.first or "")
            if first is None or first.result is None:
                return Outcome(label, "failed", error=f"{label}: same bytes as {job.first}, which failed",
                               bad_input=bool(first and first.bad_input), duplicate_of=job.first)
            return Outcome(label, "unchanged", first.result, duplicate_of=job.first)
        p = parsed(job)
        if isinstance(p, _Failed):
            return Outcome(label, "failed", error=p.error, bad_input=p.bad_input)
        return p

    def write_one(label: str, p: Prepared) -> Outcome:
        try:
            r = importer.write(factory, p)
        except SQLAlchemyError as e:
            reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
            return Outcome(label, "failed", error=f"{label}: database: {reason}")
        except Exception as e:  # noqa: BLE001 - the transaction rolled back; go on with the others
            return Outcome(label, "failed", error=f"{label}: {type(e).__name__}: {e}")
        return Outcome(label, r.status, r)

    def write_batch(preps: list[tuple[_Job, Prepared]]) -> dict[int, Outcome]:
        """The outcome of each prepared job (by ``id``): the batch in one transaction, else (it
        failed) one transaction each, which names the file that fails."""
        if len(preps) > 1:
            try:
                results = importer.write_many(factory, [p for _, p in preps])
                return {id(job): Outcome(job.item.label, r.status, r) for (job, _), r in zip(preps, results)}
            except Exception:  # noqa: BLE001 - retried one by one below
                pass
        return {id(job): write_one(job.item.label, p) for job, p in preps}

    def emit(job: _Job, outcome: Outcome) -> None:
        done[job.item.label] = outcome
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    held: list[_Job] = []  # parsed (or settled) jobs not yet written, in input order
    started = 0.0
    # batches being written (with ``writing``), oldest first: their jobs as settled, the write,
    # and the doc keys they hold
    pending: deque[tuple[list[tuple[_Job, Any]], Future, set[str]]] = deque()

    def report(settled: list[tuple[_Job, Any]], written: dict[int, Outcome]) -> None:
        for job, x in settled:
            if x is None:  # a duplicate: its first file's outcome is known by now
                x = settle(job)
            if isinstance(x, Prepared):
                x = written[id(job)]
            emit(job, x)

    def report_oldest() -> None:
        settled, write, _keys = pending[0]
        written = write.result()  # a KeyboardInterrupt raised while writing comes out here
        pending.popleft()
        report(settled, written)

    def flush() -> None:
        """Write the held jobs' reports in one transaction (one each if that fails) — here, or
        in a writer thread — and report every held job's outcome in input order."""
        settled: list[tuple[_Job, Outcome | Prepared | None]] = []
        stop: KeyboardInterrupt | None = None
        for job in held:
            try:
                settled.append((job, settle(job) if job.kind != "duplicate" else None))
            except KeyboardInterrupt as e:  # in a parse: write what is parsed, then stop
                stop = e
                break
        held.clear()
        preps = [(job, x) for job, x in settled if isinstance(x, Prepared)]
        if writing is None:
            report(settled, write_batch(preps))
        else:
            keys = {p.key for _, p in preps}
            while pending and (len(pending) >= writers or any(keys & k for _, _, k in pending)):
                report_oldest()
            pending.append((settled, writing.submit(write_batch, preps), keys))
        if stop is not None:
            raise stop

    exhausted = False
    try:
        while True:
            while not exhausted and len(queue) < window:
                nxt = next(todo, None)
                if nxt is None:
                    exhausted = True
                else:
                    queue.append(dispatch(nxt))
            if not queue:
                break
            job = queue.popleft()
            if not held:
                started = time.monotonic()
            held.append(job)
            parsing = sum(j.kind == "parse" for j in held)
            # the last files go in smaller batches, half of what is left each: the workers parse
            # the rest while one is written, instead of idling through a last whole batch's write
            limit = BATCH if not exhausted else min(BATCH, max(TAIL_MIN, (parsing + len(queue)) // 2))
            if parsing >= limit or time.monotonic() - started >= BATCH_SECONDS or not queue:
                flush()
        if held:
            flush()
        while pending:
            report_oldest()
    except KeyboardInterrupt:
        summary.interrupted = True
        while pending:  # written whole or not at all by now: report what was
            settled, write, _keys = pending.popleft()
            try:
                report(settled, write.result())
            except KeyboardInterrupt:
                pass
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if writing is not None:
            writing.shutdown(wait=True)
    if summary.counts["imported"] + summary.counts["replaced"] + summary.counts["relabelled"] >= POOL_MIN:
        _analyze(factory)
    return summary


def _analyze(factory: sessionmaker[Session]) -> None:
    """Fresh planner statistics after a large load: PostgreSQL otherwise plans searches for
    the empty tables it last sampled (nested loops over every hit) until autovacuum comes by."""
    with factory() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("ANALYZE reports, outline_nodes, figures, search_entries"))
            s.commit()
