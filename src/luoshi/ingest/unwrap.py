"""Undo hard line wrapping: text copied out of a PDF breaks every line at the page's width.

A line break inside a figure or a sentence ("增\\n长5.4%") splits what the extractor reads, so a
document whose lines are hard-wrapped has its continuation lines joined back into paragraphs.
Whether it is wrapped is decided once for the whole document, from line-length statistics: many
lines of near-equal length that end without sentence punctuation and break clauses in the
middle. A document whose lines are real paragraphs (one line each, or short real lines such as
a list of headings) is left exactly as it is.

Joining only deletes characters (the line break and the indent around it), or turns the break
into a space between two Latin words, so every character still maps to its original position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .readers import HEADING, PAGE_NO

SPACE = " \t\u3000\xa0"
# A line ending in one of these ends a sentence (or a heading's lead-in), also behind closing
# quotes or brackets (“…。”) …
LINE_END = frozenset("。!?:;！？：；…")
CLOSE = frozenset("”’」』)）\"'")
# … one ending in one of these is cut in the middle of a clause …
CUT_END = frozenset(",，、(（“‘《")
# … and a line opening with one of these continues the one before.
CUT_START = frozenset(",，。、;；:：!！?？)）”’》%")
CLAUSE = re.compile("[,，、。;；]")

MIN_WIDTH = 12  # narrower than a newspaper column: not a page's wrapping
MIN_LINES = 3  # near-equal open lines needed before a text counts as wrapped (a pasted paragraph)
MIN_OPEN = 8  # shorter lines (menu words, page numbers) say nothing about the width
MAX_LINE = 200  # wider than any page: a line this long is not a page's line


def tolerance(width: float) -> float:
    """Full lines vary around the width: kinsoku, half-width digits, a ragged right edge."""
    return max(2.0, 0.1 * width)


@dataclass(frozen=True)
class Wrap:
    """How a hard-wrapped document is laid out: its line width in characters; ``full``, the
    length from which a line counts as full (the width itself when the right edge is straight,
    less when it is ragged); and whether paragraphs are marked by indenting their first line."""

    width: float
    full: float
    indented: bool


def _ends(text: str, a: int, b: int) -> bool:
    """Does text[a:b] end a sentence: a stop, or a stop behind closing quotes (…。”)? A quote
    closing a name (“支支串飞”) does not."""
    while b > a and text[b - 1] in CLOSE:
        b -= 1
    return b > a and text[b - 1] in LINE_END


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(line start, stripped start, stripped end) of every line."""
    out, pos = [], 0
    for line in text.split("\n"):
        body = line.strip(SPACE)
        if body:
            a = pos + len(line) - len(line.lstrip(SPACE))
            out.append((pos, a, a + len(body)))
        else:
            out.append((pos, pos, pos))
        pos += len(line) + 1
    return out


def layout(text: str) -> Wrap | None:
    """The document's wrapping, or None when its lines are its own (not hard-wrapped).

    Wrapped: at least ``MIN_LINES`` lines, not opening a heading, end without sentence
    punctuation ("open" lines); half of them lie within the tolerance of their median length
    (the width); they are a quarter of the lines or more; and most of those near the width break
    a clause (hold a comma or a full stop, or end on a comma), which a list of short headings
    of similar length never does.
    """
    return _layout(text)[0]


