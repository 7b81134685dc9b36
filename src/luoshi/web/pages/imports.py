"""The import preview's data: what an uploaded report would meet in the library."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
