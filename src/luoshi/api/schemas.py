"""Request bodies, and the bounded types of request values. Responses are the services'
dataclasses as JSON (dates ISO). A body that carries a service's input is built from its
dataclass (``body_from``: ``ProgressBody`` from ``track.progress.ProgressInput``), not declared again.

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

from ..track.progress import ProgressInput

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


def body_from(source: type, *, name: str, doc: str, before: dict[str, tuple[Any, Any]] | None = None,
              bounds: dict[str, tuple[Any, Any]] | None = None) -> type[Body]:
    """A request body made of a service's input dataclass: every field's name, type and default
    come from ``source``, so the two cannot drift apart; ``bounds`` narrows a field for the
    boundary (``DbInt`` for an id, with what it means) and must keep its default; ``before``
    adds the request's own fields first (such as the version the caller read)."""
    import dataclasses
    import typing

    from pydantic import create_model

    hints = typing.get_type_hints(source)
    fields: dict[str, Any] = dict(before or {})
    for f in dataclasses.fields(source):
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        else:
            default = ...
        if f.name in (bounds or {}):
            typ, info = bounds[f.name]
            if f.default is not dataclasses.MISSING and info.default != f.default:
                raise TypeError(f"{name}.{f.name}: the bound changes {source.__name__}'s default")
            fields[f.name] = (typ, info)
        else:
            fields[f.name] = (hints[f.name], default)
    return create_model(name, __base__=Body, __doc__=doc, __module__=__name__, **fields)


ProgressBody = body_from(
    ProgressInput, name="ProgressBody",
    doc="""A department's progress update. ``expected_version`` is the task version the reporter
saw: if the task changed since, the answer is 409 and ``error.detail.rejected`` holds this
update, so nothing typed is lost.""",
    before={"expected_version": (DbInt | None, Field(..., description="the task's version as read (null: do not check)"))},
    bounds={"department_id": (DbInt | None, Field(None, description="admins/supervisors reporting for a department"))})


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
