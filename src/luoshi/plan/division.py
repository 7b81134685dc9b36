"""Read a real 分工方案 (division-of-labour plan) into tasks with its own units (laid over a
report's draft by ``plan.division_match``).

A 分工方案 says who does each item in one of these layouts: fields in brackets after the item
("1．地区生产总值增长5%以上。（牵头单位：省发展改革委；责任单位：省统计局）"), field lines under
the item ("牵头领导：…" / "牵头单位：…" / "责任单位：…" / "完成时限：…"), or a table whose header
names the columns ("序号 | 工作任务 | 牵头领导 | 牵头单位 | 责任单位 | 完成时限", also with tabs
or one cell a line). Otherwise the items are cut by the plan segmenter (``plan.tasks``), so
numbering and sections are read as for a report, and the fields are read from the text between
an item and the next one; a flattened page, where the outline sees one paragraph, is read from
its annotations. The labels are data (``data/division.toml``, read by ``plan.division_fields``). Units are resolved to the region's catalogue where it knows
them and kept as written otherwise.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..ingest import Document
from ..outline.model import Outline
from .annotate import deadline_of
from .division_fields import (REASON, Fields, division_words, fields_end, label_of, read_duty, read_fields,
                              resolve_units, split_units, starts_with_field, without_fields)
from .lexicon import alt
from .model import Task, task_key


# ------------------------------------------------------------------ table layout

def _cells(line: str) -> list[str] | None:
    for sep in ("|", "\t"):
        if line.count(sep) >= 2:
            return [c.strip() for c in line.strip().strip("|").split(sep)]
    return None


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column → index when the cells are a 分工方案's header (a task column and a unit column)."""
    label = label_of()
    cols: dict[str, int] = {}
    for i, c in enumerate(cells):
        f = label.get(c.replace(" ", ""))
        if f and f not in cols:
            cols[f] = i
    return cols if "task" in cols and ("lead" in cols or "resp" in cols) else None


def _heading(doc: Document, a: int, b: int) -> list[str]:
    """A table's section row as a task's section: as written, the main targets named as a report's."""
    from .tasks import MAIN_TARGETS

    a, b = doc.to_original(a, b)
    title = doc.original[a:b].strip().strip("|").strip()
    return [MAIN_TARGETS] if MAIN_TARGETS in title else [title]


def _table_tasks(doc: Document, plan_year: int) -> list[Task] | None:
    """The rows under a header line "序号 | 工作任务 | 牵头单位 | …"; a row of one cell is a
    section heading; None when the text has no such header."""
    text = doc.text
    cols: dict[str, int] | None = None
    section: list[str] = []
    tasks: list[Task] = []
    pos = 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end]
        cells = _cells(line)
        if cols is None:
            if cells and (h := _header(cells)):
                cols = h
        elif cells is None:
            if line.strip():
                section = _heading(doc, pos, end)
        else:
            body_i = cols["task"]
            if len(cells) <= body_i or not cells[body_i]:
                first = next((c for c in cells if c), "")
                if first:
                    a = text.find(first, pos, end)
                    section = _heading(doc, a, a + len(first))
            else:
                cell = cells[body_i]
                a = text.find(cell, pos, end)
                b = a + len(cell)
                get = (lambda f: cells[cols[f]] if f in cols and cols[f] < len(cells) else "")
                fields = Fields(leader="、".join(split_units(get("leader"))), lead=split_units(get("lead")),
                                resp=split_units(get("resp")), deadline=get("deadline"), at=b)
                tasks.append(_task(doc, len(tasks) + 1, a, b, section, fields, plan_year))
        if nl < 0:
            break
        pos = nl + 1
    return tasks if cols is not None else _stacked_tasks(doc, plan_year)


