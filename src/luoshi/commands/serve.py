"""``luoshi serve``: the HTTP API (and the web pages, when installed) with uvicorn."""

from __future__ import annotations

import os
import socket
from importlib.util import find_spec

import click

from ..track.cliutil import DB_OPTION


@click.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--public-read", is_flag=True, default=None,
              help="Allow anonymous read-only access (GET) [default: env LUOSHI_PUBLIC_READ].")
@click.option("--no-web", is_flag=True, help="Serve the API only, without the web pages.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes: one per core serves more readers at once. Each keeps its own "
                   "caches, checked against the database on every read, so a write made through one "
                   "shows in all. On SQLite, writes still take turns.")
def command(db_url: str | None, host: str, port: int, public_read: bool | None, no_web: bool,
            log_level: str, workers: int) -> None:
    """Serve the API at http://HOST:PORT/api/v1 (schema: /api/v1/openapi.json)."""
    import uvicorn

    from .. import store
    from ..api.app import create_app
    from ..api.settings import Settings
    from ..cli import _open_db

    url, sessions = _open_db(db_url)  # a bad URL or an unreachable database: one line, exit 2/1
    click.echo(f"luoshi: serving http://{host}:{port}/api/v1 (docs /api/v1/docs)"
               + (f" with {workers} processes" if workers > 1 else ""), err=True)
    if workers > 1:
        store.close(sessions)  # migrated; each worker opens its own
        _serve_workers(url, host, port, workers, public_read=public_read, no_web=no_web, log_level=log_level)
        return
    kw = {"include_web": not no_web}
    if public_read is not None:
        kw["public_read"] = public_read
    app = create_app(sessions=sessions, settings=Settings(**kw))
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
    finally:
        store.close(sessions)


def listening_socket(host: str, port: int) -> socket.socket:
    """The TCP socket the worker processes share, created as TCP explicitly.

    Why not uvicorn's own (``Config.bind_socket``): up to at least uvicorn 0.29–0.54 it was made
    with protocol 0, and asyncio sets TCP_NODELAY only on connections of a socket whose protocol
    says TCP — so every response written in two parts (headers, then body) waited for the
    client's delayed ACK, ~40 ms per request on a kept-alive connection (measured on the version
    then installed: 7 ms → 52 ms for the roll-ups; later uvicorn releases set it themselves).
    Making the socket here keeps the promise whatever uvicorn does.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(True)
    return sock


def _serve_workers(url, host: str, port: int, workers: int, *, public_read: bool | None, no_web: bool,
                   log_level: str) -> None:
    """uvicorn's supervisor over ``workers`` processes, each making the app with
    ``luoshi.api.app.from_env`` from what this process puts in the environment."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from ..api.app import ENV_NO_WEB
    from ..store.db import ENV_URL

    sock = listening_socket(host, port)  # first: a port in use changes nothing
    os.environ[ENV_URL] = url.render_as_string(hide_password=False)
    os.environ[ENV_NO_WEB] = "1" if no_web else ""
    if public_read is not None:
        os.environ["LUOSHI_PUBLIC_READ"] = "1" if public_read else ""
    if not no_web and find_spec("luoshi.web") is not None:
        from ..web.security import ENV_PROCESSES, secret_key

        secret_key(os.environ[ENV_URL])  # one key for all workers, made here once
        os.environ[ENV_PROCESSES] = str(workers)  # each worker's share of the login limits
    config = uvicorn.Config("luoshi.api.app:from_env", factory=True, host=host, port=port, workers=workers,
                            log_level=log_level, proxy_headers=False)
    Multiprocess(config, sockets=[sock]).run()
