"""What the route modules share: running one service call in a write transaction, turning
results (dataclasses, lists of them) into JSON-ready values, and small parsers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from ... import store
from ...track.audit import plain
from ..deps import sessions_of

T = TypeVar("T")


def write(request: Request, fn: Callable[[Any], T]) -> T:
    """``fn(session)`` in one write transaction: committed if it returns, rolled back (nothing
    written, audit entry included) if it raises."""
    with store.write_transaction(sessions_of(request)) as s:
        return fn(s)


def out(value: Any) -> Any:
    """JSON-ready: dataclasses as dicts (their ``to_dict`` if they have one), dates as ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return plain(to_dict() if callable(to_dict) else dataclasses.asdict(value))
    if isinstance(value, (list, tuple)):
        return [out(v) for v in value]
    return plain(value)


def department_ref(raw: str | None) -> int | str | None:
    """A department given as its id (ASCII digits, within the ids' range) or its name.

    ``str.isdigit`` alone would take '²' (and int() then fails) and 20 digits (which no
    database id column holds)."""
    from ..schemas import INT_MAX

    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) <= INT_MAX else raw


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit]}
