#!/usr/bin/env python3
"""Page latency under load at library scale: the overview, task-board and report-search pages
(logged in) and the API's task list and roll-ups (bearer token), on loopback.

usage: .venv/bin/python bench/bench_pages.py [--n 2000] [--library PATH] [--rebuild]
           [--seconds 10] [--concurrency 1,8] [--server-workers 1] [--writes-per-s 0]
           [--postgres [--db URL]]

Builds a library of N reports with bench_import.py's builder (variants of the 2024 Liaoning
report, province, years and decimals changed; bulk import, one worker), then loads what
``luoshi demo`` sets up on top of it — the example itself (which becomes the current 辽宁 2024
report), the 2024 plan-execution report, the example's 194 tasks, the demo accounts (admin,
duban, fgw, czt) with their sample progress and rating — plus three monthly updates on 30 more
tasks, and an API token. The SQLite library is kept at --library (default
$TMPDIR/luoshi-bench-pages-N.db) and reused on the next run unless --rebuild; with
--postgres it goes into a throwaway database on the test server (or --db URL, reused when it
holds the library already).

Then it serves the app (API and web pages) with uvicorn on 127.0.0.1 in a subprocess
(--server-workers processes; one by default) and, for each route and each concurrency, runs an
asyncio httpx driver — C clients each sending its next request as soon as the last answered —
for --seconds after a short warm-up, and prints requests, req/s, errors (anything but 200) and
p50/p95/p99 in ms. Web requests carry the session cookie of a supervisor logged in through the
login form (CSRF token and all); API requests a viewer's token. --writes-per-s R adds a writer
that posts a progress update R times a second during each run (every write invalidates the
report's cached statuses, so some reads pay the full computation). The client runs in this
process, the server in another: on a 2-core machine they share the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_import  # noqa: E402  (the library builder)
from serving import wait_serving  # noqa: E402

HOST = "127.0.0.1"
PASSWORDS = {"admin": "bench-admin-pw", "duban": "bench-duban-pw", "fgw": "bench-fgw-pw", "czt": "bench-czt-pw"}
WEB_USER = "duban"  # the supervision office: sees every page
SECRET = "bench-pages-secret-key-not-for-production"


# ---------------------------------------------------------------- the library

def _count_reports(url: str) -> int:
    from sqlalchemy import func, select

    from luoshi import store

    sessions = store.open(url)
    try:
        with sessions() as s:
            if s.scalar(select(func.count()).select_from(store.User).where(store.User.username == "bench")) == 0:
                return 0
            return s.scalar(select(func.count()).select_from(store.Report).where(store.Report.is_current)) or 0
    finally:
        store.close(sessions)


def build(url: str, n: int, workers: int) -> dict:
    """N variants bulk-imported, then the demo's data and more progress on top."""
    from luoshi import store
    from luoshi.commands.demo import seed
    from luoshi.services import bulk
    from luoshi.track import services as S

    sessions = store.open(url)
    try:
        with tempfile.TemporaryDirectory(prefix="luoshi-pages-") as tmp:
            files = bench_import.write_variants(n, Path(tmp), 0)
            t0 = time.perf_counter()
            summary = bulk.import_files(sessions, bulk.plan((str(f), f) for f in files), workers=workers)
            took = time.perf_counter() - t0
        print(f"imported {summary.counts} in {took:.0f} s ({n / took:.1f} reports/s)", file=sys.stderr)
        got = seed(sessions, passwords=PASSWORDS)
        report_id = got["report_id"]
        with store.write_transaction(sessions) as s:
            tasks = S.list_tasks(s, report_id=report_id)
            for t in tasks[20:50]:
                for month in (1, 2, 3):
                    S.report_progress(s, t.id, S.ProgressInput(dt.date(2024, month, 28), "in_progress",
                                                               f"{month}月进展", percent=month * 8), S.SYSTEM, None)
            S.create_user(s, "bench", "bench password", "viewer", S.SYSTEM)
    finally:
        store.close(sessions)
    return {"reports": n, "import_s": took}


def credentials(url: str) -> tuple[int, str, str, int]:
    """(the example's report id, a viewer's token, an admin's token, a task id to write to)."""
    from sqlalchemy import select

    from luoshi import sample_path, store
    from luoshi.track import services as S

    sessions = store.open(url)
    try:
        with store.write_transaction(sessions) as s:
            rid = s.scalar(select(store.Task.report_id).order_by(store.Task.id.desc()).limit(1))
            viewer = S.create_token(s, "bench", f"bench {time.time()}", S.SYSTEM).token
            admin = S.create_token(s, "admin", f"bench {time.time()}", S.SYSTEM).token
            task = s.scalar(select(store.Task.id).where(store.Task.report_id == rid, store.Task.number == 100))
    finally:
        store.close(sessions)
    assert sample_path().exists()
    return rid, viewer, admin, task


