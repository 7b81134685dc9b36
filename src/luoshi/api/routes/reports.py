"""Reports: list, upload (import), outline, figures, tasks from a report's plan, the plan as
xlsx/docx, roll-ups."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store import Report, ReportFigure, ReportNode, Task, current_figures, current_reports
from ...track import audit
from ...track import services as S
from ...track.actor import MANAGERS, Actor
from ...track.catalogues import Mismatch
from ..deps import ANONYMOUS, current_actor, read_session, require_role, sessions_of, settings_of
from ..errors import ApiError
from ..render import download, plan_file
from ..schemas import DbInt, Offset, has_nul
from .common import out, page, write

router = APIRouter(tags=["reports"])

REPORT_FIELDS = ("id", "doc_key", "doc", "title", "region", "level", "kind", "review_year", "plan_year",
                 "date", "speaker", "source", "format", "encoding", "version", "is_current", "imported_at")


def _counts(s: Session, model: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    q = select(model.report_id, func.count()).where(model.report_id.in_(ids)).group_by(model.report_id)
    return dict(s.execute(q).all())


def _report(r: Report, figures: int | None = None, tasks: int | None = None) -> dict[str, Any]:
    d = out({f: getattr(r, f) for f in REPORT_FIELDS})
    d.update(figures=figures, tasks=tasks)
    return d


def _get_report(s: Session, report_id: int) -> Report:
    r = s.get(Report, report_id)
    if r is None:
        raise S.NotFound(f"no report {report_id}")
    return r


@router.get("/reports", summary="Current reports (newest version of each), with counts")
def list_reports(region: str | None = None, year: DbInt | None = Query(None, description="plan year"),
                 kind: str | None = None, _actor: Actor = Depends(current_actor),
                 s: Session = Depends(read_session)) -> dict[str, Any]:
    rows = current_reports(s, region=region, plan_year=year, kind=kind)
    ids = [r.id for r in rows]
    figs, tasks = _counts(s, ReportFigure, ids), _counts(s, Task, ids)
    return {"items": [_report(r, figs.get(r.id, 0), tasks.get(r.id, 0)) for r in rows]}


@router.post("/reports", status_code=201, summary="Upload a report file and import it (admin, supervisor)")
def upload_report(request: Request, file: UploadFile = File(...), region: str | None = Form(None),
                  level: str | None = Form(None), year: DbInt | None = Form(None),
                  kind: str | None = Form(None, description="work_report, plan_execution, bulletin, division "
                                                            "(分工方案), budget or other"),
                  departments: UploadFile | None = File(None, description="optional: your departments catalogue "
                                                        "(JSON as data/departments/*.json), kept for the "
                                                        "report's region: its drafts name these units"),
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    from ...outline.given import BadMetadata, overrides_from
    from ...services.supplied import import_report

    with sessions_of(request)() as s:
        require_role(s, actor, *MANAGERS)
    if has_nul([region, level, kind]):
        raise ApiError(422, "invalid", "region, level and kind may not contain a NUL character")
    limit = settings_of(request).max_upload_bytes
    name = upload_name(file.filename)
    try:  # the same checks as the command line's flags and manifest rows
        overrides = overrides_from({"region": region, "level": level, "year": year, "kind": kind})
    except BadMetadata as e:  # the reason also in Chinese, for people
        raise ApiError(422, "invalid", str(e), {"field": e.field, "zh": e.zh}) from None
    supplied = _catalogue(departments) if departments is not None and departments.filename else None
    with tempfile.TemporaryDirectory(prefix="luoshi-upload-") as tmp:
        path = Path(tmp) / name
        size = 0
        with path.open("wb") as fh:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "too_large", f"{name} is larger than the upload limit of {limit} bytes",
                                   {"limit": limit})
                fh.write(chunk)
        # the audit entry in the import's own transaction: both are stored or neither
        try:
            done = import_report(sessions_of(request), path, actor=actor, catalogue=supplied,
                                 overrides=overrides or None,  # InputError → 400
                                 then=lambda s, r: audit.record(s, actor, "import", "report", r.report_id, None, {
                                     "source": name, "status": r.status, "version": r.version,
                                     "doc_key": r.doc_key}))
        except Mismatch as e:
            raise ApiError(422, "invalid", str(e), {"zh": e.zh}) from None
    return {**out(done.result), "catalogue": done.applies, "kept_catalogue": out(done.kept) if done.kept else None}


def _catalogue(upload: UploadFile) -> Any:
    """The uploaded catalogue checked (422 ``bad_catalogue``, the reason also in Chinese)."""
    from ...plan.assign import MAX_CATALOGUE_BYTES, CatalogueError
    from ...track.catalogues import check

    name = upload_name(upload.filename)
    try:
        return check(upload.file.read(MAX_CATALOGUE_BYTES + 1), name)
    except CatalogueError as e:
        raise ApiError(422, "bad_catalogue", str(e), {"file": name, "reason": e.reason, "zh": e.zh}) from None


def upload_name(raw: str | None) -> str:
    """The uploaded file's name as a name this server can create: its last path component,
    NUL and other control characters replaced, at most 200 bytes (the extension kept), never
    '.' or '..'. The name still matters: the importer reads region and year from it."""
    name = re.sub(r"[\x00-\x1f\x7f]", "_", Path((raw or "").replace("\\", "/")).name).strip()
    if name in ("", ".", ".."):
        return "upload.txt"
    stem, dot, ext = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    if len(ext.encode()) > 16:  # not an extension: part of the name
        stem, dot, ext = name, "", ""
    while len(f"{stem}{dot}{ext}".encode()) > 200:
        stem = stem[:-1]
    return f"{stem}{dot}{ext}" or "upload.txt"


@router.get("/reports/{report_id}", summary="One report version's metadata")
def get_report(report_id: DbInt, _actor: Actor = Depends(current_actor),
               s: Session = Depends(read_session)) -> dict[str, Any]:
    r = _get_report(s, report_id)
    return _report(r, _counts(s, ReportFigure, [r.id]).get(r.id, 0), _counts(s, Task, [r.id]).get(r.id, 0))


@router.get("/reports/{report_id}/outline", summary="The report's outline tree (sentences on request)")
def get_outline(report_id: DbInt, sentences: bool = False, _actor: Actor = Depends(current_actor),
                s: Session = Depends(read_session)) -> dict[str, Any]:
    r = _get_report(s, report_id)
    q = select(ReportNode).where(ReportNode.report_id == report_id).order_by(ReportNode.ord)
    if not sentences:
        q = q.where(ReportNode.kind != "sentence")
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    original = r.original if sentences else ""
    for n in s.scalars(q):
        d = {"id": n.id, "kind": n.kind, "title": n.title, "level": n.level, "start": n.start, "end": n.end,
             "flags": n.flags or {}, "children": []}
        if n.kind == "sentence":
            d["text"] = original[n.start:n.end]
        nodes[n.id] = d
        (nodes[n.parent_id]["children"] if n.parent_id in nodes else roots).append(d)
    return {"report_id": report_id, "metadata": _report(r), "outline": roots}


@router.get("/figures", summary="Figures of current reports, filtered")
def list_figures(indicator: str | None = Query(None, description="the indicator as written, or its canonical id"),
                 canonical: str | None = None, role: str | None = None, year: DbInt | None = None,
                 region: str | None = None, section: str | None = Query(None, description="substring of the outline path"),
                 report: DbInt | None = None, limit: int = Query(100, ge=1, le=1000),
                 offset: Offset = 0,
                 _actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    from ...services.compare import region_key

    rows = current_figures(s, canonical=canonical, year=year, role=role)
    key = region_key(region) if region else None
    items = [f for f in rows
             if (indicator is None or indicator in (f.indicator, f.canonical))
             and (key is None or region_key(f.region) == key)
             and (section is None or section in (f.section or ""))
             and (report is None or f.report_id == report)]
    fields = ("id", "report_id", "node_id", *ReportFigure.FIELDS)
    return page([out({k: getattr(f, k) for k in fields}) for f in items], limit, offset)


@router.post("/reports/{report_id}/tasks", status_code=201,
             summary="Create the tasks of a report's plan, with suggested departments (admin, supervisor)")
def create_tasks(request: Request, report_id: DbInt, today: dt.date | None = None,
                 actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    made = write(request, lambda s: S.tasks_from_report(s, report_id, actor, as_of=today))
    return {"report_id": made.report_id, "created": len(made.created), "existing": made.existing,
            "division": made.division,  # the draft against a stored 分工方案 of its region and year
            "catalogue": made.catalogue,  # which departments catalogue named the units
            "tasks": out(made.created)}


class _Undo(Exception):
    """Raised out of a dry run's transaction so that it rolls back, carrying what it found."""

    def __init__(self, result: Any) -> None:
        self.result = result


