"""Normalise report text for analysis while keeping every position traceable.

Every step is 1:1 or a deletion, so each normalised character remembers the original
position it came from, and a span found in normalised text maps back to the exact original
span (see ``Document.to_original``). Nothing is ever inserted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .document import Offsets


def _leftover_tags() -> list[str]:
    """The converters' bracketed tag words (data/leftovers.toml)."""
    import tomllib
    from importlib import resources

    raw = tomllib.loads((resources.files("luoshi") / "data" / "leftovers.toml").read_text("utf-8"))
    return [str(t) for t in raw["tags"]]


# Debris left by converters, dropped as furniture: bracketed markers where a Word object stood
# (a tag of data/leftovers.toml, "[bookmark: _GoBack]"; a hidden bookmark's own name, "[_Toc123]";
# pandoc's empty anchor, "[]{#_GoBack .anchor}"), zero-width and control characters. Each starts
# with "[", so a text without one skips the search.
_ANCHOR = (r"\[(?:(?i:%s)\b(?:[:：\s][^\]\n]{0,80})?|_[A-Za-z][A-Za-z0-9_]{0,40})\]|\[\]\{#[^}\n]{1,80}\}"
           % "|".join(re.escape(t) for t in _leftover_tags()))
_DEBRIS_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f"
DEBRIS = re.compile(rf"{_ANCHOR}|[{_DEBRIS_CHARS}]")
ANCHOR = re.compile(_ANCHOR)  # DEBRIS where no debris character occurs: found by its "[", fast

# Full-width forms folded to ASCII. Chinese punctuation with no ASCII twin of the same role
# (、。「」《》) is left alone; ，；：！？（） fold to ASCII — the splitter and extractor accept both.
_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD.update({c: " " for c in (0x3000, 0x00A0, 0x202F, 0x205F, *range(0x2000, 0x200B))})
_FOLD.update({c: "\n" for c in (0x0B, 0x0C, 0x85, 0x2028, 0x2029)})  # line breaks
_FOLD.update({c: "\u00b7" for c in (0x30FB, 0xFF65, 0x2027)})  # one interpunct (山海有情·天辽地宁)
_FOLD.update({0xFFE0: "\u00a2", 0xFFE1: "\u00a3", 0xFFE2: "\u00ac", 0xFFE3: "\u00af",
              0xFFE4: "\u00a6", 0xFFE5: "\u00a5", 0xFFE6: "\u20a9"})

_FOLD_MAP = {chr(c): r for c, r in _FOLD.items()}
_FOLDABLE = re.compile("[%s]" % "".join(re.escape(c) for c in _FOLD_MAP))
# "100，200" stays full-width: folding would make it read as the number 100,200. The comma is
# looked for first (a literal is found fast; a look-behind is tried at every position).
_FW_COMMA = re.compile("\uff0c(?=\\d)")
_DIGIT = re.compile(r"\d")
_CRLF = re.compile("\r\n")
# Characters a decoding that makes sense has few of: control, private-use, replacement, surrogate
# (the reader's check, ``readers.decode_text``)
NOT_TEXT = "\x00-\x08\x0e-\x1f\ue000-\uf8ff\ufffd\ud800-\udfff"
# Foldable characters that nearly every report has, thousands of times (，（）；：！): each is
# looked for alone, since ``c in text`` stops at the first one, where a scan collecting them all
# costs more for their matches than for reading the text
COMMON = "\uff0c\uff08\uff09\uff1b\uff1a\uff01"
# Every other character a step of ``normalize`` acts on: debris, "[" (of an anchor), CR, the
# rarer foldable ones; and the characters of NOT_TEXT, so that one scan serves both
_RARE = re.compile("[%s\\[\r%s%s]" % (_DEBRIS_CHARS, "".join(re.escape(c) for c in _FOLD_MAP if c not in COMMON),
                                      NOT_TEXT))
_DEBRIS_ONE = re.compile(f"[{_DEBRIS_CHARS}]")
_last: tuple[str, list[str]] = ("", [])


