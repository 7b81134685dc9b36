"""Tasks drawn from a report's plan, with what may change about them: dated revisions of the
target or wording, the departments assigned, and optional milestones.

A task's original wording and target (the snapshot of the figure it was drawn from) never
change: a later decision is a ``TaskRevision`` effective from a date, so history shows both.
``version`` grows with every change to the task or its history; a write that carries an older
version is refused (optimistic locking, see luoshi.track)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, Double, ForeignKey, Integer, String,
                        Text, UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .appendonly import append_only, frozen
from .base import Base

if TYPE_CHECKING:
    from .departments import Department
    from .figures import ReportFigure
    from .reports import Report

TARGET_FIELDS = ("indicator", "canonical", "measure", "value", "value_max", "unit", "comparator")
ORIGINAL_FIELDS = ("report_id", "number", "key", "text", "start", "end", "figure_id", *TARGET_FIELDS)
ASSIGNMENT_ROLES = ("lead", "responsible")


@frozen(*ORIGINAL_FIELDS)
class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    number: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))  # stable across renumbering and report versions
    text: Mapped[str] = mapped_column(Text)  # verbatim: original[start:end]
    section: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[int]
    end: Mapped[int]
    nstart: Mapped[int] = mapped_column(default=0)
    nend: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20), default="action")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    figure_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # every figure in the span
    places: Mapped[list[str]] = mapped_column(JSON, default=list)
    projects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the target: the figure it was drawn from, and a snapshot of it that outlives re-imports
    figure_id: Mapped[int | None] = mapped_column(ForeignKey("figures.id", ondelete="SET NULL"))
    indicator: Mapped[str | None] = mapped_column(Text)
    canonical: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Double)
    value_max: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(Text)
    comparator: Mapped[str | None] = mapped_column(String(10))
    baseline: Mapped[float | None] = mapped_column(Double)  # set by a person; else last year's actual
    draft_confidence: Mapped[float | None] = mapped_column(Double)
    draft_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    report: Mapped[Report] = relationship()
    figure: Mapped[ReportFigure | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(back_populates="task", order_by="Assignment.id")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="task", order_by="Milestone.date")
    revisions: Mapped[list[TaskRevision]] = relationship(
        back_populates="task", order_by=lambda: (TaskRevision.effective, TaskRevision.id))

    __table_args__ = (UniqueConstraint("report_id", "number"), UniqueConstraint("report_id", "key"))


@append_only
class TaskRevision(Base):
    """A dated decision that supersedes the target or wording from ``effective`` on.
    ``fields`` holds the new values (text and/or TARGET_FIELDS, deadline as ISO date)."""

    __tablename__ = "task_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    effective: Mapped[dt.date] = mapped_column(Date)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    task: Mapped[Task] = relationship(back_populates="revisions")


class Assignment(Base):
    """A department assigned to a task as lead (牵头) or responsible (责任) unit."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    leader: Mapped[str] = mapped_column(Text, default="")  # the responsible leader's name
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    task: Mapped[Task] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()

    __table_args__ = (
        UniqueConstraint("task_id", "department_id", "role"),
        CheckConstraint("role IN ('lead', 'responsible')", name="role"),
    )


class Milestone(Base):
    """The value a numeric task should have reached by a date (e.g. each quarter's end)."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    expected: Mapped[float] = mapped_column(Double)
    note: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship(back_populates="milestones")

    __table_args__ = (UniqueConstraint("task_id", "date"),)
