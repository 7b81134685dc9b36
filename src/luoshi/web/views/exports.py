"""Downloads: the delivery plan (xlsx, docx), a report's figures and tasks (csv, json), and the
printable supervision bulletin."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ...labels import zh
from ...track import services as S
from ..pages.common import choose_report, picker, report_label
from ..pages.overview import overview
from ..pages.statuses import source_names
from ..svg import num
from .common import _int, actor_of, page, read, render, today

router = APIRouter(include_in_schema=False)


@router.api_route("/exports", methods=["GET", "HEAD"])
@page
def exports(request: Request) -> Response:
    def go(s: Session) -> Response:
        actor = actor_of(request, s)
        report = choose_report(s, _int(request.query_params.get("report")))
        return render(request, "exports.html", report=report, label=report_label,
                      picker=picker(s, report, actor) if report is not None else None)
    return read(request, go)


def _plan_tasks(s: Session, report_id: int) -> tuple[list[Any], dict[str, Any]]:
    """The stored tasks (as assigned now) in the shape of the plan exporter."""
    from ...plan.model import Task as PlanTask
    from ...store import Report

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


def _report_to_export(request: Request, s: Session):
    """The report the request names (else the default one), for a signed-in reader; 404 when
    the library is empty."""
    actor_of(request, s)
    report = choose_report(s, _int(request.query_params.get("report")))
    if report is None:
        raise S.NotFound("资料库中还没有报告")
    return report


@router.api_route("/exports/plan.{fmt}", methods=["GET", "HEAD"])
@page
def export_plan(request: Request, fmt: str) -> Response:
    from ...plan.export import write_docx, write_xlsx

    if fmt not in ("xlsx", "docx"):
        raise S.NotFound(f"不支持的格式：{fmt}")

    def go(s: Session) -> Response:
        report = _report_to_export(request, s)
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
        out.append({"序号": ti.number, "任务": ti.text, "类型": zh("task_kind", ti.kind), "所属部分": ti.section,
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


def _figure_table(report: Any) -> list[dict[str, Any]]:
    """A report's figures as people read them: Chinese headings, codes in words (the JSON keeps
    the codes, for scripts)."""
    from ...link import indicator

    out = []
    for f in report.figures:
        out.append({"编号": f.id, "原文": f.text, "指标": f.indicator,
                    "标准指标": (getattr(indicator(f.canonical), "zh", "") if f.canonical else "") or "",
                    "口径": zh("measure", f.measure), "数值": num(f.value), "上限": num(f.value_max) if f.value_max is not None else "", "单位": f.unit,
                    "限定": zh("comparator", f.comparator), "角色": zh("figure_role", f.role), "年份": f.year,
                    "地区": f.region, "所在部分": f.section, "起始位置": f.start, "结束位置": f.end})
    return out


EXPORT_NAMES = {"figures": "数字", "tasks": "任务及状态"}


@router.api_route("/exports/{what}.{fmt}", methods=["GET", "HEAD"])
@page
def export_data(request: Request, what: str, fmt: str) -> Response:
    """CSV or JSON of a report's figures or tasks (with their statuses): the JSON with every
    field and its codes, for scripts; the CSV as the xlsx exports, for people."""
    if what not in EXPORT_NAMES or fmt not in ("csv", "json"):
        raise S.NotFound(f"没有这种导出：{what}.{fmt}")

    def go(s: Session) -> Response:
        report = _report_to_export(request, s)
        name = f"{report_label(report)}-{EXPORT_NAMES[what]}.{fmt}"
        if fmt == "json":
            if what == "figures":
                rows = [{"id": f.id, **f.to_figure().to_dict()} for f in report.figures]
            else:
                rows = [t.to_dict() for t in S.statuses(s, report_id=report.id, today=today(request))]
            return _file(json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
                         "application/json", name)
        table = (_figure_table(report) if what == "figures"
                 else _status_table(S.statuses(s, report_id=report.id, today=today(request))))
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(table[0]) if table else ["编号"])
        w.writeheader()
        w.writerows(table)
        return _file(("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", name)
    return read(request, go)


@router.api_route("/bulletin", methods=["GET", "HEAD"])
@page
def bulletin(request: Request) -> Response:
    """The printable supervision bulletin (督查通报): counts, targets, overdue and off-track tasks."""
    def go(s: Session) -> Response:
        actor_of(request, s)
        report = choose_report(s, _int(request.query_params.get("report")))
        if report is None:
            return render(request, "empty.html")
        data = overview(s, report, today(request))
        sts = S.statuses(s, report_id=report.id, today=today(request))
        behind = [t for t in sts if t.status.evidence.code in ("off_track", "at_risk")]
        return render(request, "bulletin.html", o=data, behind=behind, today=today(request),
                      names=source_names(s, behind))
    return read(request, go)
