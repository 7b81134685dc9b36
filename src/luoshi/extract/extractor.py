"""Walk a document's sentences, read their figures, and give each its role, year and section.

The role and year are decided by ``roles.decide``; this module gathers what it reads: the
document's kind and years, the role of the figure's part, and the cues of its neighbours.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import le

from ..ingest.document import Document
from ..ingest.normalize import to_simplified_label
from ..outline import roles
from .figures import MAX_TEXT, DocContext, Draft, ratio_drafts, sentence_figures
from .quantities import Quantity
from .tables import table_cells
from .model import Figure
from .quantities import find_quantities

SENT_END = re.compile(r"[。！？!?；;]+[”’」』)）]*")
# after 占 the area is the benchmark of a share (占全省比重), not the report's own: it stays
REGION_WORDS = re.compile(r"(?<!占)(?:全省|全市|全区|全县|全州|全旗|我省|我市|我区|我县|本省|本市|全年)")
PART_YEAR = re.compile(r"(20\d\d|19\d\d)年")
LOOKBACK = 1000  # characters of a sentence read before a figure for its role and year
HEAD_CHARS = 300  # the head of a document: its title and date line
NEIGHBOURS = 8  # sentences looked back in a paragraph for the cue of a sentence without one
FRAME = 200  # sentences looked back, where no part tells, for the last one that said anything


def _context(doc: Document, ol) -> DocContext:
    """Region, years and kind of the document; years it does not state are inferred.

    Parts with a year in their title say the reviewed and the plan year; else the first year of
    the document's head is the plan year (the review year of a bulletin).
    """
    md = ol.metadata if ol is not None else {}
    review, plan, kind = md.get("review_year"), md.get("plan_year"), md.get("kind")
    if ol is not None and (review is None or plan is None):
        for part in ol.parts:
            m = PART_YEAR.search(part.title)
            role = _part_role(part)
            if m and role == "review" and review is None:
                review = int(m.group(1))
            elif m and role == "plan" and plan is None:
                plan = int(m.group(1))
    if review is None and plan is None:
        m = PART_YEAR.search(doc.text, 0, HEAD_CHARS)
        if m and roles.cues().fixed.get(kind or "", ("", ""))[1] == "review":
            review = int(m.group(1))
        elif m:
            plan = int(m.group(1))
    if review is None and plan is not None:
        review = plan - 1
    if plan is None and review is not None:
        plan = review + 1
    return DocContext(doc.id, md.get("region"), review, plan, kind)


def _part_role(part) -> str | None:
    """The role of a part; None when neither its title nor its body tells."""
    if part is None:
        return None
    if "role" not in part.flags:  # a part built by hand, without the outline builder
        return roles.part_role(part.title, "", 0, 0)
    return None if part.flags.get("role_from") == "none" else part.flags["role"]


def _sentence_spans(node, out: list[tuple[int, int]]) -> None:
    """The spans of the sentences below ``node``, in document order: ``ol.sentences()`` without
    a list of every node (half the cost; the tree is six levels deep at most)."""
    for c in node.children:
        if c.kind == "sentence":
            out.append((c.nstart, c.nend))
        if c.children:
            _sentence_spans(c, out)


def _sentences(doc: Document, ol) -> list[tuple[int, int]]:
    if ol is not None:
        spans: list[tuple[int, int]] = []
        _sentence_spans(ol.root, spans)
        if spans:
            return spans
    spans, pos, text = [], 0, doc.text
    for m in SENT_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _by_sentence(text: str, spans: list[tuple[int, int]], quantities: list[Quantity],
                 qstarts: list[int]) -> tuple[dict[int, list[Quantity]], set[int]]:
    """The quantities of each sentence (those that end in it too) and the sentences holding a
    colon (a ratio '3.4:47.8:48.8' may hold no quantity), by sentence index.

    A report has a thousand sentences and a few hundred numbers: each number finds its sentence
    by bisection, instead of each sentence looking for numbers. Spans from the outline are in
    order and do not overlap; any others are read one by one.
    """
    found: dict[int, list[Quantity]] = {}
    colons: set[int] = set()
    starts, ends = (list(x) for x in zip(*spans)) if spans else ([], [])
    if not all(map(le, ends[:-1], starts[1:])):  # not in order: one by one
        for k, (s0, s1) in enumerate(spans):
            i = bisect_left(qstarts, s0)
            while i < len(quantities) and quantities[i].start < s1:
                if quantities[i].end <= s1:
                    found.setdefault(k, []).append(quantities[i])
                i += 1
            if text.find(":", s0, s1) >= 0 or text.find("：", s0, s1) >= 0:
                colons.add(k)
        return found, colons
    for q in quantities:
        k = bisect_right(starts, q.start) - 1
        if k >= 0 and q.end <= spans[k][1]:
            found.setdefault(k, []).append(q)
    for ch in (":", "："):
        i = text.find(ch)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            if k >= 0 and i < spans[k][1]:
                colons.add(k)
                i = text.find(ch, spans[k][1])  # one is enough
            else:
                i = text.find(ch, i + 1)
    return found, colons


def _label(text: str, spans: list[tuple[int, int]], j: int, years: roles.Years,
           memo: dict[int, str | None]) -> str | None:
    if j not in memo:
        a, b = spans[j]
        memo[j] = roles.neighbour_cue(text[a:b], years) or roles.weak_cue(text[a:b])
    return memo[j]


def _vote(text: str, spans: list[tuple[int, int]], k: int, years: roles.Years,
          memo: dict[int, str | None]) -> str | None:
    """actual / target by the cues of the sentences around sentence ``k``, the nearer the more."""
    score = 0.0
    for j in range(max(0, k - NEIGHBOURS), min(len(spans), k + NEIGHBOURS // 2 + 1)):
        cue = _label(text, spans, j, years, memo)
        if cue is None:
            continue
        w = 1.0 / (abs(j - k) or 1)
        score += w if cue in ("actual", "result") else -w
    if score:
        return "actual" if score > 0 else "target"
    # none near: the last sentence before that said anything frames it ("过去一年…" until "今年…")
    for j in range(k - NEIGHBOURS - 1, max(-1, k - FRAME), -1):
        cue = _label(text, spans, j, years, memo)
        if cue:
            return "actual" if cue in ("actual", "result") else "target"
    return None


def _carry(text: str, spans: list[tuple[int, int]], k: int, start: int, years: roles.Years,
           memo: dict[int, str | None], skip: tuple[str, ...] = ()) -> str | None:
    """The cue of the nearest sentence before sentence ``k`` in its paragraph (from ``start``),
    passing over cues in ``skip``."""
    for j in range(k - 1, max(-1, k - 1 - NEIGHBOURS), -1):
        a, b = spans[j]
        if a < start:
            break
        cue = _label(text, spans, j, years, memo)
        if cue and cue not in skip:
            return cue
    return None


def extract_figures(doc: Document, ol=None) -> list[Figure]:
    """Every figure of ``doc`` in document order."""
    if ol is None:
        from ..outline import build

        ol = build(doc)
    ctx = _context(doc, ol)
    region = ctx.region
    text = doc.text
    out: list[Figure] = []
    cells, table_rows = table_cells(text)
    quantities = [q for q in find_quantities(text)  # one pass over the text, then by sentence
                  if not any(a <= q.start < b for a, b in table_rows)]
    qstarts = [q.start for q in quantities]
    by_sentence: list[tuple[int, int, int, list[Draft]]] = []  # (start, end, sentence index, drafts)
    spans = _sentences(doc, ol)
    found_in, colons = _by_sentence(text, spans, quantities, qstarts)
    for k in sorted(found_in.keys() | colons):  # only the sentences with a number or a colon
        s0, s1 = spans[k]
        found = found_in.get(k)
        drafts = sentence_figures(text, s0, s1, found, region) if found else []
        if k in colons:
            drafts += ratio_drafts(text, s0, s1)
        if drafts:
            by_sentence.append((s0, s1, k, drafts))
    for c in cells:
        q = Quantity(c.start, c.end, c.value, c.unit, "percent" if c.unit == "%" else "measure", False, False)
        d = Draft(q, c.row_start, c.row_start + len(c.label), c.label + c.column, c.measure, c.value,
                  "eq", c.row_start, c.end)
        d.rule.append("table cell")
        by_sentence.append((c.row_start, c.end, -1, [d]))
    by_sentence.sort(key=lambda x: x[0])
    years = roles.Years(ctx.review_year, ctx.plan_year)
    memo: dict[int, str | None] = {}
    default: str | None = None  # the role where nothing tells: what the whole text does
    periodic: dict[int, bool] = {}  # paragraph start -> does it (or its part) name a period
    for s0, s1, k, drafts in by_sentence:
        path = ol.path_at(s0) if ol is not None else []
        part = next((n for n in path if n.kind == "part"), None)
        prole = _part_role(part)
        section = " / ".join(n.title for n in path if n.kind in ("part", "section", "paragraph") and n.title)
        carry = None
        if prole != "review" and k >= 0:
            # the neighbours: the sentences before it in its paragraph; outside parts, any
            if prole is None and any(n.flags.get("main_targets") for n in path):
                carry = "target"  # the 主要预期目标 paragraph, quoted without its part: all targets
            elif prole is None:  # no part tells: the sentences around it, before and after
                carry = _vote(text, spans, k, years, memo)
            else:
                # in a plan part a result reported nearby says nothing of the next sentence:
                # only five-year results and goals carry on
                box = next((n for n in reversed(path) if n.kind == "paragraph"), path[-1] if path else None)
                a = box.nstart if box is not None else 0
                if a not in periodic:  # most paragraphs name no period: nothing to carry
                    periodic[a] = (roles.names_period(text, a, s0)
                                   or roles.names_period(section, 0, len(section)))
                if periodic[a]:
                    carry = _carry(text, spans, k, a, years, memo, ("actual",))
        if prole is None and default is None:
            default = "actual" if roles.body_role(text, 0, len(text), whole=True) == "review" else "target"
        sentence = text[s0:min(s1, s0 + LOOKBACK)]
        for d in drafts:
            # the words before it in its sentence; a real sentence is under 500 characters, and
            # a bound keeps a line of 100,000 figures linear
            before = text[max(s0, d.q.start - LOOKBACK):d.q.start]
            role, year, why = roles.decide(before, prole, ctx.kind, years, carry,
                                           sentence, section, default or "target")
            d.span_start = max(d.span_start, d.span_end - MAX_TEXT)  # see MAX_TEXT
            a, b = doc.to_original(d.span_start, d.span_end)
            ind = REGION_WORDS.sub("", d.indicator).strip() or d.indicator.strip()
            ind = to_simplified_label(ind) if doc.traditional else ind
            reg = d.region or region
            if reg and doc.traditional:
                reg = to_simplified_label(reg)
            # positional: a call with 17 keywords costs three times as much (one per figure)
            out.append(Figure(
                doc.id, doc.original[a:b], ind, d.measure,  # doc, text, indicator, measure
                d.value, to_simplified_label(d.q.unit) if doc.traditional else d.q.unit,  # value, unit
                d.comparator, role, year, reg, a, b,  # comparator, role, year, region, start, end
                section, d.q.value_max, None,  # section, value_max, canonical
                "; ".join(d.rule + [f"role: {why}"]), d.span_start, d.span_end))  # rule, nstart, nend
    return out
