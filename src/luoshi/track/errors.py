"""Typed errors of the tracking services, so an interface can map each to its answer
(404, 403, 409, 422) without reading messages."""

from __future__ import annotations

from typing import Any

from ..errors import LuoshiError


class TrackError(LuoshiError):
    """Base class of the tracking services' expected failures."""


class NotFound(TrackError):
    """No such task, report, user, department or token."""


class Forbidden(TrackError):
    """The acting user may not do this (role, department, disabled account)."""


class Invalid(TrackError):
    """The input is wrong (a status outside the list, percent over 100, an unknown unit …)."""


class Conflict(TrackError):
    """The write carried a task version older than the stored one: someone else changed the task
    first. Nothing was written; ``rejected`` is what this write submitted (so no text is lost)
    and ``current`` the latest state it collided with."""

    def __init__(self, task_id: int, expected: int, actual: int, rejected: dict[str, Any],
                 current: dict[str, Any] | None = None) -> None:
        self.task_id, self.expected, self.actual = task_id, expected, actual
        self.rejected = rejected
        self.current = current or {}
        super().__init__(f"task {task_id} changed meanwhile: version {actual}, this write was based "
                         f"on version {expected}; nothing was saved")
