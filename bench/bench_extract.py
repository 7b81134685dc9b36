#!/usr/bin/env python3
"""Extraction speed: reports per second on one core, start-up excluded, and a peer library.

usage: .venv/bin/python bench/bench_extract.py [DIR ...] [--repeat N]

Times the whole pure pipeline per report (decode + normalise, outline, figures) on the bundled
example, then on every .txt under the given folders (default: tests/corpus and ../shared), and
in the same run times jionlp's money extractor (the closest peer that reads Chinese amounts) on
the same texts, printing the ratio. Install the peer with `.venv/bin/pip install jionlp`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import luoshi

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pipeline(path: Path) -> int:
    doc = luoshi.read(path)
    return len(luoshi.extract_figures(doc, luoshi.build_outline(doc)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=30)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    seed = luoshi.sample_path()
    dirs = a.dirs or [ROOT / "tests" / "corpus", ROOT.parent / "shared"]
    files = sorted({p for d in dirs if d.exists() for p in d.rglob("*.txt")})
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pinned to one core")
    pipeline(seed)  # warm caches: OpenCC, regexes, data files
    t = timed(lambda: pipeline(seed), a.repeat)
    med = statistics.median(t)
    n = pipeline(seed)
    print(f"example ({seed.stat().st_size // 1024} KiB, {n} figures): median {med * 1000:.1f} ms "
          f"→ {1 / med:.0f} reports/s")
    if files:
        size = sum(p.stat().st_size for p in files)
        tf = timed(lambda: [pipeline(p) for p in files], max(3, a.repeat // 5))
        medf = statistics.median(tf)
        equiv = size / seed.stat().st_size
        print(f"folder: {len(files)} files, {size // 1024} KiB ({equiv:.1f} example-sized): median {medf * 1000:.1f} ms "
              f"→ {equiv / medf:.0f} example-sized reports/s")
    try:
        import jionlp

        extract_money = jionlp.ner.extract_money
    except ImportError:
        print("peer: jionlp not installed (pip install jionlp) — skipped")
        return
    text = seed.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    extract_money(paragraphs[0])
    ours_text = timed(lambda: luoshi.extract_figures(luoshi.read_text(text, "x")), a.repeat)
    peer = timed(lambda: [extract_money(p) for p in paragraphs], max(3, a.repeat // 3))
    o, p = statistics.median(ours_text), statistics.median(peer)
    print(f"peer on the example text: luoshi (all figures) {o * 1000:.1f} ms, "
          f"jionlp.ner.extract_money (money only) {p * 1000:.1f} ms → luoshi is {p / o:.1f}× the peer's speed")


if __name__ == "__main__":
    sys.exit(main())
