"""Audit entries, written by every service in the transaction of the change itself: either
both the change and its entry are stored, or neither."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import AuditEntry
from .actor import Actor


def plain(value: Any) -> Any:
    """JSON-ready: dates as ISO strings, enums as values, containers walked."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: object,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=dt.datetime.now(dt.UTC), user_id=actor.id, actor=actor.username,
                       action=action, entity=entity, entity_id=str(entity_id),
                       before=plain(before) if before is not None else None,
                       after=plain(after) if after is not None else None)
    session.add(entry)
    return entry


def entries(session: Session, *, entity: str | None = None, entity_id: object = None) -> list[AuditEntry]:
    """The log, oldest first, narrowed to one entity (kind, and id) when given."""
    q = select(AuditEntry)
    if entity is not None:
        q = q.where(AuditEntry.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == str(entity_id))
    return list(session.scalars(q.order_by(AuditEntry.id)))
