"""Build the outline tree of a report from its normalised text.

The tree, from the top (``level`` is the depth: document 0, then 1, 2 …)::

    document
      paragraph   header lines (flags {"header": "title"|"date"|"speaker"|"salutation"}) and
                  the preamble before the first heading ("现在，我代表省人民政府向大会报告工作…")
      part        一、… / 第一部分, or a heading line without a number that names a part
                  (“十四五”时期发展成就和2025年工作回顾) — title is the heading as written;
                  flags {"role": review|plan|other}: by the title's words, else its year, else
                  what the body does (outline/roles.py); {"role_from": "body"|"none"} when the
                  title did not tell ("none": neither did the body, the role is "other")
        section   (一)… — title is the heading sentence as written, up to its first 。
          paragraph  every other paragraph: *themed* when it opens with a short lead sentence
                     ("推动有效投资持续增长。"): title = the lead, flags {"themed": True};
                     otherwise a plain paragraph with title "" (a renderer shows its first words)
            item     一是…二是… / (1)… found inside the paragraph
          item    a paragraph opening with 一要/一是/第一,/1./(1)/①, title = its first sentence
      paragraph   the closing address after the last part ("各位代表，…"), flags {"closing": True}

A lead may also stand on a line of its own with no stop ("推动有效投资持续增长" then the body):
the two lines make one themed paragraph. A "(三)" or "五、" that does not continue its numbering
is text, not a heading.

Every paragraph of the body is a node, so ``Outline.path_at`` ends in the paragraph or item
holding a position (in the section or part itself for the text of its heading paragraph). Sentences are the leaves: they tile the text of their paragraph, item,
part or section heading; a heading's own sentence (marker stripped) carries {"heading": True}.
The text of the paragraph that opens a section ("(一)全力以赴稳增长，…。面对…") hangs as sentences
directly under the section.

Sections whose whole body is their heading paragraph (the review style of many reports): when
every section of a part but the last is one paragraph, the paragraphs after the last one belong
to the part, not to that section ("一年来，我们扎实做好国防动员…").

A report flattened into one line has its part headings found inside the line ("…审议。一、2023年
工作回顾 过去一年…"); after a line 附件/附件1, numbered lines are the annex's list, not parts.

Flags: {"main_targets": True} on the paragraph (or section) of 主要预期目标, {"general_requirements":
True} on the 总体要求 paragraph (the year's: not in the five-year period's part); word lists in
data/outline.toml. A part titled for the five-year period (二、“十五五”时期主要目标任务) carries
{"period": 2030}, the period's end year. After the parts, a line 附件1 or 名词解释 opens a part of
the back matter, {"role": "annex"} or {"role": "notes"}; the closing address before it is the
last 各位代表… paragraph that no heading or list item follows.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from operator import attrgetter, methodcaller

from . import roles
from ..ingest.document import Document
from .given import Given, resolve_metadata
from .lexicon import lexicon
from .meta import header_lines, read_metadata
from .model import Node, Outline
from .text import (ITEM_STYLES, LINE_END, PART, SECTION, STRIP_MARKER, Para, cn_int,
                   first_sentence_end, forget, inline_marks, is_heading_line, paragraphs, sentences, starts_heading)

_NO_MARKER = re.compile("")  # the empty marker of a part heading without a number
LEAD_MAX = 30  # a themed paragraph's lead sentence is short …
LEAD_BAN = re.compile(r"[,，:：;；]")  # … and a single clause
_BREAK = re.compile(r"[ \t\u3000\xa0]*\r?\n[ \t\u3000\xa0]*")
_START = methodcaller("start")
_NSTART, _NEND = attrgetter("nstart"), attrgetter("nend")


class _Builder:
    """Walks the paragraphs once, keeping a stack of open containers."""

    def __init__(self, doc: Document, md: dict):
        self.doc, self.text, self.md = doc, doc.text, md
        self.root = Node("document", "", 0, 0, len(doc.original), 0, len(doc.text))
        self.stack: list[Node] = [self.root]
        self.last_num: dict[tuple[int, str], int] = {}  # (id(container), style) -> last number
        self.item_style: dict[int, str] = {}  # id(item) -> style
        self.open_items: set[int] = set()  # items that are a heading line: later paragraphs go in
        self.head_end: dict[int, int] = {}  # id(section) -> end of its heading paragraph
        self.undecided: list[Node] = []  # parts whose title does not tell their role
        self.inline_memo: dict[tuple[int, int], list[int]] = {}
        self.marked: set[int] = set()  # paragraph starts with a marker (``run``)
        self.in_annex = False  # after 附件: numbered lines are the annex's list, not parts
        lines = [len(p) for p in self.text.split("\n") if len(p.strip()) >= 20]
        self.width = float(sorted(lines)[len(lines) // 2]) if lines else 40.0

    # -- nodes ---------------------------------------------------------------------------
    def node(self, kind: str, ns: int, ne: int, title: tuple[int, int] | None = None,
             **flags) -> Node:
        t = ""
        if title and title[1] > title[0]:
            t = self.doc.original_span(*title)
            t = (_BREAK.sub("", t) if "\n" in t else t).strip()  # a title broken over lines joined
        # original offsets are set once the tree is done (_finish), when the spans are final
        return Node(kind, t, 0, 0, 0, ns, ne, flags={k: v for k, v in flags.items() if v} if flags else {})

    def add_sentences(self, parent: Node, a: int, b: int, **flags) -> None:
        """A sentence node is made here, not by ``node``: it has no title, and a report has
        thousands of them."""
        flags = {k: v for k, v in flags.items() if v}
        parent.children.extend(Node("sentence", "", 0, 0, 0, s, e, [], dict(flags))
                               for s, e in sentences(self.text, a, b))

    def fill(self, parent: Node, a: int, b: int) -> None:
        """Sentences of text[a:b], grouped under inline items (一是…二是…) when there are any."""
        marks = self.inline_items(a, b)
        if not marks:
            self.add_sentences(parent, a, b)
            return
        self.add_sentences(parent, a, marks[0])
        for k, s in enumerate(marks):
            e = marks[k + 1] if k + 1 < len(marks) else b
            while e > s and self.text[e - 1] in " \t\n\u3000":
                e -= 1
            item = self.node("item", s, e, (s, first_sentence_end(self.text, s, e, "。!?！？;；")))
            self.add_sentences(item, s, e)
            parent.children.append(item)

    def inline_items(self, a: int, b: int) -> list[int]:
        """Starts of an enumeration 1, 2, … inside text[a:b] (at least two), else []."""
        if (a, b) not in self.inline_memo:  # an item's paragraph is asked twice
            self.inline_memo[(a, b)] = self._inline_items(a, b)
        return self.inline_memo[(a, b)]

    def _inline_items(self, a: int, b: int) -> list[int]:
        cands = []
        found = inline_marks(self.text, a, b)
        if len(found) < 2:
            return []
        for start, style, num in found:
            j = start
            while j > a and self.text[j - 1] in " \t\u3000":
                j -= 1
            if j > a and self.text[j - 1] not in "。;:!?,":
                continue
            cands.append((style, cn_int(num), start))
        for k, (style, n, _) in enumerate(cands):
            if n != 1:
                continue
            seq, want = [cands[k][2]], 2
            for st, n2, pos in cands[k + 1:]:
                if st == style and n2 == want:
                    seq.append(pos)
                    want += 1
            if len(seq) >= 2:
                return seq
        return []

    # -- containers ----------------------------------------------------------------------
    def accept(self, container: Node, style: str, n: int | None) -> bool:
        last = self.last_num.get((id(container), style), 0)
        if n is not None and n == last + 1:
            self.last_num[(id(container), style)] = n
            return True
        return False

    def midway_part(self, p: Para, m: re.Match) -> bool:
        """An excerpt that starts mid-text may open at "二、2024年工作安排": the first part
        heading seen may have any number when its title names a part."""
        n = cn_int(m.group(1) or m.group(2))
        if not n or self.last_num.get((id(self.root), "part"), 0) != 0:
            return False
        title = self.text[p.ns:first_sentence_end(self.text, m.end(), p.ne)]
        if roles.title_role(title) is None:
            return False
        self.last_num[(id(self.root), "part")] = n
        return True

    def part(self) -> Node | None:
        """The open part: only ever right under the root (a part heading empties the stack)."""
        return self.stack[1] if len(self.stack) > 1 and self.stack[1].kind == "part" else None

    def role(self) -> str | None:
        part = self.part()
        return part.flags.get("role") if part else None

    def flags_here(self, role: str | None) -> bool:
        """主要预期目标 and 总体要求 are the year's: not flagged in a review, in the five-year
        period's part (its "主要目标" are the period's) or in the back matter."""
        part = self.part()
        return role not in ("review", "annex", "notes") and not (part is not None and "period" in part.flags)

    def heading(self, kind: str, p: Para, m: re.Match, parent: Node) -> Node:
        tend = first_sentence_end(self.text, m.end(), p.ne)
        node = self.node(kind, p.ns, p.ne, (p.ns, tend))
        ntitle = self.text[p.ns:tend]
        if kind == "part":
            role = roles.title_role(ntitle, self.md.get("review_year"), self.md.get("plan_year"))
            node.flags["role"] = role or "other"
            if role is None:
                self.undecided.append(node)
            end = role != "review" and roles.period_end(ntitle, self.md.get("plan_year"))
            if end:  # a part of the five-year period's goals: its figures are of its end year
                node.flags["period"] = end
        role = node.flags["role"] if kind == "part" else self.role()
        for flag, words in lexicon().heading_flags.items():
            if self.flags_here(role) and "period" not in node.flags and any(w in ntitle for w in words):
                node.flags[flag] = True
        if tend > m.end():
            node.children.append(self.node("sentence", m.end(), tend, heading=True))
        self.fill(node, tend, p.ne)
        parent.children.append(node)
        self.stack.append(node)
        return node

    def paragraph(self, p: Para, lead_line: Para | None = None) -> Node:
        """A plain or themed paragraph (``lead_line``: its lead on a line of its own)."""
        text = self.text
        ns = lead_line.ns if lead_line else p.ns
        flags: dict = {}
        if lead_line:
            title = (lead_line.ns, lead_line.ne)
        else:
            sents = sentences(text, p.ns, p.ne)
            a, b = sents[0] if sents else (p.ns, p.ns)
            themed = (len(sents) > 1 and text[b - 1] == "。" and 4 <= b - a <= LEAD_MAX
                      and not LEAD_BAN.search(text, a, b - 1)
                      and not text.startswith(lexicon().closing, a))
            title = (a, b) if themed else None
        if title:
            flags["themed"] = True
        if self.flags_here(self.role()):
            for flag, rx in lexicon().paragraph_flags.items():
                if rx.search(text, p.ns, min(p.ne, p.ns + 120)):
                    flags[flag] = True
        node = self.node("paragraph", ns, p.ne, title, **flags)
        if lead_line:
            self.add_sentences(node, lead_line.ns, lead_line.ne)
        self.fill(node, p.ns, p.ne)
        return node

    def body_parent(self) -> Node:
        """Where a plain paragraph goes: closed items (one paragraph each) end before it."""
        while self.stack[-1].kind == "item" and id(self.stack[-1]) not in self.open_items:
            self.stack.pop()
        return self.stack[-1]

    def item_start(self, p: Para) -> tuple[str, int, re.Match] | None:
        if p.ns not in self.marked:  # no marker of any kind: no item either
            return None
        for style, rx in ITEM_STYLES.items():
            m = rx.match(self.text, p.ns)
            if m:
                return style, cn_int(m.group(1)) or 0, m
        return None

    def item(self, p: Para, style: str, n: int, m: re.Match) -> bool:
        """Open an item if (style, n) continues an enumeration; False when it does not."""
        if style in ("yao", "shi") and self.inline_items(p.ns, p.ne):
            return False  # "一是…;二是…" in one paragraph: a paragraph with inline items
        for k in range(len(self.stack) - 1, 0, -1):
            it = self.stack[k]
            if it.kind == "item" and self.item_style.get(id(it)) == style:
                if not self.accept(self.stack[k - 1], style, n):
                    return False
                del self.stack[k:]
                parent = self.stack[-1]
                break
        else:
            parent = self.stack[-1]
            if not self.accept(parent, style, n):
                return False
        s = m.end() if style in STRIP_MARKER else p.ns
        node = self.node("item", p.ns, p.ne, (p.ns, first_sentence_end(self.text, p.ns, p.ne, "。!?！？;；")))
        self.fill(node, s, p.ne)
        parent.children.append(node)
        self.stack.append(node)
        self.item_style[id(node)] = style
        if is_heading_line(self.text, p.ns, p.ne, self.width):
            self.open_items.add(id(node))
        return True

    # -- the walk ------------------------------------------------------------------------
    def run(self) -> Node:
        text = self.text
        hls = header_lines(text)
        # an excerpt may open at a part heading with no number ("2023年工作回顾"): not a title
        cut = next((k for k, h in enumerate(hls) if roles.is_unnumbered_heading(text[h.ns:h.ne])), len(hls))
        heads = {h.ns: h.kind for h in hls[:cut]}
        paras = _split_inline_parts(text, paragraphs(text, set(heads)))
        # paragraphs opening with a part, section or item marker: one match each, and the
        # marker's own pattern is tried only on them
        self.marked = {p.ns for p in paras if starts_heading(text, p.ns)}
        back = self.back_index(paras)
        closing = self.closing_index(paras, back)
        i = 0
        while i < len(paras):
            p = paras[i]
            i += 1
            if p.ns in heads or (closing is not None and closing <= i - 1 < back):
                flags = {"header": heads.get(p.ns), "closing": i - 1 == closing}
                node = self.node("paragraph", p.ns, p.ne, **flags)
                self.add_sentences(node, p.ns, p.ne)
                self.root.children.append(node)
                continue
            if i - 1 >= back and self.back_part(p, roles.back_matter(text[p.ns:p.first_line_end])):
                continue
            if roles.is_annex(text[p.ns:p.first_line_end]):
                self.in_annex = True
            m = PART.match(text, p.ns) if p.ns in self.marked else None
            if m and not self.in_annex and (self.accept(self.root, "part", cn_int(m.group(1) or m.group(2)))
                                            or self.midway_part(p, m)):
                self.stack = [self.root]
                self.heading("part", p, m, self.root)
                continue
            if (not m and not self.in_annex and p.ne == p.first_line_end
                    and roles.is_unnumbered_heading(text[p.ns:p.ne])):
                self.stack = [self.root]  # “十四五”时期发展成就和2025年工作回顾: a part without a number
                self.heading("part", p, _NO_MARKER.match(text, p.ns), self.root)
                continue
            m = SECTION.match(text, p.ns) if p.ns in self.marked else None
            group = self.part() or self.root
            if m and self.accept(group, "section", cn_int(m.group(1))):
                while self.stack[-1] is not group:
                    self.stack.pop()
                sec = self.heading("section", p, m, group)
                self.head_end[id(sec)] = p.ne
                continue
            it = self.item_start(p)
            if it and self.item(p, *it):
                continue
            parent = self.body_parent()
            nxt = paras[i] if i < len(paras) else None
            if (nxt is not None and len(self.stack) > 1 and p.ne == p.first_line_end
                    and p.ne - p.ns <= LEAD_MAX and text[p.ne - 1] not in LINE_END
                    and not LEAD_BAN.search(text, p.ns, p.ne)
                    and not it and nxt.ns not in self.marked and i != closing):
                parent.children.append(self.paragraph(nxt, lead_line=p))
                i += 1
                continue
            parent.children.append(self.paragraph(p))
        self.settle_sections(self.root)
        for part in self.root.children:
            if part.kind == "part":
                self.settle_sections(part)
        _finish(self.doc, self.root, 0)
        for part in self.undecided:  # a title that does not tell: what the body does
            role = roles.body_role(text, part.nstart, part.nend)
            part.flags["role"] = role or "other"
            part.flags["role_from"] = "body" if role else "none"
        for part in self.undecided:  # a body opening with the period (“十五五”时期是…): its part
            body = next((c.nstart for c in part.children if not c.flags.get("heading")), None)
            end = (body is not None and part.flags["role"] != "review"
                   and roles.period_opened(text, body, self.md.get("plan_year")))
            if end:
                part.flags["period"] = end
                for n in part.walk():  # its 主要目标 are the period's, not the year's
                    n.flags.pop("main_targets", None)
                    n.flags.pop("general_requirements", None)
        for part in self.root.children:  # a body of results overrules a title's words
            if (part.kind == "part" and part.flags.get("role") == "plan" and "role_from" not in part.flags
                    and roles.reports_results(part.title, text, part.nstart, part.nend)):
                part.flags["role"], part.flags["role_from"] = "review", "body"
        return self.root

    def back_index(self, paras: list[Para]) -> int:
        """Where the back matter (附件…, 名词解释) starts: its first line after a part heading;
        len(paras) when there is none (a notice whose 附件 is the whole plan has no part before)."""
        text, seen = self.text, False
        for k, p in enumerate(paras):
            if seen and roles.back_matter(text[p.ns:p.first_line_end]):
                return k
            seen = seen or (p.ns in self.marked and PART.match(text, p.ns) is not None) or (
                p.ne == p.first_line_end and roles.is_unnumbered_heading(text[p.ns:p.ne]))
        return len(paras)

    def closing_index(self, paras: list[Para], back: int) -> int | None:
        """The closing address: after the last part heading, the last paragraph opening with a
        closing word ("各位代表！…") among the last three before the back matter (page furniture
        after it aside) that no heading or list item follows ("各位代表！今年我们要…" then "1.…"
        is the work it announces)."""
        text, words = self.text, lexicon().closing
        last_part = max((k for k, p in enumerate(paras[:back]) if p.ns in self.marked and PART.match(text, p.ns)),
                        default=None)
        if last_part is None:
            return None
        end = back
        while end > last_part + 1 and _furniture(text, paras[end - 1]):
            end -= 1
        found = None
        for k in range(max(last_part + 1, end - 3), end):
            if text.startswith(words, paras[k].ns):
                found = k if found is None or k > found else found
            elif paras[k].ns in self.marked:
                found = None  # a heading or an item after it: it was no closing
        return found

    def back_part(self, p: Para, kind: str | None) -> bool:
        """A line 附件1 / 名词解释 after the report's parts opens a part of role ``kind``
        (annex / notes), titled by that line: its numbered lines are its list, not plan work.
        附件2 with 名词解释 on its next line is the notes."""
        if kind is None:
            return False
        text = self.text
        nxt = text.find("\n", p.first_line_end + 1, p.ne)
        if kind == "annex" and p.ne > p.first_line_end and roles.back_matter(
                text[p.first_line_end + 1:nxt if nxt >= 0 else p.ne]) == "notes":
            kind = "notes"
        self.in_annex = True
        self.stack = [self.root]
        node = self.node("part", p.ns, p.ne, (p.ns, p.first_line_end), role=kind)
        node.children.append(self.node("sentence", p.ns, p.first_line_end, heading=True))
        self.fill(node, p.first_line_end, p.ne)
        self.root.children.append(node)
        self.stack.append(node)
        return True

    def settle_sections(self, group: Node) -> None:
        """One-paragraph sections: what follows the last one belongs to the group (see module doc)."""
        secs = [c for c in group.children if c.kind == "section"]
        if len(secs) < 2:
            return
        def later(sec: Node) -> list[Node]:
            end = self.head_end.get(id(sec), sec.nend)
            return [c for c in sec.children if c.nstart > end]
        if any(later(s) for s in secs[:-1]):
            return
        moved = later(secs[-1])
        if moved and group.children[-1] is secs[-1]:
            gone = set(map(id, moved))  # by identity: a Node compares by value, field by field
            secs[-1].children = [c for c in secs[-1].children if id(c) not in gone]
            group.children.extend(moved)


_SHORT = 30  # page furniture after the closing: a short line with no stop ("打印本页", "分享到:")


def _furniture(text: str, p: Para) -> bool:
    """A short paragraph with no sentence stop: page furniture, not the report's text."""
    return p.ne - p.ns <= _SHORT and not any(c in text[p.ns:p.ne] for c in "。!?！？")


