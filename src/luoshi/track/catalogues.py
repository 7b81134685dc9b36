"""Departments catalogues a user supplies with an import, kept in the library for their region.

Why kept: a catalogue describes a government's units, not one report. A district that uploads
its own (区发改局, 区科经局…) with its work report expects next year's report, its 分工方案 and
every task drafted later to name the same units, without uploading it again. So a supplied
catalogue is stored for its region and level (``department_catalogues``; the newest one of a
region and level is in force, older ones stay as history) and comes first wherever luoshi
chooses a catalogue for a report of that region: tasks drafted from a report, a 分工方案's units,
a person's assignment by name, the web import's preview, ``luoshi assign --db``. Then come
luoshi's own files (liaoning.json, beijing.json), then the generic catalogue named for the level.

Which region: the one the catalogue names (``"region"``, ``"level"``), else the report's it is
uploaded with. A catalogue of another region than its report, or of none when the report names
none, is refused before anything is written (``Mismatch``, in English and Chinese).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import LuoshiError
from ..gazetteer import region_key
from ..labels import zh
from ..plan.assign import Departments, catalogue_of, read_catalogue
from ..plan.catalogues import _same_region, for_region, level_of
from ..store import DepartmentCatalogue
from . import audit
from .actor import Actor, require
from .errors import NotFound

ENTITY = "department_catalogue"


class Mismatch(LuoshiError):
    """A catalogue that cannot be kept for the report it came with: ``zh`` says why in Chinese."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


@dataclass(frozen=True)
class Supplied:
    """A checked catalogue file: its JSON (region and level filled in once known), the loaded
    catalogue, the file's name and hash."""

    data: dict[str, Any]
    departments: Departments
    source: str
    sha256: str

    @property
    def region(self) -> str:
        return str(self.data.get("region") or "")

    @property
    def level(self) -> str:
        return str(self.data.get("level") or "")


@dataclass(frozen=True)
class CatalogueInfo:
    id: int
    region: str
    level: str
    source: str
    units: int
    created_at: dt.datetime | None
    new: bool = True  # False: the same file was kept for this region already

    @classmethod
    def of(cls, row: DepartmentCatalogue, new: bool = True) -> CatalogueInfo:
        return cls(row.id, row.region, row.level, row.source, row.units, row.created_at, new)

    def to_dict(self) -> dict[str, Any]:
        return audit.plain({"id": self.id, "region": self.region, "level": self.level, "source": self.source,
                            "units": self.units, "created_at": self.created_at, "new": self.new})


def check(raw: bytes, source: str) -> Supplied:
    """The uploaded bytes as a catalogue, or CatalogueError (``.zh`` for the web page)."""
    data, deps = read_catalogue(raw, source)
    return Supplied(data, deps, source, hashlib.sha256(raw).hexdigest())


def fit(supplied: Supplied, region: str | None, level: str | None) -> Supplied:
    """The catalogue filed for the region and level it names, else for the report's (``region``,
    ``level``: what the report was filed under). Mismatch when it names another region or level
    than the report's, or when neither says a region."""
    own, given = supplied.region.strip(), (region or "").strip()
    if not own and not given:
        raise Mismatch(f"{supplied.source}: the catalogue names no region and the report has none: "
                       "write \"region\" in the catalogue or give the report's region",
                       f"部门目录 {supplied.source} 没有写明地区（region），报告中也未识别出地区；"
                       "请在目录文件中写明 region，或为报告指定地区。")
    if own and given and not _same_region(own, given):
        raise Mismatch(f"{supplied.source}: the catalogue is of {own}, the report of {given}",
                       f"部门目录 {supplied.source} 是{own}的，报告是{given}的；请上传{given}的目录，"
                       "或改正目录中的 region。")
    name = own or given
    mine, theirs = supplied.level, (level or "").strip()
    if mine and theirs and level_of(name, mine)[0] != level_of(given or name, theirs)[0]:
        raise Mismatch(f"{supplied.source}: the catalogue is of the {mine} level, the report of the {theirs} level",
                       f"部门目录 {supplied.source} 是{_zh(mine)}的，报告是{_zh(theirs)}的；请上传同一级别的目录。")
    if own and mine:
        return supplied
    data = copy.deepcopy(supplied.data)
    lvl, sub = level_of(name, mine or theirs or None)
    data["region"], data["level"] = name, mine or theirs or sub or lvl
    return Supplied(data, catalogue_of(data, supplied.source), supplied.source, supplied.sha256)


def _zh(level: str) -> str:
    """The level in words (labels.toml [level]); a catalogue may write "provincial"."""
    code = level.strip().lower()
    return zh("level", "province" if code == "provincial" else code)


