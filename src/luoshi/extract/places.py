"""Recognise place names at the head of a phrase (沈阳、大连地区生产总值 → [沈阳, 大连])."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import gazetteer
from .lexicon import lexicon, region_words  # noqa: F401 (re-exported)

# suffixes that make a named area a region of its own: 辽东绿色经济区, 沈阳都市圈, 金普新区
AREA_SUFFIX = r"(?:都市圈|经济区|经济带|城市群|示范区|新区|自贸区|自贸试验区|片区|开发区|高新区)"


def _forms(entry: dict) -> list[str]:
    """An entry of places.json: its name, then its short names (one or a list)."""
    short = entry.get("short")
    return [entry["name"], *([short] if isinstance(short, str) else short or [])]


@lru_cache(maxsize=1)
def _area_forms() -> frozenset[str]:
    return frozenset(f for e in lexicon().places.get("areas", []) for f in _forms(e))


_AREA_END = re.compile(AREA_SUFFIX + "$")


def is_area(place: str) -> bool:
    """A named area larger or other than a city (都市圈, 新区, 城市群, 京津冀…): places.json's
    areas, or a name ending in an area suffix."""
    return place in _area_forms() or _AREA_END.search(place) is not None


@lru_cache(maxsize=1)
def _base_names() -> tuple[frozenset[str], frozenset[str]]:
    """The names known in any report: provinces, cities, areas and zones with their short names,
    and every county and district by its full name; and the short names that are ordinary words."""
    p = lexicon().places
    names: set[str] = set()
    ambiguous = set(p.get("ambiguous_short", []))
    for key in ("provinces", "cities", "districts", "areas"):
        for e in p.get(key, []):
            names.add(e["name"])
            names.update(x for x in _forms(e)[1:] if x and len(x) >= 2 and x not in ambiguous)
    # every county and district of the country by its full name (歙县, 额尔古纳市, 南山区) — but
    # not the two-character 区 names that are ordinary words too (城区, 郊区, 矿区)
    names.update(n for n in gazetteer.county_names()
                 if n not in ambiguous and not (len(n) == 2 and n.endswith("区")))
    return frozenset(names), frozenset(ambiguous)


@lru_cache(maxsize=64)
def _names(within: str | None = None) -> frozenset[str]:
    """The names known in a report of ``within``: those of any report, and the short names of
    the region's own counties and districts (新民 in a 辽宁省 report) — elsewhere a county's
    short name is an ordinary word too often to count (the gazetteer's ``names`` adds them only
    inside the region)."""
    base, ambiguous = _base_names()
    if not within:
        return base
    own = set(gazetteer.names(within)).difference(gazetteer.names())
    return base | {n for n in own if n not in ambiguous and not gazetteer.ordinary(n)}


class _HeadMatcher:
    """Longest known place name at a position, then an optional area suffix (…经济区).

    A dict from first character to names (longest first) instead of one regex alternation of
    a thousand names: the regex engine would try every alternative at every call.
    """

    def __init__(self, names: frozenset[str]) -> None:
        self.by_first: dict[str, list[str]] = {}  # by the first two characters: fewer to try
        for n in sorted(names, key=len, reverse=True):
            self.by_first.setdefault(n[:2], []).append(n)
        self.suffix = re.compile(rf"[\u4e00-\u9fff]{{0,6}}?{AREA_SUFFIX}")
        # 河东区域, 沈阳市级: a name ending in 区/市 that runs on into a word is that word's head
        self.not_before = set(lexicon().words.get("place_name_not_before", ""))

    def match(self, phrase: str, pos: int = 0) -> "_Match | None":
        for n in self.by_first.get(phrase[pos:pos + 2], ()):
            if phrase.startswith(n, pos):
                end = pos + len(n)
                if n[-1] in "区市县旗" and phrase[end:end + 1] in self.not_before:
                    continue
                m = self.suffix.match(phrase, end)
                return _Match(phrase[pos:m.end() if m else end])
        return None


class _Match:
    def __init__(self, text: str) -> None:
        self.text = text

    def group(self, _: int = 0) -> str:
        return self.text


@lru_cache(maxsize=1)
def _any_region() -> _HeadMatcher:
    return _HeadMatcher(_base_names()[0])


@lru_cache(maxsize=64)
def _head_re(within: str | None = None) -> _HeadMatcher:
    """The matcher of a report of ``within``, built once per region (a region without county
    short names of its own shares the matcher of no region)."""
    names = _names(within)
    return _any_region() if names == _base_names()[0] else _HeadMatcher(names)


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern:
    """A county-level name by its form: a two-character stem + 市/县/区/旗 (诸暨市, 宝应县), or a
    cooperation zone named after its partners (深汕特别合作区, 广清经济特别合作区)."""
    return re.compile(r"[\u4e00-\u9fff]{2}(?:市|县|区|旗)(?![场域级属辖直])"
                      r"|[\u4e00-\u9fff]{2,4}?(?:特别合作区|合作区)")


@lru_cache(maxsize=1)
def _stoplist() -> frozenset[str]:
    return frozenset(lexicon().words.get("place_suffix_stoplist", []))


@lru_cache(maxsize=1)
def _name_tails() -> frozenset[str]:
    return frozenset(lexicon().words.get("place_name_tails", []))


def _suffix_name(phrase: str, pos: int) -> str | None:
    m = _suffix_re().match(phrase, pos)
    if not m:
        return None
    stem = m.group(0)[:2]
    stop = _stoplist()
    tail = m.group(0)[1:]
    if stem in stop or (tail in stop and tail not in _name_tails()) or any(ch in "的和与及、在了是为各全本该我" for ch in stem):
        return None
    return m.group(0)




def strip_place_verb(phrase: str) -> int:
    """Length of a leading 支持/推动… that introduces a place ('支持江都区…')."""
    return _place_verb_re().match(phrase).end()


@lru_cache(maxsize=1)
def _place_verb_re() -> re.Pattern:
    """The place verbs in one alternation, in the list's order; it matches "" when none opens."""
    verbs = lexicon().words.get("place_verbs", [])
    return re.compile("|".join(map(re.escape, verbs)) + "|")


