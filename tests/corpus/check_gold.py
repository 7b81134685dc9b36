#!/usr/bin/env python3
"""Check the regression corpus gold against its documents and the FIGURES.md contract.

usage: python3 tests/corpus/check_gold.py [DIR] [--uncovered]

DIR is a corpus folder (default: this one; tests/heldout is another). For every DIR/gold/NAME.jsonl: NAME.txt exists; each row has the contract fields
with valid values; `doc` is NAME; `text` is an exact substring of NAME.txt; the value's
digits appear in `text` (NFKC-folded) unless the number is written in Chinese numerals;
`value_max` is present exactly for ranges. Exits 1 on any error.

--uncovered also lists, per document, the Arabic numbers that lie outside every gold
`text` span: a reviewing aid to spot figures the gold may have missed (most hits are
dates, ordinals, names and page furniture, which are not figures). Standard library only.
"""
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURES = {"growth", "share", "pp", "amount"}
COMPARATORS = {"eq", "approx", "ge", "gt", "le", "lt", "range"}
ROLES = {"actual", "target", "estimate"}
FIELDS = ("doc", "text", "indicator", "measure", "value", "unit", "comparator",
          "role", "year", "region", "tier", "optional")
CHINESE_DIGITS = set("零〇一二两兩三四五六七八九十百千万亿萬億")
# a few traditional characters that must not appear in indicator/unit/region
TRADITIONAL = set("區產總億萬價進資業產員際實與經濟發開關東車項農業網電設鄉縣門廈蘭鎮歲職學數據營")


def number_forms(v):
    """Strings the value may be written as: 5 -> '5', 5.0 -> '5', '5.0'; negatives unsigned."""
    v = abs(v)
    forms = {repr(v), f"{v:g}", str(v)}
    if float(v).is_integer():
        forms |= {str(int(v)), f"{int(v)}.0"}
    return {f for f in forms if "e" not in f}


def check(uncovered=False, root=HERE):
    errors, warnings = [], []
    gold_dir = root / "gold"
    files = sorted(gold_dir.glob("*.jsonl"))
    if not files:
        errors.append("no gold files")
    total = 0
    for gf in files:
        name = gf.stem
        txt = root / f"{name}.txt"
        if not txt.exists():
            errors.append(f"{gf.name}: no {txt.name}")
            continue
        doc = txt.read_text(encoding="utf-8")
        folded_doc = unicodedata.normalize("NFKC", doc)
        spans = []
        for n, line in enumerate(gf.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{gf.name}:{n}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not JSON: {e}")
                continue
            total += 1
            missing = [k for k in FIELDS if k not in r]
            if missing:
                errors.append(f"{where}: missing {missing}")
                continue
            if r["doc"] != name:
                errors.append(f"{where}: doc {r['doc']!r} != {name!r}")
            text = r["text"]
            start = doc.find(text)
            if not text or start < 0:
                errors.append(f"{where}: text not in {txt.name}: {text!r}")
            else:
                while start >= 0:
                    spans.append((start, start + len(text)))
                    start = doc.find(text, start + 1)
            if r["measure"] not in MEASURES:
                errors.append(f"{where}: measure {r['measure']!r}")
            if r["comparator"] not in COMPARATORS:
                errors.append(f"{where}: comparator {r['comparator']!r}")
            if r["role"] not in ROLES:
                errors.append(f"{where}: role {r['role']!r}")
            if not isinstance(r["value"], (int, float)) or isinstance(r["value"], bool):
                errors.append(f"{where}: value {r['value']!r} is not a number")
                continue
            if r["comparator"] == "range":
                vm = r.get("value_max")
                if not isinstance(vm, (int, float)) or vm <= r["value"]:
                    errors.append(f"{where}: range needs value_max > value, got {vm!r}")
            elif "value_max" in r:
                errors.append(f"{where}: value_max without range")
            if r["year"] is not None and not (isinstance(r["year"], int) and 1949 <= r["year"] <= 2100):
                errors.append(f"{where}: year {r['year']!r}")
            if r["tier"] not in (1, 2):
                errors.append(f"{where}: tier {r['tier']!r}")
            if not isinstance(r["optional"], bool):
                errors.append(f"{where}: optional {r['optional']!r} is not a boolean")
            for k in ("indicator", "unit", "region"):
                if not isinstance(r[k], str):
                    errors.append(f"{where}: {k} is not a string")
                elif set(r[k]) & TRADITIONAL:
                    errors.append(f"{where}: {k} {r[k]!r} has traditional characters")
            if not r["indicator"] or not r["region"]:
                errors.append(f"{where}: empty indicator or region")
            if r["measure"] == "pp" and r["unit"] != "个百分点":
                errors.append(f"{where}: pp with unit {r['unit']!r}")
            if r["measure"] in ("share",) and r["unit"] not in ("%", "成"):
                errors.append(f"{where}: share with unit {r['unit']!r}")
            if r["measure"] == "growth" and r["unit"] not in ("%", "倍"):
                errors.append(f"{where}: growth with unit {r['unit']!r}")
            folded = unicodedata.normalize("NFKC", text)
            if not any(f in folded for f in number_forms(r["value"])):
                if set(text) & CHINESE_DIGITS:
                    pass  # 两个, 三十万, 千亿元, 七成, 十件: written in Chinese numerals
                else:
                    errors.append(f"{where}: value {r['value']} not written in text {text!r}")
            if r["value"] < 0 and not re.search(r"下降|降低|减少|缩小|回落|-", folded):
                warnings.append(f"{where}: negative value but no word of decrease in {text!r}")
        if uncovered:
            print(f"== {name}: numbers outside every gold span")
            for m in re.finditer(r"[0-9０-９][0-9０-９.．]*", doc):
                if not any(a <= m.start() < b for a, b in spans):
                    lo, hi = max(0, m.start() - 8), min(len(doc), m.end() + 6)
                    print(f"   {m.group()!s:>12}  …{doc[lo:hi]}…".replace("\n", "⏎"))
        del folded_doc
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    print(f"{len(files)} gold files, {total} figures, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    dirs = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(check("--uncovered" in sys.argv[1:], Path(dirs[0]).resolve() if dirs else HERE))
