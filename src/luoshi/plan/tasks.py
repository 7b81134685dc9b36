"""Cut the plan part of a report into the numbered tasks of a 分工方案.

The order is the one of the real documents: first each main expected target on its own
(地区生产总值增长5.5%左右 …), then the work items of every section, one task per commitment.
A commitment is normally a sentence; a sentence listing several commitments at ";" is split
there; a short goal sentence is joined to the sentence that carries it out. What is left out is
not work: the headings (they become the task's section path), a section's opening summary when
the section goes on in paragraphs, the preamble of the plan part, sentences without a verb, and
a 分工方案's annotations in brackets (（牵头单位：…）). A plan part without (一) sections is work
paragraph by paragraph; list entries (1．, （1）, 一是, ——) are tasks without their list number;
a main-targets part that lists its targets as items gives one target per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..ingest import Document
from ..outline.model import Node, Outline
from ..outline.text import first_sentence_end, sentences
from .annotate import deadline_of, has_action_verb, has_verb, kind_of, opens_with_verb, places_in, projects_in
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

@lru_cache(maxsize=1)
def _intro_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r})" for r in plan_words()["main_targets"]["intro"]))


def target_intro(doc: Document, parts: list[Node]) -> tuple[Node | None, int, re.Match[str]] | None:
    """Where the year's "主要预期目标是:" is: (its part or None, where its paragraph can end, the
    match). Not a five-year plan's "“十五五”时期…主要目标是:" (the sentence up to the intro names
    the period), not in a review part, and found even where the outline made no part of it."""
    text = doc.text
    period = tuple(plan_words()["main_targets"]["period_words"])
    bounds = sorted((p.nstart, p.nend) for p in parts)
    for m in _intro_re().finditer(text):
        part = next((p for p in parts if p.nstart <= m.start() < p.nend), None)
        if part is not None and part.flags.get("role") == "review":
            continue
        lo = part.nstart if part is not None else max([e for _, e in bounds if e <= m.start()], default=0)
        if part is not None:  # the sentence up to the intro, not the part's title above it
            lo = max([lo] + [c.nend for c in part.children if c.kind == "sentence" and c.flags.get("heading")
                             and c.nend <= m.start()])
        head = text[max(lo, *(text.rfind(c, lo, m.start()) + 1 for c in "。!！")):m.start()]
        if any(w in head for w in period):
            continue
        hi = part.nend if part is not None else min([a for a, _ in bounds if a > m.start()], default=len(text))
        return part, hi, m
    return None


def _more_targets(text: str, b: int, end: int) -> int:
    """The target list may go on after its first full stop (…增长5%左右。规模以上工业增加值增长
    7.5%左右;…): sentences of the same paragraph that hold a number and open with no comment
    (这些目标…) join it."""
    stops = tuple(plan_words()["main_targets"]["comment_starts"])
    while b < end and text[b] != "\n":
        a = b
        while a < end and text[a] in " \t\u3000":
            a += 1
        nb = first_sentence_end(text, a, end)
        sent = text[a:nb]
        if nb <= a or "\n" in sent or sent.startswith(stops) or not re.search(r"\d", sent) \
                or not has_verb(sent):
            break
        b = nb
    return b


def _main_target_pieces(doc: Document, parts: list[Node]) -> list[Piece]:
    """Each main expected target of the list that follows "主要预期目标是:", to the full stop
    (and the number-holding sentences after it), each sentence split at ";" (or at "," when it
    has no ";")."""
    found = target_intro(doc, parts)
    if found is None:
        return []
    _, end, m = found
    text = doc.text
    a = m.end()
    # the list runs to the full stop (the outline cuts sentences at ";" too), in its paragraph:
    # an intro ending its paragraph ("…目标是:") heads a "——" list, read as the part's blocks
    nl = text.find("\n", a, end)
    b = first_sentence_end(text, a, nl if nl >= 0 else end)
    if not text[a:b].strip(" \t\u3000"):
        return []
    b = _more_targets(text, b, end)
    out: list[Piece] = []
    for sa, sb in _cut(text, a, b, "。"):
        seps = next((s for s in plan_words()["main_targets"]["separators"] if s in text[sa:sb]), ",")
        for x, y in _cut(text, sa, sb, seps):
            while y > x and text[y - 1] in "。.!！":
                y -= 1
            if y > x:
                out.append(Piece(x, y, (MAIN_TARGETS,), target=True))
    return out


def _is_plan_part(part: Node, intro_part: Node | None) -> bool:
    """A part the outline calls the plan, or one that announces the year's main targets (only
    a plan does), whatever its title says; or an annex (附件: the year's 民生实事 listed after
    the report, often with their own 牵头单位 — commitments a supervision office tracks)."""
    return part.flags.get("role") in ("plan", "annex") or part is intro_part or (
        part.flags.get("role") != "review"
        and any(c.flags.get("main_targets") for c in (part, *part.children)))


def _is_five_year(doc: Document, part: Node, plan_year: int) -> bool:
    """A part of the five-year period's goals and tasks (see [parts] in data/plan.toml): by its
    title, unless the title names the plan year too, or by its first paragraph's opening."""
    w = plan_words()["parts"]
    title = part.title or ""
    if plan_year and f"{plan_year}年" in title:
        return False
    if re.search(w["five_year_title"], title):
        return True
    first = next((c for c in part.children if c.kind != "sentence"), None)
    return first is not None and re.match(w["five_year_body"], doc.text[first.nstart:first.nend].lstrip()) is not None


