"""The app factory: ``create_app(db_url, settings=...)``; see the package docstring."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from .. import __version__, store
from . import API_PREFIX, errors
from .limits import BodyLimit, NoNul
from .settings import Settings

DESCRIPTION = """The delivery tracker of luoshi: reports, figures, tasks, progress, ratings,
roll-ups, reminders. Authenticate with `Authorization: Bearer <token>` (`luoshi token create`,
or POST /api/v1/tokens). Every error is `{"error": {"code", "message", "detail"}}`."""


def _docs_page(app: FastAPI) -> str:
    """A self-contained page (no CDN, no script): the routes of the OpenAPI document."""
    rows = []
    for path, ops in app.openapi().get("paths", {}).items():
        for method, op in ops.items():
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                        f"<td>{html.escape(op.get('summary', ''))}</td></tr>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>luoshi API</title>"
            "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 8px;vertical-align:top}"
            "tr:nth-child(even){background:#f4f4f4}</style></head><body>"
            f"<h1>luoshi API {html.escape(__version__)}</h1><p>{html.escape(DESCRIPTION)}</p>"
            f"<p>The full schema: <a href='{API_PREFIX}/openapi.json'>{API_PREFIX}/openapi.json</a></p>"
            "<table><tr><th>method</th><th>path</th><th>what</th></tr>" + "".join(rows)
            + "</table></body></html>")


def create_app(db_url: str | None = None, *, settings: Settings | None = None,
               sessions: Any = None, migrate: bool = True) -> FastAPI:
    """The API over the database at ``db_url`` (migrated on open unless ``migrate`` is false),
    or over ``sessions`` (a sessionmaker the caller owns). Mounts ``luoshi.web`` when it exists
    and ``settings.include_web``."""
    settings = settings or Settings()
    owned = sessions is None
    factory = store.open(db_url, migrate=migrate) if owned else sessions
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            store.close(factory)

    app = FastAPI(lifespan=lifespan, title="luoshi", version=__version__, description=DESCRIPTION,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None)
    app.state.sessions = factory
    app.state.settings = settings
    app.state.include_web = settings.include_web
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(NoNul)

    from .routes import router

    app.include_router(router, prefix=API_PREFIX)

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(_request: Request) -> HTMLResponse:
        return HTMLResponse(_docs_page(app))

    if settings.include_web and find_spec("luoshi.web") is not None:
        import_module("luoshi.web").mount(app)  # the server-rendered pages (another package)
    return app


ENV_NO_WEB = "LUOSHI_NO_WEB"


def from_env() -> FastAPI:
    """The app as each worker process of ``luoshi serve --workers N`` makes it (uvicorn imports
    it by name in a fresh interpreter): the database of LUOSHI_DATABASE_URL, already migrated by
    the parent, and the settings of the environment (LUOSHI_PUBLIC_READ, LUOSHI_NO_WEB)."""
    import os

    return create_app(settings=Settings(include_web=os.environ.get(ENV_NO_WEB) != "1"), migrate=False)