def db_size(url: str) -> int:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        p = Path(u.database)
        return sum(x.stat().st_size for x in (p, Path(f"{p}-wal")) if x.exists())
    from luoshi import store

    engine = store.create(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(url: str, port: int, workers: int) -> subprocess.Popen:
    import httpx2 as httpx

    env = {**os.environ, "LUOSHI_DATABASE_URL": url, "LUOSHI_SECRET_KEY": SECRET,
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", "from luoshi.cli import main; main()", "serve", "--db", url, "--host", HOST,
           "--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if wait_serving(proc, f"http://{HOST}:{port}", 90, lambda: proc.stderr.read().decode()):
        return proc
    proc.terminate()
    raise SystemExit("the server did not answer within 90 s")


def login(base: str, username: str, password: str) -> dict[str, str]:
    """The session cookie of a web login, through the form (its CSRF token included)."""
    import httpx2 as httpx

    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        form = c.get("/login")
        m = re.search(r'name="csrf" value="([^"]+)"', form.text)
        if form.status_code != 200 or not m:
            raise SystemExit(f"no login form: {form.status_code}")
        r = c.post("/login", data={"csrf": m.group(1), "username": username, "password": password, "next": "/"})
        if r.status_code != 303 or "/login" in r.headers.get("location", ""):
            raise SystemExit(f"login failed: {r.status_code} {r.text[:200]}")
        return dict(c.cookies)


# ---------------------------------------------------------------- the load

def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


async def drive(base: str, path: str, *, headers: dict[str, str], cookies: dict[str, str], seconds: float,
                clients: int, warmup: float, writer: tuple[str, str, int, float] | None) -> dict:
    """``clients`` concurrent loops on ``path`` for ``seconds`` (after ``warmup`` seconds not
    counted); optionally a writer posting progress at a fixed rate meanwhile."""
    import httpx2 as httpx

    lat: list[float] = []
    errors: dict[str, int] = {}
    writes = 0
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)
    async with httpx.AsyncClient(base_url=base, headers=headers, cookies=cookies, limits=limits,
                                 timeout=60, follow_redirects=False) as client:
        start = time.monotonic()
        measure_from, stop = start + warmup, start + warmup + seconds

        async def reader() -> None:
            while (now := time.monotonic()) < stop:
                t = time.perf_counter()
                try:
                    r = await client.get(path)
                    bad = None if r.status_code == 200 else str(r.status_code)
                except httpx.HTTPError as e:
                    bad = type(e).__name__
                if now >= measure_from:
                    if bad is None:
                        lat.append((time.perf_counter() - t) * 1000)
                    else:
                        errors[bad] = errors.get(bad, 0) + 1

        async def write_loop() -> None:
            nonlocal writes
            assert writer is not None
            token, _name, task_id, rate = writer
            day = dt.date(2024, 6, 30)
            while time.monotonic() < stop:
                await asyncio.sleep(1 / rate)
                body = {"expected_version": None, "reported_on": day.isoformat(), "status": "in_progress",
                        "narrative": f"压测写入 {writes}", "percent": writes % 100}
                r = await client.post(f"/api/v1/tasks/{task_id}/progress", json=body,
                                      headers={"Authorization": f"Bearer {token}"})
                writes += r.status_code == 201

        jobs = [reader() for _ in range(clients)] + ([write_loop()] if writer else [])
        await asyncio.gather(*jobs)
        took = time.monotonic() - measure_from
    lat.sort()
    n = len(lat) + sum(errors.values())
    return {"requests": n, "rps": n / took, "errors": errors, "p50": pct(lat, 50), "p95": pct(lat, 95),
            "p99": pct(lat, 99), "max": lat[-1] if lat else float("nan"), "writes": writes}


def first_request(base: str, path: str, headers: dict[str, str], cookies: dict[str, str]) -> float:
    import httpx2 as httpx

    t = time.perf_counter()
    r = httpx.get(base + path, headers=headers, cookies=cookies, timeout=120)
    took = (time.perf_counter() - t) * 1000
    if r.status_code != 200:
        raise SystemExit(f"{path}: {r.status_code} {r.text[:300]}")
    return took


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="reports in the library (default 2000)")
    ap.add_argument("--library", type=Path, help="the SQLite library file [default: $TMPDIR/luoshi-bench-pages-N.db]")
    ap.add_argument("--rebuild", action="store_true", help="build the library afresh even if it exists")
    ap.add_argument("--import-workers", type=int, default=1, help="worker processes of the bulk import")
    ap.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    ap.add_argument("--db", help="with --postgres: the database URL (reused if it holds the library)")
    ap.add_argument("--seconds", type=float, default=10, help="measured seconds per route and concurrency")
    ap.add_argument("--warmup", type=float, default=2, help="seconds of load before measuring")
    ap.add_argument("--concurrency", default="1,8", help="concurrent clients, comma-separated (default 1,8)")
    ap.add_argument("--server-workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    ap.add_argument("--writes-per-s", type=float, default=0, help="progress posts per second during each run")
    ap.add_argument("--routes", default="", help="only the routes whose name contains this")
    a = ap.parse_args(argv)
    levels = [int(c) for c in a.concurrency.split(",") if c.strip()]
    print(f"luoshi bench_pages: Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; {a.n} reports; {a.server_workers} server process(es)", flush=True)
    with ExitStack() as stack:
        if a.postgres:
            from luoshi.store import testing

            if a.db:
                url = a.db
            else:
                server = testing.configured_url()
                why = testing.problem(server)
                if why is not None:
                    raise SystemExit(f"no PostgreSQL at {server.render_as_string()}: {why}")
                url = stack.enter_context(testing.throwaway_database(server)).render_as_string(hide_password=False)
        else:
            lib = a.library or Path(tempfile.gettempdir()) / f"luoshi-bench-pages-{a.n}.db"
            if a.rebuild:
                for p in (lib, Path(f"{lib}-wal"), Path(f"{lib}-shm")):
                    p.unlink(missing_ok=True)
            url = f"sqlite:///{lib}"
        have = _count_reports(url)
        if have >= a.n:
            print(f"reusing the library at {url.split('?')[0]} ({have} current reports)", flush=True)
        else:
            if have:
                raise SystemExit(f"{url} holds {have} reports, not {a.n}: --rebuild (SQLite) or another --db")
            b = build(url, a.n, a.import_workers)
            print(f"built the library: {b['reports']} variants in {b['import_s']:.0f} s", flush=True)
        size = db_size(url)
        from luoshi import store

        sessions = store.open(url)
        with sessions() as s:
            from sqlalchemy import func, select

            reports = s.scalar(select(func.count()).select_from(store.Report)) or 1
        store.close(sessions)
        print(f"database: {size / 1e6:.0f} MB, {reports} report rows, {size / reports / 1e3:.0f} kB per report",
              flush=True)
        rid, viewer, admin, task = credentials(url)
        port = free_port()
        proc = serve(url, port, a.server_workers)
        stack.callback(lambda: (proc.terminate(), proc.wait(timeout=30)))
        base = f"http://{HOST}:{port}"
        cookies = login(base, WEB_USER, PASSWORDS[WEB_USER])
        web_h: dict[str, str] = {}
        api_h = {"Authorization": f"Bearer {viewer}"}
        routes = {
            "web overview /": ("/", web_h, cookies),
            "web task board /tasks": ("/tasks", web_h, cookies),
            "web report search": ("/reports/find?q=%E8%BE%BD%E5%AE%81%202024", web_h, cookies),  # 辽宁 2024
            "api tasks (50 of 194)": (f"/api/v1/tasks?report={rid}&limit=50", api_h, {}),
            "api roll-ups": (f"/api/v1/reports/{rid}/rollups", api_h, {}),
        }
        routes = {k: v for k, v in routes.items() if a.routes in k}
        print(f"\nfirst request after start (empty caches), ms: " + ", ".join(
            f"{k} {first_request(base, p, h, c):.0f}" for k, (p, h, c) in routes.items()), flush=True)
        writer = (admin, "admin", task, a.writes_per_s) if a.writes_per_s > 0 else None
        print(f"\n{'route':<24}{'clients':>8}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'max ms':>9}  errors" + ("  writes" if writer else ""), flush=True)
        for name, (path, h, c) in routes.items():
            for clients in levels:
                r = asyncio.run(drive(base, path, headers=h, cookies=c, seconds=a.seconds, clients=clients,
                                      warmup=a.warmup, writer=writer))
                errs = ",".join(f"{k}×{v}" for k, v in r["errors"].items()) or "0"
                print(f"{name:<24}{clients:>8}{r['requests']:>9}{r['rps']:>8.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                      f"{r['p99']:>9.1f}{r['max']:>9.1f}  {errs}" + (f"  {r['writes']}" if writer else ""),
                      flush=True)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
