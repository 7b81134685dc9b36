"""Cut the plan part of a report into the numbered tasks of a 分工方案.

The order is the one of the real documents: first each main expected target on its own
(地区生产总值增长5.5%左右 …), then the work items of every section, one task per commitment.
A commitment is normally a sentence; a sentence listing several commitments at ";" is split
there; a short goal sentence is joined to the sentence that carries it out. What is left out is
not work: the headings (they become the task's section path), a section's opening summary when
the section goes on in paragraphs, the preamble of the plan part, and sentences without a verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest import Document
from ..outline.model import Node, Outline
from ..outline.text import first_sentence_end
from .annotate import deadline_of, has_verb, kind_of, opens_with_verb, places_in, projects_in
from .lexicon import plan_words
from .model import Task, task_key

MAIN_TARGETS = "主要预期目标"
_OPEN = "(“‘《「"
_CLOSE = ")”’》」"


@dataclass
class Piece:
    """A span of normalised text that becomes one task, with its section path."""

    nstart: int
    nend: int
    section: tuple[str, ...]
    target: bool = False


@dataclass
class Segmentation:
    """The pieces, plus what was left out and why (for tests and `--explain`)."""

    pieces: list[Piece]
    skipped: list[tuple[int, int, str]]  # (nstart, nend, reason)


def _strip_title(title: str) -> str:
    return title.strip().rstrip("。.!！;；")


def _cut(text: str, ns: int, ne: int, seps: str) -> list[tuple[int, int]]:
    """Split text[ns:ne] at ``seps`` outside brackets and quotes; a "," between digits stays."""
    out: list[tuple[int, int]] = []
    depth = 0
    a = ns
    for i in range(ns, ne):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            if ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue
            out.append((a, i))
            a = i + 1
    out.append((a, ne))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in out) if e > s]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


# ------------------------------------------------------------------ main expected targets

def _main_target_pieces(doc: Document, plan_parts: list[Node]) -> list[Piece]:
    """Each main expected target of the first sentence that lists them: the text after
    "主要预期目标是:" split at ";" (or at "," when the list has no ";")."""
    words = plan_words()["main_targets"]
    intro = re.compile("|".join(f"(?:{r})" for r in words["intro"]))
    text = doc.text
    for part in plan_parts:
        for block in part.walk():
            sent = next((c for c in block.children if c.kind == "sentence"
                         and intro.search(text, c.nstart, c.nend)), None)
            if sent is None:
                continue
            a = intro.search(text, sent.nstart, sent.nend).end()
            # the list runs to the full stop: the outline cuts sentences at ";" too
            b = first_sentence_end(text, a, block.nend)
            while b > a and text[b - 1] in "。.!！":
                b -= 1
            seps = next((s for s in words["separators"] if s in text[a:b]), ",")
            return [Piece(s, e, (MAIN_TARGETS,), target=True) for s, e in _cut(text, a, b, seps)]
    return []


# ------------------------------------------------------------------ work items

def _sentences(node: Node) -> list[Node]:
    return [c for c in node.children if c.kind == "sentence"]


def _is_short(s: str, limit: int) -> bool:
    body = s.rstrip("。!！?？")
    return len(body) <= limit and not re.search(r"[,;:\d]", body)


def _is_lead(s: str) -> bool:
    """A short goal sentence (推动民营经济实现大发展。) that the next sentence carries out."""
    w = plan_words()["leads"]
    body = s.rstrip("。!！?？")
    return (_is_short(s, int(w["max_chars"])) and body.endswith(tuple(w["goal_endings"]))
            and not body.startswith(tuple(w.get("not_starts", []))))


def _clauses(text: str, ns: int, ne: int) -> list[tuple[int, int]]:
    """A sentence split at ";" into clauses that each hold a verb; a clause without one is joined
    to the clause before it (or after it, when it is the first)."""
    parts = _cut(text, ns, ne, ";")
    if len(parts) < 2:
        return [(ns, ne)]
    merged: list[list[int]] = []
    pending: int | None = None
    for s, e in parts:
        if pending is not None:
            s, pending = pending, None
        if has_verb(text[s:e]):
            merged.append([s, e])
        elif merged:
            merged[-1][1] = e
        else:
            pending = s
    if pending is not None:
        if merged:
            merged[-1][0] = pending
        else:
            return [(ns, ne)]
    merged[-1][1] = ne  # the last clause keeps the sentence's full stop
    return [(s, e) for s, e in merged]


def _run_pieces(doc: Document, sents: list[Node], section: tuple[str, ...],
                skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """Pieces of a run of sentences of one paragraph (headings and leads already removed)."""
    text = doc.text
    limit = int(plan_words()["leads"]["max_chars"])
    units: list[tuple[int, int, int, bool]] = []  # (ns, ne, sentence index, whole sentence)
    for k, s in enumerate(sents):
        body = text[s.nstart:s.nend]
        if not has_verb(body):
            skipped.append((s.nstart, s.nend, "no verb"))
            continue
        cl = _clauses(text, s.nstart, s.nend)
        units += [(a, b, k, len(cl) == 1) for a, b in cl]
    out: list[Piece] = []
    i = 0
    while i < len(units):
        a, b, k, whole = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        if (whole and nxt and nxt[2] == k + 1 and _is_lead(text[a:b])
                and not _is_short(text[nxt[0]:nxt[1]], limit)):
            b = nxt[1]
            i += 1
        a, b = _trim(text, a, b)
        while b > a and text[b - 1] in ",;、:":
            b -= 1  # a clause cut at ";" ends without it
        out.append(Piece(a, b, section))
        i += 1
    return out


def _block_pieces(doc: Document, node: Node, section: tuple[str, ...],
                  skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """A paragraph or item: a themed one's lead sentence is a heading (it joins the path)."""
    sents = _sentences(node)
    path = section
    if (node.flags.get("themed") or node.kind == "item") and node.title and len(sents) > 1:
        lead = sents[0]
        skipped.append((lead.nstart, lead.nend, "heading"))
        sents = sents[1:]
        path = section + (_strip_title(node.title),)
    return _run_pieces(doc, sents, path, skipped)


