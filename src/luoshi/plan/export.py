"""Write a draft 分工方案 as the real documents lay it out: text, JSON Lines, xlsx, docx.

The documents number tasks through, under "一、主要预期目标" and "二、重点工作任务" with the
report's sections as subheadings, and give each task 牵头领导 (left blank: a person fills it),
牵头单位, 责任单位 and 完成时限.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..labels import zh
from .annotate import deadline_label
from .model import Task
from .tasks import MAIN_TARGETS

HEADERS = ["序号", "重点工作任务", "牵头领导", "牵头单位", "责任单位", "完成时限"]
JOIN = "、"
TARGETS_HEADING = "一、主要预期目标"
WORK_HEADING = "二、重点工作任务"


@dataclass
class Row:
    """One line of the layout: a heading (level 1 part, 2 section, 3 theme) or a task."""

    level: int
    title: str = ""
    task: Task | None = None


def title_of(meta: dict) -> str:
    """"辽宁省2024年《政府工作报告》重点工作分工方案（草案）"."""
    region = meta.get("region") or ""
    year = meta.get("plan_year")
    when = f"{year}年" if year else ""
    draft = "" if meta.get("kind") == "division" else "（草案）"  # a real 分工方案 is no draft
    return f"{region}{when}《政府工作报告》重点工作分工方案{draft}"


def layout(tasks: list[Task]) -> list[Row]:
    """Headings where the section path changes, then the tasks, in order."""
    rows: list[Row] = []
    in_work = False
    path: list[str] = []
    for t in tasks:
        if t.section[:1] == [MAIN_TARGETS]:
            if not rows:
                rows.append(Row(1, TARGETS_HEADING))
        else:
            if not in_work:
                rows.append(Row(1, WORK_HEADING))
                in_work, path = True, []
            for lvl, title in enumerate(t.section, 2):
                if len(path) < lvl - 1 or path[lvl - 2] != title:
                    rows.append(Row(min(lvl, 3), title))
                    path = path[:lvl - 2] + [title]
            path = path[:len(t.section)]
        rows.append(Row(0, task=t))
    return rows


def units(names: list[str]) -> str:
    return JOIN.join(names)


def deadline_cell(t: Task) -> str:
    return deadline_label(t.deadline)


# ------------------------------------------------------------------ text and JSON Lines

def render_text(tasks: list[Task], meta: dict | None = None) -> str:
    """The plan as the text of a 分工方案: each task followed by its units in brackets."""
    lines = [title_of(meta or {}), ""]
    for r in layout(tasks):
        if r.task is None:
            lines.append(("" if r.level < 3 else "  ") + (r.title if r.level < 3 else f"【{r.title}】"))
            continue
        t = r.task
        lines.append(f"{t.number}．{t.text}")
        lines.append(f"  （牵头领导：{t.lead_leader or '＿＿'}；牵头单位：{units(t.lead_units) or '待定'}；"
                     f"责任单位：{units(t.resp_units) or '—'}；完成时限：{deadline_cell(t)}）")
    return "\n".join(lines) + "\n"


def render_jsonl(tasks: list[Task]) -> str:
    return "".join(json.dumps(t.to_dict(), ensure_ascii=False) + "\n" for t in tasks)


# ------------------------------------------------------------------ xlsx

XLSX_COLUMNS = ["序号", "重点工作任务", "所属部分", "牵头领导", "牵头单位", "责任单位", "完成时限",
                "类型", "涉及地区", "涉及项目", "建议可信度", "任务标识"]


def _width(s: str) -> int:
    """Display width: a Chinese character takes two columns of a spreadsheet."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def write_xlsx(tasks: list[Task], path: str | Path, meta: dict | None = None) -> Path:
    """One row per task under a frozen header; widths fit the Chinese text (capped, wrapped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "分工方案"
    ws.append(XLSX_COLUMNS)
    for t in tasks:
        ws.append([t.number, t.text, " / ".join(t.section), t.lead_leader, units(t.lead_units),
                   units(t.resp_units), deadline_cell(t), zh("task_kind", t.kind), JOIN.join(t.places),
                   JOIN.join(t.projects), round(t.confidence, 2), t.key])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c in ws[1]:
        c.font, c.fill = bold, fill
        c.alignment = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    caps = {"重点工作任务": 80, "所属部分": 40, "牵头单位": 30, "责任单位": 36, "涉及项目": 40}
    for i, name in enumerate(XLSX_COLUMNS, 1):
        letter = ws.cell(row=1, column=i).column_letter
        longest = max([_width(name)] + [_width(str(ws.cell(row=r, column=i).value or ""))
                                        for r in range(2, ws.max_row + 1)])
        ws.column_dimensions[letter].width = min(longest + 2, caps.get(name, 24))
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=i).alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"
    wb.properties.title = title_of(meta or {})
    out = Path(path)
    wb.save(out)
    return out


# ------------------------------------------------------------------ docx

DOCX_WIDTHS_CM = [1.3, 11.5, 2.0, 4.0, 4.4, 2.6]  # landscape A4: 25.7 cm between the margins


def _font(run, size: float | None = None, bold: bool = False, name: str = "仿宋") -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _cell_text(cell, text: str, *, bold: bool = False, center: bool = False, size: float = 10.5) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    p.text = ""
    _font(p.add_run(text), size, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def write_docx(tasks: list[Task], path: str | Path, meta: dict | None = None) -> Path:
    """A landscape document: the title as a heading, then one table (header row repeated on
    every page) with the headings of the plan as merged rows and one row per task."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Docx()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = sec.bottom_margin = Cm(2.0)

    title = title_of(meta or {})
    h = doc.add_heading(level=1)
    _font(h.add_run(title), 18, True, "黑体")
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.core_properties.title = title

    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for cell, name in zip(hdr.cells, HEADERS):
        _cell_text(cell, name, bold=True, center=True)
    for r in layout(tasks):
        row = table.add_row()
        if r.task is None:
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, r.title, bold=r.level < 3)
            continue
        t = r.task
        values = [str(t.number), t.text, t.lead_leader, units(t.lead_units), units(t.resp_units),
                  deadline_cell(t)]
        for i, (cell, v) in enumerate(zip(row.cells, values)):
            _cell_text(cell, v, center=i in (0, 2, 5))
    for row in table.rows:
        for cell, w in zip(row.cells, DOCX_WIDTHS_CM):
            cell.width = Cm(w)
    out = Path(path)
    doc.save(out)
    return out
