#!/usr/bin/env python3
"""Soak: 20 department reporters and the supervision office working the example through the
HTTP API for ten minutes, then proof from the database that nothing they were told was saved
went missing (issue 9, item 5).

usage: .venv/bin/python bench/soak.py [--minutes 10] [--reporters 20] [--workers 2]
           [--postgres] [--think-ms 100] [--conflict-rate 0.1] [--unchecked-rate 0.1]
           [--seed N] [--json PATH]

Setup: a fresh database (a temp SQLite file; with --postgres a throwaway database on the
test server, see luoshi.store.testing), loaded the way ``luoshi demo`` loads it (its ``seed``:
the example, the plan-execution sample, the example's tasks with their suggested departments,
the demo accounts), plus one reporter account per simulated person — spread over the
departments with the most tasks, some departments with two people, as in a real office — and an
API token for each and for the supervisor ``duban``. The app (API and web pages) is served by
uvicorn on 127.0.0.1 in a subprocess with --workers processes.

Load: each reporter reads its department's task list, opens a task, posts a progress update
based on the version it read (a 409 when someone else wrote first: an expected conflict; one in
ten without a version, which the server must still serialise) and, now and then, posts a
second update on the version it had before its own write — a deliberate stale write that must
be refused with 409 and the rejected text. The supervisor reads the roll-ups, reminders, the
task list and the overview page (logged in through the web form), and rates the tasks it saw on
the version it saw. Every write the server acknowledged (2xx with the new row's id) is recorded
with what was sent, and every read of a task must show at least the version the reader's own
acknowledged write produced (read-your-writes across the worker processes and their caches).

Check, directly in the database, afterwards: every acknowledged update and rating is there with
the same content and exactly one audit entry saying the same; nothing refused (4xx) was
stored; no write is stored twice; no two writes produced the same task version (a lost update);
rows the client never heard about (a connection error, a 5xx) are listed, not counted as lost.
SQLite also gets ``PRAGMA integrity_check``. The server's log is searched for tracebacks,
'database is locked' and deadlocks.

Exit 1 when an acknowledged write is lost or differs, a refused one was stored, a stale write
was accepted, a read went back before one's own write, a 5xx or a connection error happened,
or the server logged a traceback; else 0. The figures — requests, requests/s, answers by
status, latency p50/p95/p99 per kind of request, acknowledged writes, lost — are printed, and
written as JSON with --json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from serving import wait_serving  # noqa: E402

HOST = "127.0.0.1"
SUPERVISOR = "duban"  # created by ``luoshi demo``'s seed
PASSWORDS = {"admin": "soak-admin-password", "duban": "soak-duban-password",
             "fgw": "soak-fgw-password", "czt": "soak-czt-password"}
SECRET = "soak-secret-key-not-for-production"
ENV_URL = "LUOSHI_SOAK_DATABASE_URL"
ENV_SLOW = "LUOSHI_SOAK_SLOW_SQL_MS"
MARK = "[soak "  # every narrative and reason written by the soak starts with it
LOG_ALARMS = ("Traceback", "database is locked", "deadlock detected", "QueuePool limit",
              "could not serialize")


# ---------------------------------------------------------------- setup

@dataclass
class Reporter:
    username: str
    token: str
    department_id: int
    department: str


@dataclass
class Setup:
    report_id: int
    supervisor_token: str
    reporters: list[Reporter]


def setup(url: str, n_reporters: int, n_departments: int) -> Setup:
    """``luoshi demo``'s data and accounts, then the soak's reporters and every token."""
    from sqlalchemy import func, select

    from luoshi import store
    from luoshi.commands.demo import seed
    from luoshi.store import Assignment, Department
    from luoshi.track import services as S

    sessions = store.open(url)
    try:
        got = seed(sessions, passwords=PASSWORDS)
        report_id = got["report_id"]
        with store.write_transaction(sessions) as s:
            busiest = s.execute(
                select(Department.id, Department.name, func.count(Assignment.id).label("n"))
                .join(Assignment, Assignment.department_id == Department.id)
                .group_by(Department.id, Department.name)
                .order_by(func.count(Assignment.id).desc(), Department.id)
                .limit(max(1, min(n_departments, n_reporters)))).all()
            reporters = []
            for i in range(n_reporters):
                dep_id, dep_name, _n = busiest[i % len(busiest)]
                name = f"soak{i + 1:02d}"
                S.create_user(s, name, f"{name}-password", "reporter", S.SYSTEM, department=dep_id)
                token = S.create_token(s, name, "soak", S.SYSTEM).token
                reporters.append(Reporter(name, token, dep_id, dep_name))
            sup = S.create_token(s, SUPERVISOR, "soak", S.SYSTEM).token
    finally:
        store.close(sessions)
    return Setup(report_id, sup, reporters)


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """A fresh, empty database URL: a temp SQLite file, or a throwaway PostgreSQL database."""
    if postgres:
        from luoshi.store.testing import postgres_server, throwaway_database

        with postgres_server() as server, throwaway_database(server) as url:
            yield url.render_as_string(hide_password=False)
    else:
        with tempfile.TemporaryDirectory(prefix="luoshi-soak-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'soak.db'}"


# ---------------------------------------------------------------- the server

def app_factory() -> Any:
    """For ``uvicorn --factory soak:app_factory`` (one app per worker process): the API and the
    pages over the soak's database, already migrated by the setup."""
    from luoshi import store
    from luoshi.api.app import create_app

    sessions = store.open(os.environ[ENV_URL], migrate=False)
    if os.environ.get(ENV_SLOW):
        trace_slow_sql(store.engine_of(sessions), float(os.environ[ENV_SLOW]))
    return create_app(sessions=sessions)


