#!/usr/bin/env python3
"""Does a speed change leave every figure as it was? Save the figures of every document we
have from one checkout, then compare another checkout's against them, byte for byte.

usage: .venv/bin/python bench/figures_same.py save  DIR [--src CHECKOUT/src]
       .venv/bin/python bench/figures_same.py check DIR [--src CHECKOUT/src]

``save`` writes one ``luoshi extract --format jsonl --explain`` file per corpus into DIR (the
rule of each figure included, so a change in how a figure was read shows even when what it
says does not); ``check`` runs the same and prints the first difference of each corpus that
differs (exit 1). ``--src`` picks the code (default: this checkout's src), so the reference can
come from main: ``save /tmp/ref --src /work/main/src``. The corpora: the twelve real reports,
the shared seeds and samples, tests/corpus and tests/heldout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = {
    "real": [SHARED / "real" / "docs"],
    "shared": [SHARED / "seeds", SHARED / "samples"],
    "corpus": [ROOT / "tests" / "corpus"],
    "heldout": [ROOT / "tests" / "heldout"],
}


def extract(src: Path, dirs: list[Path]) -> str:
    """The CLI's JSON Lines (with rules) for every .txt of ``dirs``, run from ``src``."""
    files = sorted(str(p) for d in dirs for p in d.glob("*.txt"))
    if not files:
        sys.exit(f"no .txt under {', '.join(map(str, dirs))}")
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-c", "from luoshi.cli import main; main()", "extract", *files,
           "--format", "jsonl", "--explain"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("save", "check"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--src", type=Path, default=ROOT / "src")
    a = ap.parse_args()
    a.dir.mkdir(parents=True, exist_ok=True)
    bad = 0
    for name, dirs in CORPORA.items():
        out = extract(a.src.resolve(), dirs)
        ref = a.dir / f"{name}.jsonl"
        if a.action == "save":
            ref.write_text(out, encoding="utf-8")
            print(f"{name}: {out.count(chr(10))} figures saved")
            continue
        old = ref.read_text(encoding="utf-8").splitlines()
        new = out.splitlines()
        if old == new:
            print(f"{name}: {len(new)} figures, identical")
            continue
        bad += 1
        k = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
        print(f"{name}: DIFFERS ({len(old)} saved, {len(new)} now), first at line {k + 1}:")
        print("  saved:", old[k] if k < len(old) else "(none)")
        print("  now:  ", new[k] if k < len(new) else "(none)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
