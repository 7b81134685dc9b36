"""Text helpers of the outline: paragraphs, sentences, Chinese numerals, heading markers.

Everything works on the normalised text (``Document.text``) and returns spans into it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, count
from operator import add

SPACE = " \t\u3000\xa0"
# A line ending in one of these ends its paragraph even in text wrapped at a fixed width.
LINE_END = set("。!?:;！？：；”’」』…")
SENT_END = frozenset("。!?;！？；")
CUT_END = set("0123456789,，、;；(（“‘《")  # a line ending so is cut mid-sentence
CUT_START = set(",，。、;；:：!！?？)）”’》%")  # a line opening so continues the one before
CLAUSE = re.compile(r"[,，;；]")
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "(": ")", "（": "）", "[": "]", "【": "】",
         "《": "》", "〔": "〕", "{": "}"}
CLOSERS = {v: k for k, v in PAIRS.items()}
_PARTNER = {**PAIRS, '"': '"'}  # an opener's closer (a straight quote closes itself)
# what the sentence splitter reads: brackets, quotes and sentence ends, 。 apart (see _marks)
_TOKEN_NOT_DOT = re.compile(r'[“”‘’「」『』()（）\[\]【】《》〔〕{}"!?;！？；]')

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN = "一二三四五六七八九十"

# Heading markers at the start of a paragraph. Group 1 is the number.
PART = re.compile(rf"(?:([{CN}]+)、|第([{CN}]+)部分[\s、:,.]*)")
SECTION = re.compile(rf"\(([{CN}]+)\)[\s、.]*")
# Item markers: style name -> regex. Chinese ordinals (一要, 一是, 第一,) stay in the sentence;
# the numeric ones (1. (1) ①) are stripped from it.
ITEM_STYLES: dict[str, re.Pattern] = {
    "yao": re.compile(rf"([{CN}]+)要(?=[\u4e00-\u9fff])"),
    "shi": re.compile(rf"([{CN}]+)是(?=[\u4e00-\u9fff“])"),
    "di": re.compile(rf"第([{CN}]+)(?=[,、:])"),
    "dot": re.compile(r"(\d{1,2})[.、](?!\d)\s*"),
    "paren": re.compile(r"\((\d{1,2})\)\s*"),
    "circled": re.compile(r"([\u2460-\u2473])\s*"),
}
STRIP_MARKER = {"dot", "paren", "circled"}
# any of them: one match instead of eight
_HEADING_START = re.compile("|".join(f"(?:{p.pattern})" for p in (PART, SECTION, *ITEM_STYLES.values())))
# Inline items: these markers, when they follow a clause end ("…。一是…;二是…"), count.
INLINE = re.compile(rf"([{CN}]+)[是要](?=[\u4e00-\u9fff“])|\((\d{{1,2}})\)")
# INLINE found fast (an alternation is tried at every position, a literal is looked for): the
# 是 or 要 after a numeral, and (1)
_INLINE_CN = tuple(re.compile(rf"{w}(?<=[{CN}]{w})(?=[\u4e00-\u9fff“])") for w in "是要")
_INLINE_PAREN = re.compile(r"\((\d{1,2})\)")
_CN = frozenset(CN)


@lru_cache(maxsize=2)
def _inline_all(text: str) -> tuple[list[int], list[int], list[re.Match]]:
    """The 是/要 of ``_INLINE_CN`` and the (n) of the whole text, found once: a text is asked
    paragraph by paragraph, and each search has its cost however short the paragraph."""
    cn = sorted(m.start() for rx in _INLINE_CN for m in rx.finditer(text))
    parens = list(_INLINE_PAREN.finditer(text))
    return cn, [m.start() for m in parens], parens


def inline_marks(text: str, a: int, b: int) -> list[tuple[int, str, str]]:
    """(start, "cn" or "paren", its number as written) of every INLINE match in text[a:b], in
    order. A match of 是/要 starts where the run of numerals before it does (from ``a`` on); the
    two kinds never overlap, so found apart they are what INLINE finds.

    Taken from the whole text's (``_inline_all``): a 是/要 counts from a + 1 on (a numeral before
    it) up to b - 2 (the character after it inside the span); a (n) counts if it lies inside."""
    cn, pstarts, parens = _inline_all(text)
    out = []
    for j in cn[bisect_left(cn, a + 1):bisect_left(cn, b - 1)]:
        s = j - 1
        while s > a and text[s - 1] in _CN:
            s -= 1
        out.append((s, "cn", text[s:j]))
    for m in parens[bisect_left(pstarts, a):]:
        if m.end() > b:
            break
        out.append((m.start(), "paren", m.group(1)))
    out.sort()
    return out


def cn_int(s: str) -> int | None:
    """'二十三' -> 23, '二〇二四' -> 2024, '12' -> 12, '⑤' -> 5."""
    if not s:
        return None
    if s.isdigit() and s.isascii():
        return int(s)
    if len(s) == 1 and "\u2460" <= s <= "\u2473":
        return ord(s) - 0x245F
    if "十" not in s and "百" not in s:
        digits = [CN_DIGITS.get(c) for c in s]
        if None in digits:
            return None
        return int("".join(map(str, digits)))
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


@dataclass
class Para:
    """A paragraph: its stripped span in the normalised text, and how it was laid out."""

    ns: int
    ne: int
    first_line_end: int  # end of its first line (a heading on its own line is one line)


def _lines(text: str) -> list[tuple[int, int]]:
    """Stripped spans of the lines, (s, s) for a blank line."""
    out, pos = [], 0
    for line in text.split("\n"):
        a = pos + len(line) - len(line.lstrip(SPACE))
        b = pos + len(line.rstrip(SPACE))
        out.append((a, max(a, b)))
        pos += len(line) + 1
    return out


def is_heading_line(text: str, s: int, e: int, width: float) -> bool:
    """A short line opening with a part/section/item marker and not ending a sentence."""
    return e - s < 0.75 * width and text[e - 1] not in LINE_END and starts_heading(text, s)


def starts_heading(text: str, s: int) -> bool:
    """Does a part, section or item marker open the text at ``s``?"""
    return _HEADING_START.match(text, s) is not None


def paragraphs(text: str, alone: frozenset[int] | set[int] = frozenset()) -> list[Para]:
    """Split normalised text into paragraphs.

    One line is one paragraph, unless a line is plainly cut in the middle of a sentence (it
    holds a comma and does not end a sentence, ends in a digit or a comma, or the next line opens
    with a closing mark): then it runs on into the next line. Text wrapped at a fixed width (many
    long lines not ending a sentence, as from PDF or some HTML) runs on at every near-full line;
    where paragraphs are marked there — by indenting their first line, or by blank lines between
    them — a full line ending in 。 runs on too unless the next line is indented; where they are
    not, it runs on only when quite full (a paragraph's last line seldom fills the width).

    Never running on: across a blank line, into a line opening with a heading marker, from a
    heading line, from or into a line whose start is in ``alone`` (the header lines) or a part
    heading without a number (“十四五”时期发展成就和2025年工作回顾).
    """
    from .roles import is_unnumbered_heading

    lines = _lines(text)
    body = [(s, e) for s, e in lines if e > s]
    alone = set(alone) | {s for s, e in body if is_unnumbered_heading(text[s:e])}
    long_ = [e - s for s, e in body if e - s >= 20]
    # part and section headings end with no stop in any layout: they do not say it is wrapped
    open_ = sorted(e - s for s, e in body if e - s >= 20 and text[e - 1] not in LINE_END
                   and s not in alone and not PART.match(text, s) and not SECTION.match(text, s))
    wrapped = len(open_) >= 3 and len(open_) >= 0.3 * max(1, len(long_))
    width = float(open_[len(open_) // 2]) if open_ else 40.0
    indented = {s for s, e in body if s > 0 and text[s - 1] in SPACE}
    uses_indent = 0.05 * len(body) < len(indented) < 0.9 * len(body)
    blocks = sum(1 for k, (s, e) in enumerate(lines) if e > s and (k == 0 or lines[k - 1][1] == lines[k - 1][0]))
    uses_blank = blocks >= 3 and len(body) >= 1.5 * blocks

    def runs_on(a: int, b: int, s: int) -> bool:
        """Does line [a, b) run on into the line starting at s?"""
        if (a in alone or s in alone or starts_heading(text, s) or text.startswith("—", a)
                or (uses_indent and s in indented)):
            return False
        full = b - a >= 0.75 * width
        if starts_heading(text, a) and (not wrapped or not full) and text[b - 1] not in LINE_END:
            return False  # a heading on its own line
        if text[b - 1] not in LINE_END:
            return (wrapped and full) or text[b - 1] in CUT_END or text[s] in CUT_START \
                or bool(CLAUSE.search(text, a, b))
        return wrapped and full and (uses_indent or uses_blank or b - a >= width)

    out: list[Para] = []
    cur: Para | None = None
    prev: tuple[int, int] | None = None
    for s, e in lines:
        if e == s:
            cur, prev = None, None
            continue
        if cur is not None and prev is not None and runs_on(prev[0], prev[1], s):
            cur.ne = e
        else:
            cur = Para(s, e, e)
            out.append(cur)
        prev = (s, e)
    return out


def _matched(tokens: list[tuple[str, int]]) -> set[int]:
    """Positions of brackets and quotes that have a partner among ``tokens``."""
    stack: list[tuple[str, int]] = []
    ok: set[int] = set()
    dq: int | None = None
    for c, i in tokens:
        if c in PAIRS:
            stack.append((c, i))
        elif c in CLOSERS:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == CLOSERS[c]:
                    ok.add(stack[k][1])
                    ok.add(i)
                    del stack[k:]
                    break
        elif c == '"':
            if dq is None:
                dq = i
            else:
                ok.update((dq, i))
                dq = None
    return ok


@dataclass
class _Marks:
    """What the sentence splitter reads of a text, found in one scan of the whole text: each
    split takes its range by bisection (a text is split paragraph by paragraph, heading by
    heading). ``splits`` keeps the splits made so far by their end, so that a split starting
    where an earlier one of the same end has a boundary is that one's tail (``sentences``)."""

    ends: list[int]  # positions of the sentence ends
    mpos: list[int]  # positions of the brackets and quotes …
    mchars: list[str]  # … and which they are
    splits: dict[int, list[tuple[int, tuple[tuple[int, int], ...]]]]


@lru_cache(maxsize=2)
def _marks(text: str) -> _Marks:
    """The 。 (most of the tokens) are found by splitting the text at them, their positions
    summed from the pieces' lengths with no Python step per 。; the other tokens by a pattern."""
    pieces = text.split("。")
    dots = list(map(add, accumulate(map(len, pieces[:-1])), count()))
    pos = [m.start() for m in _TOKEN_NOT_DOT.finditer(text)]
    chars = list(map(text.__getitem__, pos))
    marks = [(i, c) for i, c in zip(pos, chars) if c not in SENT_END]
    return _Marks(sorted(dots + [i for i, c in zip(pos, chars) if c in SENT_END]), [i for i, _ in marks],
                  [c for _, c in marks], {})


_BLANK = frozenset(SPACE + "\n")


@lru_cache(maxsize=8192)
def sentences(text: str, ns: int, ne: int) -> tuple[tuple[int, int], ...]:
    """Sentence spans of text[ns:ne]: split after 。！？；, never inside quotes or brackets.

    Brackets and quotes count only when closed within the span, so one stray quote does not
    glue the rest of a paragraph into one sentence. A quote ending its own sentence (“…。”)
    ends the outer sentence too.

    A split starting at a boundary of an earlier split of the same end (a heading's text after
    its title) is that split's tail: a boundary lies outside every pair of brackets that count,
    so the pairs after it are the same whether the split starts before it or at it.
    """
    mk = _marks(text)
    for x, done in mk.splits.get(ne, ()):
        if x <= ns:
            j = bisect_left(done, (ns, -1))
            if j == 0 or ns >= done[j - 1][1]:  # not inside a sentence of it: between, or blank
                return done[j:]
    res = _split(text, ns, ne, mk)
    mk.splits.setdefault(ne, []).append((ns, res))
    return res


def _split(text: str, ns: int, ne: int, mk: _Marks) -> tuple[tuple[int, int], ...]:
    ends, mpos, mchars = mk.ends, mk.mpos, mk.mchars
    e_lo, e_hi = bisect_left(ends, ns), bisect_left(ends, ne)
    m_lo, m_hi = bisect_left(mpos, ns), bisect_left(mpos, ne)
    pairs: list[tuple[int, str]] = []
    if m_hi > m_lo:
        chars = mchars[m_lo:m_hi]
        if not (m_hi - m_lo) % 2 and list(map(_PARTNER.get, chars[::2])) == chars[1::2]:
            pairs = list(zip(mpos[m_lo:m_hi], chars))  # “…” (…) “…”: each closes the one before
        else:
            ok = _matched(list(zip(chars, mpos[m_lo:m_hi])))
            pairs = [(i, c) for c, i in zip(chars, mpos[m_lo:m_hi]) if i in ok]
    out: list[tuple[int, int]] = []
    start, k = ns, e_lo
    depth, dq_open = 0, False
    for i, c in [*pairs, (ne, "")]:  # the brackets that count, in order; then the span's end
        if depth:  # sentence ends inside brackets end nothing
            k = bisect_left(ends, i, k, e_hi)
        else:  # every run of sentence ends before the bracket ends a sentence
            while k < e_hi and ends[k] < i:
                end = ends[k] + 1
                k += 1
                while k < e_hi and ends[k] == end:
                    end += 1
                    k += 1
                out.append((start, end))
                start = end
        if not c:
            break
        if c in PAIRS or (c == '"' and not dq_open):
            depth += 1
            dq_open = dq_open or c == '"'
        else:  # its closer
            depth -= 1
            dq_open = dq_open and c != '"'
            if depth == 0 and text[i - 1] in SENT_END:  # “…。” ends the outer sentence too
                out.append((start, i + 1))
                start = i + 1
    res = []
    for a, b in out:  # each ends in a sentence end or a closer: only its start may be blank
        while text[a] in _BLANK:
            a += 1
        res.append((a, b))
    if start < ne:
        a, b = start, ne
        while a < b and text[a] in _BLANK:
            a += 1
        while b > a and text[b - 1] in _BLANK:
            b -= 1
        if b > a:
            res.append((a, b))
    return tuple(res)


def forget() -> None:
    """Drop the memos of a text (its tokens, sentences and inline part headings): each serves one
    outline build, and a repeated build must do its work again."""
    from .meta import header_lines
    from .roles import inline_parts

    header_lines.cache_clear()
    _marks.cache_clear()
    _inline_all.cache_clear()
    sentences.cache_clear()
    inline_parts.cache_clear()


def first_sentence_end(text: str, ns: int, ne: int, ends: str = "。!?！？") -> int:
    """End of the first sentence closed by one of ``ends`` (outside brackets), else ``ne``."""
    for a, b in sentences(text, ns, ne):
        if text[b - 1] in ends or (b - a >= 2 and text[b - 2] in ends):
            return b
    return ne
