"""Walk a document's sentences, read their figures, and give each its role, year and section."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..ingest.document import Document
from ..ingest.normalize import to_simplified_label
from .figures import MAX_TEXT, DocContext, Draft, W, ratio_drafts, sentence_figures
from .quantities import Quantity
from .tables import table_cells
from .model import Figure
from .quantities import find_quantities

SENT_END = re.compile(r"[。！？!?；;]+[”’」』)）]*")
REGION_WORDS = re.compile(r"全省|全市|全区|全县|全州|全旗|我省|我市|我区|我县|本省|本市|全年")
PART_YEAR = re.compile(r"(20\d\d|19\d\d)年")
_YEARS = re.compile(r"((?:20|19)\d\d)年(?!代)")  # YEAR's years without its prefix, 10 times faster
LOOKBACK = 1000  # characters of a sentence read before a figure for its role and year


def _context(doc: Document, ol) -> DocContext:
    md = ol.metadata if ol is not None else {}
    review, plan = md.get("review_year"), md.get("plan_year")
    if ol is not None and (review is None or plan is None):
        for part in ol.parts:
            m = PART_YEAR.search(part.title)
            role = _part_role(part)
            if m and role == "review" and review is None:
                review = int(m.group(1))
            elif m and role == "plan" and plan is None:
                plan = int(m.group(1))
    if review is None and plan is not None:
        review = plan - 1
    if plan is None and review is not None:
        plan = review + 1
    return DocContext(doc.id, md.get("region"), review, plan, md.get("kind"))


def _part_role(part) -> str:
    role = part.flags.get("role") if part is not None else None
    if role:
        return role
    title = part.title if part is not None else ""
    if re.search(r"回顾|执行情况|过去|成绩", title):
        return "review"
    return "plan"


def _sentences(doc: Document, ol) -> list[tuple[int, int]]:
    if ol is not None:
        spans = [(s.nstart, s.nend) for s in ol.sentences()]
        if spans:
            return spans
    spans, pos, text = [], 0, doc.text
    for m in SENT_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _role_and_year(text: str, s0: int, qpos: int, base_role: str, ctx: DocContext) -> tuple[str, int | None, str]:
    """Role and year of a figure from its part and the words of its sentence before it."""
    w = W()
    # the words before it in its sentence; a real sentence is under 500 characters, and a bound
    # keeps a line of 100,000 figures linear
    before = text[max(s0, qpos - LOOKBACK):qpos]
    role, why = base_role, "part"
    if w["_estimate_re"].search(before):
        role, why = "estimate", "预计"
    elif w["_actual_re"].search(_drop_bases(before, w)):
        clause = re.split(r"[,;:，；：]", before)[-1]
        if w["_target_in_review_re"].search(clause):
            role, why = "target", "上年目标"
            return role, ctx.review_year, why
        if base_role == "target":
            role, why = "actual", "去年"
    year = ctx.review_year if role in ("actual", "estimate") else ctx.plan_year
    if role == "estimate" and base_role == "target":
        year = ctx.review_year
    years = [int(y) for y in _YEARS.findall(before)]
    if years:
        y = years[-1]
        if role == "target" and ctx.plan_year and y >= ctx.plan_year:
            year, why = y, why + ", explicit year"
        elif role != "target" and (ctx.review_year is None or y <= ctx.review_year):
            year, why = y, why + ", explicit year"
        elif role == "actual" and ctx.review_year and y > ctx.review_year:
            role, year, why = "target", y, "future year"
    return role, year, why


def _drop_bases(text: str, w: dict) -> str:
    """'比上年提高1个百分点' compares with last year; it does not report last year."""
    return w["_bases_re"].sub("", text)


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
    by_sentence: list[tuple[int, int, list[Draft]]] = []
    for s0, s1 in _sentences(doc, ol):
        i = bisect_left(qstarts, s0)
        found = []
        while i < len(quantities) and quantities[i].start < s1:
            if quantities[i].end <= s1:
                found.append(quantities[i])
            i += 1
        drafts = sentence_figures(text, s0, s1, found) if found else []
        if ":" in text[s0:s1] or "：" in text[s0:s1]:
            drafts += ratio_drafts(text, s0, s1)
        if drafts:
            by_sentence.append((s0, s1, drafts))
    for c in cells:
        q = Quantity(c.start, c.end, c.value, c.unit, "percent" if c.unit == "%" else "measure", False, False)
        d = Draft(q, c.row_start, c.row_start + len(c.label), c.label + c.column, c.measure, c.value,
                  "eq", c.row_start, c.end)
        d.rule.append("table cell")
        by_sentence.append((c.row_start, c.end, [d]))
    by_sentence.sort(key=lambda x: x[0])
    for s0, s1, drafts in by_sentence:
        path = ol.path_at(s0) if ol is not None else []
        part = next((n for n in path if n.kind == "part"), None)
        prole = _part_role(part) if part is not None else "plan"
        if ctx.kind == "bulletin":  # a statistical bulletin reports results only
            prole = "review"
        base_role = "actual" if prole == "review" else "target"
        section = " / ".join(n.title for n in path if n.kind in ("part", "section", "paragraph") and n.title)
        for d in drafts:
            role, year, why = _role_and_year(text, s0, d.q.start, base_role, ctx)
            d.span_start = max(d.span_start, d.span_end - MAX_TEXT)  # see MAX_TEXT
            a, b = doc.to_original(d.span_start, d.span_end)
            ind = REGION_WORDS.sub("", d.indicator).strip() or d.indicator.strip()
            ind = to_simplified_label(ind) if doc.traditional else ind
            reg = d.region or region
            if reg and doc.traditional:
                reg = to_simplified_label(reg)
            out.append(Figure(
                doc=doc.id, text=doc.original[a:b], indicator=ind, measure=d.measure,
                value=d.value, unit=to_simplified_label(d.q.unit) if doc.traditional else d.q.unit,
                comparator=d.comparator, role=role, year=year, region=reg, start=a, end=b,
                section=section, value_max=d.q.value_max,
                rule="; ".join(d.rule + [f"role: {why}"]), nstart=d.span_start, nend=d.span_end))
    return out