def _rows(session: Session, region: str, level: str | None) -> list[DepartmentCatalogue]:
    """The kept catalogues of ``region`` at the level ``level`` falls in, newest first."""
    want = level_of(region, level)[0]
    rows = session.scalars(select(DepartmentCatalogue).order_by(DepartmentCatalogue.id.desc()))
    return [r for r in rows if _same_region(r.region, region) and level_of(r.region, r.level)[0] == want]


def keep(session: Session, supplied: Supplied, actor: Actor) -> CatalogueInfo:
    """Store a fitted catalogue as its region's (audited); the same file again adds nothing."""
    if not supplied.region:
        raise Mismatch(f"{supplied.source}: fit the catalogue to its report first", "部门目录没有确定地区。")
    current = next(iter(_rows(session, supplied.region, supplied.level)), None)
    if current is not None and current.sha256 == supplied.sha256 and current.data == supplied.data:
        return CatalogueInfo.of(current, new=False)
    row = DepartmentCatalogue(region=supplied.region, level=supplied.level, data=supplied.data,
                              source=supplied.source, sha256=supplied.sha256,
                              units=len(supplied.departments.units), user_id=actor.id,
                              created_at=dt.datetime.now(dt.UTC))
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", ENTITY, row.id,
                 {"replaces": current.id, "source": current.source} if current is not None else None,
                 {"region": row.region, "level": row.level, "source": row.source, "sha256": row.sha256,
                  "units": row.units})
    return CatalogueInfo.of(row)


_CACHE: dict[tuple[int, str, str, str], Departments] = {}


def kept(session: Session, region: str | None, level: str | None = None) -> Departments | None:
    """The catalogue kept in the library for ``region`` at ``level``, or None. A row never
    changes, so its loaded catalogue is cached by its id and contents."""
    if not (region or "").strip():
        return None
    row = next(iter(_rows(session, region.strip(), level)), None)
    if row is None:
        return None
    key = (row.id, row.sha256, row.region, row.level)
    deps = _CACHE.get(key)
    if deps is None:
        if len(_CACHE) >= 32:
            _CACHE.clear()
        deps = _CACHE[key] = catalogue_of(row.data, row.source)
        deps.origin, deps.level = "library", deps.level or row.level
        when = f", {row.created_at:%Y-%m-%d}" if row.created_at else ""
        deps.source = f"{row.source} (kept in the library for {row.region}{when})"
    return deps


def for_report(session: Session, region: str | None, level: str | None) -> Departments:
    """The catalogue a report of ``region`` at ``level`` drafts with: the library's, else
    luoshi's own file of the region, else the generic one named for the level."""
    return kept(session, region, level) or for_region(region, level)


@dataclass(frozen=True)
class Kept:
    """A kept catalogue as a list shows it: whether it is the one in force for its region and
    level (the newest), else which newer one replaced it."""

    info: CatalogueInfo
    in_force: bool
    replaced_by: int | None

    def to_dict(self) -> dict[str, Any]:
        d = self.info.to_dict()
        d.pop("new", None)
        return {**d, "in_force": self.in_force, "replaced_by": self.replaced_by}


def list_kept(session: Session, region: str | None = None) -> list[Kept]:
    """Every catalogue kept (of ``region`` only, when given), newest first; the newest of each
    region and level is in force, the older ones are its history."""
    rows = list(session.scalars(select(DepartmentCatalogue).order_by(DepartmentCatalogue.id.desc())))
    if region and region.strip():
        want = region_key(region)  # 海淀区 finds 北京市海淀区's
        rows = [r for r in rows if _same_region(r.region, region.strip()) or region_key(r.region) == want]
    out: list[Kept] = []
    newest: list[DepartmentCatalogue] = []  # the first (newest) row of each region and level seen
    for r in rows:
        head = next((n for n in newest if _same_region(n.region, r.region)
                     and level_of(n.region, n.level)[0] == level_of(r.region, r.level)[0]), None)
        if head is None:
            newest.append(r)
        out.append(Kept(CatalogueInfo.of(r), head is None, head.id if head is not None else None))
    return out


class NotKept(NotFound):
    """No kept catalogue has this id."""


def remove(session: Session, catalogue_id: int, actor: Actor) -> tuple[CatalogueInfo, Departments | None]:
    """Delete a kept catalogue (audited, its whole file in the entry so it can be kept again).
    Returns it and the catalogue now in force for its region and level — the previous one kept
    there, or None: luoshi's own catalogues then answer again."""
    require(session, actor, "admin", "supervisor")
    row = session.get(DepartmentCatalogue, catalogue_id)
    if row is None:
        raise NotKept(f"no kept departments catalogue has id {catalogue_id} (luoshi catalogues lists them)")
    info = CatalogueInfo.of(row, new=False)
    audit.record(session, actor, "delete", ENTITY, row.id,
                 {"region": row.region, "level": row.level, "source": row.source, "sha256": row.sha256,
                  "units": row.units, "data": row.data}, None)
    session.delete(row)
    session.flush()
    return info, kept(session, info.region, info.level)
