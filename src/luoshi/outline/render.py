"""Render an outline as an indented tree for the terminal."""

from __future__ import annotations

from ..ingest.document import Document
from .model import Outline

LABEL = {"part": "", "section": "", "paragraph": "¶ ", "item": "• ", "sentence": "· "}


def render_tree(doc: Document, ol: Outline, *, sentences: bool = False, width: int = 60) -> str:
    md = ol.metadata
    lines = [f"{doc.id}  [{doc.format}{', ' + doc.encoding if doc.encoding else ''}"
             f"{', traditional' if doc.traditional else ''}]  {len(doc.original)} chars"]
    for key in ("title", "region", "level", "review_year", "plan_year", "date", "speaker"):
        lines.append(f"  {key}: {md.get(key)}")
    lines.append("")

    def walk(node, depth):
        for c in node.children:
            if c.kind == "sentence" and not sentences:
                continue
            title = c.title or doc.original[c.start:c.end]
            title = title.replace("\n", " ").strip()
            if len(title) > width:
                title = title[: width - 1] + "…"
            flags = "".join(f" [{k}]" if v is True else f" [{k}={v}]" for k, v in c.flags.items())
            lines.append(f"{'  ' * depth}{LABEL.get(c.kind, '')}{title}{flags}  ({c.start}-{c.end})")
            walk(c, depth + 1)

    walk(ol.root, 0)
    return "\n".join(lines)
