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


@dataclass(slots=True)
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


def _pieces() -> tuple[str, str, str]:
    """(number, magnitude, unit) alternations, from units.json."""
    u = lexicon().units
    words = u["points"] + u["percent"] + u["times"] + u["measure"] + u["classifier"]
    # 9成 is a share, 成为 a word: a guarded unit carries its own lookahead
    return f"(?:{ARABIC})", trie_alt(u["magnitudes"]), trie_alt(words, u.get("not_followed_by", {}))


def _tail(num: str, mag: str, unit: str) -> str:
    """After the number: a range's second number, then a unit or magnitude (looked ahead for:
    most numerals in a report — 二十大, 2023年, 一批 — fail there, inside the regex engine).
    The groups after it always take part, empty when nothing is there: an optional group
    costs the engine more than an empty alternative."""
    return (rf"(?:[ \t]?(?P<pct1>%)?[ \t]?(?P<sep>-|—{{1,2}}|–|~|～|至|到)[ \t]?(?P<ar2>{num}))?"
            rf"(?=[ \t\n]?(?:余|多)?[ \t\n]?(?:{mag}|{unit}))"
            rf"(?P<yu>[余多]?)"
            rf"[ \t\n]?(?P<mag>{mag}|)"
            rf"(?P<yu2>[余多]?)"
            rf"[ \t\n]?(?P<unit>{unit}|)")


@lru_cache(maxsize=1)
def _plain_pattern() -> re.Pattern:
    """A quantity as one would write it: no letter, digit or dot before an atomic Arabic or
    Chinese number. ``_pattern`` is the same, faster; tests hold them to the same matches."""
    num, mag, unit = _pieces()
    return re.compile(rf"(?<![A-Za-z0-9.\-_/#])(?:(?P<ar>(?>{num}))|(?P<cn>[{CN_CHARS}]++))"
                      + _tail(num, mag, unit))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    """``_plain_pattern`` with the number's first character a group of its own, a plain
    character class: the regex engine then skips the characters that cannot start a number in
    C (a pattern opening with a lookbehind tries every one), and one finditer reads the text.
    The lookbehind on the character before comes after it; the rest of the number follows,
    Arabic (ARABIC less its first digit) or Chinese. ``first + ar`` / ``first + cn`` is the
    plain pattern's number."""
    num, mag, unit = _pieces()
    return re.compile(
        rf"(?P<first>[\d{CN_CHARS}])(?<![A-Za-z0-9.\-_/#].)"
        rf"(?:(?<=\d)(?P<ar>(?>\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*(?:\.\d+)?))"
        rf"|(?<=[{CN_CHARS}])(?P<cn>[{CN_CHARS}]*+))"
        + _tail(num, mag, unit))


@lru_cache(maxsize=1)
def _context_units() -> dict[str, re.Pattern]:
    """Units that count only after some words (受教育年限11.2年), each with a regex of them."""
    return {unit: re.compile(f"(?:{alt(words)})[^，。；,;]{{0,4}}$")
            for unit, words in lexicon().units.get("context_units", {}).items()}


def _in_context(text: str, start: int, rx: re.Pattern) -> bool:
    return rx.search(text, max(0, start - 10), start) is not None


CALENDAR_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=1)
def KNOWN_UNITS() -> frozenset[str]:
    u = lexicon().units
    return frozenset(u["points"] + u["percent"] + u["times"] + u["measure"] + u["classifier"])


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Unit word -> its kind (the first list that names it)."""
    kinds: dict[str, str] = {}
    for k in ("points", "percent", "times", "measure", "classifier"):
        for w in lexicon().units[k]:
            kinds.setdefault(w, k)
    return kinds


def _kind(unit_word: str) -> str:
    return _kinds().get(unit_word, "measure")


def _split_cn(cn: str) -> tuple[str, str]:
    """'三十万' -> ('三十', '万'): a trailing 万/亿 of a Chinese numeral is the unit's magnitude."""
    for m in ("万亿", "亿", "万"):
        if cn.endswith(m) and len(cn) > len(m) and cn[: -len(m)][-1] not in "万亿":
            return cn[: -len(m)], m
    return cn, ""


@lru_cache(maxsize=1)
def _alternatives_re() -> re.Pattern:
    """'2813.8万辆(艘、架、列)次': classifiers in brackets after a classifier are its alternatives,
    and a 次 after them counts the trips of any; the whole is one unit. One alternative and no
    次 ('155.4万套(间)') is a note on the count: the unit stays 万套, the note is in the span."""
    cls = trie_alt(lexicon().units["classifier"])
    return re.compile(rf"[(（]({cls}(?:、{cls})*)[)）](次?)")


def _with_alternatives(text: str, unit: str, pos: int, end: int) -> tuple[str, int]:
    """What the unit gains from its bracketed alternatives (written with full-width brackets, as
    a Chinese text writes them), and where the quantity ends."""
    if pos >= end or text[pos] not in "(（" or _kind(unit) != "classifier":
        return "", pos
    m = _alternatives_re().match(text, pos, end)
    if m is None:
        return "", pos
    if not m.group(2) and "、" not in m.group(1):
        return "", m.end()
    return f"（{m.group(1)}）{m.group(2)}", m.end()


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number with a unit or magnitude in text[start:end]."""
    end = len(text) if end is None else end
    out: list[Quantity] = []
    context, known, kinds = _context_units(), KNOWN_UNITS(), _kinds()
    for m in _pattern().finditer(text, start, end):
        first, ar, cn, _, _, ar2, yu, mag, yu2, unit = m.groups()
        if not unit and not mag:
            continue
        if ar is not None:
            ar = first + ar
        else:
            cn = first + cn
        if unit in context and (not _in_context(text, m.start(), context[unit])
                                or CALENDAR_YEAR.fullmatch(ar or "")):
            continue  # 受教育年限11.2年 is a duration; 寿命从2020年的… is a date
        if cn is not None:
            # a Chinese numeral only counts with a unit right after it (两项, 超百个, 三十万人)
            if unit and len(cn) > 1 and cn[-1] + unit in known:
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
            bare = not numeral.strip("十百千万亿")  # no digit at all
            if bare and mag_word == "" and numeral in ("万", "亿"):
                continue
            unit_word = unit or ""
            kind = kinds.get(unit_word, "measure") if unit_word else "magnitude"
            more, q_end = _with_alternatives(text, unit_word, m.end(), end) if unit_word else ("", m.end())
            out.append(Quantity(m.start(), q_end, value, mag_word + unit_word + more, kind, True, bare,
                                None, yu or yu2 or None))
            continue
        value = float(ar) if "," not in ar else parse_arabic(ar)  # most have no thousands comma
        unit_word = unit or ""
        full_unit = (mag or "") + unit_word
        kind = kinds.get(unit_word, "measure") if unit_word else "magnitude"
        vmax = None
        if ar2:
            vmax = float(ar2) if "," not in ar2 else parse_arabic(ar2)
            if not full_unit or vmax <= value:
                # 2021-2025 (years), or a descending pair: not a range of one figure
                if not full_unit:
                    continue
                vmax = None
        more, q_end = _with_alternatives(text, unit_word, m.end(), end) if unit_word else ("", m.end())
        out.append(Quantity(m.start(), q_end, value, full_unit + more, kind, False, False, vmax,
                            yu or yu2 or None))
    return out