def trace_slow_sql(engine: Any, threshold_ms: float) -> None:
    """Diagnostics (--slow-sql MS): log every statement slower than the threshold — BEGIN
    IMMEDIATE waiting for SQLite's write lock included — with the luoshi frames that issued it."""
    import traceback

    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, _cursor: Any, _stmt: str, _params: Any, context: Any, _many: bool) -> None:
        conn.info.setdefault("soak_t", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn: Any, _cursor: Any, stmt: str, _params: Any, context: Any, _many: bool) -> None:
        took = (time.perf_counter() - conn.info["soak_t"].pop()) * 1000
        if took >= threshold_ms:
            frames = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_stack()
                      if "/luoshi/" in f.filename]
            print(f"SLOW-SQL {took:.0f} ms {' '.join(stmt.split())[:80]!r} from {' < '.join(reversed(frames[-4:]))}",
                  file=sys.stderr, flush=True)


def run_server(port: int, workers: int) -> None:
    """In the server's process: uvicorn's supervisor over ``workers`` processes making the app
    with ``app_factory``, on the TCP socket ``luoshi serve --workers`` uses (uvicorn's own leaves
    Nagle on: ~40 ms more per kept-alive request)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from luoshi.commands.serve import listening_socket

    config = uvicorn.Config("soak:app_factory", factory=True, host=HOST, port=port, workers=workers,
                            log_level="warning", access_log=False, proxy_headers=False)
    Multiprocess(config, sockets=[listening_socket(HOST, port)]).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(url: str, port: int, workers: int, log: Path, slow_sql_ms: float | None = None) -> subprocess.Popen:
    """uvicorn in a session of its own (so its workers can be stopped with it); its output
    goes to ``log``. Returns once /api/v1/health answers."""
    env = {**os.environ, ENV_URL: url, "LUOSHI_SECRET_KEY": SECRET}
    if slow_sql_ms is not None:
        env[ENV_SLOW] = str(slow_sql_ms)
    cmd = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(HERE)!r}); import soak; "
           f"soak.run_server({port}, {workers})"]
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    if wait_serving(proc, f"http://{HOST}:{port}", 90, lambda: log.read_text(errors="replace")):
        return proc
    stop(proc)
    raise SystemExit("soak: the server did not answer within 90 s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to uvicorn (it stops its workers), SIGKILL to its process group if it hangs."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def scan_log(log: Path) -> dict[str, Any]:
    """What the server complained about: counts of the alarming phrases, and each traceback
    reduced to its deepest luoshi frame and its exception line, counted (a chained exception
    prints several tracebacks)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    counts = {k: text.count(k) for k in LOG_ALARMS}
    where: Counter = Counter()
    for chunk in text.split("Traceback (most recent call last):")[1:]:
        lines = chunk.splitlines()
        frames = [ln.strip() for ln in lines if ln.strip().startswith("File ") and "/luoshi/" in ln]
        errors = [ln for ln in lines if ln and not ln[0].isspace() and re.match(r"[\w.]+(Error|Exception)\b", ln)]
        where[f"{frames[-1] if frames else '(no luoshi frame)'} -> {errors[0][:200] if errors else '?'}"] += 1
    return {"alarms": {k: v for k, v in counts.items() if v}, "tracebacks": dict(where.most_common())}


