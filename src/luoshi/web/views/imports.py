"""Importing a report through the browser: upload, preview (outline, figures, draft tasks),
confirm. Uploads wait in the instance dir under a random token until confirmed or a day old."""

from __future__ import annotations

import json
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
from ...outline.given import FLAG, BadMetadata, overrides_from, warning_zh
from ...plan.assign import MAX_CATALOGUE_BYTES, CatalogueError
from ...track import audit, catalogues
from ...track import services as S
from ...track.actor import MANAGERS
from ..pages import imports as P
from .common import actor_of, flash, form_of, page, read, render, sessions, web

router = APIRouter(include_in_schema=False)


CATALOGUE = "catalogue"  # the upload folder's subfolder for a departments catalogue
GIVEN = "given.json"  # beside the report: the metadata the user gave, imported with it
GIVEN_FIELDS = ("region", "level", "year", "kind")  # the form's optional fields (outline.given)
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
        return _form(request)
    return read(request, go)


def _form(request: Request, status: int = 200, error: str = "", typed: dict[str, str] | None = None) -> Response:
    """The upload form (with what the user typed, after an error)."""
    kept = read(request, lambda s: catalogues.list_kept(s))
    return render(request, "import.html", status=status, preview=None, error=error, typed=typed or {},
                  choices=P.metadata_choices(), kept=[P.kept_row(k) for k in kept])


@router.post("/import/catalogues/{catalogue_id}/remove")
@page
async def remove_catalogue(request: Request, catalogue_id: int) -> Response:
    """A kept departments catalogue removed (audited): the one kept before it comes back."""
    await form_of(request)

    def go() -> Response:
        with store.write_transaction(sessions(request)) as s:
            gone, now = catalogues.remove(s, catalogue_id, actor_of(request, s, *MANAGERS))
        flash(request, P.removed_zh(gone, now.info() if now is not None else None))
        return RedirectResponse("/import#kept", status_code=303)

    return await run_in_threadpool(go)


