"""Render comparisons as a table for the terminal, JSON Lines, CSV or an xlsx workbook."""

from __future__ import annotations

import csv
import io
import json

from .compare import Comparison

VERDICT_ZH = {"met": "完成", "missed": "未完成", "no_data": "无数据", "needs_judgement": "待人工判断"}
COMPARATOR_ZH = {"eq": "", "approx": "左右", "ge": "以上", "gt": "超过", "le": "以内", "lt": "低于",
                 "range": "区间", "rule": "规则"}
FLAT = ["indicator", "canonical", "region", "year", "measure", "target_value", "target_value_max",
        "target_unit", "target_comparator", "actual_value", "actual_unit", "verdict", "gap",
        "gap_unit", "rule", "target_doc", "target_text", "target_start", "target_end",
        "actual_doc", "actual_text", "actual_start", "actual_end", "other_actuals"]


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if x == int(x) else f"{x:g}"


def flat(c: Comparison) -> dict:
    """One row for CSV and xlsx: the sources spread into columns."""
    t, a = c.target_source, c.actual_source
    return {
        "indicator": c.indicator, "canonical": c.canonical, "region": c.region, "year": c.year,
        "measure": c.measure, "target_value": c.target_value, "target_value_max": c.target_value_max,
        "target_unit": c.target_unit, "target_comparator": c.target_comparator,
        "actual_value": c.actual_value, "actual_unit": c.actual_unit, "verdict": c.verdict,
        "gap": c.gap, "gap_unit": c.gap_unit, "rule": c.rule,
        "target_doc": t.doc, "target_text": t.text, "target_start": t.start, "target_end": t.end,
        "actual_doc": a.doc if a else None, "actual_text": a.text if a else None,
        "actual_start": a.start if a else None, "actual_end": a.end if a else None,
        "other_actuals": "; ".join(f"{o.doc}: {o.text}" for o in c.other_actuals),
    }


def _target(c: Comparison) -> str:
    if c.target_value is None:
        return "定性目标"
    v = _num(c.target_value) + (f"—{_num(c.target_value_max)}" if c.target_value_max is not None else "")
    return f"{v}{c.target_unit}{COMPARATOR_ZH.get(c.target_comparator, '')}"


def table(rows: list[Comparison]) -> str:
    head = ["指标", "地区", "年份", "目标", "实际", "判定", "差距", "实际数来源"]
    lines = ["\t".join(head)]
    for c in rows:
        actual = f"{_num(c.actual_value)}{c.actual_unit or ''}" if c.actual_value is not None else "—"
        if c.measure == "rule" and "; " in c.rule:
            actual = c.rule.rsplit("; ", 1)[1]  # the numbers the rule compared
        gap = f"{c.gap:+g}{c.gap_unit}" if c.gap is not None else ""
        src = c.actual_source.doc if c.actual_source else ""
        ind = c.indicator
        lines.append("\t".join([ind, c.region or "", str(c.year or ""), _target(c), actual,
                                VERDICT_ZH.get(c.verdict, c.verdict), gap, src]))
    return "\n".join(lines) + "\n"


def render_comparisons(rows: list[Comparison], fmt: str) -> str | bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FLAT, lineterminator="\n")
        w.writeheader()
        w.writerows(flat(c) for c in rows)
        return buf.getvalue()
    if fmt == "xlsx":
        return _xlsx(rows)
    return table(rows)


def _xlsx(rows: list[Comparison]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "目标与实际"
    ws.append(FLAT)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in rows:
        r = flat(c)
        ws.append([r[k] for k in FLAT])
    ws.freeze_panes = "A2"
    for col, name in zip(ws.columns, FLAT):
        width = max(len(str(name)), *(len(str(x.value or "")) * 2 for x in col[1:50])) if ws.max_row > 1 else len(name)
        ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