# ---------------------------------------------------------------- the load

@dataclass
class Write:
    """One write the client attempted, and what it was told."""

    kind: str  # "progress" | "rating"
    marker: str
    username: str
    task_id: int
    body: dict[str, Any]
    deliberate_stale: bool = False
    status: int | None = None  # None: no answer (connection error, timeout)
    ack: dict[str, Any] | None = None  # the 2xx body

    @property
    def outcome(self) -> str:
        if self.status is None or self.status >= 500:
            return "unknown"
        return "acked" if 200 <= self.status < 300 else "refused"


@dataclass
class Stats:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: Counter = field(default_factory=Counter)  # (kind, exception name)
    writes: list[Write] = field(default_factory=list)
    bad_conflicts: list[str] = field(default_factory=list)  # a 409 without the rejected text
    stale_reads: list[str] = field(default_factory=list)  # a task read older than one's own write
    t0: float = field(default_factory=time.monotonic)
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (s since start, ms) per answer

    def answered(self, kind: str, status: int, started: float) -> None:
        now = time.perf_counter()
        self.latency[kind].append((now - started) * 1000)
        self.statuses[kind][status] += 1
        self.timeline.append((time.monotonic() - self.t0, (now - started) * 1000))


class Client:
    """One simulated person: an HTTP client with a bearer token, timing every request."""

    def __init__(self, base: str, token: str, stats: Stats, rnd: random.Random) -> None:
        import httpx2 as httpx

        self.http = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                      timeout=httpx.Timeout(60.0))
        self.stats, self.rnd = stats, rnd
        self.floor: dict[int, int] = {}  # task id -> the version this person's own write produced

    def wrote(self, task_id: int, version: int) -> None:
        self.floor[task_id] = max(self.floor.get(task_id, 0), version)

    def saw(self, kind: str, task_id: int, version: int) -> None:
        """Read-your-writes, across server processes and their status caches: a task read after
        one's own acknowledged write shows that version or a later one."""
        if version < self.floor.get(task_id, 0):
            self.stats.stale_reads.append(f"{kind}: task {task_id} at version {version} after "
                                          f"this client's write made version {self.floor[task_id]}")

    async def call(self, kind: str, method: str, path: str, **kw: Any) -> Any:
        """The response, or None when there was none (counted as a failure of ``kind``)."""
        import httpx2 as httpx

        t = time.perf_counter()
        try:
            r = await self.http.request(method, path, **kw)
        except httpx.HTTPError as e:
            self.stats.failures[(kind, type(e).__name__)] += 1
            return None
        self.stats.answered(kind, r.status_code, t)
        return r

    async def write(self, kind: str, w: Write, path: str) -> Any:
        self.stats.writes.append(w)
        r = await self.call(kind, "POST", path, json=w.body)
        if r is None:
            return None
        w.status = r.status_code
        if 200 <= r.status_code < 300:
            w.ack = r.json()
        elif r.status_code == 409:
            detail = (r.json().get("error") or {}).get("detail") or {}
            sent = w.body.get("narrative", w.body.get("reason"))
            got = (detail.get("rejected") or {}).get("narrative", (detail.get("rejected") or {}).get("reason"))
            if got != sent:
                self.stats.bad_conflicts.append(f"{w.marker}: 409 without the rejected text")
        return r

    async def think(self, mean_ms: float) -> None:
        await asyncio.sleep(self.rnd.uniform(0, 2 * mean_ms) / 1000)

    async def close(self) -> None:
        await self.http.aclose()