# a (一) section heading after a sentence's end, inside a flattened paragraph
INLINE_SECTION = re.compile(r"(?<=[。!?！？])[ \u3000]*[(（][一二三四五六七八九十]{1,3}[)）]")
# a numbered part heading after a sentence's end, inside a flattened paragraph
INLINE_NUMBER = re.compile(r"(?<=[。!?！？])[ \u3000]*([一二三四五六七八九十]{1,3})、")
FLAT_MIN = 5000  # a paragraph this long is a flattened page, not one paragraph of a report


@lru_cache(maxsize=1)
def _inline_closing() -> re.Pattern:
    """The closing address after a sentence's end ("…。各位代表，新的一年…")."""
    return re.compile("(?<=[。!?！？])[ \u3000]*(?:%s)[,，:：]" % "|".join(map(re.escape, lexicon().closing)))


def _split_inline_parts(text: str, paras: list[Para]) -> list[Para]:
    """A report flattened into one line: its part headings ("…审议。一、2025年工作回顾 …") open
    paragraphs of their own, so that the walk sees them as it sees headings on their own line."""
    found = roles.inline_parts(text)  # of the whole text: the paragraphs take theirs by bisection
    starts = [m.start() for m in found]
    out: list[Para] = []
    for p in paras:
        cuts = []
        k = bisect_left(starts, p.ns + 1)
        ms = found[k:bisect_left(starts, p.ne, k)]
        if (k and found[k - 1].end() > p.ns + 1) or (ms and ms[-1].end() > p.ne):
            ms = roles.inline_part_re().finditer(text, p.ns + 1, p.ne)  # one across its edge: look again
        for m in ms:  # the heading, then the text after it
            cuts += [m.start(), m.end()]
        flat = p.ne - p.ns > FLAT_MIN
        nxt = _next_parts(text, p, cuts) if cuts or flat or PART.match(text, p.ns) else []
        if cuts or nxt or flat:  # flattened: its (一) sections open paragraphs too,
            cuts = sorted(set(cuts) | set(nxt) | {m.start() for m in INLINE_SECTION.finditer(text, p.ns + 1, p.ne)})
            closing = [m.start() for m in _inline_closing().finditer(text, p.ns + 1, p.ne)]
            if closing and (not cuts or closing[-1] > cuts[-1]):  # and so does the closing address
                cuts.append(closing[-1])
        if not cuts:
            out.append(p)
            continue
        for a, b in zip([p.ns] + cuts, cuts + [p.ne]):
            while a < b and text[a] in " \t\n\u3000":
                a += 1
            e = b
            while e > a and text[e - 1] in " \t\n\u3000":
                e -= 1
            if e > a:
                nl = text.find("\n", a, e)
                out.append(Para(a, e, e if nl < 0 else nl))
    return out


