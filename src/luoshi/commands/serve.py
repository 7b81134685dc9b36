"""``luoshi serve``: the HTTP API (and the web pages, when installed) with uvicorn."""

from __future__ import annotations

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
def command(db_url: str | None, host: str, port: int, public_read: bool | None, no_web: bool,
            log_level: str) -> None:
    """Serve the API at http://HOST:PORT/api/v1 (schema: /api/v1/openapi.json)."""
    import uvicorn

    from ..api.app import create_app
    from ..api.settings import Settings
    from ..cli import _open_db

    _url, sessions = _open_db(db_url)  # a bad URL or an unreachable database: one line, exit 2/1
    kw = {"include_web": not no_web}
    if public_read is not None:
        kw["public_read"] = public_read
    app = create_app(sessions=sessions, settings=Settings(**kw))
    click.echo(f"luoshi: serving http://{host}:{port}/api/v1 (docs /api/v1/docs)", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
    finally:
        from .. import store

        store.close(sessions)
