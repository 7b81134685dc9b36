"""Which departments catalogue answers for a report: the region's own, else the generic one.

A report of 广东省 at province level gets 省发展改革委, 省财政厅…; 北京市 (a municipality) gets
市发展改革委, 市财政局…; a district gets 区发改局, 区财政局…; the nation gets 国家发展改革委,
财政部…. The functions, their remits and their indicators are shared by every level
(data/departments/generic.json); only the names change, so a suggestion never names a unit of
another region. A region's own file in data/departments (same "region" and "level", like
liaoning.json) replaces the generic catalogue for that region, and the result says which applied.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .assign import Departments, _folder, _parse

GENERIC = "generic.json"
LEVELS = ("national", "province", "municipality", "city", "county")
# words a user or a report's metadata may give for a level → (level, sub-level for names)
_LEVEL_WORDS = {
    "national": ("national", ""), "nation": ("national", ""), "全国": ("national", ""),
    "国家": ("national", ""), "中央": ("national", ""),
    "province": ("province", ""), "provincial": ("province", ""), "省": ("province", ""),
    "自治区": ("province", ""), "省级": ("province", ""),
    "municipality": ("municipality", ""), "直辖市": ("municipality", ""),
    "city": ("city", ""), "prefecture": ("city", ""), "市": ("city", ""), "州": ("city", ""),
    "盟": ("city", ""), "地区": ("city", ""), "市级": ("city", ""),
    "county": ("county", ""), "县": ("county", ""), "县级": ("county", ""),
    "district": ("county", "district"), "区": ("county", "district"),
    "banner": ("county", ""), "旗": ("county", ""),
    "地级市": ("city", ""), "自治州": ("city", ""), "county-level city": ("county", ""),
    "县级市": ("county", ""), "自治县": ("county", ""), "自治旗": ("county", ""),
    "市辖区": ("county", "district"),
}
_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|林区|特区|区|县|旗)")


@lru_cache(maxsize=1)
def generic_data() -> dict[str, Any]:
    return json.loads((_folder() / GENERIC).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _ethnic() -> re.Pattern[str]:
    """The ethnic names an autonomous area's name ends with (延边朝鲜族自治州 → 延边)."""
    names = sorted(generic_data().get("ethnic_groups", []), key=len, reverse=True)
    return re.compile("(?:(?:" + "|".join(map(re.escape, names)) + ")族?)+$")


@lru_cache(maxsize=1)
def own_catalogues() -> list[tuple[str, str, Path]]:
    """(region, level, file) of every region's own catalogue in data/departments."""
    out = []
    for p in sorted(_folder().glob("*.json")):
        if p.name == GENERIC:
            continue
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append((str(d.get("region", "")), str(d.get("level", "")), p))
    return out


def last_unit(region: str) -> str:
    """The lowest unit of a region name: 北京市海淀区 → 海淀区, 广东省 → 广东省."""
    parts = _UNIT.findall(region.strip())
    return parts[-1] if parts and "".join(parts) == region.strip() else region.strip()


def short_name(region: str) -> str:
    """广东省 → 广东, 内蒙古自治区 → 内蒙古, 延边朝鲜族自治州 → 延边, 海淀区 → 海淀, 歙县 → 歙县."""
    name = last_unit(region)
    for suf in ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "地区",
                "林区", "特区", "区", "县", "旗"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            if suf.startswith("自治"):
                stem = _ethnic().sub("", stem)
                if len(stem) < 2:
                    stem = name[: -len(suf)]
            return stem
    return name


def level_of(region: str | None, level: str | None) -> tuple[str, str]:
    """(level, sub-level) from the words given, the region name deciding what they leave open:
    a province-level 北京市 is a municipality, a 区 is a district of the county level."""
    region = (region or "").strip()
    lvl, sub = _LEVEL_WORDS.get((level or "").strip().lower(), ("", ""))
    if region in generic_data().get("municipalities", []) and lvl in ("", "province"):
        return "municipality", ""
    if region in ("全国", "中国", "中华人民共和国", "国务院"):
        return "national", ""
    unit = last_unit(region)
    if not lvl and unit:
        if unit.endswith(("省", "自治区")):
            lvl = "province"
        elif unit.endswith(("县", "旗", "林区", "特区")):
            lvl = "county"
        elif unit.endswith("区"):
            lvl, sub = "county", "district"
        elif unit.endswith(("市", "州", "盟", "地区")):
            lvl = "city"
    if lvl == "county" and not sub and unit.endswith("区") and not unit.endswith(("林区", "特区")):
        sub = "district"
    return (lvl or "province"), sub


