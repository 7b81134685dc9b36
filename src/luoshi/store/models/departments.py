"""Departments that lead or share tasks (牵头单位, 责任单位), one row per name and region.

Rows come from the department catalogue (``data/departments/*.json``) the first time a task
names them, or from a person; ``remit`` keeps the catalogue's words of what the department
covers, so assignment suggestions can be explained later."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    remit: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # '' when the department is not tied to one region (a NULL would defeat the unique key)
    region: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("region", "name"),)
