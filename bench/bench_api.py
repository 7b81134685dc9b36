"""Latency of the API's main reads under load, on loopback.

    python bench/bench_api.py [--db URL] [--seconds 10] [--connections 8] [--tool auto|wrk|httpx]

Loads the example (the 2024 Liaoning report, the plan-execution sample, its 194 tasks, a
quarter of progress on a few of them) into a fresh database (a temp SQLite file unless --db
names an EMPTY database), starts `luoshi serve` on 127.0.0.1 (API only, one process), then for
each read — tasks list (a page of 50), task detail, roll-ups, compare, figures — runs `wrk`
(Debian's, if installed) or else a bounded httpx/asyncio loop with the same number of
connections, for --seconds each, and prints requests/s and p50/p95/p99 latency in ms. Every
request carries a viewer's bearer token (so authentication is part of the cost). The server is
stopped at the end; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import wait_serving  # noqa: E402

HOST = "127.0.0.1"
LUA = """
wrk.headers["Authorization"] = "Bearer %s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %%d, "duration_us": %%d, "errors": %%d, "non2xx": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def load(url: str) -> tuple[str, dict[str, str]]:
    """The example with tasks and some progress; a viewer's token; the paths to measure."""
    from luoshi import sample_path, store
    from luoshi.services.importer import import_file
    from luoshi.track import services as S

    sessions = store.open(url)
    try:
        rep = import_file(sessions, sample_path())
        import_file(sessions, sample_path("ln-2024-plan-exec.txt"))
        with store.write_transaction(sessions) as s:
            made = S.tasks_from_report(s, rep.report_id, S.SYSTEM)
            S.create_user(s, "bench", "bench password", "viewer", S.SYSTEM)
            token = S.create_token(s, "bench", "bench", S.SYSTEM).token
            for t in made.created[:20]:
                for month in (1, 2, 3):
                    on = dt.date(2024, month, 28)
                    S.report_progress(s, t.id, S.ProgressInput(on, "in_progress", f"{month}月进展", percent=month * 8),
                                      S.SYSTEM, None)
            first = made.created[0].id
    finally:
        store.close(sessions)
    r = rep.report_id
    return token, {
        "tasks list (50 of 194)": f"/api/v1/tasks?report={r}&limit=50&today=2024-03-31",
        "task detail": f"/api/v1/tasks/{first}?today=2024-03-31",
        "roll-ups": f"/api/v1/reports/{r}/rollups?today=2024-03-31",
        "compare": "/api/v1/compare",
        "figures (gdp)": "/api/v1/figures?canonical=gdp",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start(url: str, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from luoshi.cli import main; main()", "serve", "--db", url, "--host", HOST,
           "--port", str(port), "--no-web", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if wait_serving(proc, f"http://{HOST}:{port}", 60, lambda: proc.stderr.read().decode()):
        return proc
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def run_wrk(base: str, path: str, token: str, seconds: int, conns: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % token)
        script = fh.name
    try:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s",
                              "-s", script, base + path], capture_output=True, text=True,
                             timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    d = json.loads(line[6:])
    return {"requests": d["requests"], "rps": d["requests"] / (d["duration_us"] / 1e6),
            "errors": d["errors"] + d["non2xx"], **{k: d[k] / 1000 for k in ("p50", "p95", "p99", "max")}}


async def _httpx_loop(base: str, path: str, token: str, seconds: int, conns: int, cap: int) -> dict:
    import httpx2 as httpx

    lat: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                 limits=httpx.Limits(max_connections=conns), timeout=10) as client:
        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop and len(lat) + errors < cap:
                t = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    lat.append((time.perf_counter() - t) * 1000)
                else:
                    errors += 1

        t0 = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(conns)))
        took = time.monotonic() - t0
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else float("nan")

    return {"requests": len(lat) + errors, "rps": (len(lat) + errors) / took, "errors": errors,
            "p50": pct(50), "p95": pct(95), "p99": pct(99), "max": lat[-1] if lat else float("nan")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="an EMPTY database to load the example into [default: a temp SQLite file]")
    ap.add_argument("--seconds", type=int, default=10, help="per endpoint (at most 60)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent connections (at most 64)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--max-requests", type=int, default=20000, help="cap per endpoint (httpx loop)")
    a = ap.parse_args()
    seconds, conns = max(1, min(a.seconds, 60)), max(1, min(a.connections, 64))
    tool = ("wrk" if shutil.which("wrk") else "httpx") if a.tool == "auto" else a.tool
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        url = a.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        t = time.perf_counter()
        token, paths = load(url)
        print(f"loaded the example in {time.perf_counter() - t:.1f} s into {url.split('?')[0]}", file=sys.stderr)
        port = free_port()
        proc = start(url, port)
        base = f"http://{HOST}:{port}"
        try:
            print(f"tool: {tool}; {conns} connections; {seconds} s per endpoint; one server process; "
                  f"{os.cpu_count()} CPUs\n")
            print(f"{'endpoint':<24}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
            for name, path in paths.items():
                if tool == "wrk":
                    r = run_wrk(base, path, token, seconds, conns, a.threads)
                else:
                    r = asyncio.run(_httpx_loop(base, path, token, seconds, conns, a.max_requests))
                print(f"{name:<24}{r['requests']:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                      f"{r['p99']:>9.1f}{r['errors']:>8}", flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
