"""Build the outline tree from a Document's normalised text (placeholder: parts, sections, sentences)."""

from __future__ import annotations

import re

from ..ingest.document import Document
from .meta import read_metadata
from .model import Node, Outline

PART = re.compile(r"^[ \t]*([一二三四五六七八九十]+)、(.*)$", re.M)
SECTION = re.compile(r"^[ \t]*\(([一二三四五六七八九十]+)\)(.*)$", re.M)
SENT_END = re.compile(r"[。！？；!?;]+[”’」』)]*")


def _node(doc: Document, kind: str, title: str, level: int, ns: int, ne: int) -> Node:
    s, e = doc.to_original(ns, ne)
    return Node(kind, title, level, s, e, ns, ne)


def _sentences(doc: Document, ns: int, ne: int, level: int) -> list[Node]:
    out = []
    text = doc.text
    pos = ns
    while pos < ne:
        m = SENT_END.search(text, pos, ne)
        end = m.end() if m else ne
        seg = text[pos:end]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if seg.strip():
            out.append(_node(doc, "sentence", "", level, pos + lead, end - trail))
        pos = end
    return out


def build(doc: Document) -> Outline:
    text = doc.text
    root = _node(doc, "document", "", 0, 0, len(text))
    parts = list(PART.finditer(text))
    for i, m in enumerate(parts):
        ne = parts[i + 1].start() if i + 1 < len(parts) else len(text)
        part = _node(doc, "part", m.group(0).strip(), 1, m.start(), ne)
        root.children.append(part)
        part.children.extend(_sentences(doc, m.end(), ne, 2))
    return Outline(root, read_metadata(doc))
