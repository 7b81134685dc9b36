"""Which task of a newer version of a report continues which task of an earlier one.

One row per task of an earlier version once it is settled: ``new_task_id`` is the task of the
newer version that continues it (matched by key or by similar wording at import, or linked by a
person), or NULL when a person closed it as dropped. A task with a row is closed: its own
history stays where it was written, and the newer task reads it through this link (progress
updates and ratings are never copied or moved). Append-only: a settlement is a decision, and
later ones are rows of later tasks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Double, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from .appendonly import append_only
from .base import Base

HOWS = ("key", "similar", "person", "dropped")


@append_only
class TaskLineage(Base):
    __tablename__ = "task_lineage"

    old_task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    new_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)  # the version settled against
    how: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Double)  # the wording's similarity (how = similar)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("how IN ('key', 'similar', 'person', 'dropped')", name="how"),
        CheckConstraint("(how = 'dropped') = (new_task_id IS NULL)", name="dropped"),
    )
