"""What the supervision office has decided to show in the public read-only view, per report.

One row per report version (none: nothing internal is published). The row holds the decision in
force; every change is also an audit entry, so its history is in the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ReportPublication(Base):
    __tablename__ = "report_publications"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    ratings: Mapped[bool] = mapped_column(Boolean, default=False)  # ratings with their reasons
    notes: Mapped[bool] = mapped_column(Boolean, default=False)  # the departments' progress notes
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who decided last
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
