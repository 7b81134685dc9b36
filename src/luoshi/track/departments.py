"""Departments in the database, created from the catalogue (``data/departments/*.json``,
read by ``luoshi.plan.assign``) the first time a task or a user names them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store import Department
from . import audit
from .actor import MANAGERS, Actor, require
from .errors import Invalid, NotFound


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    short: str
    kind: str
    region: str
    remit: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, d: Department) -> DepartmentInfo:
        return cls(d.id, d.name, d.short, d.kind, d.region, list(d.remit or []))


def _catalogue_unit(name: str, catalogue: Any = None, region: str | None = None) -> tuple[Any, str] | None:
    """(unit, region) of the catalogue entry named ``name`` (name, full name or alias): in
    ``catalogue``, else in the catalogue of ``region`` and then the others."""
    try:
        from ..plan.catalogues import find_unit
    except ImportError:  # the catalogue's reader is not there: only known rows can be used
        return None
    for u in (catalogue.units if catalogue is not None else ()):
        if name in (u.name, u.full_name, *u.aliases):
            return u, catalogue.region
    return find_unit(name, region)


def _row(d: Department) -> dict[str, Any]:
    return {"name": d.name, "short": d.short, "kind": d.kind, "region": d.region}


def find(session: Session, ref: int | str, *, region: str | None = None) -> Department | None:
    """A stored department by id, or by name / short name (the one of ``region`` first)."""
    if isinstance(ref, int):
        return session.get(Department, ref)
    rows = list(session.scalars(select(Department).where(
        or_(Department.short == ref, Department.name == ref)).order_by(Department.id)))
    rows.sort(key=lambda d: d.region != (region or d.region))
    return rows[0] if rows else None


def ensure(session: Session, ref: int | str, actor: Actor, *, region: str | None = None,
           catalogue: Any = None) -> Department:
    """The stored department ``ref``, else a new row from the catalogue entry of that name
    (audited). Invalid when neither knows it: a typo must not become a department."""
    d = find(session, ref, region=region)
    if d is not None:
        return d
    if isinstance(ref, int):
        raise NotFound(f"no department {ref}")
    hit = _catalogue_unit(ref, catalogue, region)
    if hit is None:
        raise Invalid(f"unknown department {ref!r}: not in the database nor in the catalogue")
    unit, cat_region = hit
    d = Department(name=unit.full_name or unit.name, short=unit.name, kind=unit.kind,
                   remit=[p for p, _w in unit.remit], region=cat_region or "")
    existing = find(session, d.name, region=d.region)  # known under its full name already
    if existing is not None:
        return existing
    session.add(d)
    session.flush()
    audit.record(session, actor, "create", "department", d.id, None, _row(d) | {"from": "catalogue"})
    return d


def create(session: Session, name: str, actor: Actor, *, short: str = "", kind: str = "",
           region: str = "", remit: list[str] | None = None) -> DepartmentInfo:
    """A department the catalogue does not list (admins and supervisors)."""
    actor = require(session, actor, *MANAGERS)
    name = name.strip()
    if not name:
        raise Invalid("a department needs a name")
    if session.scalars(select(Department).where(Department.name == name, Department.region == region)).first():
        raise Invalid(f"department {name!r} exists already")
    d = Department(name=name, short=short or name, kind=kind, region=region, remit=list(remit or []))
    session.add(d)
    session.flush()
    audit.record(session, actor, "create", "department", d.id, None, _row(d))
    return DepartmentInfo.of(d)


def list_all(session: Session) -> list[DepartmentInfo]:
    return [DepartmentInfo.of(d) for d in session.scalars(select(Department).order_by(Department.id))]
