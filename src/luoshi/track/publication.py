"""The publication decision: what of a report's internal tracking the public read-only view may
show. Ratings (with their reasons) and the departments' progress notes are internal until the
supervision office (or an admin) publishes them, report by report; the decision is stored, so
every server process and every restart agrees, and each change is audited with who made it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import store
from ..store import Report, User
from ..store.models.publication import ReportPublication
from . import audit
from .actor import MANAGERS, Actor, require
from .errors import Invalid, NotFound
from .status import AxisValue

if TYPE_CHECKING:
    from .progress import UpdateInfo
    from .views import Rollup, Rollups, TaskHistory, TaskStatus


@dataclass(frozen=True)
class Publication:
    """What the public view of ``report_id`` shows beyond targets, verdicts and statuses."""

    report_id: int
    ratings: bool  # the supervision office's ratings, with their reasons
    notes: bool  # the departments' progress notes (the latest narrative of each task)
    by: str | None = None  # who decided last (None: never decided, nothing published)
    updated_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return audit.plain(asdict(self))


def _report(session: Session, report_id: int) -> Report:
    r = session.get(Report, report_id)
    if r is None:
        raise NotFound(f"no report {report_id}")
    return r


def _info(session: Session, report_id: int, row: ReportPublication | None) -> Publication:
    if row is None:
        return Publication(report_id, False, False)
    by = session.scalar(select(User.username).where(User.id == row.user_id)) if row.user_id else None
    return Publication(report_id, bool(row.ratings), bool(row.notes), by, row.updated_at)


def publication(session: Session, report_id: int) -> Publication:
    """The decision in force for a report (nothing published unless someone decided so).
    Open to every reader: what is public is no secret."""
    _report(session, report_id)
    return _info(session, report_id, session.get(ReportPublication, report_id))


def publish(session: Session, report_id: int, actor: Actor, *, ratings: bool | None = None,
            notes: bool | None = None) -> Publication:
    """Set what the public view of a report shows (supervisors and admins); ``None`` leaves that
    part as it is. Audited in the caller's transaction, before and after."""
    actor = require(session, actor, *MANAGERS)
    for name, value in (("ratings", ratings), ("notes", notes)):
        if value is not None and not isinstance(value, bool):
            raise Invalid(f"{name} must be true or false")
    _report(session, report_id)
    store.lock(session, f"publication:{report_id}")  # two first decisions must not both insert
    row = session.get(ReportPublication, report_id, with_for_update=True)
    before = _info(session, report_id, row)
    if row is None:
        row = ReportPublication(report_id=report_id, ratings=False, notes=False)
        session.add(row)
    if ratings is not None:
        row.ratings = ratings
    if notes is not None:
        row.notes = notes
    row.user_id = actor.id
    row.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    after = _info(session, report_id, row)
    audit.record(session, actor, "publish", "report_publication", report_id,
                 {"ratings": before.ratings, "notes": before.notes},
                 {"ratings": after.ratings, "notes": after.notes})
    return after


# ---- what an anonymous reader (public read-only mode) gets ----

def withheld() -> AxisValue:
    """The confidence axis as the public sees it while ratings are unpublished."""
    from .status import settings

    d = settings().raw_definitions["publication"]["withheld"]
    return AxisValue("confidence", "withheld", d["zh"], d["en"], d["zh_def"], d["en_def"])


def public_update(u: UpdateInfo, pub: Publication) -> UpdateInfo | None:
    """A progress update as the public sees it: the published narrative and the figures, never
    the problems, next steps, evidence files or who wrote it; nothing while notes are
    unpublished."""
    if not pub.notes:
        return None
    return replace(u, evidence=[], problems="", next_steps="", by=None)


def public_status(ts: TaskStatus, pub: Publication) -> TaskStatus:
    """A task's status without what the supervisor has not published: the rating, its reason
    and the confidence axis (whose value is the rating) unless ratings are published, the
    latest update unless notes are."""
    status, rating = ts.status, ts.rating
    if not pub.ratings:
        status, rating = replace(status, confidence=withheld(), rating_reason=""), None
    latest = public_update(ts.latest_update, pub) if ts.latest_update else None
    defs = ts.definitions if pub.ratings else {**ts.definitions, "confidence": {"withheld": _definition()}}
    return replace(ts, status=status, rating=rating, latest_update=latest, definitions=defs)


def _definition() -> Any:
    from .status import Definition

    w = withheld()
    return Definition(w.code, w.label_zh, w.label_en, w.definition_zh, w.definition_en)


def public_history(h: TaskHistory, pub: Publication) -> TaskHistory:
    return replace(h, updates=[x for u in h.updates if (x := public_update(u, pub)) is not None],
                   ratings=h.ratings if pub.ratings else [])


def public_rollups(r: Rollups, pub: Publication) -> Rollups:
    """Counts without the confidence axis's values unless ratings are published."""
    if pub.ratings:
        return r

    def one(x: Rollup) -> Rollup:
        return replace(x, counts={**x.counts, "confidence": {"withheld": x.tasks}})

    return replace(r, whole=one(r.whole), by_section=[one(x) for x in r.by_section],
                   by_department=[one(x) for x in r.by_department])


def publications(session: Session, report_ids: set[int]) -> dict[int, Publication]:
    """The decisions for several reports at once (nothing published where none was made)."""
    rows = {p.report_id: p for p in session.scalars(
        select(ReportPublication).where(ReportPublication.report_id.in_(report_ids)))} if report_ids else {}
    return {rid: _info(session, rid, rows.get(rid)) for rid in report_ids}
