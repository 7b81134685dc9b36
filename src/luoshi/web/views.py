"""The pages: each view parses the request, calls one function of ``pages`` (or a service), and
renders a template. State-changing forms carry the session's CSRF token; every write goes
through the tracking services, which refuse what the actor's role may not do."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import inspect
import io
import json
import logging
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from .. import store
from ..services.readcache import StampedCache
from ..errors import InputError, LuoshiError
from ..track import audit
from ..track import services as S
from ..track.actor import MANAGERS, current
from ..track.publication import publication, publish
from . import labels as L
from . import pages as P
from .security import HEADERS as SECURITY_HEADERS
from .security import csrf_ok, csrf_token, login

router = APIRouter(include_in_schema=False)


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


# ---------------------------------------------------------------- helpers

def web(request: Request) -> Any:
    return request.app.state.web


def sessions(request: Request) -> Any:
    return request.app.state.sessions


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    w = web(request)
    actor = getattr(request.state, "actor", None)
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    html = w.templates.get_template(template).render(
        request=request, actor=actor, role_zh=L.ROLES_ZH, csrf=csrf_token(request.session),
        public_enabled=w.public, flash=flash, L=L, num=P.num_text, path=request.url.path,
        managers=MANAGERS, why_of=P.detail, max_bytes=w.max_bytes, **ctx)
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
            return error_page(request, CODES.get(type(e), 400), zh_error(e))
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


ERRORS_ZH = [
    (re.compile(r"may not do this; needs (.*)"), "当前账号无权进行此操作"),
    (re.compile(r"may not report on task"), "只有该任务的牵头或责任单位（或督查室）可以报送进展"),
    (re.compile(r"reported_on .* is in the future"), "报送日期不能晚于今天"),
    (re.compile(r"percent complete must be between"), "完成度应在 0 到 100 之间"),
    (re.compile(r"cannot be compared with the target"), "填写的单位无法与目标的单位换算"),
    (re.compile(r"each evidence item needs"), "每项佐证材料需要名称和链接"),
    (re.compile(r"a rating needs a reason"), "评价需要填写理由"),
    (re.compile(r"level must be one of"), "请选择评价等级"),
    (re.compile(r"unknown department"), "单位名称不在单位目录中"),
    (re.compile(r"is disabled or unknown"), "账号已停用"),
]


def zh_error(e: Exception) -> str:
    if isinstance(e, S.Conflict):
        return (f"该任务在您打开页面后已被修改（当前版本 {e.actual}，您看到的是版本 {e.expected}）。"
                "您填写的内容未保存，已保留在表单中，请核对后重新提交。")
    msg = str(e)
    for pat, zh in ERRORS_ZH:
        if pat.search(msg):
            return f"{zh}。（{msg}）"
    return msg


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


# ---------------------------------------------------------------- login

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


# ---------------------------------------------------------------- overview

@router.api_route("/", methods=["GET", "HEAD"])
@page
def overview(request: Request) -> Response:
    if getattr(request.state, "actor", None) is None and web(request).public:
        return RedirectResponse("/public", status_code=303)
    axis = request.query_params.get("axis", "reported")
    axis = axis if axis in L.AXES_ZH else "reported"

    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = P.overview(s, report, today(request), axis)
        return render(request, "overview.html", o=data, picker=P.picker(s, report, actor),
                      counts=counts_section(request, data, today(request)),
                      label=P.report_label, today=today(request), pub=publication(s, report.id))
    return read(request, go)


_COUNTS: StampedCache[tuple[Any, Markup]] = StampedCache(size=64)


def counts_section(request: Request, o: P.Overview, day: dt.date) -> Markup:
    """The overview's counts by section and department, rendered once per roll-up object: the
    tables are a function of the report's roll-ups (which track.views keeps while the report's
    stamp holds — any write or import brings new ones, and a writing transaction always gets
    new ones), the axis, and the report and date in the links. With 69 departments they were
    half of the page's rendering. The stamp is the roll-up's identity; the entry keeps the
    roll-up alive, so its id cannot pass to a newer one while the entry stands."""
    def render_counts() -> tuple[Any, Markup]:
        return o.rollups, Markup(web(request).templates.get_template("overview_counts.html").render(o=o, today=day, L=L))

    if o.rollups is None:
        return render_counts()[1]
    key = (o.report.id, day, o.axis)
    return _COUNTS.get(store.engine_of(sessions(request)), key, (id(o.rollups),), render_counts)[1]


@router.post("/reports/{report_id}/publication")
@page
async def post_publication(request: Request, report_id: int) -> Response:
    """The supervisor's decision of what the public view shows: an unticked box withdraws."""
    form = await form_of(request)
    ratings, notes = form.get("ratings") == "1", form.get("notes") == "1"

    def go() -> Response:
        with store.write_transaction(sessions(request)) as s:
            actor = actor_of(request, s, *MANAGERS)
            publish(s, report_id, actor, ratings=ratings, notes=notes)
        shown = "、".join(w for w, on in (("督查评价及理由", ratings), ("进展情况", notes)) if on)
        flash(request, f"公开页面现在显示：{shown}。" if shown else "公开页面不显示督查评价和进展情况。")
        return RedirectResponse(f"/?report={report_id}#publication", status_code=303)

    return await run_in_threadpool(go)


