"""Render figure rows as JSON Lines, CSV or an aligned table."""
from __future__ import annotations

import csv
import io
import json

COLUMNS = ["doc", "text", "indicator", "measure", "value", "value_max", "unit", "comparator",
           "role", "year", "region", "start", "end", "section"]


def render(rows: list[dict], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    cols = COLUMNS + [k for k in ("canonical", "rule") if any(k in r for r in rows)]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    short = ["indicator", "measure", "value", "unit", "comparator", "role", "year", "region"]
    lines = ["\t".join(short)]
    for r in rows:
        val = r["value"] if r.get("value_max") is None else f"{r['value']}–{r['value_max']}"
        lines.append("\t".join(str(val if k == "value" else r.get(k, "")) for k in short))
    return "\n".join(lines) + "\n"