def _year_parts(doc: Document, outline: Outline, parts: list[Node], keep: Node | None) -> list[Node]:
    """The plan parts without those of the five-year period, when another one is the year's (a
    five-year outline on its own keeps its parts); the part of the year's targets stays."""
    meta = outline.metadata or {}
    year = int(meta.get("plan_year") or meta.get("year") or 0)
    year_parts = [p for p in parts if p is keep or not _is_five_year(doc, p, year)]
    return year_parts if year_parts and len(year_parts) < len(parts) else parts


# ------------------------------------------------------------------ work items

@lru_cache(maxsize=1)
def _marker_re() -> re.Pattern[str]:
    return re.compile(plan_words()["lists"]["marker"])


def _strip_marker(text: str, a: int, b: int) -> int:
    """The start of the piece after a list number (1. / (1) / 一是 / ——): the number is the
    plan's numbering, not the task's words, and must not become a figure."""
    m = _marker_re().match(text, a, b)
    return m.end() if m and m.end() < b else a


def strip_list_number(text: str) -> str:
    """``text`` without the list number it opens with ("3．全年实施…" → "全年实施…"): for a
    分工方案 item sent on its own (``luoshi assign``)."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    lead = len(folded) - len(folded.lstrip())
    if len(folded) != len(text):  # a character NFKC widened: leave the text as it is
        return text.strip()
    m = _marker_re().match(folded, lead)
    return text[m.end():].strip() if m and m.end() < len(text.rstrip()) else text.strip()


def _is_annotation(text: str, s: Node) -> bool:
    """A sentence wholly in brackets: a plan's note on the item before it ((牵头单位:…))."""
    body = text[s.nstart:s.nend].strip().rstrip("。.")
    if len(body) < 2 or body[0] not in "([【" or body[-1] not in ")]】":
        return False
    depth = 0
    for i, ch in enumerate(body):  # the opening bracket closes only at the end
        depth += ch in "([【"
        depth -= ch in ")]】"
        if depth == 0 and i < len(body) - 1:
            return False
    return True


def _sentences(node: Node, text: str = "", skipped: list[tuple[int, int, str]] | None = None) -> list[Node]:
    """The node's sentences, without a plan's annotations (listed as skipped)."""
    out = []
    for c in node.children:
        if c.kind != "sentence":
            continue
        if text and _is_annotation(text, c):
            if skipped is not None:
                skipped.append((c.nstart, c.nend, "annotation"))
            continue
        out.append(c)
    return out


