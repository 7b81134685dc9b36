"""Outline nodes: the structure of a report with offsets into its original text."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterator

# kinds, from the top: document > part > section > paragraph > item > sentence
KINDS = ("document", "part", "section", "paragraph", "item", "sentence")


@dataclass(slots=True)
class Node:
    """One node of the outline.

    ``start``/``end`` are offsets into the document's *original* text; ``nstart``/``nend`` the
    same span in the normalised text (what the analysis stages work on). ``title`` is the
    heading as written (a part or section title, a themed paragraph's lead sentence, an item's
    opening sentence); sentences and plain paragraphs carry no title. ``flags`` holds markers such
    as ``"main_targets"`` (the paragraph of 主要预期目标), ``"themed"`` (a paragraph with a lead
    sentence), ``"heading"`` (the sentence of a part or section heading), ``"header"`` and
    ``"closing"`` (lines of the document header and the closing address) and the role of a part
    (``"role"``: ``"review"`` / ``"plan"`` / ``"other"``, or ``"annex"`` / ``"notes"`` for the back
    matter after the report: 附件…, 名词解释). ``level`` is the depth in the tree
    (document 0).
    """

    kind: str
    title: str
    level: int
    start: int
    end: int
    nstart: int
    nend: int
    children: list["Node"] = field(default_factory=list)
    flags: dict = field(default_factory=dict)

    def walk(self) -> Iterator["Node"]:
        """This node and all below it, in document order (pre-order). A stack, not nested
        generators: a report has thousands of nodes, and each level of ``yield from`` costs."""
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            if n.children:
                stack.extend(reversed(n.children))

    def to_dict(self, *, sentences: bool = True) -> dict:
        d = {"kind": self.kind, "title": self.title, "level": self.level,
             "start": self.start, "end": self.end, "nstart": self.nstart, "nend": self.nend}
        if self.flags:
            d["flags"] = dict(self.flags)
        kids = [c for c in self.children if sentences or c.kind != "sentence"]
        if kids:
            d["children"] = [c.to_dict(sentences=sentences) for c in kids]
        return d


_NSTART = attrgetter("nstart")


@dataclass
class Outline:
    """The outline of one document: a ``document`` root node plus metadata, and where each
    metadata field came from (``text``, ``file name``, ``flag``, ``manifest`` or None)."""

    root: Node
    metadata: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)

    @property
    def parts(self) -> list[Node]:
        return [c for c in self.root.children if c.kind == "part"]

    def nodes(self, kind: str | None = None) -> list[Node]:
        return [n for n in self.root.walk() if kind is None or n.kind == kind]

    def path_at(self, npos: int) -> list[Node]:
        """Nodes (part, section, paragraph, item — not sentences) containing normalised ``npos``.

        Children are in order and do not overlap, so the only candidate is the last one starting
        at or before ``npos``: a binary search, as a paragraph of one huge line can hold 100,000
        sentences (a linear scan per figure made extraction quadratic).
        """
        path: list[Node] = []
        node = self.root
        while True:
            i = bisect_right(node.children, npos, key=_NSTART) - 1
            c = node.children[i] if i >= 0 else None
            nxt = c if c is not None and c.kind != "sentence" and c.nstart <= npos < c.nend else None
            if nxt is None:
                return path
            path.append(nxt)
            node = nxt

    def sentences(self) -> list[Node]:
        return self.nodes("sentence")

    def part_at(self, npos: int) -> Node | None:
        """The part containing normalised ``npos`` (None in the header, preamble or closing)."""
        return next((n for n in self.path_at(npos) if n.kind == "part"), None)

    def role_at(self, npos: int) -> str | None:
        """``review`` / ``plan`` / ``other`` of the part containing ``npos``, else None."""
        part = self.part_at(npos)
        return part.flags.get("role") if part else None
