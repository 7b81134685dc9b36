#!/usr/bin/env python3
"""Import speed: a library of N reports (the other documents luoshi has, variants of the bundled
example for the rest) bulk-imported into a fresh database, then search latency over it.

usage: .venv/bin/python bench/bench_import.py [--n N] [--workers 1,2] [--seed S] [--no-postgres]
       .venv/bin/python bench/bench_import.py --search URL   (queries only, on a library built before)

Writes the other documents luoshi has (the real 2024 plan-execution report bundled with it and
the test documents of other kinds in tests/corpus and tests/heldout) and, for the rest of N,
variants of the 2024 Liaoning report to a temp dir — the province swapped for another
of data/places.json (辽宁省 → 吉林省, 辽宁 → 吉林), the years shifted back a year for each round
through the provinces (so every variant is a report of its own: a new doc key, not a new
version), and the decimals perturbed — then imports them with ``services.bulk.import_files``
(parse in worker processes, one write transaction per report in this one) once per worker
count into a fresh SQLite file, and with the most workers into a throwaway database on the
PostgreSQL server at postgres@127.0.0.1:5432 (env LUOSHI_TEST_DATABASE_URL overrides; trust
auth) when one answers. Prints reports/s, figures/s, the total, the database's size, and the
search latency (p50/p95 over 20 Chinese queries, each run 5 times) on each final library.
Default N=200. The times are whole runs: starting the workers, parsing (read, outline,
extract, search rows) and writing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select, text

import luoshi
from luoshi import store
from luoshi.services import bulk
from luoshi.services.search import search
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


ROOT = Path(__file__).resolve().parent.parent


def other_documents() -> list[Path]:
    """Documents other than the example: the real plan-execution report bundled with luoshi and
    the project's test documents of other kinds (national, city, county and district reports, a
    task division, statistical bulletins, traditional script, a web page; tests/corpus and
    tests/heldout — written in each genre's style, not quotations)."""
    found = [luoshi.sample_path().with_name("ln-2024-plan-exec.txt")]
    for sub in ("corpus", "heldout"):
        found += sorted((ROOT / "tests" / sub).glob("*.txt"))
    return [p for p in found if p.is_file()]


def write_library(n: int, folder: Path, seed: int) -> list[Path]:
    """``n`` files: the other documents (``other_documents``) and variants of the example for
    the rest."""
    others = other_documents()[:n]
    paths = []
    for p in others:
        dest = folder / f"other-{p.name}"
        dest.write_bytes(p.read_bytes())
        paths.append(dest)
    return paths + write_variants(n - len(paths), folder, seed)


def write_variants(n: int, folder: Path, seed: int) -> list[Path]:
    base = luoshi.sample_path().read_text(encoding="utf-8")
    places, rng = provinces(), random.Random(seed)
    paths = []
    for i in range(n):
        p = folder / f"variant-{i:04d}.txt"
        p.write_text(variant(base, i, places, rng), encoding="utf-8")
        paths.append(p)
    return paths


QUERIES = ["老旧小区 改造", "营商环境", "地区生产总值", "粮食", "就业", "新质生产力", "乡村振兴",
           "数字经济", "民营经济", "科技创新", "房地产", "养老服务", "生态环境 保护", "国有企业 改革",
           "高质量发展", "招商引资", "城镇新增就业", "居民人均可支配收入", "一般公共预算收入", "碳达峰"]


