"""Normalise report text for analysis while keeping every position traceable.

Each normalised character remembers the original position it came from, so a span found in
normalised text maps back to the exact original span (see ``Document.to_original``).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Debris left by converters: Word bookmarks, comment anchors, zero-width characters.
DEBRIS = re.compile(
    r"\[(?:bookmark|_?GoBack|comment)[^\]\n]{0,80}\]"
    r"|[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
)

# Full-width forms folded to ASCII. Chinese punctuation that has no ASCII twin with the same
# role (、。「」《》) is left alone; ，；：！？（） fold to ASCII — the splitter and extractor accept both.
_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = " "
_FOLD[0x00A0] = " "
_FOLD[0x2002] = " "
_FOLD[0x2003] = " "
_FOLD_TABLE = str.maketrans(_FOLD)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified. Keeps length (falls back to per-character conversion)."""
    conv = _t2s().convert(text)
    if len(conv) == len(text):
        return conv
    out = []
    for ch in text:
        c = _t2s().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def to_simplified_label(text: str | None) -> str | None:
    """Traditional → simplified for short labels such as indicators and regions."""
    if not text:
        return text
    return _t2s().convert(text)


_TRAD_PROBE = re.compile(r"[\u4e00-\u9fff]")


def looks_traditional(text: str, sample: int = 20000) -> bool:
    """True when converting to simplified changes a noticeable share of the Han characters."""
    head = text[:sample]
    han = _TRAD_PROBE.findall(head)
    if len(han) < 20:
        return False
    conv = _t2s().convert("".join(han))
    changed = sum(1 for a, b in zip(han, conv) if a != b)
    return changed / len(han) > 0.02


def normalize(original: str, *, simplify: bool | None = None) -> tuple[str, list[int], bool]:
    """Return (normalised text, offsets, traditional?).

    ``offsets`` has ``len(text) + 1`` entries; the last is ``len(original)``.
    """
    # 1. drop debris, recording kept positions
    keep: list[int] = []
    pieces: list[str] = []
    pos = 0
    for m in DEBRIS.finditer(original):
        pieces.append(original[pos:m.start()])
        keep.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(original[pos:])
    keep.extend(range(pos, len(original)))
    text = "".join(pieces)
    # 2. CRLF / CR → LF (length-preserving: CR becomes LF, CRLF drops the CR)
    if "\r" in text:
        chars, kept = [], []
        for i, ch in enumerate(text):
            if ch == "\r":
                if i + 1 < len(text) and text[i + 1] == "\n":
                    continue
                ch = "\n"
            chars.append(ch)
            kept.append(keep[i])
        text, keep = "".join(chars), kept
    # 3. fold full-width forms (1:1)
    text = text.translate(_FOLD_TABLE)
    # 4. traditional → simplified (1:1)
    trad = looks_traditional(text) if simplify is None else simplify
    if trad:
        text = to_simplified(text)
    keep.append(len(original))
    return text, keep, trad