def _is_short(s: str, limit: int) -> bool:
    body = s.rstrip("。!！?？")
    return len(body) <= limit and not re.search(r"[,;:\d]", body)


def _is_lead(s: str) -> bool:
    """A short goal sentence (推动民营经济实现大发展。) that the next sentence carries out."""
    w = plan_words()["leads"]
    body = s.rstrip("。!！?？")
    if _is_short(s, int(w.get("head_chars", 0))) and has_action_verb(body):
        return True
    return (_is_short(s, int(w["max_chars"])) and body.endswith(tuple(w["goal_endings"]))
            and not body.startswith(tuple(w.get("not_starts", []))))


def _is_tail(s: str) -> bool:
    """A short figure of no named thing, without an action verb (产值突破1300亿元。): the end of the
    sentence before."""
    w = plan_words()["leads"]
    body = s.rstrip("。!！?？")
    return (len(body) <= int(w.get("tail_chars", 0)) and body.startswith(tuple(w.get("tail_starts", [])))
            and not re.search(r"[,;:]", body) and not has_action_verb(body))


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


def _opens_note(text: str, start: int, body: str) -> bool:
    """The body of a report's note: "指…" on the line after "13.“标准海”:"."""
    opens = tuple(plan_words()["lists"].get("definition_opens", []))
    if not opens or not body.lstrip().startswith(opens):
        return False
    return text[:start].rstrip(" \t\u3000").endswith("\n") and text[:start].rstrip().endswith(":")


