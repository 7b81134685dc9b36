"""A cap on request bodies, enforced while they arrive: a declared Content-Length over the
cap is refused before any byte is read, a chunked body as soon as it passes it (413, the
error shape). The cap is the upload limit plus room for the multipart envelope.

Refusals outside ``/api/`` are the web's HTML error page when the web is mounted (it sets
``app.state.html_error``), so a browser user reads a page in Chinese, not JSON."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from . import API_PREFIX
from .errors import error_response

ENVELOPE = 64 * 1024


def _refuse(scope: Scope, status: int, code: str, message: str, detail: Any = None) -> ASGIApp:
    path = scope.get("path", "")
    html = getattr(getattr(scope.get("app"), "state", None), "html_error", None)
    if html is not None and path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
        return html(scope, status)
    return error_response(status, code, message, detail)


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max = app, max_bytes + ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max:
            await _refuse(scope, 413, "too_large", f"the request body is larger than {self.max} bytes",
                          {"limit": self.max})(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max:  # FastAPI re-raises HTTPException from body parsing as is
                    raise HTTPException(413, f"the request body is larger than {self.max} bytes")
            return message

        await self.app(scope, counted, send)


class NoNul:
    """Refuse (422) a request whose path or query string carries a NUL character (``%00``):
    no name, id or filter luoshi knows contains one, and PostgreSQL cannot even compare text
    with it (the query would fail with a 500; SQLite would just find nothing). Bodies are
    checked by the request models (``schemas.Body``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope.get("path", "")
                                        or b"%00" in scope.get("query_string", b"")
                                        or b"\x00" in scope.get("query_string", b"")):
            await _refuse(scope, 422, "invalid", "the URL contains a NUL character (%00)")(scope, receive, send)
            return
        await self.app(scope, receive, send)
