"""Files the API hands out: the 分工方案 (xlsx/docx) and compare tables (csv/xlsx)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..store import Report
from ..track.tasks import list_tasks

MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


def download(data: bytes | str, filename: str, fmt: str, ascii_name: str | None = None) -> Response:
    """An attachment; the Chinese file name in RFC 5987 form, an ASCII fallback beside it."""
    ascii_name = ascii_name or filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    body = data.encode("utf-8") if isinstance(data, str) else data
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


def _plan_tasks(session: Session, report: Report, today: dt.date | None) -> list:
    """The tracked tasks of the report as plan rows (current wording, deadline and
    departments); the draft when no task was created yet."""
    from ..plan.model import Task as PlanTask

    tracked = list_tasks(session, report_id=report.id, as_of=today)
    if not tracked:
        from ..track.tasks import _draft

        return _draft(report, None)
    rows = []
    for t in tracked:
        rows.append(PlanTask(
            number=t.number, text=t.text, section=t.section.split(" / ") if t.section else [],
            start=t.start, end=t.end, nstart=0, nend=0, key=t.key, kind=t.kind,
            places=list(t.places), projects=list(t.projects),
            deadline=t.deadline.isoformat() if t.deadline else "", deadline_text=t.deadline_text,
            lead_units=[a.department for a in t.assignments if a.role == "lead"],
            resp_units=[a.department for a in t.assignments if a.role == "responsible"],
            lead_leader=next((a.leader for a in t.assignments if a.role == "lead" and a.leader), "")))
    return rows


def plan_file(session: Session, report: Report, fmt: str, today: dt.date | None) -> tuple[bytes, str]:
    """The 分工方案 file and its (Chinese) name."""
    from ..plan import export

    tasks = _plan_tasks(session, report, today)
    meta = {"region": report.region, "plan_year": report.plan_year}
    writer = export.write_xlsx if fmt == "xlsx" else export.write_docx
    with tempfile.TemporaryDirectory(prefix="luoshi-plan-") as tmp:
        path = Path(tmp) / f"plan.{fmt}"
        writer(tasks, path, meta)
        data = path.read_bytes()
    return data, f"{export.title_of(meta)}.{fmt}"
