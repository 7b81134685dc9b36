"""Find quantities — number, magnitude, unit — in normalised text.

A quantity is only a candidate: ``figures.py`` decides from the words around it whether it is a
figure (not a date, an ordinal, a name or a descriptive magnitude) and what it states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import alt, lexicon, trie_alt
from .numbers import CN_CHARS, parse_arabic, parse_chinese

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN = f"[{CN_CHARS}]+"


@dataclass
class Quantity:
    start: int  # normalised span of number … unit (qualifiers inside, e.g. 余, included)
    end: int
    value: float
    unit: str  # as written, magnitude included: 万人, 亿元, %, 个百分点, 万亿
    kind: str  # percent | points | times | classifier | measure | magnitude
    chinese: bool  # written in Chinese numerals
    bare_magnitude: bool  # 百, 万亿 — no digit at all
    value_max: float | None = None
    inner_qualifier: str | None = None  # 余 / 多 between number and unit


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    u = lexicon().units
    words = u["points"] + u["percent"] + u["times"] + u["measure"] + u["classifier"]
    # 9成 is a share, 成为 a word: a guarded unit carries its own lookahead
    unit = trie_alt(words, u.get("not_followed_by", {}))
    mag = trie_alt(u["magnitudes"])
    num = f"(?:{ARABIC})"
    # atomic number groups and a lookahead for a unit or magnitude: most numerals in a report
    # (二十大, 2023年, 一批) fail here, inside the regex engine, at no cost to Python
    return re.compile(
        rf"(?<![A-Za-z0-9.\-_/#])"
        rf"(?:(?P<ar>(?>{num}))|(?P<cn>[{CN_CHARS}]++))"
        rf"(?:[ \t]?(?P<pct1>%)?[ \t]?(?P<sep>-|—{{1,2}}|–|~|～|至|到)[ \t]?(?P<ar2>{num}))?"
        rf"(?=[ \t\n]?(?:余|多)?[ \t\n]?(?:{mag}|{unit}))"
        rf"(?P<yu>余|多)?"
        rf"[ \t\n]?(?P<mag>{mag})?"
        rf"(?P<yu2>余|多)?"
        rf"[ \t\n]?(?P<unit>{unit})?"
    )


@lru_cache(maxsize=1)
def _context_units() -> dict[str, re.Pattern]:
    """Units that count only after some words (受教育年限11.2年), each with a regex of them."""
    return {unit: re.compile(f"(?:{alt(words)})[^，。；,;]{{0,4}}$")
            for unit, words in lexicon().units.get("context_units", {}).items()}


def _in_context(text: str, start: int, rx: re.Pattern) -> bool:
    return rx.search(text, max(0, start - 10), start) is not None


CALENDAR_YEAR = re.compile(r"(?:19|20)\d\d")
_FIRST = re.compile(rf"[\d{CN_CHARS}]")  # where a quantity can start (its number's first character)


def _matches(text: str, start: int, end: int):
    """``_pattern().finditer(text, start, end)``, several times faster: a report is mostly
    characters that cannot start a number, and a pattern opening with a lookbehind makes the
    regex engine try each of them; a plain character class skips them in C, and the pattern
    is tried only where a number starts (the lookbehind still sees the text before)."""
    match, first = _pattern().match, _FIRST.search
    pos = start
    while (c := first(text, pos, end)) is not None:
        m = match(text, c.start(), end)
        if m is None:
            pos = c.start() + 1
            continue
        yield m
        pos = m.end()


KIND_OF: dict[str, str] = {}


@lru_cache(maxsize=1)
def KNOWN_UNITS() -> frozenset[str]:
    u = lexicon().units
    return frozenset(u["points"] + u["percent"] + u["times"] + u["measure"] + u["classifier"])


def _kind(unit_word: str) -> str:
    if not KIND_OF:
        for k in ("points", "percent", "times", "measure", "classifier"):
            for w in lexicon().units[k]:
                KIND_OF.setdefault(w, k)
    return KIND_OF.get(unit_word, "measure")


def _split_cn(cn: str) -> tuple[str, str]:
    """'三十万' -> ('三十', '万'): a trailing 万/亿 of a Chinese numeral is the unit's magnitude."""
    for m in ("万亿", "亿", "万"):
        if cn.endswith(m) and len(cn) > len(m) and cn[: -len(m)][-1] not in "万亿":
            return cn[: -len(m)], m
    return cn, ""


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number with a unit or magnitude in text[start:end]."""
    end = len(text) if end is None else end
    out: list[Quantity] = []
    for m in _matches(text, start, end):
        ar, cn, unit, mag = m.group("ar"), m.group("cn"), m.group("unit"), m.group("mag")
        if not unit and not mag:
            continue
        if unit in _context_units() and (not _in_context(text, m.start(), _context_units()[unit])
                                         or CALENDAR_YEAR.fullmatch(ar or "")):
            continue  # 受教育年限11.2年 is a duration; 寿命从2020年的… is a date
        if cn is not None:
            # a Chinese numeral only counts with a unit right after it (两项, 超百个, 三十万人)
            if unit and len(cn) > 1 and cn[-1] + unit in KNOWN_UNITS():
                cn, unit = cn[:-1], cn[-1] + unit  # 百万千瓦: the 千 belongs to 千瓦
            numeral = cn
            mag_word = mag or ""
            if not mag_word:
                numeral, mag_word = _split_cn(cn)
            if not unit:
                # bare magnitudes: 3万亿 is Arabic; 万亿 alone is descriptive unless qualified
                numeral, mag_word = _split_cn(cn) if not mag else (cn, mag)
                if numeral == cn and not mag:
                    continue
            value = parse_chinese(numeral)
            if value is None:
                continue
            bare = all(ch in "十百千万亿" for ch in numeral)
            if bare and mag_word == "" and numeral in ("万", "亿"):
                continue
            unit_word = unit or ""
            full_unit = mag_word + unit_word
            kind = _kind(unit_word) if unit_word else "magnitude"
            out.append(Quantity(m.start(), m.end(), value, full_unit, kind, True, bare,
                                inner_qualifier=m.group("yu") or m.group("yu2")))
            continue
        value = parse_arabic(ar)
        unit_word = unit or ""
        full_unit = (mag or "") + unit_word
        kind = _kind(unit_word) if unit_word else "magnitude"
        vmax = None
        if m.group("ar2"):
            vmax = parse_arabic(m.group("ar2"))
            if not full_unit or vmax <= value:
                # 2021-2025 (years), or a descending pair: not a range of one figure
                if not full_unit:
                    continue
                vmax = None
        out.append(Quantity(m.start(), m.end(), value, full_unit, kind, False, False, vmax,
                            m.group("yu") or m.group("yu2")))
    return out
