"""The tasks: the board with its export and bulk assignment, a task's page with the progress
and rating forms, and a department's own tasks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import store
from ...track import services as S
from ...track.actor import MANAGERS
from .. import labels as L
from ..pages import tasks as P
from ..pages.common import choose_report, report_label
from .common import _int, actor_of, flash, form_of, page, read, render, sessions, today, zh_error
from .exports import _status_table, _xlsx

router = APIRouter(include_in_schema=False)


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
        report = choose_report(s, _int(request.query_params.get("report")))
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
        report = choose_report(s, _int(request.query_params.get("report")))
        rows = P.view_rows(s, report, _filters(request), today(request)) if report else []
        return _xlsx(_status_table(rows), "任务清单", f"{report_label(report) if report else ''}任务清单.xlsx")
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


# ---------------------------------------------------------------- versions (before /tasks/{task_id})

@router.api_route("/tasks/versions", methods=["GET", "HEAD"])
@page
def versions(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        return render(request, "versions.html", v=P.versions_page(s, report), STATE=P.STATE_ZH, HOW=P.HOW_ZH)
    return read(request, go)


def _decisions(form: Any) -> tuple[list[Any], dict[str, str]]:
    """The settlements a 版本对照 form asks for: ``d-OLD`` = a new task's id or ``drop``, with
    the reason ``r-OLD``; rows left at 暂不处理 are not decisions."""
    from ...track.versions import Decision

    chosen = {k: str(v) for k, v in form.multi_items() if k.startswith(("d-", "r-"))}
    out = []
    for k, v in chosen.items():
        old = _int(k[2:]) if k.startswith("d-") else None
        if old is None or not v:
            continue
        new = None if v == "drop" else _int(v)
        if v != "drop" and new is None:
            raise S.Invalid(f"无法识别的处理方式：{v}")
        out.append(Decision(old, new, chosen.get(f"r-{old}", "").strip()))
    return out, chosen


@router.post("/tasks/versions")
@page
async def settle_versions(request: Request) -> Response:
    form = await form_of(request)
    report_id = _int(form.get("report"))

    def go() -> Response:
        from ...track.versions import settle

        chosen = {k: str(v) for k, v in form.multi_items() if k.startswith(("d-", "r-"))}
        try:
            with store.write_transaction(sessions(request)) as s:
                actor = actor_of(request, s, *MANAGERS)
                decisions, chosen = _decisions(form)
                done = settle(s, report_id or 0, decisions, actor)
            flash(request, f"已保存：{len(done.linked)} 项由新任务承接，{len(done.dropped)} 项撤销；"
                           f"还有 {done.pending} 项待处理。")
            return RedirectResponse(f"/tasks/versions?report={report_id}", status_code=303)
        except S.Invalid as e:
            with sessions(request)() as s:
                report = choose_report(s, report_id)
                return render(request, "versions.html", status=422, STATE=P.STATE_ZH, HOW=P.HOW_ZH,
                              v=P.versions_page(s, report, chosen, [zh_error(e) + " 本次没有保存任何处理。"]))

    return await run_in_threadpool(go)


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
