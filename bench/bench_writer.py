#!/usr/bin/env python3
"""The import's write side alone: CPU a report of writing N parsed reports, batches as bulk
import writes them, into a fresh database — no parsing, no workers, so a change to the writer
is measured without the parsers' noise.

usage: .venv/bin/python bench/bench_writer.py [--n 300] [--url URL] [--profile FILE] [--cache FILE]

Parses the library of bench_import.py once (``--cache`` keeps the parsed reports, pickled as the
workers send them, for the next run) and then, in this process: unpickles each report (the
writer's share of the trip from a worker) and writes them BATCH at a time with
``importer.write_many``. Prints the CPU (``os.times``, user + system) and wall time a report;
``--profile`` writes a cProfile of the write loop.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import write_library  # noqa: E402

from luoshi import store  # noqa: E402
from luoshi.services import bulk, importer  # noqa: E402


def parsed(n: int, cache: Path | None) -> list[bytes]:
    """The library's reports, parsed and pickled one by one."""
    if cache is not None and cache.exists():
        blobs = pickle.loads(cache.read_bytes())
        if len(blobs) >= n:
            return blobs[:n]
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        files = write_library(n, Path(tmp), 0)
        blobs = [pickle.dumps(importer.prepare(f, source=f.name), pickle.HIGHEST_PROTOCOL) for f in files]
    if cache is not None:
        cache.write_bytes(pickle.dumps(blobs))
    return blobs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--url", help="database (default: a fresh SQLite file)")
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--cache", type=Path)
    a = ap.parse_args(argv)
    blobs = parsed(a.n, a.cache)
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        factory = store.open(a.url or f"sqlite:///{tmp}/w.db")
        try:
            prof = cProfile.Profile(time.process_time) if a.profile else None  # CPU, not wall
            c0, t0 = os.times(), time.perf_counter()
            if prof:
                prof.enable()
            for i in range(0, len(blobs), bulk.BATCH):
                importer.write_many(factory, [pickle.loads(b) for b in blobs[i:i + bulk.BATCH]])
            if prof:
                prof.disable()
                prof.dump_stats(a.profile)
            wall, c1 = time.perf_counter() - t0, os.times()
        finally:
            store.close(factory)
    n = len(blobs)
    cpu = c1.user + c1.system - c0.user - c0.system
    print(f"{n} reports written: CPU {cpu * 1000 / n:.2f} ms a report "
          f"(user {(c1.user - c0.user) * 1000 / n:.2f}, system {(c1.system - c0.system) * 1000 / n:.2f}), "
          f"wall {wall * 1000 / n:.2f} ms a report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