def _section_pieces(doc: Document, sec: Node, path: tuple[str, ...],
                    skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """A section: its own sentences, then its paragraphs and items in order. When the section
    goes on in paragraphs, the sentences before the first one sum it up and are no task."""
    path = path + (_strip_title(sec.title),)
    blocks = [c for c in sec.children if c.kind in ("paragraph", "item", "section")]
    first_block = blocks[0].nstart if blocks else None
    out: list[Piece] = []
    run: list[Node] = []

    def flush() -> None:
        if run:
            out.extend(_run_pieces(doc, run, path, skipped))
            run.clear()

    for c in sec.children:
        if c.kind == "sentence":
            if c.flags.get("heading"):
                skipped.append((c.nstart, c.nend, "heading"))
            elif first_block is not None and c.nstart < first_block:
                skipped.append((c.nstart, c.nend, "section summary"))
            else:
                run.append(c)
            continue
        flush()
        if c.kind == "section":
            out.extend(_section_pieces(doc, c, path, skipped))
        elif c.flags.get("main_targets"):
            skipped.append((c.nstart, c.nend, "main targets"))
        else:
            out.extend(_block_pieces(doc, c, path, skipped))
    flush()
    return out


def segment(doc: Document, outline: Outline) -> Segmentation:
    """The pieces of the plan part(s): main targets first, then every section's work items.

    A themed paragraph directly under a plan part counts as work when its lead opens with a
    verb (实施更加积极的财政政策。…); other paragraphs there are the preamble.
    """
    plan_parts = [p for p in outline.parts if p.flags.get("role") == "plan"]
    skipped: list[tuple[int, int, str]] = []
    pieces = _main_target_pieces(doc, plan_parts)
    for part in plan_parts:
        for c in part.children:
            if c.kind == "section":
                pieces += _section_pieces(doc, c, (), skipped)
            elif c.kind == "sentence":
                continue  # the part's heading
            elif c.flags.get("main_targets") or c.flags.get("general_requirements"):
                skipped.append((c.nstart, c.nend, "preamble"))
            elif c.flags.get("themed") and c.title and opens_with_verb(
                    doc.text[c.nstart:c.nend]):
                pieces += _block_pieces(doc, c, (), skipped)
            else:
                skipped.append((c.nstart, c.nend, "preamble"))
    return Segmentation(pieces, skipped)


# ------------------------------------------------------------------ tasks

def build_tasks(doc: Document, outline: Outline | None = None, figures: list | None = None) -> list[Task]:
    """The tasks of a report, numbered from 1, with figures, places, projects, kind and deadline
    (no department suggestions: see ``draft_plan``)."""
    from .. import build_outline, extract_figures

    outline = outline if outline is not None else build_outline(doc)
    if figures is None:
        figures = extract_figures(doc, outline)
    meta = outline.metadata or {}
    plan_year = int(meta.get("plan_year") or meta.get("year") or 0) or _fallback_year(doc)
    own = meta.get("region")
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    for i, p in enumerate(segment(doc, outline).pieces, 1):
        ntext = doc.text[p.nstart:p.nend]
        a, b = doc.to_original(p.nstart, p.nend)
        figs = [f for f in figures if p.nstart <= f.nstart and f.nend <= p.nend]
        key = task_key(ntext)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        iso, phrase = deadline_of(ntext, plan_year)
        projects = projects_in(ntext, own)
        tasks.append(Task(
            number=i, text=doc.original[a:b], section=list(p.section), start=a, end=b,
            nstart=p.nstart, nend=p.nend, key=key,
            kind="target" if p.target else kind_of(ntext, bool(figs), bool(projects)),
            figures=[f.id for f in figs], places=places_in(ntext, own),
            projects=projects, deadline=iso, deadline_text=phrase))
    return tasks


def _fallback_year(doc: Document) -> int:
    from datetime import date

    m = re.search(r"(20\d\d)年", doc.text)
    return int(m.group(1)) if m else date.today().year
