#!/usr/bin/env python3
"""CPU instructions per report of each stage, repeatable on a busy machine (callgrind counts
instructions, not seconds).

usage: .venv/bin/python bench/instructions.py [FILE]     (default: the bundled example)

Runs itself under ``valgrind --tool=callgrind`` twice per stage — once with no repetition, once
with five — and prints (difference / 5), so start-up, imports and the first call's regex
compilation are not counted. Needs Debian's valgrind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

RUNS = 5


def _work(stage: str, n: int, path: str | None) -> None:
    import luoshi

    p = path or luoshi.sample_path()
    doc = luoshi.read(p)
    ol = luoshi.build_outline(doc)
    luoshi.extract_figures(doc, ol)  # warm: data files loaded, patterns compiled
    for _ in range(n):
        if stage == "read":
            luoshi.read(p)
        elif stage == "outline":
            luoshi.build_outline(doc)
        else:
            luoshi.extract_figures(doc, ol)


def _count(stage: str, n: int, path: str | None) -> int:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
           "--work", stage, str(n)] + ([path] if path else [])
    # a fixed hash seed: set and dict orders (and so the work done) are the same in every run
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    err = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stderr
    return int(re.search(r"Collected : (\d+)", err).group(1))


def main() -> None:
    if sys.argv[1:2] == ["--work"]:
        _work(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench/instructions.py needs valgrind (apt-get install valgrind)")
    path = sys.argv[1] if len(sys.argv) > 1 else None
    total = 0
    for stage in ("read", "outline", "figures"):
        per = (_count(stage, RUNS, path) - _count(stage, 0, path)) / RUNS
        total += per
        print(f"{stage:8} {per / 1e6:6.1f} M instructions a report")
    print(f"{'total':8} {total / 1e6:6.1f} M")


if __name__ == "__main__":
    main()
