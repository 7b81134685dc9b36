"""``luoshi serve --workers N``: several server processes on one socket, each with its own app,
one secret key; and the socket they share sets TCP_NODELAY on its connections."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx2 as httpx
import pytest

from luoshi.commands.serve import listening_socket


def _nodelay_of_accepted(sock: socket.socket) -> int:
    """TCP_NODELAY of a connection asyncio accepts on ``sock`` (as uvicorn's workers do)."""
    async def main() -> int:
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class P(asyncio.Protocol):
            def connection_made(self, transport):  # noqa: ANN001
                got.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(P, sock=sock)
        port = sock.getsockname()[1]
        _r, w = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(got, 5)
        finally:
            w.close()
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


def test_shared_socket_gets_nodelay_connections():
    # luoshi's promise, whatever the server library does with its own sockets (why luoshi makes
    # its own: serve.listening_socket's docstring)
    assert _nodelay_of_accepted(listening_socket("127.0.0.1", 0)) != 0


def test_port_in_use_is_a_clear_error_and_changes_nothing(tmp_path):
    busy = listening_socket("127.0.0.1", 0)
    busy.listen()
    from click.testing import CliRunner

    from luoshi.cli import main

    before = dict(os.environ)
    r = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--workers", "2",
                                  "--port", str(busy.getsockname()[1])])
    assert r.exit_code == 1 and "cannot listen on 127.0.0.1" in r.output
    assert dict(os.environ) == before  # the workers' environment is set only once the port is ours
    busy.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_serve_the_api_and_the_web_with_one_key(tmp_path):
    db = tmp_path / "lib.db"
    env = {**os.environ, "LUOSHI_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("LUOSHI_SECRET_KEY", None)
    cli = [sys.executable, "-c", "from luoshi.cli import main; main()"]
    assert subprocess.run([*cli, "import", "sample", "--db", f"sqlite:///{db}"], env=env,
                          capture_output=True).returncode == 0
    port = _free_port()
    proc = subprocess.Popen([*cli, "serve", "--db", f"sqlite:///{db}", "--port", str(port), "--workers", "2",
                             "--public-read", "--log-level", "warning"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        for _ in range(6):  # new connections: the kernel spreads them over both workers
            r = httpx.get(f"{base}/api/v1/reports", timeout=10)
            assert r.status_code == 200 and r.json()["items"][0]["region"] == "辽宁省"
            assert httpx.get(f"{base}/login", timeout=10).status_code == 200
        with httpx.Client(base_url=base, timeout=10) as c:  # a kept-alive connection, many requests
            assert all(c.get("/api/v1/reports").status_code == 200 for _ in range(5))
        # the login limit holds across the processes: 5 wrong passwords a user, so each of the 2
        # allows 3, and 6 at most get through whichever serves; sessions signed by one worker are
        # read by the other (one secret key)
        codes = []
        for _ in range(10):
            with httpx.Client(base_url=base, timeout=10) as c:  # a new connection each time
                token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
                codes.append(c.post("/login", data={"username": "nobody", "password": "wrong", "csrf": token}).status_code)
        assert 3 <= codes.count(401) <= 6 and codes.count(429) >= 4 and set(codes) == {401, 429}, codes
        keys = list((tmp_path / "instance").glob("*secret_key*"))
        assert [k.name for k in keys] == ["secret_key"]  # one key, no leftovers of the race
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("the server did not stop on Ctrl-C")
    assert "with 2 processes" in proc.stderr.read()


def test_login_limits_are_shared_out_among_the_processes():
    from luoshi.web.security import LoginLimiter

    assert (LoginLimiter().per_user, LoginLimiter().per_client) == (5, 20)
    for n in (2, 3, 5):
        limiters = [LoginLimiter(processes=n) for _ in range(n)]
        tries = 0
        while open_ := [x for x in limiters if not x.blocked("10.0.0.1", "duban")]:
            open_[tries % len(open_)].failed("10.0.0.1", "duban")
            tries += 1
        assert 5 <= tries <= 5 + n - 1  # all together: the limit, plus fewer than one a process