PHRASES = ("完成年度计划的阶段性任务", "推进重点项目“开工”建设", "召开专题会议研究部署", "督促各地市落实政策",
           "资金已拨付到位", "问题清单已建立，逐项销号", "进度略慢于预期，正在加快", "数据来自统计快报（初步）")


def _progress_body(rnd: random.Random, marker: str, version: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "expected_version": version,
        "reported_on": (dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(366))).isoformat(),
        "status": rnd.choices(["in_progress", "completed", "not_started"], [8, 1, 1])[0],
        "narrative": f"{MARK}{marker}] {rnd.choice(PHRASES)}；{rnd.choice(PHRASES)}。",
        "percent": round(rnd.uniform(0, 100), 1),
    }
    if rnd.random() < 0.3:
        body["problems"] = f"要素保障不足 <{marker}> & \"引号\""
        body["next_steps"] = "下一步：加强调度。"
    if rnd.random() < 0.2:
        body["evidence"] = [{"name": "进展材料", "url": f"https://example.gov.cn/soak/{marker}"}]
    return body


async def reporter(base: str, who: Reporter, report_id: int, stats: Stats, stop_at: float,
                   think_ms: float, conflict_rate: float, unchecked_rate: float, rnd: random.Random) -> None:
    """Reads its department's tasks, opens one, reports on it (now and then without a version
    check: the server must still serialise the writes); sometimes writes stale on purpose."""
    a = Client(base, who.token, stats, rnd)
    tasks: list[int] = []
    n = 0
    try:
        while time.monotonic() < stop_at:
            if n % 5 == 0 or not tasks:
                r = await a.call("my tasks", "GET", "/api/v1/tasks",
                                 params={"report": report_id, "department": who.department_id, "limit": 200})
                if r is not None and r.status_code == 200:
                    items = r.json()["items"]
                    tasks = [t["id"] for t in items]
                    for t in items:
                        a.saw("my tasks", t["id"], t["version"])
            if not tasks:
                await a.think(think_ms)
                continue
            task_id = rnd.choice(tasks)
            r = await a.call("task detail", "GET", f"/api/v1/tasks/{task_id}")
            if r is None or r.status_code != 200:
                await a.think(think_ms)
                continue
            version = r.json()["task"]["version"]
            a.saw("task detail", task_id, version)
            n += 1
            marker = f"{who.username}-{n:06d}"
            checked = rnd.random() >= unchecked_rate
            w = Write("progress", marker, who.username, task_id,
                      _progress_body(rnd, marker, version if checked else None))
            r = await a.write("progress", w, f"/api/v1/tasks/{task_id}/progress")
            if r is not None and r.status_code == 201:
                a.wrote(task_id, w.ack["task_version"])
            if r is not None and r.status_code == 201 and rnd.random() < conflict_rate:
                stale = Write("progress", marker + "s", who.username, task_id,
                              _progress_body(rnd, marker + "s", version), deliberate_stale=True)
                await a.write("progress (stale)", stale, f"/api/v1/tasks/{task_id}/progress")
            await a.think(think_ms)
    finally:
        await a.close()


async def supervisor(base: str, token: str, report_id: int, stats: Stats, stop_at: float,
                     think_ms: float, rnd: random.Random) -> None:
    """The supervision office: roll-ups, reminders, the task list, the overview page; rates the
    tasks it just saw, on the version it saw."""
    a = Client(base, token, stats, rnd)
    web = await _web_login(base, stats)
    levels = ("green", "amber_green", "amber", "amber_red", "red")
    n = 0
    try:
        while time.monotonic() < stop_at:
            n += 1
            await a.call("roll-ups", "GET", f"/api/v1/reports/{report_id}/rollups")
            if n % 3 == 1:
                await a.call("reminders", "GET", "/api/v1/reminders", params={"report": report_id})
            if web is not None and n % 2 == 1:
                t = time.perf_counter()
                try:
                    r = await web.get("/")
                    stats.answered("overview page", r.status_code, t)
                except Exception as e:  # noqa: BLE001 - any transport failure is a failure
                    stats.failures[("overview page", type(e).__name__)] += 1
            r = await a.call("tasks (report)", "GET", "/api/v1/tasks",
                             params={"report": report_id, "limit": 50, "sort": "-version"})
            items = r.json()["items"] if r is not None and r.status_code == 200 else []
            for t in items:
                a.saw("tasks (report)", t["id"], t["version"])
            for t in rnd.sample(items, min(len(items), rnd.randint(1, 3))):
                d = await a.call("task detail", "GET", f"/api/v1/tasks/{t['id']}")
                if d is None or d.status_code != 200:
                    continue
                version = d.json()["task"]["version"]
                a.saw("task detail", t["id"], version)
                marker = f"{SUPERVISOR}-{n:05d}-{t['id']}"
                body = {"level": rnd.choice(levels), "reason": f"{MARK}{marker}] 根据最新进展评定：{rnd.choice(PHRASES)}",
                        "expected_version": version}
                r = await a.write("rating", Write("rating", marker, SUPERVISOR, t["id"], body),
                                  f"/api/v1/tasks/{t['id']}/ratings")
                if r is not None and r.status_code == 201:
                    a.wrote(t["id"], version + 1)  # a rating bumps the version it was based on
            await a.think(think_ms * 3)
    finally:
        await a.close()
        if web is not None:
            await web.aclose()


