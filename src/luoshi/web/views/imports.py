"""Importing a report through the browser: upload, preview (outline, figures, draft tasks),
confirm. Uploads wait in the instance dir under a random token until confirmed or a day old."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import store
from ...errors import InputError
from ...track import audit
from ...track import services as S
from ...track.actor import MANAGERS
from ..pages import imports as P
from .common import actor_of, flash, form_of, page, read, render, sessions, web

router = APIRouter(include_in_schema=False)


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
    from ... import build_outline, extract_figures, read as read_doc
    from ...outline import Given
    from ...plan import draft_plan
    from ...services import importer

    doc = read_doc(path)
    ol = build_outline(doc, Given(file_name=path.name))  # gaps filled from the file name, as the import does
    figs = extract_figures(doc, ol)
    meta = {k: ol.metadata.get(k) for k in importer.METADATA}
    tasks = draft_plan(doc, ol, figs)
    heads = []

    def walk(node: Any, depth: int) -> None:
        for c in node.children:
            if c.kind in ("part", "section"):
                heads.append((depth, c.title))
                walk(c, depth + 1)
    walk(ol.root, 0)
    key = importer.doc_key(meta, doc.id)
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
        from ...services.importer import import_file

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