def run(url: str, files: list[Path], size: Callable[[], int], workers: int) -> dict[str, float]:
    """Import every file into the (empty) database at ``url``; times, size, search latency."""
    factory = store.open(url)
    try:
        items = bulk.plan((str(f), f) for f in files)
        c0, m0, t0 = os.times(), machine_cpu(), time.perf_counter()
        summary = bulk.import_files(factory, items, workers=workers)
        total, c1, m1 = time.perf_counter() - t0, os.times(), machine_cpu()
        # every file a report of its own, or a later version of one (a test document may share a
        # variant's region and year): none failed, none skipped as stored already
        if summary.counts["imported"] + summary.counts["replaced"] != len(files):
            raise SystemExit(f"every file must be imported: {summary.counts} "
                             f"{[o.error for o in summary.failures][:3]}")
        figures, p50, p95 = search_latency(factory)
    finally:
        store.close(factory)
    writer = c1.user + c1.system - c0.user - c0.system
    rest = (m1 - m0 - writer if m0 is not None and m1 is not None
            else c1.children_user + c1.children_system - c0.children_user - c0.children_system)
    return {"workers": workers, "reports": len(files), "figures": figures, "total_s": total,
            "reports_per_s": len(files) / total, "figures_per_s": figures / total,
            "db_bytes": size(), "p50_ms": p50, "p95_ms": p95,
            # CPU a report: this process (the writer), and the rest of the machine's (the parse
            # workers, forked by a fork server that outlives the run, so not this process's
            # children; the fork server's warm-up included) — on a quiet machine that is all
            # theirs; without /proc/stat, this process's reaped children (spawned workers)
            "writer_ms": writer * 1000 / len(files), "parse_ms": rest * 1000 / len(files)}


def machine_cpu() -> float | None:
    """Seconds of CPU the whole machine has spent busy (user, nice, system, irq), from
    /proc/stat; None where there is none."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def search_latency(factory) -> tuple[int, float, float]:
    """(figures in the library, p50 ms, p95 ms) of the 20 queries, 5 counted rounds."""
    with factory() as s:
        figures = s.scalar(select(func.count()).select_from(store.ReportFigure)) or 0
        latencies = []
        for rnd in range(6):  # the first round warms the caches and is not counted
            for q in QUERIES:
                t = time.perf_counter()
                search(s, q)
                if rnd:
                    latencies.append(time.perf_counter() - t)
    latencies.sort()
    return figures, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.95)] * 1000


def show(label: str, r: dict[str, float]) -> None:
    print(f"{label:<11} {r['workers']:>2.0f} workers {r['reports']:>5.0f} reports  {r['figures']:>7.0f} figures  "
          f"{r['total_s']:>7.2f} s  {r['reports_per_s']:>6.1f} reports/s  {r['figures_per_s']:>6.0f} figures/s  "
          f"DB {r['db_bytes'] / 1e6:>7.1f} MB  search p50 {r['p50_ms']:>6.1f} ms  p95 {r['p95_ms']:>6.1f} ms  "
          f"CPU a report: writer {r['writer_ms']:.1f} ms, the rest {r['parse_ms']:.1f} ms", flush=True)


def sqlite_size(path: Path) -> Callable[[], int]:
    return lambda: sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def bench_postgres(files: list[Path], workers: int) -> None:
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

        show("postgresql", run(url, files, size, workers))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="number of variants (default 200)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the number perturbation")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated (default 1,2)")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument("--search", metavar="URL", help="only time the queries on the library at URL (no import)")
    args = ap.parse_args(argv)
    if args.search:
        factory = store.open(args.search)
        try:
            reports = 0
            with factory() as s:
                reports = s.scalar(select(func.count()).select_from(store.Report)) or 0
            figures, p50, p95 = search_latency(factory)
        finally:
            store.close(factory)
        print(f"{reports} reports, {figures} figures: search p50 {p50:.1f} ms  p95 {p95:.1f} ms")
        return 0
    if args.n < 1:
        ap.error("--n must be at least 1")
    try:
        counts = [int(w) for w in args.workers.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        ap.error("--workers takes whole numbers >= 1, comma-separated")
    print(f"luoshi {luoshi.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs; {args.n} reports")
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        files = write_library(args.n, Path(tmp), args.seed)
        others = min(args.n, len(other_documents()))
        print(f"{others} other documents and {args.n - others} variants of {luoshi.sample_path().name}", flush=True)
        for w in counts:
            db = Path(tmp) / f"bench-{w}.db"
            show("sqlite", run(f"sqlite:///{db}", files, sqlite_size(db), w))
        if not args.no_postgres:
            bench_postgres(files, max(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