@router.post("/reports/{report_id}/reread",
             summary="Read the stored report again with this luoshi's reader, keeping its tasks and tracking "
                     "(admin, supervisor; dry_run: say what would change)")
def reread_report(request: Request, report_id: DbInt, dry_run: bool = False,
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    from ...track.reread import Unreadable, reread

    def go(s: Session) -> Any:
        got = reread(s, report_id, actor, dry_run=dry_run)
        if dry_run:  # done and undone: what it reports is what a real run does
            raise _Undo(got)
        return got

    try:
        return out(write(request, go))
    except _Undo as u:
        return out(u.result)
    except Unreadable as e:  # the reason also in Chinese, for people
        raise ApiError(422, "invalid", str(e), {"zh": e.zh}) from None


@router.get("/reports/{report_id}/plan", summary="The 分工方案 as a file: the tracked tasks, else the draft",
            response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}})
def export_plan(report_id: DbInt, format: Literal["xlsx", "docx"] = "xlsx", today: dt.date | None = None,
                _actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> Response:
    r = _get_report(s, report_id)
    data, name = plan_file(s, r, format, today)
    return download(data, name, format, f"luoshi-plan-{report_id}.{format}")


@router.get("/reports/{report_id}/rollups", summary="Counts of tasks per status value: whole report, by section, by department")
def get_rollups(report_id: DbInt, today: dt.date | None = None, _actor: Actor = Depends(current_actor),
                s: Session = Depends(read_session)) -> dict[str, Any]:
    rollups = S.rollups(s, report_id, today=today)
    if _actor is ANONYMOUS:
        from ...track.publication import public_rollups, publication

        rollups = public_rollups(rollups, publication(s, report_id))
    return out(rollups)
