#!/usr/bin/env python3
"""Import speed: N variants of the bundled example imported into a fresh database.

usage: .venv/bin/python bench/bench_import.py [--n N] [--seed S] [--no-postgres]

Writes N variants of the 2024 Liaoning report to a temp dir — the province swapped for another
of data/places.json (辽宁省 → 吉林省, 辽宁 → 吉林), the years shifted back a year for each round
through the provinces (so every variant is a report of its own: a new doc key, not a new
version), and the decimals perturbed — then imports them one by one with
``services.importer.import_file`` (read, outline, extract and link, one transaction each) into a
fresh SQLite file, and into a throwaway database on the PostgreSQL server at
postgres@127.0.0.1:5432 (env LUOSHI_TEST_DATABASE_URL overrides; trust auth) when one answers.
Prints reports/s, figures/s, total and median time per report, and the database's size.
Default N=200. The times are whole imports: parsing (read, outline, extract) and the write.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from sqlalchemy import text

import luoshi
from luoshi import store
from luoshi.services.importer import import_file
from luoshi.store import testing

_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?=\s*年)")
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d)(?!\d)")


def provinces() -> list[tuple[str, str]]:
    """(full name, usual short) of every province-level place in the gazetteer."""
    raw = json.loads((resources.files("luoshi") / "data" / "places.json").read_text(encoding="utf-8"))
    return [(p["name"], p["short"][0]) for p in raw["provinces"]]


def variant(base: str, i: int, places: list[tuple[str, str]], rng: random.Random) -> str:
    """The i-th variant: the i-th province, years shifted back by i // len(places), decimals
    nudged by a digit."""
    name, short = places[i % len(places)]
    shift = i // len(places)
    out = base.replace("辽宁省", name).replace("辽宁", short)
    if shift:
        out = _YEAR.sub(lambda m: str(int(m.group(1)) - shift), out)
    return _DECIMAL.sub(lambda m: f"{m.group(1)}.{(int(m.group(2)) + rng.randint(1, 9)) % 10}", out)


def write_variants(n: int, folder: Path, seed: int) -> list[Path]:
    base = luoshi.sample_path().read_text(encoding="utf-8")
    places, rng = provinces(), random.Random(seed)
    paths = []
    for i in range(n):
        p = folder / f"variant-{i:04d}.txt"
        p.write_text(variant(base, i, places, rng), encoding="utf-8")
        paths.append(p)
    return paths


def run(url: str, files: list[Path], size: Callable[[], int]) -> dict[str, float]:
    """Import every file into the (empty) database at ``url``; times and the final size."""
    factory = store.open(url)
    times, figures = [], 0
    try:
        t0 = time.perf_counter()
        for f in files:
            t = time.perf_counter()
            r = import_file(factory, f)
            times.append(time.perf_counter() - t)
            if r.status != "imported":
                raise SystemExit(f"{f.name}: {r.status} ({r.doc_key}); variants must be new reports")
            figures += r.figures
        total = time.perf_counter() - t0
    finally:
        store.close(factory)
    return {"reports": len(files), "figures": figures, "total_s": total,
            "reports_per_s": len(files) / total, "figures_per_s": figures / total,
            "median_ms": statistics.median(times) * 1000, "db_bytes": size()}


def show(label: str, r: dict[str, float]) -> None:
    print(f"{label:<11} {r['reports']:>5.0f} reports  {r['figures']:>6.0f} figures  "
          f"{r['total_s']:>7.2f} s  {r['reports_per_s']:>6.2f} reports/s  "
          f"{r['figures_per_s']:>7.0f} figures/s  median {r['median_ms']:>6.1f} ms/report  "
          f"DB {r['db_bytes'] / 1e6:>6.1f} MB")


def sqlite_size(path: Path) -> Callable[[], int]:
    return lambda: sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def bench_postgres(files: list[Path]) -> None:
    server = testing.configured_url()
    why = testing.problem(server)
    if why is not None:
        print(f"postgresql  skipped: no server at {server.render_as_string()} ({why})")
        return
    with testing.throwaway_database(server) as db:
        url = db.render_as_string(hide_password=False)

        def size() -> int:
            engine = store.create(url)
            try:
                with engine.connect() as conn:
                    return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
            finally:
                engine.dispose()

        show("postgresql", run(url, files, size))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="number of variants (default 200)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the number perturbation")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    print(f"luoshi {luoshi.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs; {args.n} variants of {luoshi.sample_path().name}")
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        files = write_variants(args.n, Path(tmp), args.seed)
        db = Path(tmp) / "bench.db"
        show("sqlite", run(f"sqlite:///{db}", files, sqlite_size(db)))
        if not args.no_postgres:
            bench_postgres(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
