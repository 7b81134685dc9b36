"""Render an outline as an indented tree for the terminal.

One line a node: a mark for its kind, its title as written (a plain paragraph, which has no
title, shows its first words in 〈〉), its flags, and its span in the original text.
"""

from __future__ import annotations

import re

from ..ingest.document import Document
from .meta import title_gap
from .model import Node, Outline

MARK = {"part": "", "section": "", "paragraph": "¶ ", "item": "• ", "sentence": "· "}
META_KEYS = ("title", "kind", "region", "level", "review_year", "plan_year", "date", "speaker")
# why a title is missing (meta.TITLE_GAPS), as the tree says it
TITLE_GAP = {"date_line_first": "none in the text: it begins at its date line, below where the title stands",
             "no_header": "none in the text: it begins at its body",
             "no_title_line": "none in the text: its header has no title line"}


def _label(doc: Document, n: Node, width: int) -> str:
    if n.title:
        text, fmt = n.title, "{}"
    else:
        text, fmt = doc.original[n.start:n.end], ("{}" if n.kind == "sentence" else "〈{}〉")
    text = " ".join(re.sub(r"\s*\n\s*", "", text).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return fmt.format(text)


def _flags(n: Node) -> str:
    return "".join(f" [{k}]" if v is True else f" [{k}={v}]" for k, v in n.flags.items())


def render_tree(doc: Document, ol: Outline, *, sentences: bool = False, width: int = 60) -> str:
    """Metadata, then the nodes (sentences only when asked) with their original offsets."""
    md = ol.metadata
    lines = [f"{doc.id}  [{doc.format}{', ' + doc.encoding if doc.encoding else ''}"
             f"{', traditional' if doc.traditional else ''}]  {len(doc.original)} chars"]
    lines += [f"  {key}: {md.get(key)}" for key in META_KEYS]
    gap = title_gap(doc, md.get("title"))
    if gap:
        lines[1] = f"  title: — ({TITLE_GAP[gap]}; give it in a manifest's title column)"
    lines.append("")

    def walk(node: Node, depth: int) -> None:
        for c in node.children:
            if c.kind == "sentence" and not sentences:
                continue
            lines.append(f"{'  ' * depth}{MARK.get(c.kind, '')}{_label(doc, c, width)}"
                         f"{_flags(c)}  ({c.start}-{c.end})")
            walk(c, depth + 1)

    walk(ol.root, 0)
    return "\n".join(lines)