def _stacked_tasks(doc: Document, plan_year: int) -> list[Task] | None:
    """A table copied from a web page one cell a line: a header of label lines (序号 / 工作任务 /
    牵头单位 / …), then rows that open with their number (or, without a number column, as many
    lines as there are columns); a line between rows is a section heading."""
    from .tasks import _heading_re

    text = doc.text
    label = label_of()
    lines = []
    pos = 0
    for raw in text.split("\n"):
        a = pos + len(raw) - len(raw.lstrip())
        lines.append((a, a + len(raw.strip())))
        pos += len(raw) + 1
    cols: list[str] = []
    start = 0
    for i in range(len(lines)):
        run: list[str] = []
        j = i
        while j < len(lines) and (f := label.get(text[lines[j][0]:lines[j][1]].replace(" ", ""))) and f not in run:
            run.append(f)
            j += 1
        if len(run) >= 3 and "task" in run and ("lead" in run or "resp" in run):
            cols, start = run, j
            break
    if not cols:
        return None
    numbered = "number" in cols
    data = [c for c in cols if c != "number"]
    rows: list[tuple[list[str], list[tuple[int, int]]]] = []
    section: list[str] = []
    cur: list[tuple[int, int]] | None = None if numbered else []
    for a, b in lines[start:]:
        line = text[a:b]
        if not line:
            continue
        if numbered and re.fullmatch(r"\d{1,3}", line):
            cur = []
            rows.append((list(section), cur))
            continue
        if (cur is None or len(cur) >= len(data) or not cur) and _heading_re().match(line):
            section, cur = _heading(doc, a, b), (None if numbered else [])
            continue
        if cur is None:
            continue
        if not numbered and not cur:
            rows.append((list(section), cur))
        cur.append((a, b))
        if not numbered and len(cur) == len(data):
            cur = []
    tasks: list[Task] = []
    for sec, cells in rows:
        if not cells:
            continue
        got = {c: text[a:b] for c, (a, b) in zip(data, cells)}
        if "task" not in got:
            continue
        a, b = cells[data.index("task")]
        f = Fields(leader="、".join(split_units(got.get("leader", ""))), lead=split_units(got.get("lead", "")),
                   resp=split_units(got.get("resp", "")), deadline=got.get("deadline", ""), at=b)
        tasks.append(_task(doc, len(tasks) + 1, a, b, sec, f, plan_year))
    return tasks


# ------------------------------------------------------------------ reading

def _task(doc: Document, number: int, a: int, b: int, section: list[str], f: Fields,
          plan_year: int, base: Task | None = None) -> Task:
    """A task of normalised span [a, b) with the division's fields."""
    text = doc.text
    while b > a and text[b - 1] in " \t。;,(":
        b -= 1
    oa, ob = doc.to_original(a, b)
    section = [without_fields(x) for x in section]
    iso, phrase = field_deadline(f.deadline, plan_year) if f.deadline else ("", "")
    if not phrase:
        iso, phrase = (base.deadline, base.deadline_text) if base else deadline_of(text[a:b], plan_year)
        if f.deadline:
            phrase = f.deadline  # 持续推进, 长期坚持: kept as written, the year's end as the date
    t = Task(number=number, text=doc.original[oa:ob], section=list(section), start=oa, end=ob,
             nstart=a, nend=b, key=task_key(text[a:b]), kind=base.kind if base else "action",
             figures=list(base.figures) if base else [], places=list(base.places) if base else [],
             projects=list(base.projects) if base else [], deadline=iso, deadline_text=phrase,
             lead_units=list(f.lead or []), resp_units=[u for u in (f.resp or []) if u not in (f.lead or [])],
             lead_leader=f.leader, confidence=1.0 if f.found else 0.0,
             reasons=[f"{REASON}: as written"] if f.found else [f"{REASON}: the item names no unit"])
    return t


def field_deadline(value: str, plan_year: int) -> tuple[str, str]:
    """(ISO date, the value as written) of a 完成时限 field: the report's deadline rules, else
    the end of the latest year-month it names ("2027年6月"); ("", "") when it names no date."""
    import calendar

    iso, phrase = deadline_of(value, plan_year)
    if phrase:
        return iso, value
    best = ""
    for m in re.finditer(division_words()["deadline"]["year_month"], value):
        y, mo = int(m.group("y")), int(m.group("m") or 12)
        if 1 <= mo <= 12:
            best = max(best, f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}")
    return (best, value) if best else ("", "")