async def _web_login(base: str, stats: Stats) -> Any:
    """The supervisor's web session (login form, CSRF token and all), or None if it fails."""
    import httpx2 as httpx

    c = httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=httpx.Timeout(60.0))
    form = await c.get("/login")
    m = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if m:
        r = await c.post("/login", data={"csrf": m.group(1), "username": SUPERVISOR,
                                         "password": PASSWORDS[SUPERVISOR], "next": "/"})
        if r.status_code == 303 and "/login" not in r.headers.get("location", ""):
            return c
    stats.failures[("web login", f"status {form.status_code}")] += 1
    await c.aclose()
    return None


async def drive(base: str, su: Setup, seconds: float, think_ms: float, conflict_rate: float,
                unchecked_rate: float, seed: int) -> tuple[Stats, float]:
    stats = Stats()
    stop_at = time.monotonic() + seconds
    t0 = stats.t0 = time.monotonic()
    jobs = [reporter(base, who, su.report_id, stats, stop_at, think_ms, conflict_rate, unchecked_rate,
                     random.Random(seed + i)) for i, who in enumerate(su.reporters)]
    jobs.append(supervisor(base, su.supervisor_token, su.report_id, stats, stop_at, think_ms,
                           random.Random(seed - 1)))
    await asyncio.gather(*jobs)
    return stats, time.monotonic() - t0


# ---------------------------------------------------------------- the check

