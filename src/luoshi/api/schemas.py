"""Request bodies, and the bounded types of request values. Responses are the services'
dataclasses as JSON (dates ISO).

Every number and date a request carries is bounded here, at the boundary, so that a value the
database or the date arithmetic cannot hold is a 422 with the field's name rather than a 500
from deep inside (found by the schemathesis run, tests/api/test_api_schemathesis.py):
ids, years and versions are PostgreSQL ``integer``s (``DbInt``; SQLite would take 64 bits, the
API promises the same on both), and no text holds a NUL character (PostgreSQL cannot store
one; for the URL see ``limits.NoNul``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, field_validator

INT_MAX = 2**31 - 1

DbInt = Annotated[int, at.Interval(ge=-INT_MAX - 1, le=INT_MAX)]
Offset = Annotated[int, at.Interval(ge=0, le=INT_MAX)]  # (Query(ge=0) on a DbInt would drop its le)


def has_nul(value: Any) -> bool:
    """A NUL character anywhere in ``value`` (strings, and the keys and items of dicts and lists)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("text may not contain a NUL character")
        return value


class ProgressBody(Body):
    """A department's progress update. ``expected_version`` is the task version the reporter
    saw: if the task changed since, the answer is 409 and ``error.detail.rejected`` holds this
    update, so nothing typed is lost."""

    expected_version: DbInt | None = Field(..., description="the task's version as read (null: do not check)")
    reported_on: dt.date
    status: Literal["not_started", "in_progress", "completed"]
    narrative: str = ""
    percent: float | None = None
    value: float | None = None
    unit: str | None = None
    evidence: list[dict[str, str]] = Field(default_factory=list)
    problems: str = ""
    next_steps: str = ""
    department_id: DbInt | None = Field(None, description="admins/supervisors reporting for a department")


class RatingBody(Body):
    level: str
    reason: str
    scale: str | None = None
    expected_version: DbInt | None = None


class RevisionBody(Body):
    effective: dt.date
    fields: dict[str, Any]
    reason: str
    expected_version: DbInt | None = None


class AssignBody(Body):
    departments: list[DbInt | str] = Field(..., min_length=1)
    role: Literal["lead", "responsible"] = "lead"
    leader: str = ""
    expected_version: DbInt | None = None


class AssignmentsBody(Body):
    """The full set of assignments of a task: what is missing is removed, what is new added."""

    lead: list[DbInt | str] = Field(default_factory=list)
    responsible: list[DbInt | str] = Field(default_factory=list)
    leader: str = ""
    expected_version: DbInt | None = None


class MilestoneBody(Body):
    date: dt.date
    expected: float
    note: str = ""


class MilestonesBody(Body):
    milestones: list[MilestoneBody]
    expected_version: DbInt | None = None


class UserBody(Body):
    username: str
    password: str
    role: Literal["admin", "supervisor", "reporter", "viewer"]
    display_name: str = ""
    department: DbInt | str | None = None


class TokenBody(Body):
    name: str = ""
    username: str | None = Field(None, description="whose token (admins only; default: yours)")
