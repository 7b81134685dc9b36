"""Render comparisons as a table for the terminal, JSON Lines, CSV or an xlsx workbook."""

from __future__ import annotations

import csv
import io
import json

from .. import labels
from .compare import Comparison

VERDICT_ZH = labels.group("verdict")  # the words people read: data/labels.toml
COMPARATOR_ZH = labels.group("comparator")
FLAT = ["indicator", "canonical", "region", "year", "measure", "target_value", "target_value_max",
        "target_unit", "target_comparator", "actual_value", "actual_unit", "verdict", "gap",
        "gap_unit", "rule", "target_doc", "target_text", "target_start", "target_end",
        "actual_doc", "actual_text", "actual_start", "actual_end", "other_actuals", "other_sources"]


def source_name(s) -> str:
    """A source report as people name it in a workbook: its title, else its kind in words (the
    row names region and year) — not its file's id."""
    return s.title or labels.zh("doc_kind", s.kind, "") or "报告"


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
        "other_sources": "; ".join(f"{o.doc}: {o.text}" for o in c.other_sources),
    }


def _target(c: Comparison) -> str:
    from .across import target_text

    return target_text(c.target_value, c.target_value_max, c.target_unit, c.target_comparator)


def table(rows: list[Comparison]) -> str:
    head = ["指标", "地区", "年份", "目标", "实际", "判定", "差距", "实际数来源"]
    lines = ["\t".join(head)]
    for c in rows:
        actual = f"{_num(c.actual_value)}{c.actual_unit or ''}" if c.actual_value is not None else "—"
        if c.measure == "rule" and "；" in c.rule and "%" in c.rule.rsplit("；", 1)[1]:
            actual = c.rule.rsplit("；", 1)[1]  # the numbers the rule compared
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


# The workbook people open: Chinese headings and words (the CSV keeps the field names for scripts)
SHEET = [("指标", "indicator"), ("地区", "region"), ("年份", "year"), ("目标", None), ("目标值", "target_value"),
         ("目标上限", "target_value_max"), ("单位", "target_unit"), ("实际", "actual_value"), ("实际单位", "actual_unit"),
         ("判定", None), ("差距", "gap"), ("差距单位", "gap_unit"), ("判定依据", "rule"), ("目标出处", "target_doc"),
         ("目标原文", "target_text"), ("实际数出处", "actual_doc"), ("实际数原文", "actual_text"),
         ("其他实际数来源", "other_actuals"), ("目标的其他出处", "other_sources")]


def _xlsx(rows: list[Comparison]) -> bytes:
    body = []
    for c in rows:
        t, a = c.target_source, c.actual_source
        r = {**flat(c), "target_doc": source_name(t), "actual_doc": source_name(a) if a else None,
             "other_actuals": "；".join(f"{source_name(o)}：{o.text}" for o in c.other_actuals),
             "other_sources": "；".join(f"{source_name(o)}：{o.text}" for o in c.other_sources)}
        body.append([_target(c) if head == "目标" else VERDICT_ZH.get(c.verdict, c.verdict) if head == "判定"
                     else r[key] for head, key in SHEET])
    return _sheet("目标与实际", [h for h, _ in SHEET], body)


# ---- one year across regions (services.across.RegionRow) ----

REGION_COLUMNS = [  # (heading, how to read it from a row): the export a researcher opens
    ("地区", lambda r: r.region), ("指标", lambda r: r.indicator), ("年份", lambda r: r.year),
    ("目标", lambda r: r.target), ("目标值", lambda r: r.target_value), ("目标上限", lambda r: r.target_value_max),
    ("单位", lambda r: r.target_unit), ("限定", lambda r: COMPARATOR_WORD.get(r.target_comparator, "")),
    ("上年目标", lambda r: r.prev_target or ""),
    ("上年实际", lambda r: f"{_num(r.prev_actual_value)}{r.prev_actual_unit or ''}" if r.prev_actual_value is not None else ""),
    ("上年判定", lambda r: VERDICT_ZH.get(r.prev_verdict, "") if r.prev_verdict else ""),
    ("目标出处", lambda r: "；".join(f"{source_name(s)}：{s.text}" for s in r.sources)),
    ("另有表述", lambda r: "；".join(f"{source_name(s)}：{s.text}" for s in r.other_targets)),
    ("上年实际出处", lambda r: f"{source_name(r.prev_actual_source)}：{r.prev_actual_source.text}"
     if r.prev_actual_source else ""),
]
COMPARATOR_WORD = {k: v for k, v in COMPARATOR_ZH.items() if k != "rule"}


def _table(rows: list, fmt: str, columns: list, sheet: str) -> tuple[list, list, str | bytes | None]:
    """(headings, cells, the rendering when ``fmt`` is jsonl, csv or xlsx — else None, for the
    caller's terminal table): JSON Lines carry every field, CSV and xlsx the Chinese headings."""
    if fmt == "jsonl":
        return [], [], "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rows)
    heads = [h for h, _ in columns]
    body = [[get(r) for _, get in columns] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(heads)
        w.writerows(body)
        return heads, body, buf.getvalue()
    if fmt == "xlsx":
        return heads, body, _sheet(sheet, heads, body)
    return heads, body, None


def render_regions(rows: list, fmt: str) -> str | bytes:
    """Rows of ``services.across`` as JSON Lines (every field), CSV / xlsx (Chinese headings) or
    a terminal table."""
    heads, body, done = _table(rows, fmt, REGION_COLUMNS, "各地目标")
    if done is not None:
        return done
    lines = ["\t".join(["地区", "指标", "目标", "上年目标", "上年实际", "上年判定"])]
    for r, row in zip(rows, body):
        lines.append("\t".join(str(x) for x in [row[0], row[1], row[3], row[8], row[9], row[10]]))
    return "\n".join(lines) + "\n"


def _sheet(title: str, heads: list[str], body: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in body:
        ws.append(row)
    ws.freeze_panes = "B2"
    for i, col in enumerate(ws.columns):
        width = max([len(str(heads[i])) * 2] + [len(str(x.value or "")) * 2 for x in col[1:50]])
        ws.column_dimensions[col[0].column_letter].width = min(50, max(8, width))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- multi-year goals (services.goals.Goal) ----

GOAL_COLUMNS = [
    ("地区", lambda g: g.region), ("指标", lambda g: g.indicator), ("规划期", lambda g: f"{g.start_year}—{g.end_year}年"),
    ("目标", lambda g: g.target), ("目标值", lambda g: g.target_value), ("目标上限", lambda g: g.target_value_max),
    ("单位", lambda g: g.target_unit),
    ("已有实际数", lambda g: "，".join(f"{a.year}年{_num(a.value)}{a.unit}" for a in g.actuals)),
    ("进度", lambda g: _goal_status(g)), ("余下年份须年均增长", lambda g: g.needed), ("说明", lambda g: g.reason),
    ("目标出处", lambda g: "；".join(f"{source_name(s)}：{s.text}" for s in g.sources)),
]


def _goal_status(g) -> str:
    from .goals import STATUS_ZH

    return STATUS_ZH.get(g.status, g.status)


def render_goals(rows: list, fmt: str) -> str | bytes:
    """Goals of ``services.goals`` as JSON Lines, CSV / xlsx (Chinese headings) or a table."""
    heads, body, done = _table(rows, fmt, GOAL_COLUMNS, "规划目标")
    if done is not None:
        return done
    keep = (0, 1, 2, 3, 7, 8)  # 地区 指标 规划期 目标 已有实际数 进度
    return "\n".join("\t".join(str(row[i]) for i in keep) for row in [heads, *body]) + "\n"