@lru_cache(maxsize=1)
def _anchor_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a bracketed annotation naming a unit, an item's list number, a heading's number)."""
    w = division_words()
    labels = alt([x for f in ("lead", "resp") for x in w["labels"][f]])
    block = re.compile(rf"\((?:{labels})\s*:(?:[^()]|\([^()]*\))*\)")
    return block, re.compile(w["anchored"]["item_marker"]), re.compile(w["anchored"]["heading_marker"])


def _anchored_tasks(doc: Document, figures: list, plan_year: int) -> list[Task]:
    """Items read back from their annotations: each "(牵头单位:…)" closes one, which begins after
    the last list number before it (a flattened page, where the outline sees one paragraph)."""

    from .tasks import MAIN_TARGETS

    text = doc.text
    block, item, heading = _anchor_res()
    tasks: list[Task] = []
    section: list[str] = []
    prev = 0
    for m in block.finditer(text):
        span_a = prev
        prev = m.end()
        starts = list(item.finditer(text, span_a, m.start()))
        if not starts:
            continue
        a = starts[-1].end()
        before = text[span_a:starts[-1].start()]
        heads = [h for h in heading.finditer(before)]
        if heads:  # the last heading's words up to the next number or full stop
            h = heads[-1]
            title = re.split(r"[。\n]|(?<![\d.])\d{1,3}\.(?!\d)", before[h.start():])[0].rstrip()
            ta = span_a + h.start()
            title = doc.original[slice(*doc.to_original(ta, ta + len(title)))]  # as written: （一）
            section = [MAIN_TARGETS] if MAIN_TARGETS in title else [title]
        b = m.start()
        f = read_fields(text, m.start(), m.end())
        tasks.append(_annotated(doc, _task(doc, len(tasks) + 1, a, b, section, f, plan_year), figures))
    return tasks


def _annotated(doc: Document, t: Task, figures: list) -> Task:
    """A task read outside the segmenter (a table row, an item of a flattened page) given its
    figures, places, projects and kind as the segmenter gives them."""
    from .annotate import kind_of, places_in, projects_in
    from .tasks import MAIN_TARGETS

    ntext = doc.text[t.nstart:t.nend]
    # a figure read across a table's cells ("1 | 地区生产总值…") still ends in its task's cell
    t.figures = [x.id for x in figures if t.nstart < x.nend <= t.nend]
    t.places, t.projects = places_in(ntext), projects_in(ntext)
    t.kind = "target" if t.section == [MAIN_TARGETS] else kind_of(ntext, bool(t.figures), bool(t.projects))
    return t


def read_division(doc: Document, outline: Outline | None = None, figures: list | None = None,
                  departments: Any = None) -> list[Task]:
    """The items of a 分工方案 as tasks numbered from 1, each with the 牵头单位, 责任单位, 牵头领导 and
    完成时限 it is given (units resolved to ``departments``, by default the catalogue of the
    document's region and level). Pure."""
    from .. import build_outline, extract_figures
    from .assign import load_departments
    from .tasks import build_tasks

    outline = outline if outline is not None else build_outline(doc)
    meta = outline.metadata or {}
    plan_year = int(meta.get("plan_year") or 0) or _year(doc)
    if departments is None or isinstance(departments, str):
        departments = load_departments(departments, region=meta.get("region"), level=meta.get("level"))
    figures = figures if figures is not None else extract_figures(doc, outline)
    tasks = _table_tasks(doc, plan_year)
    if tasks is not None:
        tasks = [_annotated(doc, t, figures) for t in tasks]
    else:
        text = doc.text
        items = _whole_items([t for t in build_tasks(doc, outline, figures) if not starts_with_field(text[t.nstart:t.nend])],
                             text)
        tasks = _item_tasks(doc, items, plan_year)
        anchored = _anchored_tasks(doc, figures, plan_year)
        if len(anchored) > sum(1 for t in tasks if t.lead_units or t.resp_units):
            tasks = anchored  # more items keep their units when read from the annotations
    tasks = [t for t in tasks if t.text.strip()]  # an annotation with no words before it
    seen: dict[str, int] = {}
    for i, t in enumerate(tasks, 1):
        t.number = i
        seen[t.key] = seen.get(t.key, 0) + 1
        if seen[t.key] > 1:  # the same words twice: keys stay unique, as build_tasks keeps them
            t.key = f"{t.key}-{seen[t.key]}"
        t.lead_units = resolve_units(t.lead_units, departments)
        t.resp_units = [u for u in resolve_units(t.resp_units, departments) if u not in t.lead_units]
    return tasks


@lru_cache(maxsize=1)
def _trailing_marker() -> re.Pattern[str]:
    from .lexicon import plan_words

    return re.compile(f"(?:{plan_words()['lists']['marker']})$")


def _item_tasks(doc: Document, items: list[Task], plan_year: int) -> list[Task]:
    """Each item with the fields written in it or after it. Fields on a heading between items
    ("(一)扩大有效需求(牵头领导:张三)") hold for the items under it that do not name their own."""
    text = doc.text
    out: list[Task] = []
    group = Fields()
    prev = 0
    for i, t in enumerate(items):
        nxt = items[i + 1].nstart if i + 1 < len(items) else len(text)
        gap = "".join(text[prev:t.nstart].split())
        if _trailing_marker().sub("", gap).strip(";,。"):  # a heading lies between the items
            group = read_fields(text, prev, t.nstart)
        own = read_fields(text, t.nstart, t.nend)  # "…左右(牵头单位:…)。" inside the item
        if not own.found:
            own = read_duty(text, t.nstart, t.nend)  # "…(国家发展改革委牵头)。"
        tail = fields_end(text, t.nend, nxt)
        end = t.nend
        if own.found:
            cut = text.rfind("(", t.nstart, own.at + 1)
            end = cut if cut > t.nstart else own.at
        f = read_fields(text, end, tail)
        if not f.found:
            f = read_duty(text, end, tail)
        if group.found:
            f.leader = f.leader or group.leader
            f.deadline = f.deadline or group.deadline
            if not (f.lead or f.resp):
                f.lead, f.resp = list(group.lead or []), list(group.resp or [])
            f.at = f.at if f.found else group.at
        out.append(_task(doc, len(out) + 1, t.nstart, end, t.section, f, plan_year, base=t))
        prev = tail
    return out


def _whole_items(pieces: list[Task], text: str) -> list[Task]:
    """One task per item: the segmenter cuts a sentence at ";" into commitments, but the item's
    units ("9月底前开工…;年底前新增…。(牵头单位:…)") are given for the whole of it. Pieces joined
    by nothing but punctuation (no line break, no list number) are one item."""
    from .tasks import _heading_re, _strip_title

    out: list[Task] = []
    heading: tuple[list[str], str] | None = None  # a section heading the outline kept as a paragraph
    for t in pieces:
        if _heading_re().match(text, t.nstart, t.nend):
            heading = (t.section, _strip_title(t.text))  # as written: （四）
            continue
        if heading is not None and t.section == heading[0]:
            t.section = [*t.section, heading[1]]
        prev = out[-1] if out else None
        if prev is not None and prev.section == t.section and re.fullmatch(r"[;,。、 \t]*", text[prev.nend:t.nstart]):
            prev.nend = t.nend
            prev.figures += [f for f in t.figures if f not in prev.figures]
            prev.places += [p for p in t.places if p not in prev.places]
            prev.projects += [p for p in t.projects if p not in prev.projects]
            if t.deadline > prev.deadline:
                prev.deadline, prev.deadline_text = t.deadline, t.deadline_text
            continue
        out.append(Task(**{**t.__dict__, "figures": list(t.figures), "places": list(t.places),
                           "projects": list(t.projects)}))
    return out


def _year(doc: Document) -> int:
    from datetime import date

    m = re.search(r"(20\d\d)年", doc.text)
    return int(m.group(1)) if m else date.today().year
