"""Real reports as users get them: text transforms that carry an offset map, so gold scoped by
offsets into the original can be scored on the transformed text.

Each transform returns a ``Variant``: the new text and, for every original offset, where that
character went (-1 when it was cut). Scope ranges and gold spans go through the same map; gold
whose span is cut is dropped. The transforms are what news pages, PDF viewers and users do to a
report: flatten it to one line, cut it to start at 各位代表：, split it into pages with furniture,
convert it to traditional characters, keep only the review-to-targets excerpt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Variant:
    """A transformed text and ``pos[i]``: the new offset of original character i, or -1."""

    text: str
    pos: list[int]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new [start, end) of an original range, trimmed to its kept characters; None when
        nothing of it is kept."""
        kept = [self.pos[i] for i in range(start, end) if self.pos[i] >= 0]
        return (kept[0], kept[-1] + 1) if kept else None

    def intact(self, start: int, end: int) -> bool:
        """Whether every character of the original range is kept (a line break put inside it,
        as a PDF's wrapping does, does not cut it)."""
        return all(x >= 0 for x in self.pos[start:end])


class _Builder:
    """Builds a Variant from kept original slices and inserted strings."""

    def __init__(self, original: str):
        self.original, self.parts, self.pos, self.n = original, [], [-1] * (len(original) + 1), 0

    def keep(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.pos[i] = self.n + i - start
        self.parts.append(self.original[start:end])
        self.n += end - start

    def insert(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s)

    def done(self) -> Variant:
        self.pos[len(self.original)] = self.n
        return Variant("".join(self.parts), self.pos)


def identity(text: str) -> Variant:
    return Variant(text, list(range(len(text) + 1)))


def flatten(text: str, sep: str = "") -> Variant:
    """One line, as news pages give it: every line break replaced by ``sep``."""
    b = _Builder(text)
    at = 0
    for m in re.finditer(r"\r?\n", text):
        b.keep(at, m.start())
        b.insert(sep)
        at = m.end()
    b.keep(at, len(text))
    return b.done()


def _salutation(text: str) -> int:
    i = text.find("各位代表")
    if i < 0:
        raise ValueError("no 各位代表 in the text")
    return i


def from_salutation(text: str) -> Variant:
    """Cut to start at 各位代表：: no title, no header, no page furniture."""
    b = _Builder(text)
    b.keep(_salutation(text), len(text))
    return b.done()


def _title(text: str) -> str:
    m = re.search(r"^[^\n]{0,20}政府工作报告[^\n]{0,6}$", text, re.M)
    return m.group(0).strip() if m else "政府工作报告"


def paged(text: str, every: int = 3000, at_sentence: bool = False) -> Variant:
    """Split into pages about every ``every`` characters, at a line break (or, ``at_sentence``,
    after a sentence mid-paragraph, as a PDF's page ends), with the furniture a viewer puts
    between pages: page number, 上一页 下一页, 【打印】【关闭】, the title."""
    breaks, at, stop = [], every, "。" if at_sentence else "\n"
    while at < len(text):
        nl = text.find(stop, at)
        if nl < 0:
            break
        breaks.append(nl + 1)
        at = nl + 1 + every
    pages, title = len(breaks) + 1, _title(text)
    b, prev = _Builder(text), 0
    for n, cut in enumerate(breaks, start=1):
        b.keep(prev, cut)
        lead = "\n" if at_sentence and text[cut - 1] != "\n" else ""
        b.insert(f"{lead}第{n}/{pages}页\n上一页 下一页\n【打印】【关闭】\n{title}\n")
        prev = cut
    b.keep(prev, len(text))
    return b.done()


SITE_HEAD = ("首页 | 要闻 | 政务公开 | 政务服务 | 互动交流\n当前位置：首页 > 要闻动态 > 政务要闻\n"
             "【字体：大 中 小】 分享到：\n")
SITE_FOOT = ("\n【打印本页】【关闭窗口】\n相关链接：\n中国政府网 | 国务院部门网站 | 地方政府网站\n"
             "主办：{org}办公厅　承办：{org}信息中心\n网站标识码：0000000000　ICP备00000000号\n"
             "联系我们 | 网站地图 | 隐私声明 | 使用帮助\n")


def with_site(text: str, org: str) -> Variant:
    """The page copied with the site's menus above and its footer below (whose 主办 line names
    the government that runs the site: ``org``, e.g. 北京市人民政府)."""
    b = _Builder(text)
    b.insert(SITE_HEAD)
    b.keep(0, len(text))
    b.insert(SITE_FOOT.format(org=org))
    return b.done()


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> Variant:
    """The whole text in traditional characters (OpenCC s2t keeps one character for one)."""
    out = _s2t().convert(text)
    if len(out) != len(text):
        raise ValueError("s2t changed the text's length")
    return Variant(out, list(range(len(text) + 1)))


def excerpt(text: str, end: int) -> Variant:
    """Only the news excerpt: from the first line of the review (the line after 各位代表： and
    its 我代表… line) to the end of the paragraph holding original offset ``end``."""
    i = text.find("\n", _salutation(text)) + 1
    while "我代表" in text[i:text.find("\n", i)]:
        i = text.find("\n", i) + 1
    stop = text.find("\n", end - 1)
    b = _Builder(text)
    b.keep(i, len(text) if stop < 0 else stop)
    return b.done()


def compose(text: str, *steps) -> Variant:
    """Steps applied in turn (each a function of the text to a Variant), maps composed."""
    out = identity(text)
    for step in steps:
        v = step(out.text)
        out = Variant(v.text, [v.pos[p] if p >= 0 else -1 for p in out.pos])
    return out


def wrapped(text: str, width: int = 38, indent: str = "\u3000\u3000", ragged: int = 0) -> Variant:
    """Lines broken every ``width`` characters, each paragraph's first line indented with
    ``indent`` (two ideographic spaces; "" for none), as text copied out of a PDF. ``ragged``:
    a ragged right edge, as a word processor sets it — each line up to ``ragged`` characters
    short of the width (varying from line to line), never cut inside a number or a Latin word,
    and never opening with punctuation (it hangs at the end of the line before)."""
    b, at, k = _Builder(text), 0, 0
    for m in re.finditer(r"[^\n]+", text):
        a, e = m.start(), m.end()
        b.keep(at, a)
        b.insert(indent)
        i = a
        while i < e:
            j = min(e, i + width - (k * 7 % (ragged + 1) if ragged else 0))
            k += 1
            if ragged and j < e:
                while j - 1 > i and _ASCII_RUN.match(text[j - 1]) and _ASCII_RUN.match(text[j]):
                    j -= 1  # back to the start of the number or word (5.4%, CBA)
                while j < e and text[j] in _NO_LINE_START:
                    j += 1  # hang the punctuation
            if i > a:
                b.insert("\n")
            b.keep(i, j)
            i = j
        at = e
    b.keep(at, len(text))
    return b.done()


_ASCII_RUN = re.compile(r"[!-~]")


def pdf_lines(text: str, width: int, indent: str = "\u3000\u3000") -> str:
    """Each paragraph broken into lines of ``width`` characters, its first line indented, never
    inside a run of ASCII (5.3%, CBA): text as copied out of a PDF, as a plain string (for a
    file to import; ``wrapped`` gives the Variant with its offsets)."""
    out = []
    for para in text.split("\n"):
        body = para.strip("\u3000 \r")
        i = 0
        while i < len(body):
            j = min(len(body), i + width)
            while j < len(body) and j - 1 > i and body[j - 1].isascii() and body[j].isascii():
                j -= 1
            out.append((indent if i == 0 else "") + body[i:j])
            i = j
    return "\n".join(out) + "\n"
_NO_LINE_START = set(",，。、;；:：!！?？)）”’》%")


def paragraphs_around(text: str, start: int, end: int, before: int = 1) -> Variant:
    """Only the paragraphs holding original offsets [start, end) and ``before`` paragraphs
    ahead of them: a news item quoting the targets ("2026年是…开局之年。…主要预期目标是：…")."""
    a = text.rfind("\n", 0, start) + 1
    for _ in range(before):
        a = text.rfind("\n", 0, max(0, a - 1)) + 1
    e = text.find("\n", end - 1)
    b = _Builder(text)
    b.keep(a, len(text) if e < 0 else e)
    return b.done()


def locate(text: str, needle: str, scope: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a gold figure's text is in the original: the first occurrence inside a scope range,
    else the first anywhere."""
    first = None
    for m in re.finditer(re.escape(needle), text):
        if first is None:
            first = m.start()
        if any(s <= m.start() < e for s, e in scope):
            return m.start(), m.end()
    return None if first is None else (first, first + len(needle))