def verify(url: str, su: Setup, writes: list[Write]) -> dict[str, Any]:
    """Everything the client was told against what the database holds."""
    from sqlalchemy import select, text

    from luoshi import store
    from luoshi.store import AuditEntry, ProgressUpdate, Rating, Task, User

    dep_of = {r.username: r.department_id for r in su.reporters}
    problems: dict[str, list[str]] = defaultdict(list)
    sessions = store.open(url, migrate=False)
    try:
        with sessions() as s:
            users = dict(s.execute(select(User.id, User.username)).all())
            updates = list(s.scalars(select(ProgressUpdate).where(ProgressUpdate.narrative.like(MARK + "%"))))
            ratings = list(s.scalars(select(Rating).where(Rating.reason.like(MARK + "%"))))
            audit: dict[tuple[str, str], list[AuditEntry]] = defaultdict(list)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.entity.in_(("progress_update", "rating")))):
                audit[(e.entity, e.entity_id)].append(e)
            versions = dict(s.execute(select(Task.id, Task.version)).all())
            integrity = (s.execute(text("PRAGMA integrity_check")).scalar()
                         if s.get_bind().dialect.name == "sqlite" else "n/a")
    finally:
        store.close(sessions)

    def marker_of(t: str) -> str:
        return t[len(MARK):t.index("]")]

    rows: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for u in updates:
        rows[("progress", marker_of(u.narrative))].append(u)
    for r in ratings:
        rows[("rating", marker_of(r.reason))].append(r)
    by_marker = {(w.kind, w.marker): w for w in writes}

    lost = 0
    for w in writes:
        found = rows.get((w.kind, w.marker), [])
        if w.outcome == "acked":
            row = next((x for x in found if x.id == w.ack.get("id")), None)
            if row is None:
                lost += 1
                problems["lost"].append(f"{w.kind} {w.marker} id {w.ack.get('id')}")
                continue
            why = _differs(w, row, users, dep_of)
            if why:
                problems["differs"].append(f"{w.kind} {w.marker}: {why}")
            entity = "progress_update" if w.kind == "progress" else "rating"
            entries = audit.get((entity, str(row.id)), [])
            why = _audit_differs(w, row, entries)
            if why:
                problems["audit"].append(f"{w.kind} {w.marker}: {why}")
        elif w.outcome == "refused" and found:
            problems["refused but stored"].append(f"{w.kind} {w.marker} (answer {w.status})")
        if len(found) > 1:
            problems["stored twice"].append(f"{w.kind} {w.marker}: {len(found)} rows")
    for key, found in rows.items():
        if key not in by_marker:
            problems["stored, never sent"].append(f"{key[0]} {key[1]}: {len(found)} rows")
    unanswered_stored = sum(1 for w in writes if w.outcome == "unknown" and rows.get((w.kind, w.marker)))
    for row in updates:  # every stored write, acknowledged or not, has its audit entry
        if len(audit.get(("progress_update", str(row.id)), [])) != 1:
            problems["audit"].append(f"progress_update {row.id}: {len(audit.get(('progress_update', str(row.id)), []))} entries")
    for row in ratings:
        if len(audit.get(("rating", str(row.id)), [])) != 1:
            problems["audit"].append(f"rating {row.id}: {len(audit.get(('rating', str(row.id)), []))} entries")

    # each write bumps its task's version once: two writes with the same version were not serialised
    produced: dict[int, Counter] = defaultdict(Counter)
    for u in updates:
        produced[u.task_id][u.task_version] += 1
    for r in ratings:
        for e in audit.get(("rating", str(r.id)), []):
            produced[r.task_id][(e.after or {}).get("version")] += 1
    for task_id, c in produced.items():
        same = [v for v, k in c.items() if k > 1]
        if same:
            problems["same version twice"].append(f"task {task_id}: versions {same}")
        if c and max(v for v in c if v is not None) > versions.get(task_id, 0):
            problems["version behind"].append(f"task {task_id}: stored {versions.get(task_id)}, written {max(c)}")
    if integrity not in ("ok", "n/a"):
        problems["integrity"].append(str(integrity))

    acked = [w for w in writes if w.outcome == "acked"]
    return {
        "acknowledged_writes": len(acked),
        "acknowledged_progress": sum(1 for w in acked if w.kind == "progress"),
        "acknowledged_ratings": sum(1 for w in acked if w.kind == "rating"),
        "stored_soak_rows": len(updates) + len(ratings),
        "stored_without_answer": unanswered_stored,
        "lost": lost,
        "integrity": integrity,
        "problems": {k: v for k, v in problems.items()},
    }


def _differs(w: Write, row: Any, users: dict[int, str], dep_of: dict[str, int]) -> str:
    """What differs between what was sent (and acknowledged) and the stored row; '' if nothing."""
    b = w.body
    if w.kind == "progress":
        want = {"task_id": w.task_id, "narrative": b["narrative"], "status": b["status"],
                "percent": b["percent"], "reported_on": b["reported_on"], "problems": b.get("problems", ""),
                "next_steps": b.get("next_steps", ""), "evidence": b.get("evidence", []),
                "user": w.username, "department_id": dep_of.get(w.username), "task_version": w.ack["task_version"]}
        have = {"task_id": row.task_id, "narrative": row.narrative, "status": row.status, "percent": row.percent,
                "reported_on": row.reported_on.isoformat(), "problems": row.problems,
                "next_steps": row.next_steps, "evidence": list(row.evidence or []),
                "user": users.get(row.user_id), "department_id": row.department_id,
                "task_version": row.task_version}
    else:
        want = {"task_id": w.task_id, "level": b["level"], "reason": b["reason"], "user": w.username}
        have = {"task_id": row.task_id, "level": row.level, "reason": row.reason, "user": users.get(row.user_id)}
    return "; ".join(f"{k}: sent {want[k]!r}, stored {have[k]!r}" for k in want if want[k] != have[k])


