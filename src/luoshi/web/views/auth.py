"""Logging in and out: the login form (with a limit on failures per client and name) and the
redirect to where the reader was going."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import store
from ...track import services as S
from .. import labels as L
from ..security import csrf_ok, login
from .common import flash, form_of, page, render, sessions, web

router = APIRouter(include_in_schema=False)


@router.api_route("/login", methods=["GET", "HEAD"])
@page
def login_form(request: Request) -> Response:
    return render(request, "login.html", next=_safe_next(request.query_params.get("next")), error="")


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no //host): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.post("/login")
@page
async def login_post(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request.session, form.get("csrf")):  # the login form's page set the token
        return render(request, "login.html", status=403, next="/", username="",
                      error="登录页面已失效，请重新输入。")
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    nxt = _safe_next(str(form.get("next", "")))
    client = request.client.host if request.client else "-"
    limiter = web(request).limiter
    if limiter.blocked(client, username):
        return render(request, "login.html", status=429, next=nxt, username=username,
                      error="登录失败次数过多，请10分钟后再试。")

    def check() -> S.Actor | None:
        with store.write_transaction(sessions(request)) as s:
            return S.verify_password(s, username, password)

    actor = await run_in_threadpool(check) if username and password else None
    if actor is None:
        limiter.failed(client, username)
        return render(request, "login.html", status=401, next=nxt, username=username,
                      error="用户名或密码不正确。")
    limiter.succeeded(client, username)
    login(request.session, actor)
    flash(request, f"欢迎，{actor.username}（{L.ROLES_ZH.get(actor.role, actor.role)}）。")
    return RedirectResponse(nxt if nxt != "/" or actor.role != "reporter" else "/my", status_code=303)


@router.post("/logout")
@page
async def logout(request: Request) -> Response:
    await form_of(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
