"""One JSON shape for every error: ``{"error": {"code", "message", "detail"}}`` (see the
package docstring), installed over FastAPI's own handlers so validation errors, unknown routes
and wrong methods look the same as the services' refusals."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError
from ..labels import error_zh
from ..track.audit import plain
from ..track.errors import Conflict, Forbidden, Invalid, NotFound

log = logging.getLogger("luoshi.api")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "invalid", 429: "too_many_requests", 500: "internal", 503: "unavailable"}


class ApiError(Exception):
    """Raise anywhere in a route to answer with this status and error body."""

    def __init__(self, status: int, code: str, message: str, detail: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail
        self.headers = headers


def error_response(status: int, code: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The one error body; ``zh`` is what a person reads (the message's words, else the code's:
    labels.toml [error_message], [error_code]) — a client shows it as it is."""
    zh = (detail.get("zh") if isinstance(detail, dict) and isinstance(detail.get("zh"), str) else "") \
        or error_zh(message, code) or error_zh("", "error")
    body = {"error": {"code": code, "message": message, "zh": zh, "detail": jsonable_encoder(plain(detail))}}
    return JSONResponse(body, status_code=status, headers=headers)


def is_busy(e: OperationalError) -> bool:
    """SQLite gave up waiting for another writer (``database is locked`` / ``busy``)."""
    text = str(getattr(e, "orig", None) or e).lower()
    return "database is locked" in text or "database is busy" in text


def unauthorized(message: str = "authentication required: send Authorization: Bearer <token>") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api(_r: Request, e: ApiError) -> JSONResponse:
        return error_response(e.status, e.code, e.message, e.detail, e.headers)

    @app.exception_handler(NotFound)
    async def _nf(_r: Request, e: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(e))

    @app.exception_handler(Forbidden)
    async def _fb(_r: Request, e: Forbidden) -> JSONResponse:
        return error_response(403, "forbidden", str(e))

    @app.exception_handler(Invalid)
    async def _inv(_r: Request, e: Invalid) -> JSONResponse:
        return error_response(422, "invalid", str(e))

    @app.exception_handler(Conflict)
    async def _cf(_r: Request, e: Conflict) -> JSONResponse:
        return error_response(409, "conflict", str(e), {
            "task_id": e.task_id, "expected": e.expected, "actual": e.actual,
            "rejected": e.rejected, "current": e.current})

    @app.exception_handler(InputError)
    async def _bad_file(_r: Request, e: InputError) -> JSONResponse:
        return error_response(400, "bad_file", e.reason, {"file": e.path, "reason": e.reason})

    @app.exception_handler(RequestValidationError)
    async def _val(_r: Request, e: RequestValidationError) -> JSONResponse:
        errs = [{"loc": list(x.get("loc", ())), "msg": x.get("msg", ""), "type": x.get("type", "")}
                for x in e.errors()]
        first = errs[0] if errs else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return error_response(422, "invalid", f"{where}: {first['msg']}" if where else first["msg"], errs)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, e: StarletteHTTPException) -> JSONResponse:
        code = CODES.get(e.status_code, "error")
        msg = e.detail if isinstance(e.detail, str) else code.replace("_", " ")
        if e.status_code == 404 and msg == "Not Found":
            msg = "no such route"
        return error_response(e.status_code, code, msg, None, getattr(e, "headers", None))

    @app.exception_handler(DataError)
    async def _data(r: Request, e: DataError) -> JSONResponse:
        # The last line of defence behind the request models' bounds (schemas.DbInt, Day, no
        # NUL): a value the database cannot hold is the request's fault, and the transaction
        # has rolled back. Logged, since a route whose input is not bounded should be.
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        log.warning("database refused a value on %s %s: %s", r.method, r.url.path, reason)
        return error_response(422, "invalid", f"a value the database cannot store: {reason}")

    @app.exception_handler(OperationalError)
    async def _busy(r: Request, e: OperationalError) -> Any:
        # SQLite's write lock still held by another process after busy_timeout: the server is
        # busy, not broken, and nothing was written — say so (503, retry) instead of a 500
        if not is_busy(e):  # whatever answers any other error (the web wraps it for its pages)
            return await r.app.exception_handlers.get(Exception, _any)(r, e)
        log.warning("database busy on %s %s: %s", r.method, r.url.path, e.orig)
        html = getattr(r.app.state, "html_error", None)
        if html is not None and not (r.url.path == "/api" or r.url.path.startswith("/api/")):
            resp = html(r.scope, 503)
        else:
            resp = error_response(503, "busy", "the database is busy; retry in a moment")
        resp.headers["Retry-After"] = "1"
        return resp

    @app.exception_handler(Exception)
    async def _any(r: Request, e: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", r.method, r.url.path)
        return error_response(500, "internal", "internal error; the server log has the details")
