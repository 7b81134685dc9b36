"""A cap on request bodies, enforced while they arrive: a declared Content-Length over the
cap is refused before any byte is read, a chunked body as soon as it passes it (413, the
error shape). The cap is the upload limit plus room for the multipart envelope."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response

ENVELOPE = 64 * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max = app, max_bytes + ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max:
            await error_response(413, "too_large", f"the request body is larger than {self.max} bytes",
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