# ---------------------------------------------------------------- reader

@router.api_route("/reports/find", methods=["GET", "HEAD"])
@page
def reports_find(request: Request) -> Response:
    """The reports whose title, region or year hold the words asked for (the overview's picker
    offers a few; this reaches every other one, without script)."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        found = P.find_reports(s, request.query_params.get("q", ""))
        return render(request, "report_find.html", found=found, label=P.report_label, limit=P.FIND_LIMIT)
    return read(request, go)


@router.api_route("/reports/{report_id}", methods=["GET", "HEAD"])
@page
def report_reader(request: Request, report_id: int) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, report_id)
        fig = _int(request.query_params.get("fig"))
        at = _int(request.query_params.get("at"))
        if fig is None and at is not None:
            fig = P._figure_at(s, report.id, at)
        data = P.reader(s, report, task_id=_int(request.query_params.get("task")), figure_id=fig,
                        hit=_span(request.query_params.get("hit")))
        detail = P.figure_detail(s, fig) if fig else None
        return render(request, "reader.html", r=data, detail=detail, public=False)
    return read(request, go)


def _span(v: str | None) -> tuple[int, int] | None:
    """``start-end`` offsets (a search hit's ``hit=`` parameter), else None."""
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", v or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@router.api_route("/search", methods=["GET", "HEAD"])
@page
def search_view(request: Request) -> Response:
    """Full-text search over the library's sentences, figures and tasks (services.search), each
    hit with its snippet and a link to the place in the reader."""
    q = request.query_params

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = P.search_page(s, q.get("q", ""), region=q.get("region", ""), year=_int(q.get("year")),
                             level=q.get("level", ""), role=q.get("role", ""), indicator=q.get("indicator", ""),
                             kind=q.get("kind", ""), limit=_int(q.get("limit")) or P.SEARCH_PAGE)
        return render(request, "search.html", r=data, label=P.report_label)
    return read(request, go)


@router.api_route("/reports", methods=["GET", "HEAD"])
@page
def reports_index(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        q = request.query_params
        data = P.library_page(s, q=q.get("q", ""), region=q.get("region", ""), year=_int(q.get("year")),
                              level=q.get("level", ""), tracked=q.get("tracked") == "1", page=_int(q.get("page")) or 1)
        return render(request, "reports.html", lib=data, label=P.report_label)
    return read(request, go)


@router.api_route("/figures/{figure_id}", methods=["GET", "HEAD"])
@page
def figure(request: Request, figure_id: int) -> Response:
    """The fields of one figure and the tasks that hold it (a fragment for the reader's panel)."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        return render(request, "figure.html", d=P.figure_detail(s, figure_id), public=False)
    return read(request, go)


# ---------------------------------------------------------------- board

def _filters(request: Request) -> P.Filters:
    q = request.query_params
    due = q.get("due_by", "")
    try:
        due_by = dt.date.fromisoformat(due) if due else None
    except ValueError:
        raise S.Invalid(f"截止日期格式应为 YYYY-MM-DD：{due}") from None
    return P.Filters(section=q.get("section", ""), department=_int(q.get("department")),
                     status=q.get("status", ""), kind=q.get("kind", ""), due_by=due_by,
                     q=q.get("q", "")[:100], sort=q.get("sort", "number"), page=_int(q.get("page")) or 1)


@router.api_route("/tasks", methods=["GET", "HEAD"])
@page
def task_board(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = P.board(s, report, _filters(request), today(request))
        return render(request, "board.html", b=data, query=request.url.query)
    return read(request, go)


@router.api_route("/tasks/export.xlsx", methods=["GET", "HEAD"])
@page
def board_export(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        rows = P.view_rows(s, report, _filters(request), today(request)) if report else []
        return _xlsx(_status_table(rows), "任务清单", "luoshi-tasks.xlsx")
    return read(request, go)


@router.post("/tasks/assign")
@page
async def bulk_assign(request: Request) -> Response:
    form = await form_of(request)
    ids = [i for i in (_int(v) for v in form.getlist("task")) if i]
    dep = str(form.get("department", "")).strip()
    role = str(form.get("role", "lead"))
    back = str(form.get("back", ""))
    back = back if back.startswith("/tasks") and not back.startswith("//") else "/tasks"
    if not ids or not dep:
        flash(request, "请先勾选任务并选择单位。", "error")
        return RedirectResponse(back, status_code=303)

    def go() -> int:
        with store.write_transaction(sessions(request)) as s:
            actor = actor_of(request, s, *MANAGERS)
            for i in ids:
                S.assign(s, i, [_int(dep) or dep], role, actor)
            return len(ids)

    n = await run_in_threadpool(go)
    flash(request, f"已将 {n} 项任务分配给所选单位（{L.ASSIGN_ZH.get(role, role)}）。")
    return RedirectResponse(back, status_code=303)


# ---------------------------------------------------------------- task page

@router.api_route("/tasks/{task_id}", methods=["GET", "HEAD"])
@page
def task_detail(request: Request, task_id: int) -> Response:
    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        data = P.task_page(s, task_id, actor, today(request))
        return render(request, "task.html", t=data, form=None, errors=[], scales=_scales(data),
                      today_iso=dt.date.today().isoformat())
    return read(request, go)


def _scales(t: P.TaskPage) -> dict[str, Any]:
    return t.status.definitions["confidence"]


def _progress_input(form: Any, unit: str | None) -> tuple[S.ProgressInput | None, list[str], dict[str, str]]:
    """The update a form describes, or the messages (in Chinese) of what is wrong with it."""
    raw = {k: str(form.get(k, "")).strip() for k in ("reported_on", "status", "percent", "value",
                                                      "narrative", "problems", "next_steps",
                                                      "evidence_name", "evidence_url", "version")}
    errors = []
    try:
        on = dt.date.fromisoformat(raw["reported_on"])
        if on > dt.date.today():
            errors.append("报送日期不能晚于今天。")
    except ValueError:
        on = None
        errors.append("请填写报送日期（年-月-日）。")
    if raw["status"] not in L.STATUS_ZH:
        errors.append("请选择工作状态。")
    percent = value = None
    if raw["percent"]:
        try:
            percent = float(raw["percent"])
            if not 0 <= percent <= 100:
                errors.append("完成度应在 0 到 100 之间。")
        except ValueError:
            errors.append("完成度应是数字（0–100）。")
    if raw["value"]:
        try:
            value = float(raw["value"])
        except ValueError:
            errors.append(f"当前值应是数字{('（单位：' + unit + '）') if unit else ''}。")
    if not raw["narrative"]:
        errors.append("请填写进展情况。")
    if len(raw["narrative"]) > 4000:
        errors.append("进展情况请控制在4000字以内。")
    evidence = []
    if raw["evidence_name"] or raw["evidence_url"]:
        if not (raw["evidence_name"] and re.match(r"^https?://", raw["evidence_url"])):
            errors.append("佐证材料需要名称和以 http:// 或 https:// 开头的链接。")
        else:
            evidence.append({"name": raw["evidence_name"], "url": raw["evidence_url"]})
    if errors or on is None:
        return None, errors, raw
    return S.ProgressInput(reported_on=on, status=raw["status"], narrative=raw["narrative"],
                           percent=percent, value=value, unit=unit if value is not None else None,
                           evidence=evidence, problems=raw["problems"], next_steps=raw["next_steps"]), [], raw


@router.post("/tasks/{task_id}/progress")
@page
async def post_progress(request: Request, task_id: int) -> Response:
    form = await form_of(request)
    back = "/my" if form.get("back") == "/my" else f"/tasks/{task_id}"

    def go() -> Response:
        with sessions(request)() as s:
            actor = actor_of(request, s)
            task = S.get_task(s, task_id)
            unit = task.target.unit if task.target else None
            if not P.may_report(actor, task):
                raise S.Forbidden("只有该任务的牵头或责任单位（或督查室）可以报送进展")
        update, errors, raw = _progress_input(form, unit)
        if update is not None:
            try:
                with store.write_transaction(sessions(request)) as s:
                    S.report_progress(s, task_id, update, actor, _int(raw["version"]))
                flash(request, "进展已提交。")
                return RedirectResponse(f"{back}?saved={task_id}#task-{task_id}", status_code=303)
            except (S.Invalid, S.Conflict) as e:
                errors = [zh_error(e)]
        with sessions(request)() as s:
            data = P.task_page(s, task_id, actor, dt.date.today())
            return render(request, "task.html", status=422,
                          t=data, form=raw, errors=errors, scales=_scales(data),
                          today_iso=dt.date.today().isoformat())

    return await run_in_threadpool(go)


@router.post("/tasks/{task_id}/rate")
@page
async def post_rating(request: Request, task_id: int) -> Response:
    form = await form_of(request)
    level = str(form.get("level", ""))
    reason = str(form.get("reason", "")).strip()

    def go() -> Response:
        with store.write_transaction(sessions(request)) as s:
            actor = actor_of(request, s, *MANAGERS)
            if not reason:
                raise S.Invalid("请填写评价理由。")
            S.rate(s, task_id, level, reason, actor, expected_version=_int(form.get("version")))
        flash(request, "评价已保存。")
        return RedirectResponse(f"/tasks/{task_id}#rating", status_code=303)

    return await run_in_threadpool(go)


# ---------------------------------------------------------------- department view

@router.api_route("/my", methods=["GET", "HEAD"])
@page
def my_tasks(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        data = P.my_tasks(s, actor, today(request))
        return render(request, "my.html", mine=data, today=dt.date.today().isoformat(),
                      saved=_int(request.query_params.get("saved")))
    return read(request, go)


# ---------------------------------------------------------------- compare

@router.api_route("/compare", methods=["GET", "HEAD"])
@page
def compare_view(request: Request) -> Response:
    q = request.query_params

    def go(s: Session) -> Response:
        actor_of(request, s)
        data = P.compare_page(s, indicator=q.get("indicator", ""), region=q.get("region", ""),
                              year=_int(q.get("year")), across=q.get("across") == "1",
                              all_years=q.get("year") == "all", page=_int(q.get("page")) or 1,
                              today=today(request))
        return render(request, "compare.html", c=data)
    return read(request, go)


# ---------------------------------------------------------------- import

UPLOAD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


def _upload_dir(request: Request, token: str) -> Path:
    if not UPLOAD_TOKEN.match(token):
        raise S.Invalid("上传编号无效，请重新上传文件。")
    return web(request).uploads / token


def _clean_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name.strip() or "report.txt"
    return re.sub(r"[^\w.\-（）()\u4e00-\u9fff]", "_", name)[:120]


@router.api_route("/import", methods=["GET", "HEAD"])
@page
def import_form(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s, *MANAGERS)
        return render(request, "import.html", preview=None, error="")
    return read(request, go)


@router.post("/import")
@page
async def import_upload(request: Request) -> Response:
    form = await form_of(request)
    upload = form.get("file")
    read(request, lambda s: actor_of(request, s, *MANAGERS))
    if upload is None or not getattr(upload, "filename", ""):
        return render(request, "import.html", status=422, preview=None, error="请选择要上传的报告文件。")
    name = _clean_name(upload.filename)
    if not name.lower().endswith(SUFFIXES):
        return render(request, "import.html", status=422, preview=None,
                      error=f"不支持的文件类型：{name}。请上传 txt、docx、pdf 或 html 文件。")
    limit = web(request).max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return render(request, "import.html", status=422, preview=None,
                      error=f"文件超过大小上限（{limit / 1048576:.1f} MB）。")
    _sweep(web(request).uploads)
    token = secrets.token_urlsafe(18)
    folder = _upload_dir(request, token)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    try:
        preview = await run_in_threadpool(_preview, folder / name)
    except InputError as e:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "import.html", status=422, preview=None, error=f"无法读取该文件：{e.reason}")
    existing = read(request, lambda s: P.existing_version(s, preview["key"], preview["sha256"]))
    return render(request, "import.html", preview=preview, token=token, name=name, error="", existing=existing)


def _sweep(uploads: Path, max_age: float = 86400.0) -> None:
    """Remove previews never confirmed, a day after their upload."""
    import time

    if not uploads.is_dir():
        return
    for d in uploads.iterdir():
        try:
            if d.is_dir() and time.time() - d.stat().st_mtime > max_age:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def _preview(path: Path) -> dict[str, Any]:
    from .. import build_outline, extract_figures, read as read_doc
    from ..plan import draft_plan
    from ..services import importer

    doc = read_doc(path)
    ol = build_outline(doc)
    figs = extract_figures(doc, ol)
    meta = {k: ol.metadata.get(k) for k in importer.METADATA}
    guess = getattr(importer, "from_file_name", lambda _n: {})(path.name)  # gaps, as the import fills them
    for k in ("region", "level", "plan_year"):
        if meta.get(k) is None and guess.get(k) is not None:
            meta[k] = guess[k]
    tasks = draft_plan(doc, ol, figs)
    heads = []

    def walk(node: Any, depth: int) -> None:
        for c in node.children:
            if c.kind in ("part", "section"):
                heads.append((depth, c.title))
                walk(c, depth + 1)
    walk(ol.root, 0)
    key = importer.doc_key(meta, doc.id) if hasattr(importer, "doc_key") else None
    return {"meta": meta, "outline": heads, "figures": figs, "tasks": tasks, "format": doc.format, "key": key,
            "sha256": getattr(doc, "sha256", None),
            "traditional": getattr(doc, "traditional", False), "length": len(doc.original)}


@router.post("/import/confirm")
@page
async def import_confirm(request: Request) -> Response:
    form = await form_of(request)
    folder = _upload_dir(request, str(form.get("token", "")))
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    if not files:
        return render(request, "import.html", status=422, preview=None, error="上传的文件已失效，请重新上传。")
    make_tasks = form.get("tasks") == "1"

    def go() -> Any:
        from ..services.importer import import_file

        with sessions(request)() as s:
            actor = actor_of(request, s, *MANAGERS)
        made = 0

        def then(s: Session, result: Any) -> None:  # in the import's transaction: both or neither
            nonlocal made
            audit.record(s, actor, "import", "report", result.report_id, None, {
                "source": files[0].name, "status": result.status, "version": result.version,
                "doc_key": result.doc_key})
            if make_tasks:
                made = len(S.tasks_from_report(s, result.report_id, actor).created)

        result = import_file(sessions(request), files[0], then=then)
        if make_tasks and result.status == "unchanged":  # stored before: draft what is missing
            with store.write_transaction(sessions(request)) as s:
                made = len(S.tasks_from_report(s, result.report_id, actor).created)
        return result, made

    try:
        result, made = await run_in_threadpool(go)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    word = {"imported": "已导入", "unchanged": "内容未变（已存在）", "replaced": "已导入新版本"}[result.status]
    flash(request, f"{word}：{result.figures} 个数字，新建 {made} 项任务。")
    return RedirectResponse(f"/reports/{result.report_id}", status_code=303)


# ---------------------------------------------------------------- exports

@router.api_route("/exports", methods=["GET", "HEAD"])
@page
def exports(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        return render(request, "exports.html", report=report, label=P.report_label,
                      picker=P.picker(s, report, actor) if report is not None else None)
    return read(request, go)


def _plan_tasks(s: Session, report_id: int) -> tuple[list[Any], dict[str, Any]]:
    """The stored tasks (as assigned now) in the shape of the plan exporter."""
    from ..plan.model import Task as PlanTask
    from ..store import Report

    r = s.get(Report, report_id)
    out = []
    for t in S.list_tasks(s, report_id=report_id):
        out.append(PlanTask(number=t.number, text=t.text, section=t.section.split(" / ") if t.section else [],
                            start=t.start, end=t.end, nstart=0, nend=0, key=t.key, kind=t.kind,
                            places=t.places, projects=t.projects,
                            deadline=t.deadline.isoformat() if t.deadline else "", deadline_text=t.deadline_text,
                            lead_units=[a.department for a in t.assignments if a.role == "lead"],
                            resp_units=[a.department for a in t.assignments if a.role == "responsible"],
                            lead_leader=next((a.leader for a in t.assignments if a.role == "lead" and a.leader), "")))
    return out, {"region": r.region, "plan_year": r.plan_year}


def _file(data: bytes, media: str, filename: str) -> Response:
    return Response(data, media_type=media, headers={
        "content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.api_route("/exports/plan.{fmt}", methods=["GET", "HEAD"])
@page
def export_plan(request: Request, fmt: str) -> Response:
    from ..plan.export import write_docx, write_xlsx

    if fmt not in ("xlsx", "docx"):
        raise S.NotFound(f"不支持的格式：{fmt}")

    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            raise S.NotFound("资料库中还没有报告")
        tasks, meta = _plan_tasks(s, report.id)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / f"plan.{fmt}"
            (write_xlsx if fmt == "xlsx" else write_docx)(tasks, path, meta)
            data = path.read_bytes()
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                 else "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return _file(data, media, f"{meta['region'] or ''}{meta['plan_year'] or ''}分工方案.{fmt}")
    return read(request, go)


def _status_table(rows: list[S.TaskStatus]) -> list[dict[str, Any]]:
    out = []
    for t in rows:
        st, ti = t.status, t.task
        out.append({"序号": ti.number, "任务": ti.text, "所属部分": ti.section,
                    "牵头单位": "、".join(a.department for a in ti.assignments if a.role == "lead"),
                    "责任单位": "、".join(a.department for a in ti.assignments if a.role == "responsible"),
                    "完成时限": st.deadline.isoformat() if st.deadline else "",
                    "报送状态": st.reported.label_zh, "进度判断": st.evidence.label_zh,
                    "时限状态": st.schedule.label_zh, "督查评价": st.confidence.label_zh,
                    "最近报送": t.latest_update.reported_on.isoformat() if t.latest_update else "",
                    "任务编号": ti.id})
    return out


def _xlsx(rows: list[dict[str, Any]], title: str, filename: str) -> Response:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    cols = list(rows[0]) if rows else ["序号", "任务"]
    ws.append(cols)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([r.get(c) for c in cols])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return _file(buf.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename)


@router.api_route("/exports/{what}.{fmt}", methods=["GET", "HEAD"])
@page
def export_data(request: Request, what: str, fmt: str) -> Response:
    """CSV or JSON of a report's figures or tasks (with their statuses)."""
    if what not in ("figures", "tasks") or fmt not in ("csv", "json"):
        raise S.NotFound(f"没有这种导出：{what}.{fmt}")

    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            raise S.NotFound("资料库中还没有报告")
        if what == "figures":
            rows = [{"id": f.id, **f.to_figure().to_dict()} for f in report.figures]
        else:
            rows = [t.to_dict() for t in S.statuses(s, report_id=report.id, today=today(request))]
        if fmt == "json":
            return _file(json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
                         "application/json", f"{what}-{report.id}.json")
        flat = [{k: (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v)
                 for k, v in r.items()} for r in rows]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(flat[0]) if flat else ["id"])
        w.writeheader()
        w.writerows(flat)
        return _file(("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8",
                     f"{what}-{report.id}.csv")
    return read(request, go)


@router.api_route("/bulletin", methods=["GET", "HEAD"])
@page
def bulletin(request: Request) -> Response:
    """The printable supervision bulletin (督查通报): counts, targets, overdue and off-track tasks."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = P.overview(s, report, today(request))
        sts = S.statuses(s, report_id=report.id, today=today(request))
        behind = [t for t in sts if t.status.evidence.code in ("off_track", "at_risk")]
        return render(request, "bulletin.html", o=data, behind=behind, today=today(request))
    return read(request, go)


# ---------------------------------------------------------------- public view

def _public(request: Request) -> None:
    if not web(request).public:
        raise S.NotFound("公开页面未启用")


@router.api_route("/public", methods=["GET", "HEAD"])
@page
def public_index(request: Request) -> Response:
    _public(request)

    def go(s: Session) -> Response:
        report = P.choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = P.overview(s, report, today(request))
        sts = S.statuses(s, report_id=report.id, today=today(request))
        return render(request, "public.html", o=data, rows=sts, pub=publication(s, report.id),
                      label=P.report_label)
    return read(request, go)


@router.api_route("/public/reports/{report_id}", methods=["GET", "HEAD"])
@page
def public_reader(request: Request, report_id: int) -> Response:
    _public(request)

    def go(s: Session) -> Response:
        report = P.choose_report(s, report_id)
        fig = _int(request.query_params.get("fig"))
        data = P.reader(s, report, figure_id=fig)
        detail = P.figure_detail(s, fig) if fig else None
        return render(request, "reader.html", r=data, detail=detail, public=True)
    return read(request, go)


@router.api_route("/public/figures/{figure_id}", methods=["GET", "HEAD"])
@page
def public_figure(request: Request, figure_id: int) -> Response:
    _public(request)
    return read(request, lambda s: render(request, "figure.html", d=P.figure_detail(s, figure_id), public=True))


@router.api_route("/statuses", methods=["GET", "HEAD"])
@page
def status_legend(request: Request) -> Response:
    """Every status with its definition (public: the words are no secret)."""
    return render(request, "statuses.html", defs=P.status_definitions())


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> JSONResponse:
    return JSONResponse({"ok": True})