def _run_pieces(doc: Document, sents: list[Node], section: tuple[str, ...],
                skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """Pieces of a run of sentences of one paragraph (headings and leads already removed)."""
    text = doc.text
    limit = int(plan_words()["leads"]["max_chars"])
    lists = plan_words()["lists"]
    closing, definition = tuple(lists.get("appeal_starts", [])), tuple(lists.get("definition_words", []))
    appeal = tuple(lists.get("appeal_words", []))
    units: list[tuple[int, int, int, bool]] = []  # (ns, ne, sentence index, whole sentence)
    for k, s in enumerate(sents):
        body = text[s.nstart:s.nend]
        if (closing and body.lstrip().startswith(closing)) or any(w in body for w in appeal):
            # 让我们…团结在…: the rest is the appeal
            skipped.extend((x.nstart, x.nend, "closing") for x in sents[k:])
            break
        if any(d in body for d in definition) or _opens_note(text, s.nstart, body):
            skipped.append((s.nstart, s.nend, "definition"))
            continue
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
        if (whole and out and i > 0 and units[i - 1][2] == k - 1 and units[i - 1][3]
                and _is_tail(text[a:b])):
            out[-1].nend = b  # 产值突破1300亿元。 ends the sentence before it
            i += 1
            continue
        a = _strip_marker(text, a, b)
        while b > a and text[b - 1] in ",;、:":
            b -= 1  # a clause cut at ";" ends without it
        out.append(Piece(a, b, section))
        i += 1
    return out


def _block_pieces(doc: Document, node: Node, section: tuple[str, ...],
                  skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """A paragraph or item: a themed one's lead sentence is a heading (it joins the path),
    unless it holds a number (21．城乡居民基础养老金提高20元。(牵头单位…) is the item itself)."""
    sents = _sentences(node, doc.text, skipped)
    path = section
    if ((node.flags.get("themed") or node.kind == "item") and node.title and len(sents) > 1
            and not re.search(r"\d", _strip_title(doc.text[_strip_marker(doc.text, sents[0].nstart,
                                                                           sents[0].nend):sents[0].nend]))):
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
            elif _is_annotation(doc.text, c):
                skipped.append((c.nstart, c.nend, "annotation"))
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


def _listed_targets(doc: Document, part: Node, skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """Targets written as the items of a main-targets part (1．地区生产总值增长5%以上。(牵头单位…)):
    one target per item, its annotations left out."""
    out: list[Piece] = []
    for c in part.children:
        if c.kind != "item":
            continue
        sents = _sentences(c, doc.text, skipped)
        if not sents:
            continue
        a, b = _trim(doc.text, sents[0].nstart, sents[-1].nend)
        a = _strip_marker(doc.text, a, b)
        while b > a and doc.text[b - 1] in "。.!！;,":
            b -= 1
        out.append(Piece(a, b, (MAIN_TARGETS,), target=True))
    return out


def _follows_targets(part: Node, node: Node) -> bool:
    """The block right before ``node`` in the part announces the main targets."""
    prev = None
    for c in part.children:
        if c is node:
            return bool(prev is not None and prev.flags.get("main_targets"))
        if c.kind != "sentence":
            prev = c
    return False


def _dash_target(doc: Document, node: Node, skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """One main target of a "——价格。居民消费价格涨幅3%左右。" list (plan-execution reports): the
    label before the first full stop is a heading, the rest the target, verb or not."""
    sents = _sentences(node, doc.text, skipped)
    if len(sents) > 1:
        skipped.append((sents[0].nstart, sents[0].nend, "heading"))
        sents = sents[1:]
    if not sents:
        return []
    a, b = _trim(doc.text, sents[0].nstart, sents[-1].nend)
    a = _strip_marker(doc.text, a, b)
    while b > a and doc.text[b - 1] in "。.!！;,":
        b -= 1
    return [Piece(a, b, (MAIN_TARGETS,), target=True)] if b > a else []


@lru_cache(maxsize=1)
def _heading_re() -> re.Pattern[str]:
    return re.compile(plan_words()["lists"]["section_heading"])


def _unstructured_pieces(doc: Document, a: int, b: int, skipped: list[tuple[int, int, str]]) -> list[Piece]:
    """The outline found no part (a page flattened into one line): the sentences after the year's
    targets, up to the closing appeal, are the work; a short "(一)全力以赴抓项目。" is a heading."""
    text = doc.text
    for w in plan_words()["lists"]["closing_starts"]:
        i = text.find(w, a, b)
        if i >= 0:
            b = i
    out: list[Piece] = []
    run: list[Node] = []
    path: tuple[str, ...] = ()
    for x, y in sentences(text, a, b):
        x, y = _trim(text, x, y)
        if y <= x:
            continue
        if _heading_re().match(text, x, y):
            skipped.append((x, y, "heading"))
            out += _run_pieces(doc, run, path, skipped)
            run, path = [], (_strip_title(text[x:y]),)
            continue
        run.append(Node("sentence", "", 0, 0, 0, x, y))
    return out + _run_pieces(doc, run, path, skipped)


def _annex_heading(doc: Document, node: Node) -> bool:
    """A paragraph of an annex that is only a numbered heading ("一、提高低保…保障水平。") with no
    number of its own: the paragraphs after it are its work, it is their section."""
    if node.kind != "paragraph" or len(node.children) != 1:
        return False
    text = doc.text[node.nstart:node.nend].strip()
    m = _marker_re().match(text)
    return bool(m) and m.end() < len(text) and not re.search(r"\d", text[m.end():])


def _is_closing(text: str) -> bool:
    """The closing appeal (各位代表，…让我们…奋斗！) is no work, even with a verb in it."""
    return text.lstrip().startswith(tuple(plan_words()["lists"]["closing_starts"]))


def segment(doc: Document, outline: Outline) -> Segmentation:
    """The pieces of the plan part(s): main targets first, then every section's work items.

    A plan part with (一) sections: the paragraphs before them are the preamble, except a themed
    paragraph whose lead opens with a verb (实施更加积极的财政政策。…). A plan part without
    sections is work paragraph by paragraph after its main targets (a county's short plan, the
    national 政策取向); without targets either (a five-year outline), as with sections.
    List items directly under a part are work.
    """
    found = target_intro(doc, outline.parts)
    # a 分工方案 is all plan: each of its parts (一、着力扩大国内需求) is work, whatever its role,
    # and it has no preamble inside them: every paragraph there is an item
    division = (outline.metadata or {}).get("kind") == "division"
    plan_parts = [p for p in outline.parts if _is_plan_part(p, found[0] if found else None)
                  or (division and p.flags.get("role") != "review")]
    if not division:
        plan_parts = _year_parts(doc, outline, plan_parts, found[0] if found else None)
    skipped: list[tuple[int, int, str]] = []
    pieces = _main_target_pieces(doc, plan_parts)
    if found is not None and found[0] is None and pieces and not plan_parts:
        end = first_sentence_end(doc.text, pieces[-1].nend, found[1])
        return Segmentation(pieces + _unstructured_pieces(doc, end, found[1], skipped), skipped)
    targets_listed = bool(pieces)
    for part in plan_parts:
        if part.flags.get("main_targets") and not targets_listed:
            listed = _listed_targets(doc, part, skipped)
            pieces += listed
            targets_listed = bool(listed)
            if listed:
                continue
        sectioned = any(c.kind == "section" for c in part.children)
        # without sections, what follows the year's targets is work (政策取向: 赤字率…, 专项债…);
        # before them, or in a part without targets (a five-year review), only verb-led themes;
        # in an annex, what follows its first numbered item
        work_from = next((c.nend for c in part.children if c.flags.get("main_targets")), None)
        if part.flags.get("role") == "annex" and not sectioned:
            # an annex listing the year's 民生实事 (一、… headings, each with its paragraph of
            # work): work from its first numbered paragraph on; what comes before introduces it
            work_from = next((c.nstart for c in part.children if c.kind != "sentence"
                              and _marker_re().match(doc.text[c.nstart:c.nend].lstrip())), work_from)
        dash_targets = False  # inside a "——经济增长。…" list right after the targets' intro
        annex = part.flags.get("role") == "annex" and not sectioned
        path: tuple[str, ...] = ()  # in an annex: the 一、 heading of the paragraphs that follow
        for c in part.children:
            if annex and work_from is not None and c.nstart >= work_from and _annex_heading(doc, c):
                skipped.append((c.nstart, c.nend, "heading"))
                path = (_strip_title(doc.text[_strip_marker(doc.text, c.nstart, c.nend):c.nend]),)
                continue
            body = doc.text[c.nstart:c.nend].lstrip()
            dash_targets = (c.kind != "section" and body.startswith("——")
                            and (dash_targets or bool(c.flags.get("main_targets")) or _follows_targets(part, c)))
            if dash_targets:
                pieces += _dash_target(doc, c, skipped)
                continue
            if c.kind == "section":
                pieces += _section_pieces(doc, c, (), skipped)
            elif c.kind == "sentence":
                continue  # the part's heading
            elif c.flags.get("main_targets") or c.flags.get("general_requirements"):
                skipped.append((c.nstart, c.nend, "preamble"))
            elif _is_closing(doc.text[c.nstart:c.nend]):
                skipped.append((c.nstart, c.nend, "closing"))
            elif c.kind == "item" or division or (not sectioned and work_from is not None and c.nstart >= work_from) or (
                    c.flags.get("themed") and c.title and opens_with_verb(
                    doc.text[c.nstart:c.nend])):
                pieces += _block_pieces(doc, c, path, skipped)
            else:
                skipped.append((c.nstart, c.nend, "preamble"))
    notes = _notes_start(doc.text)
    if notes is not None:
        skipped += [(p.nstart, p.nend, "notes") for p in pieces if p.nstart >= notes]
        pieces = [p for p in pieces if p.nstart < notes]
    return Segmentation(pieces, skipped)


def _notes_start(text: str) -> int | None:
    """Where the report's notes begin: a line that is only 名词解释 (or the like), else None."""
    heads = plan_words()["lists"].get("notes_headings", [])
    if not heads:
        return None
    m = re.search(r"^[ \t\u3000]*(?:%s)[ \t\u3000]*:?[ \t\u3000]*$" % "|".join(map(re.escape, heads)), text, re.M)
    return m.start() if m else None


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
