"""What departments report and what the supervision office judges: both append-only, so the
latest row wins and every earlier one stays as history."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, Double, ForeignKey, Index, String,
                        Text, func)
from sqlalchemy.orm import Mapped, mapped_column

from .appendonly import append_only
from .base import Base

ReportedStatus = Literal["not_started", "in_progress", "completed"]
REPORTED_STATUSES: tuple[str, ...] = get_args(ReportedStatus)
SCALES = ("five", "three")


@append_only
class ProgressUpdate(Base):
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    reported_on: Mapped[dt.date] = mapped_column(Date)  # the date the facts refer to
    narrative: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[float | None] = mapped_column(Double)  # percent complete, 0–100
    value: Mapped[float | None] = mapped_column(Double)  # the current value of the target's quantity
    unit: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, url|path}]
    problems: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    task_version: Mapped[int]  # the task's version this update produced
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_progress_updates_task_id_reported_on", "task_id", "reported_on"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'completed')", name="status"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
    )


@append_only
class Rating(Base):
    """The supervision office's delivery-confidence judgement of a task, with its reason."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    scale: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("scale IN ('five', 'three')", name="scale"),)