def rare_chars(text: str) -> list[str]:
    """Every occurrence, in order, of the characters of ``_RARE`` in ``text``: the reader's check
    of its decoding and ``normalize`` ask it of the same text, which is scanned once (the last
    text's answer is kept, by identity)."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    found = _RARE.findall(text)
    _last = (text, found)
    return found


def leftovers(original: str) -> list[tuple[int, int]]:
    """The spans of ``original`` that are converter leftovers (``ANCHOR``): what ``normalize``
    drops, for the pages that show the original text to leave out."""
    return [m.span() for m in ANCHOR.finditer(original)] if "[" in original else []


def fold(text: str) -> str:
    """Fold full-width forms, odd spaces and line breaks (1:1, never changes the length).

    One ``str.replace`` per foldable character present: a report holds a dozen of them (，：；（）
    and the ideographic space, thousands of times), and replace runs in C, where translate
    looks every character up in a dict and a regex sub calls back into Python per run."""
    for c in set(_FOLDABLE.findall(text)):  # which of them occur: one scan, not one per character
        text = text.replace(c, _FOLD_MAP[c])
    return text


@lru_cache(maxsize=4)
def _cc(config: str = "t2s"):
    import opencc

    return opencc.OpenCC(config)


def _t2s():
    return _cc("t2s")


@lru_cache(maxsize=65536)
def t2s_char(ch: str) -> str:
    """One character traditional → simplified; unchanged when OpenCC would change the length.

    Hong Kong variants that plain t2s does not know (衞 敍 粧) go through hk2s. Taiwan's forms do
    not (see ``tw2s_char``).
    """
    for config in ("t2s", "hk2s"):
        c = _cc(config).convert(ch)
        if len(c) == 1 and c != ch:
            return c
    return ch


@lru_cache(maxsize=65536)
def tw2s_char(ch: str) -> str:
    """Taiwan's one character for two simplified ones, as tw2s maps it alone (著→着, 么→幺).

    Alone it is often wrong — 显著 and 什么 are simplified as they stand — so ``to_simplified``
    takes it only where tw2s's phrases say so (著力→着力, 随著→随着)."""
    c = _cc("tw2s").convert(ch)
    return c if len(c) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional → simplified, keeping length and alignment.

    OpenCC converts whole phrases (乾隆 keeps 乾, 乾燥 becomes 干燥), which is better than char by
    char, but only aligned output is usable: any position where the phrase conversion is neither
    the character itself nor its own conversion falls back to the per-character result.
    """
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        conv = _t2s().convert(line)
        if len(conv) != len(line):
            out.extend(t2s_char(ch) for ch in line)
            continue
        tw = ""
        for i, (o, c) in enumerate(zip(line, conv)):
            if c == o and _t2s().convert(o) == o:
                c = t2s_char(o)  # a variant t2s does not know, if any
                if c == o and tw2s_char(o) != o:  # 著: 着 in 著力, 著 in 显著, by Taiwan's phrases
                    tw = tw or _cc("tw2s").convert(line)
                    c = tw[i] if len(tw) == len(line) and tw[i] == tw2s_char(o) else o
            elif c != o and c != t2s_char(o):
                c = t2s_char(o)  # misaligned phrase conversion
            out.append(c)
    return "".join(out)


def to_simplified_label(text: str | None) -> str | None:
    """Traditional → simplified for short labels such as indicators and regions."""
    if not text:
        return text
    return _t2s().convert(text)


_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")


def looks_traditional(text: str, sample: int = 1500) -> bool:
    """True when converting to simplified changes a noticeable share of the Han characters.

    A sample of a few thousand Han characters from the start, middle and end decides it: a
    report is written in one script throughout, and converting the whole text costs time.
    """
    if len(text) > 3 * sample:
        mid = len(text) // 2
        text = text[:sample] + text[mid:mid + sample] + text[-sample:]
    changed = len(_traditional_re().findall(text))
    if not changed:  # most simplified reports: no need to count the Han characters
        return False
    han = len(_NOT_HAN.sub("", text))
    if han < 20:
        return False
    return changed / han > 0.02


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern:
    """Any one of the traditional characters, as one character class: counted in C."""
    return re.compile("[%s]" % "".join(re.escape(c) for c in sorted(_traditional_chars())))


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """The Han characters that OpenCC's t2s changes, one by one (~4,200): computed once per
    process (one conversion of every character, ~40 ms) so that telling the script of a report
    is a set look-up per character instead of a conversion of the sample each time."""
    chars = [chr(c) for c in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00))]
    conv = _t2s().convert("\n".join(chars)).split("\n")
    if len(conv) != len(chars):  # not one line per character: ask one by one
        conv = [t2s_char(c) for c in chars]
    return frozenset(c for c, o in zip(chars, conv) if o != c)


def _kept(runs: list[tuple[int, int]], pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The original runs of the kept ``pieces`` ([a, b) of the text that ``runs`` maps, in order)."""
    out: list[tuple[int, int]] = []
    k, base = 0, 0  # the run holding the piece's start, and that run's start in the text
    for a, b in pieces:
        while a < b:
            while base + runs[k][1] - runs[k][0] <= a:
                base += runs[k][1] - runs[k][0]
                k += 1
            ra, rb = runs[k]
            s, e = ra + a - base, ra + min(b, base + rb - ra) - base
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
            a += e - s
    return out