def _audit_differs(w: Write, row: Any, entries: list[Any]) -> str:
    if len(entries) != 1:
        return f"{len(entries)} audit entries"
    e = entries[0]
    after = e.after or {}
    action = "report" if w.kind == "progress" else "rate"
    text_key = "narrative" if w.kind == "progress" else "reason"
    bad = []
    if e.action != action or e.actor != w.username:
        bad.append(f"entry says {e.actor} {e.action}")
    if after.get(text_key) != getattr(row, text_key):
        bad.append(f"entry's {text_key} differs")
    if w.kind == "progress" and after.get("task_version") != row.task_version:
        bad.append("entry's task_version differs")
    return "; ".join(bad)


# ---------------------------------------------------------------- the figures

def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] if v else float("nan")


def figures(stats: Stats, took: float) -> dict[str, Any]:
    total = Counter()
    for c in stats.statuses.values():
        total.update(c)
    answered = sum(total.values())
    failures = sum(stats.failures.values())
    deliberate = stats.statuses.get("progress (stale)", Counter())
    return {
        "seconds": round(took, 1),
        "requests": answered + failures,
        "requests_per_s": round((answered + failures) / took, 1) if took else 0.0,
        "by_status": {str(k): v for k, v in sorted(total.items())},
        "conflicts_409_deliberate": deliberate.get(409, 0),
        "stale_writes_accepted": sum(v for k, v in deliberate.items() if 200 <= k < 300),
        "conflicts_409_races": total.get(409, 0) - deliberate.get(409, 0),
        "errors_5xx": sum(v for k, v in total.items() if k >= 500),
        "errors_4xx_other": sum(v for k, v in total.items() if 400 <= k < 500 and k != 409),
        "connection_errors": failures,
        "failures": {f"{k[0]}: {k[1]}": v for k, v in stats.failures.items()},
        "conflicts_without_rejected_text": len(stats.bad_conflicts),
        "stale_reads": len(stats.stale_reads),
        "latency_ms": {kind: {"n": len(v), "p50": round(pct(v, 50), 1), "p95": round(pct(v, 95), 1),
                              "p99": round(pct(v, 99), 1), "max": round(max(v), 1)}
                       for kind, v in sorted(stats.latency.items())},
        "per_minute": _per_minute(stats.timeline),
        "statuses_by_kind": {kind: {str(k): v for k, v in sorted(c.items())} for kind, c in sorted(stats.statuses.items())},
    }


