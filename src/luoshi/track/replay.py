"""Rebuild ratings and assignments from the audit log alone, and check the tables against it.

Every service writes its audit entry in the transaction of the change (``track.audit``), with
the row as it was (``before``) and became (``after``). Replaying the log in order therefore
gives back what the ``ratings`` and ``assignments`` tables must hold: a rating per ``rate``
entry (ratings are append-only), an assignment per ``assign`` entry until an ``unassign`` entry
of the same id. ``differences`` is the proof the log is complete — it is what ``luoshi audit
--check`` runs — and ``replay`` the way to restore both tables from the log should they be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import AuditEntry
from ..store.models import Assignment, Rating

ASSIGNMENT_FIELDS = ("task_id", "department_id", "role", "leader")
RATING_FIELDS = ("task_id", "level", "scale", "reason")


@dataclass
class Replayed:
    """Rows by id, as the log says they are now (the fields the log records); ``made`` holds
    who made each row and when (the entry's user and time), for ``rebuild``."""

    assignments: dict[int, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[int, dict[str, Any]] = field(default_factory=dict)
    made: dict[tuple[str, int], tuple[int | None, Any]] = field(default_factory=dict)
    entries: int = 0


def replay(session: Session) -> Replayed:
    """The assignments and ratings the audit log implies, oldest entry first."""
    out = Replayed()
    q = (select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.after,
                AuditEntry.user_id, AuditEntry.at)
         .where(AuditEntry.entity.in_(("assignment", "rating"))).order_by(AuditEntry.id))
    for action, entity, entity_id, after, user_id, at in session.execute(q):
        out.entries += 1
        key = int(entity_id)
        out.made[(entity, key)] = (user_id, at)
        if entity == "assignment" and action == "assign":
            out.assignments[key] = {k: (after or {}).get(k) for k in ASSIGNMENT_FIELDS}
        elif entity == "assignment" and action == "unassign":
            out.assignments.pop(key, None)
        elif entity == "rating" and action == "rate":
            out.ratings[key] = {k: (after or {}).get(k) for k in RATING_FIELDS}
    return out


def _rows(session: Session, model: Any, fields: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    cols = [getattr(model, f) for f in fields]
    return {row[0]: dict(zip(fields, row[1:])) for row in session.execute(select(model.id, *cols))}


def differences(session: Session) -> list[str]:
    """Where the tables and the replayed log disagree (empty: the log accounts for every row)."""
    log = replay(session)
    found: list[str] = []
    for name, model, fields, want in (("assignment", Assignment, ASSIGNMENT_FIELDS, log.assignments),
                                      ("rating", Rating, RATING_FIELDS, log.ratings)):
        have = _rows(session, model, fields)
        for i in sorted(have.keys() - want.keys()):
            found.append(f"{name} {i} is in the table but not in the audit log: {have[i]}")
        for i in sorted(want.keys() - have.keys()):
            found.append(f"{name} {i} is in the audit log but not in the table: {want[i]}")
        for i in sorted(have.keys() & want.keys()):
            if have[i] != want[i]:
                found.append(f"{name} {i} differs: table {have[i]}, audit log {want[i]}")
    return found


def rebuild(session: Session) -> Replayed:
    """Replace the ``assignments`` and ``ratings`` tables by what the log implies (same ids,
    creation times and raters), in the caller's transaction; returns what was replayed."""
    from sqlalchemy import delete, insert

    log = replay(session)
    session.execute(delete(Assignment))
    session.execute(delete(Rating))
    if log.assignments:
        session.execute(insert(Assignment), [
            {"id": i, **row, "leader": row["leader"] or "", "created_at": log.made[("assignment", i)][1]}
            for i, row in sorted(log.assignments.items())])
    if log.ratings:
        session.execute(insert(Rating), [
            {"id": i, **row, "user_id": log.made[("rating", i)][0], "created_at": log.made[("rating", i)][1]}
            for i, row in sorted(log.ratings.items())])
    return log
