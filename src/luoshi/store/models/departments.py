"""Departments that lead or share tasks (牵头单位, 责任单位), one row per name and region.

Rows come from the department catalogue (``data/departments/*.json``) the first time a task
names them, or from a person; ``remit`` keeps the catalogue's words of what the department
covers, so assignment suggestions can be explained later. ``department_catalogues`` keeps the
catalogues users supply with an import, per region and level."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
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


class DepartmentCatalogue(Base):
    """A departments catalogue a user supplied with an import, kept for its region and level:
    the newest row of a (region, level) is the library's catalogue for it, before luoshi's own
    files (``luoshi.track.catalogues``). Older rows stay as its history."""

    __tablename__ = "department_catalogues"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(Text)  # as the catalogue or its report names it (广东省)
    level: Mapped[str] = mapped_column(String(20))  # province, municipality, city, county, district…
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the file's JSON, region and level filled in
    source: Mapped[str] = mapped_column(Text, default="")  # the file name it came in
    sha256: Mapped[str] = mapped_column(String(64))
    units: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who supplied it (None: the CLI)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_department_catalogues_region_level", "region", "level"),)
