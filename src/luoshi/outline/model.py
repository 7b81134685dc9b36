"""Outline nodes: the structure of a report with offsets into its original text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

# kinds, from the top: document > part > section > paragraph > item > sentence
KINDS = ("document", "part", "section", "paragraph", "item", "sentence")


@dataclass
class Node:
    """One node of the outline.

    ``start``/``end`` are offsets into the document's *original* text; ``nstart``/``nend`` the
    same span in the normalised text (what the analysis stages work on). ``title`` is the
    heading as written (a part or section title, a themed paragraph's lead sentence, an item's
    opening words); sentences carry no title. ``flags`` holds markers such as
    ``"main_targets"`` (the paragraph of 主要预期目标) and the role of a part
    (``"review"`` / ``"plan"`` / ``"other"``).
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
        yield self
        for c in self.children:
            yield from c.walk()

    def to_dict(self, *, sentences: bool = True) -> dict:
        d = {"kind": self.kind, "title": self.title, "level": self.level,
             "start": self.start, "end": self.end}
        if self.flags:
            d["flags"] = dict(self.flags)
        kids = [c for c in self.children if sentences or c.kind != "sentence"]
        if kids:
            d["children"] = [c.to_dict(sentences=sentences) for c in kids]
        return d


@dataclass
class Outline:
    """The outline of one document: a ``document`` root node plus metadata."""

    root: Node
    metadata: dict = field(default_factory=dict)

    @property
    def parts(self) -> list[Node]:
        return [c for c in self.root.children if c.kind == "part"]

    def nodes(self, kind: str | None = None) -> list[Node]:
        return [n for n in self.root.walk() if kind is None or n.kind == kind]

    def path_at(self, npos: int) -> list[Node]:
        """Nodes (part, section, paragraph, item — not sentences) containing normalised ``npos``."""
        path: list[Node] = []
        node = self.root
        while True:
            nxt = None
            for c in node.children:
                if c.kind != "sentence" and c.nstart <= npos < c.nend:
                    nxt = c
                    break
            if nxt is None:
                return path
            path.append(nxt)
            node = nxt

    def sentences(self) -> list[Node]:
        return self.nodes("sentence")