def _per_minute(timeline: list[tuple[float, float]]) -> list[dict[str, Any]]:
    """Answers and latency minute by minute: does the server slow down as the history grows?"""
    buckets: dict[int, list[float]] = defaultdict(list)
    for at, ms in timeline:
        buckets[int(at // 60)].append(ms)
    return [{"minute": m + 1, "answers": len(v), "p50": round(pct(v, 50), 1), "p95": round(pct(v, 95), 1)}
            for m, v in sorted(buckets.items())]


def show(result: dict[str, Any]) -> None:
    f, v = result["figures"], result["verify"]
    print(f"\nsoak: {result['database']}, {result['reporters']} reporters + 1 supervisor, "
          f"{result['workers']} server worker(s), {f['seconds']} s, load average {result['load_before']} "
          f"before / {result['load_after']} after, {os.cpu_count()} CPUs")
    print(f"requests {f['requests']}  ({f['requests_per_s']}/s)   answers by status {f['by_status']}")
    print(f"409: {f['conflicts_409_deliberate']} deliberate stale writes refused, {f['conflicts_409_races']} races "
          f"(expected); stale writes accepted: {f['stale_writes_accepted']}")
    print(f"errors: 5xx {f['errors_5xx']}, other 4xx {f['errors_4xx_other']}, connection {f['connection_errors']} "
          f"{f['failures'] or ''}")
    print(f"reads older than the reader's own acknowledged write: {f['stale_reads']} "
          f"{result['stale_reads'][:3] or ''}")
    print(f"\n{'request':<20}{'n':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, l in f["latency_ms"].items():
        print(f"{kind:<20}{l['n']:>8}{l['p50']:>10.1f}{l['p95']:>10.1f}{l['p99']:>10.1f}{l['max']:>10.1f}")
    print("per minute (answers, p50/p95 ms): " + ", ".join(
        f"{m['minute']}: {m['answers']} {m['p50']:.0f}/{m['p95']:.0f}" for m in f["per_minute"]))
    print(f"\nacknowledged writes {v['acknowledged_writes']} (progress {v['acknowledged_progress']}, "
          f"ratings {v['acknowledged_ratings']}); soak rows stored {v['stored_soak_rows']}; "
          f"stored without an answer {v['stored_without_answer']}; integrity {v['integrity']}")
    print(f"acknowledged writes lost: {v['lost']}")
    for k, items in v["problems"].items():
        print(f"PROBLEM {k}: {len(items)}; first: {items[:3]}")
    if result["server_log"]["alarms"]:
        print(f"server log: {result['server_log']['alarms']}")
        for sig, n in result["server_log"]["tracebacks"].items():
            print(f"  {n} x {sig}")
    print("\nRESULT:", "ok" if result["ok"] else "FAILED")


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0, help="how long to drive the server (default 10)")
    ap.add_argument("--reporters", type=int, default=20, help="concurrent department reporters (default 20)")
    ap.add_argument("--departments", type=int, default=15,
                    help="spread the reporters over this many departments, the busiest (default 15)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    ap.add_argument("--postgres", action="store_true", help="a throwaway database on the local PostgreSQL")
    ap.add_argument("--think-ms", type=float, default=100.0,
                    help="mean pause between a reporter's steps (uniform 0..2x; the supervisor's is 3x)")
    ap.add_argument("--conflict-rate", type=float, default=0.1,
                    help="share of accepted updates followed by a deliberate stale one (default 0.1)")
    ap.add_argument("--unchecked-rate", type=float, default=0.1,
                    help="share of updates sent without expected_version (default 0.1)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--json", type=Path, help="also write the result here")
    ap.add_argument("--server-log", type=Path, help="keep the server's output here")
    ap.add_argument("--slow-sql", type=float, metavar="MS",
                    help="diagnostics: the server logs statements slower than MS (lock waits included)")
    a = ap.parse_args(argv)
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(3), "big")
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        url = stack.enter_context(database(a.postgres))
        shown = url.split("?")[0] if not a.postgres else re.sub(r"//[^@]*@", "//", url.split("?")[0])
        t = time.perf_counter()
        su = setup(url, a.reporters, a.departments)
        print(f"soak: {shown}: example, tasks and {a.reporters} reporters over "
              f"{len({r.department_id for r in su.reporters})} departments set up in "
              f"{time.perf_counter() - t:.1f} s; seed {seed}", file=sys.stderr, flush=True)
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="luoshi-soak-log-")))
        log = tmp / "server.log"
        port = free_port()
        proc = serve(url, port, a.workers, log, a.slow_sql)
        try:
            print(f"soak: serving on {HOST}:{port} with {a.workers} worker(s); driving for {a.minutes} min",
                  file=sys.stderr, flush=True)
            stats, took = asyncio.run(drive(f"http://{HOST}:{port}", su, a.minutes * 60, a.think_ms,
                                            a.conflict_rate, a.unchecked_rate, seed))
        finally:
            stop(proc)
        load_after = os.getloadavg()[0]
        verdict = verify(url, su, stats.writes)
        figs = figures(stats, took)
        server_log = scan_log(log)
        if a.server_log:
            shutil.copyfile(log, a.server_log)
        ok = (verdict["lost"] == 0 and not verdict["problems"] and figs["errors_5xx"] == 0
              and figs["connection_errors"] == 0 and figs["stale_writes_accepted"] == 0
              and figs["conflicts_without_rejected_text"] == 0 and figs["stale_reads"] == 0
              and not server_log["alarms"])
        result = {"ok": ok, "database": "PostgreSQL" if a.postgres else "SQLite", "url": shown,
                  "reporters": a.reporters, "workers": a.workers, "minutes": a.minutes, "seed": seed,
                  "think_ms": a.think_ms, "load_before": round(load_before, 2), "load_after": round(load_after, 2),
                  "figures": figs, "verify": verdict, "server_log": server_log,
                  "bad_conflicts": stats.bad_conflicts[:20], "stale_reads": stats.stale_reads[:20]}
    show(result)
    if a.json:
        a.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