@router.post("/import")
@page
async def import_upload(request: Request) -> Response:
    form = await form_of(request)
    upload = form.get("file")
    read(request, lambda s: actor_of(request, s, *MANAGERS))
    typed = {k: v.strip() for k in GIVEN_FIELDS if isinstance(v := form.get(k), str)}
    try:  # what the user says of the report: the checks of the CLI's flags and the API's fields
        given = overrides_from(typed)
    except BadMetadata as e:
        return _form(request, 422, f"{e.zh}报告未导入，请改正后重新上传。", typed)
    if upload is None or not getattr(upload, "filename", ""):
        return _form(request, 422, "请选择要上传的报告文件。", typed)
    name = _clean_name(upload.filename)
    if not name.lower().endswith(SUFFIXES):
        return _form(request, 422, f"不支持的文件类型：{name}。请上传 txt、docx、pdf 或 html 文件。", typed)
    limit = web(request).max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return _form(request, 422, f"文件超过大小上限（{limit / 1048576:.1f} MB）。", typed)
    cat = form.get("departments")
    supplied, raw = None, b""
    if cat is not None and getattr(cat, "filename", ""):  # optional: the user's departments catalogue
        cat_name = _clean_name(cat.filename)
        try:
            raw = await cat.read(MAX_CATALOGUE_BYTES + 1)
            supplied = catalogues.check(raw, cat_name)
        except CatalogueError as e:
            return _form(request, 422, f"部门目录文件 {cat_name} 无效：{e.zh}。报告未导入，请改正目录后重新上传。", typed)
    _sweep(web(request).uploads)
    token = secrets.token_urlsafe(18)
    folder = _upload_dir(request, token)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    if given:
        (folder / GIVEN).write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
    if supplied is not None:  # beside the report, in a folder of its own (the report is the folder's file)
        (folder / CATALOGUE).mkdir()
        (folder / CATALOGUE / supplied.source).write_bytes(raw)

    def kept_for(region: str | None, level: str | None) -> Any:
        return read(request, lambda s: catalogues.for_report(s, region, level))

    try:
        preview = await run_in_threadpool(_preview, folder / name, supplied, kept_for, given)
    except InputError as e:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 422, f"无法读取该文件：{e.reason}", typed)
    except catalogues.Mismatch as e:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 422, f"{e.zh}报告未导入。", typed)
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
             kept_for: Callable[[str | None, str | None], Any] | None = None,
             given: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the import would store, and the draft it would make: in the metadata the user gave
    (``given``, checked by ``overrides_from``; it wins over the text and the file name, as on
    the command line), with the catalogue uploaded (fitted to the report's region: Mismatch if
    it is another's), else the one the library or luoshi has for the region (``kept_for``)."""
    from ... import build_outline, extract_figures, read as read_doc
    from ...outline import Given
    from ...plan import draft_plan
    from ...services import importer

    doc = read_doc(path)
    given = dict(given or {})
    ol = build_outline(doc, Given(given, dict.fromkeys(given, FLAG), path.name))  # gaps from the file name
    if supplied is not None and supplied.region and not ol.metadata.get("region"):
        # no region of its own nor given: its catalogue's (services.supplied)
        given["region"] = supplied.region
        ol = build_outline(doc, Given(given, {**dict.fromkeys(given, FLAG), "region": "catalogue"}, path.name))
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
    return {"meta": meta, "fields": P.metadata_rows(meta, ol.sources),
            "missing": warning_zh(path.name, meta),
            "outline": heads, "figures": figs, "tasks": tasks, "format": doc.format, "key": key,
            "catalogue": note, "generic": bool(getattr(deps, "generic", False)),
            "sha256": getattr(doc, "sha256", None),
            "traditional": getattr(doc, "traditional", False), "length": len(doc.original)}


@router.post("/import/confirm")
@page
async def import_confirm(request: Request) -> Response:
    form = await form_of(request)
    folder = _upload_dir(request, str(form.get("token", "")))
    files = [p for p in folder.glob("*") if p.is_file() and p.name != GIVEN] if folder.is_dir() else []
    if not files:
        return _form(request, 422, "上传的文件已失效，请重新上传。")
    try:  # checked at the upload; checked again, as anything read back from disk
        given = overrides_from(json.loads((folder / GIVEN).read_text("utf-8"))) if (folder / GIVEN).is_file() else {}
    except (ValueError, OSError):
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 422, "上传的元数据已失效，请重新上传。")
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
                "doc_key": result.doc_key, **({"given": given} if given else {})})
            if make_tasks:
                made.append(S.tasks_from_report(s, result.report_id, actor))

        supplied = catalogues.check(cats[0].read_bytes(), cats[0].name) if cats else None
        done = import_report(sessions(request), files[0], actor=actor, catalogue=supplied, then=then,
                             overrides=given or None)
        if make_tasks and done.result.status == "unchanged":  # stored before: draft what is missing
            with store.write_transaction(sessions(request)) as s:
                made.append(S.tasks_from_report(s, done.result.report_id, actor))
        return done, made[0] if made else None

    try:
        done, made = await run_in_threadpool(go)
    except (CatalogueError, catalogues.Mismatch) as e:  # checked at the preview: only if changed since
        return _form(request, 422, f"部门目录无法使用：{e.zh}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = done.result
    word = {"imported": "已导入", "unchanged": "内容未变（已存在）", "replaced": "已导入新版本",
            "relabelled": "已按新的地区归档"}[result.status]
    created = (len(made.created) if made else 0) + (result.followed or {}).get("created", 0)  # made by the import
    if result.division:  # a 分工方案: its items are its tasks, laid over the report of its region and year
        lines = [f"{word}：{result.figures} 个数字。", P.division_zh(result.division)]
    else:
        lines = [f"{word}：{result.figures} 个数字，新建 {created} 项任务。"]
    if result.followed:  # a new version of a tracked report: its tasks took over the earlier ones (track.versions)
        f = result.followed
        lines.append(f"其中 {f['by_key'] + f['by_wording']} 项承接了上一版本任务的分工、进展和评价"
                     + (f"；上一版本有 {f['pending']} 项任务待对照（见任务页的“版本对照”）。" if f["pending"] else "。"))
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
