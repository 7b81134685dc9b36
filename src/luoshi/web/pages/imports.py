"""The import preview's data: what an uploaded report would meet in the library."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...labels import zh
from ...store import Report, Task
from .common import report_label


def existing_version(s: Session, key: str | None, sha256: str | None) -> dict[str, Any] | None:
    """What an upload with this doc key would meet: the same bytes already stored (a no-op), or
    the current version it would replace, with its task count (for the import preview)."""
    if not key:
        return None
    same = s.scalars(select(Report).where(Report.doc_key == key, Report.sha256 == sha256)).first() if sha256 else None
    cur = s.scalars(select(Report).where(Report.doc_key == key, Report.is_current)).first()
    if same is None and cur is None:
        return None
    r = same or cur
    tasks = s.scalar(select(func.count()).select_from(Task).where(Task.report_id == r.id)) or 0
    return {"report": r, "label": report_label(r), "same": same is not None, "tasks": tasks}


SHOWN_FIELDS = ("title", "region", "level", "kind", "review_year", "plan_year", "date", "speaker")
CODED = {"level": "level", "kind": "doc_kind"}  # fields whose values are codes, and their words


@lru_cache(maxsize=1)
def region_suggestions() -> tuple[str, ...]:
    """The gazetteer's provinces and prefecture-level places, for the region field's datalist
    (about 400 names; the field takes any name, the list only helps to type one)."""
    from ... import gazetteer

    provinces = [d for i in range(10, 100) if (d := gazetteer.get(f"{i}0000")) is not None]
    return tuple(dict.fromkeys([*(d.name for d in provinces), *(gazetteer.qualified_name(d) for d in gazetteer.city_tier())]))


def metadata_choices() -> dict[str, Any]:
    """The import form's choices: levels and kinds (code, words) in the order the CLI lists
    them, and the region names to suggest."""
    from ...outline.given import KINDS, LEVELS

    return {"levels": [(c, zh("level", c)) for c in LEVELS], "kinds": [(c, zh("doc_kind", c)) for c in KINDS],
            "regions": region_suggestions()}


def metadata_rows(meta: dict[str, Any], sources: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, value, where it came from) for the preview, all in words: 文本, 文件名, 用户填写
    (the form's fields), 部门目录 (a region taken from the uploaded catalogue)."""
    rows = []
    for k in SHOWN_FIELDS:
        v = meta.get(k)
        shown = "—" if v is None or v == "" else zh(CODED[k], v) if k in CODED else str(v)
        src = zh("metadata_source", sources.get(k), "") if v not in (None, "") else ""
        rows.append((zh("metadata_field", k), shown, src))
    return rows


def catalogue_zh(info: dict[str, Any] | None, supplied: str = "") -> str:
    """One sentence on the departments catalogue a draft names units from (``Departments.info``):
    the one uploaded now, the library's, luoshi's own file of the region, or only the generic
    one — which a person must then check."""
    if not info:
        return ""
    region = info.get("region") or "该地区"
    level = zh("level", info.get("level"))
    if supplied:
        return (f"部门目录：使用上传的 {supplied}（{region}，{level}）。导入后为{region}保存，"
                "今后该地区报告的任务草稿和分工方案都按它命名单位。")
    if info.get("origin") == "library":
        return f"部门目录：资料库为{region}保存的目录（{info.get('source') or ''}）。"
    if info.get("generic"):
        return (f"部门目录：资料库和 luoshi 都没有{region}的部门目录，单位按通用目录建议，名称按{level}命名，"
                "请核对；也可以上传本地区的部门目录。")
    return f"部门目录：luoshi 自带的{region}目录。"


def kept_row(k: Any) -> dict[str, Any]:
    """A kept catalogue (``track.catalogues.Kept``) as the import page lists it."""
    i = k.info
    return {"id": i.id, "region": i.region, "level": zh("level", i.level), "units": i.units, "source": i.source,
            "date": f"{i.created_at:%Y-%m-%d}" if i.created_at else "",
            "state": "使用中" if k.in_force else f"已被 {k.replaced_by} 号目录取代"}


def removed_zh(gone: Any, now: dict[str, Any] | None) -> str:
    """The flash after a kept catalogue was removed: what the region drafts with now."""
    head = f"已删除{gone.region}的部门目录 {gone.source}。"
    if now:
        return head + f"{gone.region}的任务草稿改用此前保存的目录（{now.get('source') or ''}）。"
    return head + f"{gone.region}的任务草稿改用 luoshi 自带的目录或通用目录。"


def division_zh(d: dict[str, Any] | None) -> str:
    """The draft-vs-real agreement of a 分工方案's import in one line (for the flash)."""
    if not d:
        return ""
    if d.get("error"):
        return f"分工方案的条目未能建立任务：{d['error']}"
    if not d.get("report_id") or not d.get("agreement"):
        return f"分工方案 {d.get('tasks', 0)} 条已建为任务；资料库中还没有同地区、同年度的政府工作报告可对照。"
    a = d["agreement"]
    share = f"（{a['share']:.0%}）" if a.get("share") is not None else ""
    return (f"分工方案 {d.get('tasks', 0)} 条已建为任务。报告 {a['report_tasks']} 项任务中 {a['matched']} 项与条目对上，"
            f"草稿的第一牵头单位对了 {a['agree']} 项{share}；改派 {d.get('reassigned', 0)} 项，"
            f"保留人工指派 {d.get('kept', 0)} 项。")


def division_result(s: Session, report: Report) -> dict[str, Any] | None:
    """What importing this 分工方案 did, for its page: the agreement, the work report it was laid
    over, and the tasks reassigned and kept (number, text); None for another kind of report."""
    from ...track.division import applied

    if report.kind != "division":
        return None
    d = applied(s, report.id)
    if d is None:
        return None
    ids = [*d.get("reassigned_ids", []), *d.get("kept_ids", [])]
    tasks = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_(ids)))} if ids else {}
    work = s.get(Report, d["report_id"]) if d.get("report_id") else None
    share = (d.get("agreement") or {}).get("share")
    return {**d, "work": work, "work_label": report_label(work) if work is not None else "",
            "pct": f"{share:.0%}" if share is not None else "—",
            "reassigned_tasks": [tasks[i] for i in d.get("reassigned_ids", []) if i in tasks],
            "kept_tasks": [tasks[i] for i in d.get("kept_ids", []) if i in tasks]}
