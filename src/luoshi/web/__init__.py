"""The web app: server-rendered pages (Jinja2, zh-CN) over the tracking services, mounted on
the HTTP API's app by ``mount(app)`` (``luoshi.api.app.create_app`` calls it).

``mount`` adds the session middleware (signed cookie: HttpOnly, SameSite=Lax, Secure over HTTPS;
the actor in ``request.state.actor``), security headers (a CSP without inline script), the pages,
``/static`` and HTML error pages in Chinese for every path outside ``/api/`` (which keeps the
API's JSON errors). The secret comes from env LUOSHI_SECRET_KEY, else a key kept in the instance
dir (``security.instance_dir``). The public read-only pages follow the API's ``public_read``
setting (env LUOSHI_PUBLIC_READ) unless ``public`` is given; what they show of ratings and
progress notes is the supervision office's stored decision per report (``track.publication``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["mount", "WebState"]


@dataclass
class WebState:
    templates: Any  # jinja2.Environment
    limiter: Any  # security.LoginLimiter
    uploads: Path
    public: bool
    max_bytes: int


def _db_url(app: Any) -> str | None:
    try:
        from ..store import engine_of

        return engine_of(app.state.sessions).url.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a factory without a bound engine: no instance dir from it
        return None


def templates() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # noqa: F401

    path = Path(str(resources.files("luoshi.web") / "templates"))
    env = Environment(loader=FileSystemLoader(path), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    return env


def mount(app: Any, *, public: bool | None = None, secret: str | None = None) -> None:
    """Add the pages, static files and the session middleware to ``app`` (a FastAPI app with
    ``app.state.sessions``)."""
    from starlette.routing import Match
    from starlette.staticfiles import StaticFiles

    from .security import LoginLimiter, WebMiddleware, instance_dir, secret_key, server_processes
    from .views import install_error_pages, router

    settings = getattr(app.state, "settings", None)
    db_url = _db_url(app)
    if public is None:
        public = bool(getattr(settings, "public_read", False))
    app.state.web = WebState(templates(), LoginLimiter(processes=server_processes()), instance_dir(db_url) / "uploads", public,
                             int(getattr(settings, "max_upload_bytes", 20_000_000)))
    app.include_router(router)
    install_error_pages(app)
    app.mount("/static", StaticFiles(directory=str(resources.files("luoshi.web") / "static")),
              name="web-static")
    routes = list(router.routes)

    def is_web_path(path: str) -> bool:
        scope = {"type": "http", "path": path, "method": "POST", "root_path": ""}
        return any(r.matches(scope)[0] != Match.NONE for r in routes)

    app.add_middleware(WebMiddleware, secret=secret or secret_key(db_url), is_web_path=is_web_path)