def prefixes(region: str, level: str, sub: str) -> tuple[str, str]:
    """(unit prefix, party-committee prefix): 省/省委, 自治区/自治区党委, 市/市委, 州/州委, 区/区委…"""
    unit = last_unit(region)
    if level == "national":
        return "", "中央"
    if level == "province":
        return ("自治区", "自治区党委") if unit.endswith("自治区") else ("省", "省委")
    if level == "municipality":
        return "市", "市委"
    if level == "city":
        for suf, pc in (("盟", "盟委"), ("地区", "地委"), ("州", "州委")):
            if unit.endswith(suf):
                return suf, pc
        return "市", "市委"
    if sub == "district":
        return "区", "区委"
    for suf in ("旗", "林区", "特区", "县", "市"):
        if unit.endswith(suf):
            return suf, suf[-1] + "委" if suf != "林区" else "林区党委"
    return "县", "县委"


def _fill(template: str, p: str, pc: str, r: str, rr: str) -> str:
    return template.replace("{pc}", pc).replace("{p}", p).replace("{r}", r).replace("{R}", rr)


def _name_at(f: dict[str, Any], level: str, sub: str) -> str | None:
    names = f["names"]
    if sub and sub in names:
        return names[sub]
    return names.get(level)


def _generic_units(region: str, level: str, sub: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(function → unit dict, the local unit dict) of the generic catalogue named for ``level``."""
    g = generic_data()
    p, pc = prefixes(region, level, sub)
    r = short_name(region) if region else ""
    rr = last_unit(region) if region else ""
    units: dict[str, dict[str, Any]] = {}
    merged: list[tuple[str, dict[str, Any]]] = []
    for f in g["functions"]:
        t = _name_at(f, level, sub)
        if t is None:
            continue
        if t.startswith("="):
            merged.append((t[1:], f))
            continue
        if ("{r}" in t or "{R}" in t) and not region:
            continue  # a unit named after the region needs the region
        name = _fill(t, p, pc, r, rr)
        if any(u["name"] == name for u in units.values()):
            continue
        aliases = [a if a.startswith(("国家", "中国", "人民银行")) else p + a for a in f.get("aliases", [])]
        aliases = [a for a in dict.fromkeys(aliases) if a != name]
        units[f["function"]] = {"name": name, "function": f["function"], "kind": f.get("kind", "department"),
                                "weight": f.get("weight", 1.0), "aliases": aliases,
                                "remit": list(f.get("remit", [])),
                                "indicators": list(f.get("indicators", [])),
                                "supports": list(f.get("supports", []))}
    for target, f in merged:
        u = units.get(target)
        while u is None and target:  # the target may itself be merged at this level
            t = _name_at(next(x for x in g["functions"] if x["function"] == target), level, sub) or ""
            target = t[1:] if t.startswith("=") else ""
            u = units.get(target)
        if u is None:
            continue
        seen = {x if isinstance(x, str) else x[0] for x in u["remit"]}
        u["remit"] += [x for x in f.get("remit", []) if (x if isinstance(x, str) else x[0]) not in seen]
        u["indicators"] += [c for c in f.get("indicators", []) if c not in u["indicators"]]
        u["supports"] += [c for c in f.get("supports", []) if c not in u["supports"]]
    for u in units.values():  # a unit does not support what it leads
        u["supports"] = [c for c in u["supports"] if c not in u["indicators"]]
    loc = g["local"][level]
    name, others = _local_name(loc, region)
    local = {"name": name, "kind": "local", "aliases": [*others, *(a for a in loc.get("aliases", []) if a != name)],
             "places": list(loc["places"]), "supports": list(loc.get("supports", []))}
    return units, local


def _local_name(loc: dict[str, Any], region: str) -> tuple[str, list[str]]:
    """(name, the other names) of the level's collective unit for ``region``: a province is
    addressed by the kinds of its prefecture-level places — 各盟市 where it has 盟, 各市（州） where
    it has 州, 各市 where it has only 市 (``by_places`` in generic.json); the level's default
    without a region or a rule that fits."""
    from ..gazetteer import cities_of

    rules = loc.get("by_places") or []
    names = [loc["name"], *(r["name"] for r in rules)]
    name = loc["name"]
    if rules and region:
        ends = {e for r in rules for e in r["has"]}
        kinds = {e for d in cities_of(region) for e in ends if d.name.endswith(e)}
        if kinds:
            name = next((r["name"] for r in rules if set(r["has"]) <= kinds), name)
    return name, [n for n in dict.fromkeys(names) if n != name]


def _build(units: dict[str, dict[str, Any]], local: dict[str, Any], extra: list[dict[str, Any]],
           label: object) -> Departments:
    g = generic_data()
    default = units.get(g.get("default_lead", ""), {}).get("name", "")
    return _parse({"units": [*units.values(), *extra, local], "ignore": g.get("ignore", []),
                   "default_lead": default}, label)


@lru_cache(maxsize=64)
def generic_for(region: str, level: str, sub: str) -> Departments:
    """The generic catalogue with the names of ``level`` for ``region`` (may be "")."""
    units, local = _generic_units(region, level, sub)
    deps = _build(units, local, [], f"{GENERIC} ({region or 'no region'}, {sub or level})")
    p, _ = prefixes(region, level, sub)
    deps.region, deps.level, deps.generic, deps.origin = region, sub or level, True, "generic"
    deps.note = (f"generic — luoshi has no catalogue of {region or 'the region'}; "
                 f"unit names follow the {sub or level} level ({p or '国家'}…), check them")
    return deps


def overlay(data: dict[str, Any], path: object) -> Departments:
    """A region's catalogue written as changes to the generic one, for local usage (北京市: 市科委,
    市规划自然资源委, 市城市管理委…): ``names`` {function: the region's name} (the generic name
    stays an alias), ``aliases`` and ``remit`` {function: more}, ``drop`` [functions it has no
    unit for], ``units`` [more units, in the full schema], ``local`` {the collective unit}."""
    from .assign import _bad

    region = str(data.get("region", ""))
    lvl, sub = level_of(region, str(data.get("level", "")))
    units, local = _generic_units(region, lvl, sub)
    _check_overlay(data, path)
    for key in ("names", "aliases", "remit"):
        for fid in (data.get(key) or {}):
            if fid not in units:
                raise _bad(path, f"{key}: {fid!r} is no function of the generic catalogue at this level",
                           f"{key} 中的 {fid!r} 不是通用目录在这一级别的职能")
    for fid in data.get("drop") or []:
        units.pop(fid, None)
    for fid, name in (data.get("names") or {}).items():
        u = units[fid]
        u["aliases"] = [a for a in dict.fromkeys([u["name"], *u["aliases"]]) if a != name]
        u["name"] = name
    for fid, more in (data.get("aliases") or {}).items():
        units[fid]["aliases"] += [a for a in more if a not in units[fid]["aliases"]]
    for fid, more in (data.get("remit") or {}).items():
        units[fid]["remit"] += more
    if data.get("local"):
        local.update(data["local"])
    deps = _build(units, local, list(data.get("units") or []), path)
    deps.region, deps.level = region, sub or lvl
    return deps


def _check_overlay(data: dict[str, Any], path: object) -> None:
    """The shape of an overlay's fields, so a wrong one is a clear error, not a crash or a
    string read as a list of characters (the units themselves are checked by ``_parse``)."""
    from .assign import _bad

    shapes = {"names": (dict, str, "对象（职能 → 名称）"), "aliases": (dict, list, "对象（职能 → 名称列表）"),
              "remit": (dict, list, "对象（职能 → 短语列表）"), "drop": (list, str, "职能名的列表"),
              "units": (list, dict, "单位对象的列表"), "local": (dict, None, "对象")}
    for key, (outer, inner, zh) in shapes.items():
        v = data.get(key)
        if v is None:
            continue
        items = v.values() if isinstance(v, dict) else v
        if not isinstance(v, outer) or (inner is not None and not all(isinstance(x, inner) and x for x in items)):
            raise _bad(path, f"{key} must be {'an object' if outer is dict else 'a list'} of "
                             f"{inner.__name__ if inner else 'fields'}", f"{key} 应为{zh}")


def _same_region(a: str, b: str) -> bool:
    """辽宁省 is 辽宁省 or plain 辽宁; 朝阳市 is not 朝阳区 (the level decides that anyway)."""
    return bool(a and b) and (a == b or short_name(a) == b or short_name(b) == a)


def for_region(region: str | None = None, level: str | None = None) -> Departments:
    """The region's own catalogue at that level when data/departments has one, else the generic
    one named for the level (province when nothing is known)."""
    from .assign import load_departments

    region = (region or "").strip()
    lvl, sub = level_of(region, level)
    if region:
        for r, lv, path in own_catalogues():
            if _same_region(r, region) and level_of(r, lv)[0] == lvl:
                deps = load_departments(path)
                deps.level, deps.origin = deps.level or lvl, "bundled"
                return deps
    return generic_for(region, lvl, sub)


def find_unit(name: str, region: str | None = None, level: str | None = None):
    """(unit, its catalogue's region) of the unit named ``name`` (name, full name or alias): in
    the catalogue of ``region`` first, then in the generic one of every level (no region), then
    in every region's own; None when no catalogue knows it (a typo must not become a department)."""
    from .assign import load_departments

    tries = [for_region(region, level)] if region else []
    tries += [generic_for("", lv, sub) for lv, sub in (("province", ""), ("municipality", ""), ("city", ""),
                                                       ("county", "district"), ("county", ""), ("national", ""))]
    tries += [load_departments(p) for _, _, p in own_catalogues()]
    for deps in tries:
        for u in deps.units:
            if name in (u.name, u.full_name, *u.aliases):
                return u, deps.region
    return None