def leading_places(phrase: str, loose: bool = False, within: str | None = None) -> tuple[list[str], int]:
    """Places listed at the start of ``phrase`` and where the rest begins.

    '沈阳、大连地区生产总值' → (['沈阳', '大连'], 5). A single place must be followed by
    something (a phrase that is only a place name is not a region marker). A name known only
    by its form (宝应县) counts in a list of places, or alone when ``loose`` (after 支持…).
    ``within``: the report's region, whose counties are known by short name too (新民).
    """
    rx = _head_re(within)
    if phrase[:2] not in rx.by_first and _suffix_re().match(phrase) is None:
        return [], 0  # most phrases: no known name, nor a name by its form, opens them
    found: list[str] = []
    pos = 0

    def at(i: int) -> str | None:
        m = rx.match(phrase, i)
        known = m.group(0) if m else None
        by_form = _suffix_name(phrase, i)
        if by_form and (known is None or len(by_form) > len(known)):
            # a form-only name counts in a list of places, or before a known place
            nxt = re.match(r"、|和|及|与", phrase[i + len(by_form):])
            if known or loose or (nxt and (rx.match(phrase, i + len(by_form) + nxt.end())
                                  or _suffix_name(phrase, i + len(by_form) + nxt.end()))) or found:
                return by_form
        return known

    while True:
        name = at(pos)
        if not name:
            break
        found.append(name)
        pos += len(name)
        sep = re.match(r"、|和|及|与|,", phrase[pos:])
        if sep and at(pos + sep.end()):
            pos += sep.end()
            continue
        break
    if found and pos >= len(phrase):
        return [], 0
    # 大连市 / 沈阳市 — the generic suffix stays with the name
    if found and phrase[pos:pos + 1] in ("市", "省", "县", "区") and not phrase[pos:pos + 2] in ("市场", "区域", "县域", "市域", "省级", "市级", "县级", "区级"):
        found[-1] += phrase[pos]
        pos += 1
    return found, pos


def whole_place(phrase: str, within: str | None = None) -> str | None:
    """The phrase when it is nothing but one known place ('…，大连增长6%': 大连), else None."""
    m = _head_re(within).match(phrase)
    if m is None:
        return None
    name = m.group(0)
    if phrase == name or phrase[len(name):] in ("市", "省", "县", "区"):
        return phrase
    return None