def _layout(text: str) -> tuple[Wrap | None, list[tuple[int, int, int]]]:
    """``layout`` and, once it has looked at them, the lines (see ``_lines``)."""
    if text.count("\n") < MIN_LINES:
        return None, []
    if sum(n for n in map(len, text.split("\n")) if n > MAX_LINE) > 0.5 * len(text):
        return None, []  # most of the text is in lines longer than any page is wide: its own lines
    every = _lines(text)
    lines = [(s, a, b) for s, a, b in every if b > a]
    long_ = [(s, a, b) for s, a, b in lines if b - a >= MIN_OPEN]
    open_ = [(a, b) for _, a, b in long_ if not _ends(text, a, b) and not HEADING.match(text[a:a + 12])]
    if len(open_) < MIN_LINES or len(open_) < 0.25 * len(long_):
        return None, every
    widths = sorted(b - a for a, b in open_)
    width = float(widths[len(widths) // 2])
    if width < MIN_WIDTH:
        return None, every
    near = [(a, b) for a, b in open_ if abs(b - a - width) <= tolerance(width)]
    if len(near) < MIN_LINES or len(near) < 0.5 * len(open_):
        return None, every
    cut = sum(1 for a, b in near if text[b - 1] in CUT_END or CLAUSE.search(text, a, b))
    if cut < 0.5 * len(near):
        return None, every
    full = min(width, sorted(b - a for a, b in near)[len(near) // 10])  # most full lines reach it
    indented = sum(1 for s, a, _ in lines if a > s)
    return Wrap(width, float(full), 0.03 * len(lines) <= indented <= 0.8 * len(lines)), every


def _is_break(text: str, cur: tuple[int, int, int], nxt: tuple[int, int, int], wrap: Wrap) -> bool:
    """Does line ``cur`` run on into line ``nxt`` (both non-blank, adjacent)?"""
    _, a, b = cur
    s, c, d = nxt
    line, following = text[a:b], text[c:d]
    if PAGE_NO.match(line) or PAGE_NO.match(following):
        return False  # page furniture is never joined
    if text[c] in CUT_START:
        return True
    if wrap.indented and c > s:
        return False  # an indented line opens a paragraph
    if not wrap.indented and following.startswith("——"):
        return False  # "——民生福祉持续增进。…": a paragraph of a dashed list
    n, full = b - a, b - a >= wrap.full
    if HEADING.match(following) and not (full and not _ends(text, a, b) and not HEADING.match(line)):
        return False  # a heading opens its line, unless a full line breaks off mid-sentence before
        # it ("…引进央企\n二、三级子公司超800家")
    if ((line.startswith("—") or (line[0] in "(（" and line[-1] in ")）")) and not CLAUSE.search(line)
            and not (full and d - c < 0.8 * wrap.width and not _ends(text, c, d))):
        return False  # the "——2026年1月…会议上" or "(2026年1月…)" line, unless it is full and
        # its tail ("议上") follows
    if not _ends(text, a, b):
        return n >= 0.8 * wrap.width or text[b - 1] in CUT_END
    if wrap.indented:
        return full
    # no indents: a short line ends a paragraph, a full one runs on, but never into a short line
    # with no stop (a heading)
    short_heading = d - c < 0.8 * wrap.width and not _ends(text, c, d)
    return full and not short_heading


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def unwrap(text: str, offsets: Sequence[int]) -> tuple[str, Sequence[int]]:
    """Join the continuation lines of a hard-wrapped document (see ``layout``); any other text
    comes back unchanged. ``offsets`` maps ``text`` to the original (one extra entry at the end)
    and is carried through: deleted characters drop out of it."""
    wrap, lines = _layout(text)
    if wrap is None:
        return text, offsets
    src = offsets if isinstance(offsets, list) else list(offsets)  # any sequence: sliced below
    pieces: list[str] = []
    offs: list[int] = []
    at = 0  # text[at:] is not yet copied
    for cur, nxt in zip(lines, lines[1:]):
        if cur[2] == cur[1] or nxt[2] == nxt[1] or not _is_break(text, cur, nxt, wrap):
            continue
        b, c = cur[2], nxt[1]  # text[b:c] is the break: trailing space, "\n", the next indent
        pieces.append(text[at:b])
        offs.extend(src[at:b])
        if _latin(text[b - 1]) and _latin(text[c]):
            nl = text.index("\n", b, c)  # two Latin words keep a space: the break itself
            pieces.append(" ")
            offs.append(src[nl])
        at = c
    if not pieces:
        return text, offsets
    pieces.append(text[at:])
    offs.extend(src[at:])
    return "".join(pieces), offs


# A line that is only a number or a number-like token ("2.5", "PM", "10%"): a web page may break
# a token over lines ("PM\n2.5\n浓度"), and the line "2.5" would read as a list item.
_TOKEN_LINE = re.compile(r"\n[ \t\u3000\xa0]*([A-Za-z0-9][A-Za-z0-9.%+\-/]{0,7})[ \t\u3000\xa0]*(?=\n)")


def join_tokens(text: str, offsets: Sequence[int]) -> tuple[str, Sequence[int]]:
    """Join a line that is only a number-like token to the lines around it when they read on as
    one phrase: the line before ends mid-clause (no stop, no cut-off comma), the line after is no
    heading, and the token is no list number ("2.") and, unless it continues a Latin word or a
    number ("PM" then "2.5"), no page number. As ``unwrap``, joining only deletes the breaks
    (two Latin words keep one as a space), so every character keeps its original position."""
    cuts: list[tuple[int, int]] = []  # text[a:b] deleted
    for m in _TOKEN_LINE.finditer(text):
        a = m.start()  # the break before the token line
        p0 = text.rfind("\n", 0, a) + 1
        prev = text[p0:a].rstrip(SPACE)
        nl = text.find("\n", m.end() + 1)
        nxt_start = m.end() + 1
        nxt = text[nxt_start:nl if nl >= 0 else len(text)]
        body = nxt.lstrip(SPACE)
        token = m.group(1)
        if (not prev or not body or _ends(text, p0, p0 + len(prev)) or prev[-1] in CUT_END
                or HEADING.match(token) or HEADING.match(body[:12])):
            continue
        if not (prev[-1].isascii() and prev[-1].isalnum()) and PAGE_NO.match(token):
            continue
        for b, c in ((p0 + len(prev), m.start(1)), (m.end(1), nxt_start + len(nxt) - len(body))):
            if not cuts or b >= cuts[-1][1]:  # two token lines in a row share a break
                cuts.append((b, c))
    if not cuts:
        return text, offsets
    src = offsets if isinstance(offsets, list) else list(offsets)
    pieces: list[str] = []
    offs: list[int] = []
    at = 0
    for b, c in cuts:
        pieces.append(text[at:b])
        offs.extend(src[at:b])
        if _latin(text[b - 1]) and _latin(text[c]):
            nl = text.index("\n", b, c)
            pieces.append(" ")
            offs.append(src[nl])
        at = c
    pieces.append(text[at:])
    offs.extend(src[at:])
    return "".join(pieces), offs
