"""Request bodies. Responses are the services' dataclasses as JSON (dates ISO)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgressBody(Body):
    """A department's progress update. ``expected_version`` is the task version the reporter
    saw: if the task changed since, the answer is 409 and ``error.detail.rejected`` holds this
    update, so nothing typed is lost."""

    expected_version: int | None = Field(..., description="the task's version as read (null: do not check)")
    reported_on: dt.date
    status: Literal["not_started", "in_progress", "completed"]
    narrative: str = ""
    percent: float | None = None
    value: float | None = None
    unit: str | None = None
    evidence: list[dict[str, str]] = Field(default_factory=list)
    problems: str = ""
    next_steps: str = ""
    department_id: int | None = Field(None, description="admins/supervisors reporting for a department")


class RatingBody(Body):
    level: str
    reason: str
    scale: str | None = None
    expected_version: int | None = None


class RevisionBody(Body):
    effective: dt.date
    fields: dict[str, Any]
    reason: str
    expected_version: int | None = None


class AssignBody(Body):
    departments: list[int | str] = Field(..., min_length=1)
    role: Literal["lead", "responsible"] = "lead"
    leader: str = ""
    expected_version: int | None = None


class AssignmentsBody(Body):
    """The full set of assignments of a task: what is missing is removed, what is new added."""

    lead: list[int | str] = Field(default_factory=list)
    responsible: list[int | str] = Field(default_factory=list)
    leader: str = ""
    expected_version: int | None = None


class MilestoneBody(Body):
    date: dt.date
    expected: float
    note: str = ""


class MilestonesBody(Body):
    milestones: list[MilestoneBody]
    expected_version: int | None = None


class UserBody(Body):
    username: str
    password: str
    role: Literal["admin", "supervisor", "reporter", "viewer"]
    display_name: str = ""
    department: int | str | None = None


class TokenBody(Body):
    name: str = ""
    username: str | None = Field(None, description="whose token (admins only; default: yours)")
