"""Importing a report through the browser: upload, preview (outline, figures, draft tasks),
confirm. Uploads wait in the instance dir under a random token until confirmed or a day old."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import store
from ...errors import InputError
from ...plan.assign import MAX_CATALOGUE_BYTES, CatalogueError
from ...track import audit, catalogues
from ...track import services as S
from ...track.actor import MANAGERS
from ..pages import imports as P
from .common import actor_of, flash, form_of, page, read, render, sessions, web

router = APIRouter(include_in_schema=False)


CATALOGUE = "catalogue"  # the upload folder's subfolder for a departments catalogue
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
    cat = form.get("departments")
    supplied, raw = None, b""
    if cat is not None and getattr(cat, "filename", ""):  # optional: the user's departments catalogue
        cat_name = _clean_name(cat.filename)
        try:
            raw = await cat.read(MAX_CATALOGUE_BYTES + 1)
            supplied = catalogues.check(raw, cat_name)
        except CatalogueError as e:
            return render(request, "import.html", status=422, preview=None,
                          error=f"部门目录文件 {cat_name} 无效：{e.zh}。报告未导入，请改正目录后重新上传。")
    _sweep(web(request).uploads)
    token = secrets.token_urlsafe(18)
    folder = _upload_dir(request, token)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    if supplied is not None:  # beside the report, in a folder of its own (the report is the folder's file)
        (folder / CATALOGUE).mkdir()
        (folder / CATALOGUE / supplied.source).write_bytes(raw)

    def kept_for(region: str | None, level: str | None) -> Any:
        return read(request, lambda s: catalogues.for_report(s, region, level))

    try:
        preview = await run_in_threadpool(_preview, folder / name, supplied, kept_for)
    except InputError as e:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "import.html", status=422, preview=None, error=f"无法读取该文件：{e.reason}")
    except catalogues.Mismatch as e:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "import.html", status=422, preview=None, error=f"{e.zh}报告未导入。")
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


def _preview(path: Path, supplied: catalogues.Supplied | None = None,
             kept_for: Callable[[str | None, str | None], Any] | None = None) -> dict[str, Any]:
    """What the import would store, and the draft it would make: with the catalogue uploaded
    (fitted to the report's region: Mismatch if it is another's), else the one the library or
    luoshi has for the region (``kept_for``)."""
    from ... import build_outline, extract_figures, read as read_doc
    from ...outline import Given
    from ...plan import draft_plan
    from ...services import importer

    doc = read_doc(path)
    given = {"region": supplied.region} if supplied is not None and supplied.region else {}
    ol = build_outline(doc, Given(file_name=path.name))  # gaps filled from the file name, as the import does
    if given and not ol.metadata.get("region"):  # no region of its own: its catalogue's (services.supplied)
        ol = build_outline(doc, Given(given, {}, path.name))
    figs = extract_figures(doc, ol)
    meta = {k: ol.metadata.get(k) for k in importer.METADATA}
    deps = None
    if supplied is not None:
        deps = catalogues.fit(supplied, meta.get("region"), meta.get("level")).departments
    elif kept_for is not None:
        deps = kept_for(meta.get("region"), meta.get("level"))
    tasks = draft_plan(doc, ol, figs, departments=deps)
    heads = []

    def walk(node: Any, depth: int) -> None:
        for c in node.children:
            if c.kind in ("part", "section"):
                heads.append((depth, c.title))
                walk(c, depth + 1)
    walk(ol.root, 0)
    key = importer.doc_key(meta, doc.id)
    note = P.catalogue_zh(deps.info() if deps is not None else None, supplied.source if supplied else "")
    return {"meta": meta, "outline": heads, "figures": figs, "tasks": tasks, "format": doc.format, "key": key,
            "catalogue": note, "generic": bool(getattr(deps, "generic", False)),
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
    cats = [p for p in (folder / CATALOGUE).glob("*") if p.is_file()] if (folder / CATALOGUE).is_dir() else []

    def go() -> Any:
        from ...services.supplied import import_report

        with sessions(request)() as s:
            actor = actor_of(request, s, *MANAGERS)
        made: list[Any] = []

        def then(s: Session, result: Any) -> None:  # in the import's transaction: both or neither
            audit.record(s, actor, "import", "report", result.report_id, None, {
                "source": files[0].name, "status": result.status, "version": result.version,
                "doc_key": result.doc_key})
            if make_tasks:
                made.append(S.tasks_from_report(s, result.report_id, actor))

        supplied = catalogues.check(cats[0].read_bytes(), cats[0].name) if cats else None
        done = import_report(sessions(request), files[0], actor=actor, catalogue=supplied, then=then)
        if make_tasks and done.result.status == "unchanged":  # stored before: draft what is missing
            with store.write_transaction(sessions(request)) as s:
                made.append(S.tasks_from_report(s, done.result.report_id, actor))
        return done, made[0] if made else None

    try:
        done, made = await run_in_threadpool(go)
    except (CatalogueError, catalogues.Mismatch) as e:  # checked at the preview: only if changed since
        return render(request, "import.html", status=422, preview=None, error=f"部门目录无法使用：{e.zh}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = done.result
    word = {"imported": "已导入", "unchanged": "内容未变（已存在）", "replaced": "已导入新版本",
            "relabelled": "已按新的地区归档"}[result.status]
    created = len(made.created) if made else 0
    if result.division:  # a 分工方案: its items are its tasks, laid over the report of its region and year
        lines = [f"{word}：{result.figures} 个数字。", P.division_zh(result.division)]
    else:
        lines = [f"{word}：{result.figures} 个数字，新建 {created} 项任务。"]
    if made and made.division and not result.division:
        a = made.division
        lines.append(f"已按资料库中的分工方案：{a['matched']} 项任务与条目对上，采用方案的单位；"
                     f"草稿的第一牵头单位对了 {a['agree']} 项。")
    if done.kept is not None:
        lines.append(f"部门目录 {done.kept.source} 已为{done.kept.region}保存（{done.kept.units} 个单位）。")
    elif done.applies.get("generic") and created and not result.division:
        lines.append(P.catalogue_zh(done.applies))
    flash(request, " ".join(x for x in lines if x))
    return RedirectResponse(f"/reports/{result.report_id}", status_code=303)