def _drop(text: str, runs: list[tuple[int, int]], spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without ``spans`` (sorted, not overlapping), and its runs."""
    pieces, pos = [], 0
    for a, b in spans:
        if a > pos:
            pieces.append((pos, a))
        pos = b
    if pos < len(text):
        pieces.append((pos, len(text)))
    return "".join(text[a:b] for a, b in pieces), _kept(runs, pieces)


def normalize(original: str, *, simplify: bool | None = None) -> tuple[str, Offsets, bool]:
    """Return (normalised text, offsets, traditional?).

    ``offsets[i]`` is the position in ``original`` of ``text[i]``; there are ``len(text) + 1``
    entries, strictly increasing, the last being ``len(original)``. ``simplify=None`` detects
    traditional text; True/False forces the conversion on or off.

    One scan finds which of the characters any step acts on occur at all (a report has a dozen
    of them, most of the time no debris and no CR), and each step runs only for those. The scan
    is the reader's (``rare_chars``), so the text is read once for both.
    """
    present = {*rare_chars(original), *(c for c in COMMON if c in original)}
    text, runs = original, [(0, len(original))] if original else []
    # 1. drop debris
    if any(_DEBRIS_ONE.match(c) for c in present):
        text, runs = _drop(text, runs, [m.span() for m in DEBRIS.finditer(text)])
    elif "[" in present:
        text, runs = _drop(text, runs, [m.span() for m in ANCHOR.finditer(text)])
    # 2. CRLF → LF (drop the CR); a lone CR becomes LF
    if "\r" in present:
        if "\r\n" in text:
            text, runs = _drop(text, runs, [(m.start(), m.start() + 1) for m in _CRLF.finditer(text)])
        text = text.replace("\r", "\n")
    # 3. fold full-width forms (1:1), except a comma between digits
    restore = []
    if "\uff0c" in present:
        restore = [m.start() for m in _FW_COMMA.finditer(text, 1) if _DIGIT.match(text, m.start() - 1)]
    for c in present.intersection(_FOLD_MAP):
        text = text.replace(c, _FOLD_MAP[c])
    if restore:
        pieces, pos = [], 0
        for i in restore:
            pieces += [text[pos:i], "\uff0c"]
            pos = i + 1
        text = "".join(pieces) + text[pos:]
    # 4. traditional → simplified (1:1)
    trad = looks_traditional(text) if simplify is None else simplify
    if trad:
        text = to_simplified(text)
    return text, Offsets(runs, len(original)), trad