def _next_parts(text: str, p: Para, cuts: list[int]) -> list[int]:
    """In a flattened paragraph, thematic part headings with no part word ("…。二、一张蓝图绘到底，
    …"): numbers after a sentence's end that continue the parts found so far (the one opening
    the paragraph, or one found by its words), or, with none, a run 一、二、… of two at least.
    A list starting again at 一、 (an annex's) ends the parts."""
    first = PART.match(text, p.ns)
    last = cn_int(first.group(1) or first.group(2)) if first else 0
    anchored = bool(first or cuts)
    known = set(cuts)
    out = []
    for m in INLINE_NUMBER.finditer(text, p.ns + 1, p.ne):
        n = cn_int(m.group(1))
        if m.start(1) in known:  # a heading found by its words: the parts go on from it
            last, anchored = n or last, True
        elif n == last + 1:
            out.append(m.start(1))
            last = n
        elif n == 1 and last:
            break
    return out if anchored or len(out) >= 2 else []


def _finish(doc: Document, node: Node, level: int) -> None:
    """Levels by depth; a container ends where its last child ends; original offsets.

    Iterative, the leaves (most nodes are sentences) never pushed, and the offsets mapped in
    one call: a report has a few thousand nodes."""
    node.level = level
    containers: list[Node] = []  # pre-order
    below: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        containers.append(n)
        kids, lv = n.children, n.level + 1
        below.extend(kids)
        for c in kids:
            c.level = lv
            if c.children:
                stack.append(c)
    for n in reversed(containers):  # every container after all below it
        if n.kind != "document":
            n.nend = max(n.nend, max(map(_NEND, n.children)))
    nodes = below  # every node under ``node``: a document is only ever the root
    if node.kind != "document":
        nodes.append(node)
    starts, ends = doc.to_original_spans(list(map(_NSTART, nodes)), list(map(_NEND, nodes)))
    for n, a, b in zip(nodes, starts, ends):
        n.start, n.end = a, b


def build(doc: Document, given: Given | None = None) -> Outline:
    """The outline and metadata of a Document; ``given`` (flags, manifest row, file name) wins
    over the text (see outline.given)."""
    forget()
    md, sources = resolve_metadata(read_metadata(doc), given)
    try:
        return Outline(_Builder(doc, md).run(), md, sources)
    finally:
        forget()  # the memos of the text serve one build
