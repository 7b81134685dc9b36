#!/usr/bin/env python3
"""Migration 0011 (stored offsets follow the reader that joins hard-wrapped lines) on a library
of N reports, W of them hard-wrapped and imported by the reader before the join.

usage: .venv/bin/python bench/bench_reread.py [--n 2000] [--wrapped 10] [--postgres] [--every]

The W wrapped reports (the twelve real 2026 reports of ../shared, the bundled example and the
documents of tests/corpus and tests/heldout, in that order, broken into lines of 30, 38 or 46
characters) and three plain ones are imported whole (outline,
figures, search rows, qualitative targets) with their tasks drafted, at the revision before;
the rest of N are report rows only (the same texts, numbered), which is all the migration reads
of a report it leaves alone. Prints the upgrade's wall and CPU time on SQLite (a temp file) and,
with --postgres, on a throwaway database (luoshi.store.testing). ``--every`` skips the cheap test
and reads every report again, for comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import tempfile
import time
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

import luoshi
import luoshi.ingest
from luoshi import store
from luoshi.services.importer import import_file
from luoshi.store import testing
from luoshi.store.db import alembic_config
from luoshi.track import services as S

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "extract"))
from textvariants import pdf_lines  # noqa: E402


def texts() -> list[Path]:
    """The twelve real 2026 reports (../shared, when beside the checkout) first, then the
    bundled example and the test documents."""
    return [*sorted((ROOT.parent / "shared" / "real" / "docs").glob("*.txt")), luoshi.sample_path(),
            *sorted((ROOT / "tests" / "corpus").glob("*.txt")), *sorted((ROOT / "tests" / "heldout").glob("*.txt"))]


def build(url: str, folder: Path, n: int, wrapped: int, migration) -> object:
    engine = store.create(url)
    store.upgrade(engine, migration.down_revision)
    sources = texts()
    paths = []
    for i, src in enumerate(sources[:wrapped]):
        p = folder / f"w{i}-{src.name}"
        p.write_text(pdf_lines(src.read_text("utf-8"), 30 + i % 3 * 8), "utf-8")
        paths.append(p)
    paths += sources[wrapped:wrapped + 3]
    join = luoshi.ingest.unwrap
    luoshi.ingest.unwrap = lambda t, offsets: (t, offsets)  # the reader before the join
    try:
        factory = sessionmaker(engine, expire_on_commit=False)
        ids = [import_file(factory, p).report_id for p in paths]
        with store.write_transaction(factory) as s:
            for i in ids:
                S.tasks_from_report(s, i, S.SYSTEM)
    finally:
        luoshi.ingest.unwrap = join
    originals = [p.read_text("utf-8") for p in sources]
    with engine.begin() as conn:
        rows = []
        for i in range(n - len(paths)):
            o = f"{originals[i % len(originals)]}\n（{i}）"
            rows.append({"k": f"bench|{i}", "doc": f"bench{i}", "o": o, "sha": hashlib.sha256(o.encode()).hexdigest()})
        if rows:
            conn.execute(text("INSERT INTO reports (doc_key, doc, source, format, sha256, original, version, "
                              "is_current) VALUES (:k, :doc, 'bench.txt', 'txt', :sha, :o, 1, true)"), rows)
    return engine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--wrapped", type=int, default=10)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--every", action="store_true")
    args = ap.parse_args()
    handler = logging.StreamHandler()
    handler.addFilter(lambda record: record.getMessage().startswith("0011"))  # its count only
    logging.getLogger("alembic.runtime.migration").addHandler(handler)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    scripts = ScriptDirectory.from_config(alembic_config())
    migration = next(s for s in scripts.walk_revisions() if hasattr(s.module, "_could_change"))
    if args.every:  # the cheap test says yes to all (alembic loads the migration afresh: patch what it calls)
        sys.modules["luoshi.ingest.unwrap"].layout = lambda t: True
    with tempfile.TemporaryDirectory() as tmp:
        urls = [("SQLite", f"sqlite:///{tmp}/library.db")]
        with testing.postgres_server() if args.postgres else _none() as server, \
                testing.throwaway_database(server) if args.postgres else _none() as db:
            if db is not None:
                urls.append(("PostgreSQL", db))
            for name, url in urls:
                engine = build(url, Path(tmp), args.n, args.wrapped, migration)
                wall, cpu = time.perf_counter(), time.process_time()
                store.upgrade(engine)
                print(f"{name}: {args.n} reports, {args.wrapped} wrapped: upgrade {time.perf_counter() - wall:.2f} s, "
                      f"{time.process_time() - cpu:.2f} s CPU")
                engine.dispose()


class _none:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
