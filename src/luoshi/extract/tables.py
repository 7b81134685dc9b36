"""Figures in tables flattened into lines of cells ('纺织业 | 312.6 | 5.2'), as statistical
bulletins and docx/html tables arrive. The header row names each column and its unit
('增加值（亿元） | 比上年增长（%）'); a data row names the item."""

from __future__ import annotations

import re
from dataclasses import dataclass

CELL_SEP = re.compile(r"\s*\|\s*")
CELL_MAX = 80  # a longer "cell" is prose: a line holding a '|' (a page flattened into one line)
NUMBER = re.compile(r"^[-−–]?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^[-−–]?\d+(?:\.\d+)?$")
UNIT_IN_PARENS = re.compile(r"^(.*?)[(（]\s*([^()（）]{1,8})\s*[)）]\s*$")
GROWTH_WORDS = ("增长", "增速", "增幅", "同比", "比上年", "涨幅")


@dataclass
class Cell:
    start: int  # normalised offsets of the number
    end: int
    row_start: int
    label: str
    column: str
    unit: str
    measure: str
    value: float


def _columns(cells: list[str]) -> list[tuple[str, str, str]] | None:
    """(name, unit, measure) for each column of a header row, or None if it is not one."""
    if sum(1 for c in cells if NUMBER.match(c)) or len(cells) < 2:
        return None
    cols: list[tuple[str, str, str]] = []
    base = ""
    for c in cells:
        m = UNIT_IN_PARENS.match(c)
        name, unit = (m.group(1).strip(), m.group(2).strip()) if m else (c.strip(), "")
        unit = unit.replace("％", "%")
        if any(w in name for w in GROWTH_WORDS):
            measure = "growth"
            name = base
        elif unit == "%":
            measure = "share"
            base = base or name
        else:
            measure = "amount"
            base = name
        cols.append((name, unit, measure))
    return cols


def table_cells(text: str) -> tuple[list[Cell], list[tuple[int, int]]]:
    """Numeric cells of every flattened table, and the spans of the lines that are table rows."""
    cells: list[Cell] = []
    rows: list[tuple[int, int]] = []
    header: list[tuple[str, str, str]] | None = None
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if line.count("|") < 1:
            header = None
            continue
        parts = CELL_SEP.split(line.strip().strip("|").strip())  # "| 1 | …": the cell is "1"
        if max(map(len, parts)) > CELL_MAX:
            header = None
            continue
        cols = _columns(parts)
        if cols is not None:
            header = cols
            rows.append((start, start + len(line)))
            continue
        if header is None or not parts or NUMBER.match(parts[0]):
            continue
        rows.append((start, start + len(line)))
        label = parts[0].strip()
        cursor = start + line.find(parts[0]) + len(parts[0])
        for j, raw in enumerate(parts[1:], 1):
            at = line.find(raw, cursor - start) + start if raw else cursor
            cursor = at + len(raw)
            if j >= len(header) or not NUMBER.match(raw):
                continue
            name, unit, measure = header[j]
            value = float(raw.replace(",", "").replace("−", "-").replace("–", "-"))
            cells.append(Cell(at, at + len(raw), start + line.find(parts[0]), label,
                              name, unit, measure, value))
    return cells, rows
