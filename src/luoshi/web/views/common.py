"""What every view uses: rendering a template with the session's context, the actor and the
form (CSRF-checked), the date statuses are judged on, the ``page`` decorator that turns the
expected failures into pages, and the HTML error pages."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ...errors import LuoshiError
from ...track import services as S
from ...track.actor import MANAGERS, current
from .. import labels as L
from ..pages.common import num_text, report_label, source_label
from ..pages.statuses import detail
from ..security import HEADERS as SECURITY_HEADERS
from ..security import csrf_ok, csrf_token


class LoginNeeded(Exception):
    pass


class BadCsrf(Exception):
    pass


CODES = {S.NotFound: 404, S.Forbidden: 403, S.Invalid: 422, S.Conflict: 409}
TITLES = {404: "页面不存在", 403: "无权限", 422: "输入有误", 409: "内容已被他人修改", 400: "无法处理",
          405: "不支持的请求方式", 413: "内容过大", 500: "服务器错误", 503: "服务器繁忙"}
MESSAGES = {404: "您要找的页面不存在：地址可能有误，或内容已被删除。",
            403: "当前账号无权访问这个页面。",
            405: "这个页面不支持这种请求方式。",
            413: "提交的内容超过了大小上限。",
            422: "请求的地址或内容无效。",
            503: "服务器正忙，本次请求没有写入任何内容。请稍后重试。",
            500: "服务器处理请求时出错，详细信息已记入服务器日志。请稍后重试，或联系管理员。"}
log = logging.getLogger("luoshi.web")


def web(request: Request) -> Any:
    return request.app.state.web


def sessions(request: Request) -> Any:
    return request.app.state.sessions


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    w = web(request)
    actor = getattr(request.state, "actor", None)
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    ctx.setdefault("label", report_label)
    html = w.templates.get_template(template).render(
        request=request, actor=actor, role_zh=L.ROLES_ZH, csrf=csrf_token(request.session),
        public_enabled=w.public, flash=flash, L=L, num=num_text, path=request.url.path,
        managers=MANAGERS, why_of=detail, max_bytes=w.max_bytes, source_name=source_label, **ctx)
    return HTMLResponse(html, status_code=status)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def today(request: Request) -> dt.date:
    """The date statuses are judged on: ?as_of=YYYY-MM-DD, else today."""
    raw = request.query_params.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        raise S.Invalid(f"日期格式应为 YYYY-MM-DD：{raw}") from None


def actor_of(request: Request, s: Session, *roles: str) -> S.Actor:
    """The logged-in actor as stored now (a disabled account is logged out); with ``roles``,
    Forbidden unless the actor has one of them."""
    a = getattr(request.state, "actor", None)
    if a is None:
        raise LoginNeeded()
    try:
        a = current(s, a)
    except S.Forbidden:
        request.session.clear()
        raise LoginNeeded() from None
    request.state.actor = a
    if roles and a.role not in roles:
        raise S.Forbidden(f"{L.ROLES_ZH.get(a.role, a.role)}账号无权进行此操作")
    return a


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, title=TITLES.get(status, "出错了"), message=message,
                  code=status)


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def status_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    """The HTML page of an error outside the views (unknown path, wrong method, a crash); falls
    back to a bare page if the template itself cannot be rendered."""
    message = MESSAGES.get(status, "请求无法完成。")
    try:
        resp: Response = error_page(request, status, message)
    except Exception:  # noqa: BLE001 - the error page must not fail in its turn
        log.exception("the error page for %s could not be rendered", status)
        resp = HTMLResponse(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了</title>'
                            f'<h1>{TITLES.get(status, "出错了")}</h1><p>{message}</p><p><a href="/">回到首页</a></p>',
                            status_code=status)
    for k, v in {**SECURITY_HEADERS, **(headers or {})}.items():  # a 500 passes no middleware
        resp.headers[k] = v
    return resp


def install_error_pages(app: Any) -> None:
    """HTML error pages in Chinese for the web's paths; ``/api/`` keeps the API's JSON errors
    (the handlers already installed by ``luoshi.api.errors``, wrapped, not replaced)."""
    from starlette.exceptions import HTTPException as StarletteHTTPException

    api_http = app.exception_handlers.get(StarletteHTTPException)
    api_any = app.exception_handlers.get(Exception)

    async def http_error(request: Request, e: StarletteHTTPException) -> Response:
        if is_api_path(request.url.path):
            if api_http is not None:
                return await api_http(request, e)
            return JSONResponse({"detail": e.detail}, status_code=e.status_code, headers=e.headers)
        return status_page(request, e.status_code, getattr(e, "headers", None))

    async def server_error(request: Request, e: Exception) -> Response:
        if is_api_path(request.url.path) and api_any is not None:
            return await api_any(request, e)
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=e)
        return status_page(request, 500)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
    # for refusals made before routing (luoshi.api.limits: body too large, NUL in the URL)
    app.state.html_error = lambda scope, status: status_page(Request(scope), status)


def page(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the expected failures of a view into pages: login needed → the login form; a refused
    service call → its status code with the reason in Chinese."""

    def handle(request: Request, e: Exception) -> Response:
        if isinstance(e, LoginNeeded):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        if isinstance(e, BadCsrf):
            return error_page(request, 403, "请求未通过安全校验（表单令牌缺失或已失效）。请刷新页面后重试。")
        if isinstance(e, S.TrackError):
            code = next((c for cls, c in CODES.items() if isinstance(e, cls)), 400)  # subclasses too
            return error_page(request, code, zh_error(e))
        if isinstance(e, LuoshiError):
            return error_page(request, 400, str(e))
        raise e

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(request: Request, **kw: Any) -> Response:
            try:
                return await fn(request, **kw)
            except (LoginNeeded, BadCsrf, LuoshiError) as e:
                return handle(request, e)
        return awrapper

    @functools.wraps(fn)
    def wrapper(request: Request, **kw: Any) -> Response:
        try:
            return fn(request, **kw)
        except (LoginNeeded, BadCsrf, LuoshiError) as e:
            return handle(request, e)
    return wrapper




def zh_error(e: Exception) -> str:
    if isinstance(e, S.Conflict):
        return (f"该任务在您打开页面后已被修改（当前版本 {e.actual}，您看到的是版本 {e.expected}）。"
                "您填写的内容未保存，已保留在表单中，请核对后重新提交。")
    msg = str(e)
    words = L.error_zh(msg)  # the service's English (with its codes) is no words for people
    return f"{words}。" if words else msg


async def form_of(request: Request) -> Any:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    if not csrf_ok(request.session, form.get("csrf")):
        raise BadCsrf()
    return form


def read(request: Request, fn: Callable[[Session], Any]) -> Any:
    with sessions(request)() as s:
        return fn(s)


def _int(v: Any) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None
