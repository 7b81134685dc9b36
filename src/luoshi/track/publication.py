"""The publication decision: what of a report's internal tracking the public read-only view may
show. Ratings (with their reasons) and the departments' progress notes are internal until the
supervision office (or an admin) publishes them, report by report; the decision is stored, so
every server process and every restart agrees, and each change is audited with who made it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import store
from ..store import Report, User
from ..store.models.publication import ReportPublication
from . import audit
from .actor import MANAGERS, Actor, require
from .errors import Invalid, NotFound


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
