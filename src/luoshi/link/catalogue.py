"""The indicator catalogue (data/indicators.json) and matching extracted indicators to it.

Matching is exact on a normalised name, never by substring: a wrong link would compare a
target with the wrong actual, while a missing link only leaves a figure unjudged.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Protocol, TypeVar


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator of the catalogue."""

    id: str
    zh: str
    en: str
    names: tuple[str, ...]
    measures: tuple[str, ...]
    unit: str
    units: tuple[str, ...] = ()
    direction: str = "up"  # up: more is better; down: less is better
    department: str = ""
    unit_aliases: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    by_name: dict[str, str]  # normalised name -> id
    scope_prefixes: tuple[str, ...]
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    contradictions: tuple[tuple[str, str], ...]
    units: dict[str, tuple[str, float]]
    magnitudes: dict[str, float]
    # canonical() answers by (name, measure): a library repeats its indicator names report
    # after report, and the lookup tries a dozen forms of each; bounded, see canonical()
    answers: dict[tuple[str, str | None], str | None] = field(default_factory=dict, compare=False, repr=False)


_QUOTES = re.compile(r"[\s\"'“”‘’《》〈〉「」『』]")


def normalise(name: str) -> str:
    """Fold widths (NFKC), drop spaces and quotes, upper-case ASCII (gdp → GDP, r&d → R&D)."""
    s = _QUOTES.sub("", unicodedata.normalize("NFKC", name))
    return s.upper()


def _load_json() -> dict[str, Any]:
    path = resources.files("luoshi") / "data" / "indicators.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue, read once. Raises ValueError on a duplicate id or name (a data error)."""
    raw = _load_json()
    indicators: dict[str, Indicator] = {}
    by_name: dict[str, str] = {}
    for e in raw["indicators"]:
        ind = Indicator(id=e["id"], zh=e["zh"], en=e.get("en", ""), names=tuple(e["names"]),
                        measures=tuple(e["measures"]), unit=e.get("unit", ""),
                        units=tuple(e.get("units", ())), direction=e.get("direction", "up"),
                        department=e.get("department", ""),
                        unit_aliases=dict(e.get("unit_aliases", {})))
        if ind.id in indicators:
            raise ValueError(f"indicators.json: duplicate id {ind.id}")
        indicators[ind.id] = ind
        for n in (ind.zh, *ind.names):
            key = normalise(n)
            if by_name.get(key, ind.id) != ind.id:
                raise ValueError(f"indicators.json: name {n} belongs to {by_name[key]} and {ind.id}")
            by_name[key] = ind.id
    units = {normalise(u): (dim, float(f)) for u, (dim, f) in raw["units"].items()}
    return Catalogue(indicators=indicators, by_name=by_name,
                     scope_prefixes=tuple(sorted(raw["scope_prefixes"], key=len, reverse=True)),
                     strip_prefixes=tuple(raw["strip_prefixes"]),
                     strip_suffixes=tuple(sorted(raw["strip_suffixes"], key=len, reverse=True)),
                     contradictions=tuple((p, q) for p, q in raw.get("contradictions", ())),
                     units=units, magnitudes={k: float(v) for k, v in raw["magnitudes"].items()})


def indicator(indicator_id: str) -> Indicator | None:
    """The catalogue entry of an id, or None."""
    return catalogue().indicators.get(indicator_id)


def _strip_scope(s: str, prefixes: Iterable[str]) -> str:
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if s.startswith(p) and len(s) > len(p):
                s, changed = s[len(p):], True
    return s


def _candidates(name: str, cat: Catalogue) -> list[str]:
    """Forms to look up, most literal first: as written, without scope words, then without one
    light prefix (实现/完成) and/or one light suffix (总量/涨幅/…), then without a bracketed note."""
    s = normalise(name)
    base = _strip_scope(s, cat.scope_prefixes)
    if any(base.startswith(p) and base.endswith(q) for p, q in cat.contradictions):
        return []  # 新增高新技术企业总数: a flow or a stock? Neither, rather than a guess.
    forms = [s]
    forms.append(base)
    for p in cat.strip_prefixes:
        if base.startswith(p) and len(base) > len(p):
            forms.append(base[len(p):])
    for f in list(forms):
        for suf in cat.strip_suffixes:
            if f.endswith(suf) and len(f) > len(suf):
                forms.append(f[: -len(suf)])
                break
    for f in list(forms):
        bare = re.sub(r"\([^()]*\)", "", f)
        if bare != f and bare:
            forms.append(bare)
    return list(dict.fromkeys(forms))


def canonical(indicator: str, measure: str | None = None) -> str | None:
    """The catalogue id of an extracted indicator, or None when unsure.

    ``indicator`` is the extracted name (simplified; region and time words such as 全省, 全年
    are tolerated). With ``measure`` given, an indicator that cannot carry it gives None
    (城镇新增就业 as growth, 城镇调查失业率 as amount).
    """
    if not indicator:
        return None
    cat = catalogue()
    key = (indicator, measure)
    if key in cat.answers:
        return cat.answers[key]
    if len(cat.answers) >= ANSWERS:
        cat.answers.clear()
    cat.answers[key] = hit = _canonical(indicator, measure, cat)
    return hit


ANSWERS = 65536  # remembered answers of canonical(): a few MB at most


def _canonical(indicator: str, measure: str | None, cat: Catalogue) -> str | None:
    for form in _candidates(indicator, cat):
        hit = cat.by_name.get(form)
        if hit is not None:
            if measure is not None and measure not in cat.indicators[hit].measures:
                return None
            return hit
    return None


class _Named(Protocol):
    indicator: str
    measure: str
    canonical: str | None


F = TypeVar("F", bound=_Named)


def annotate(figures: Iterable[F]) -> list[F]:
    """Set ``.canonical`` on each figure (in place) and return them as a list.

    A figure whose indicator is not in the catalogue gets None (an earlier value is replaced).
    """
    out = list(figures)
    for f in out:
        f.canonical = canonical(f.indicator, f.measure)
    return out
