#!/usr/bin/env python3
"""Extraction speed: reports per second on one core, start-up excluded, beside a peer library
and a regex floor, in the same run on the same texts.

usage: .venv/bin/python bench/bench_extract.py [DIR ...] [--real DIR] [--repeat N]

Three measures, each the median of repeated runs after a warm-up (data files loaded, patterns
compiled), the process pinned to one core:

Times are CPU seconds of this process (see ``timed``).

1. The bundled example as a file: the whole pure pipeline (read = decode + normalise, outline,
   figures) → reports/s of the example's size.
2. The twelve whole real reports of ``../shared/real/docs`` (``--real``), each and in total:
   luoshi from the text in memory (normalise, outline, figures), characters/s and reports/s;
   the peer, jionlp's money extractor (the closest library that reads Chinese amounts; it reads
   money only, luoshi every figure) called on every paragraph, as its docs use it; and the
   *regex floor* — one compiled regex for a number and its unit (units from data/units.json)
   run over the text, what any extractor has to pay at least. Ratios: luoshi ÷ peer speed and
   luoshi ÷ floor speed.
3. Every .txt under the DIRs given (none by default): the pipeline, example-sized reports/s.

The peer is a bench-only dependency: ``pip install -e '.[bench]'`` (or ``pip install jionlp``);
without it its columns are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import luoshi

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real" / "docs"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``repeat`` calls: on one core the CPU time is the wall time of a
    quiet machine, and unlike the wall clock it does not count other processes' turns on a
    shared one."""
    out = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        out.append(time.process_time() - t)
    return statistics.median(out)


def pipeline(path: Path) -> int:
    doc = luoshi.read(path)
    return len(luoshi.extract_figures(doc, luoshi.build_outline(doc)))


def from_text(text: str) -> int:
    doc = luoshi.read_text(text, "bench")
    return len(luoshi.extract_figures(doc, luoshi.build_outline(doc)))


def floor_pattern() -> re.Pattern[str]:
    """A number, an optional magnitude (万, 亿 …) and an optional unit of data/units.json —
    one regex pass, the least work that finds the numbers of a text with their units."""
    raw = json.loads((resources.files("luoshi") / "data" / "units.json").read_text(encoding="utf-8"))
    units = {u for k in ("percent", "points", "times", "measure", "classifier") for u in raw[k]}
    alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    return re.compile(rf"\d+(?:[.,]\d+)*\s*(?:{alt(raw['magnitudes'])})?(?:{alt(units)})?")


def peer() -> Callable[[str], list] | None:
    """jionlp's money extractor, or None when it is not installed (its banner is silenced)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import jionlp

            jionlp.ner.extract_money("2025年投资1.5亿元")  # loads its dictionaries
        return jionlp.ner.extract_money
    except ImportError:
        return None


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path, help="more folders of .txt files to time")
    ap.add_argument("--real", type=Path, default=REAL, help="the real reports (default ../shared/real/docs)")
    ap.add_argument("--repeat", type=int, default=30, help="runs of the example (default 30; the real reports: a fifth)")
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    money, floor = peer(), floor_pattern()
    seed = luoshi.sample_path()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pinned to one core; median CPU times, start-up excluded")
    n = pipeline(seed)  # warm caches: OpenCC, regexes, data files
    med = timed(lambda: pipeline(seed), a.repeat)
    print(f"example ({seed.stat().st_size // 1024} KiB, {n} figures): median {med * 1000:.1f} ms "
          f"→ {1 / med:.0f} reports/s")

    compare(f"the example's text ({seed.name})", [seed], a.repeat, money, floor)
    files = sorted(a.real.glob("*.txt")) if a.real.is_dir() else []
    if files:
        compare(f"{len(files)} real reports ({files[0].parent})", files, max(3, a.repeat // 5), money, floor)
    else:
        print(f"real reports: none at {a.real} — skipped")

    extra = sorted({p for d in a.dirs if d.exists() for p in d.rglob("*.txt")})
    if extra:
        size = sum(p.stat().st_size for p in extra)
        medf = timed(lambda: [pipeline(p) for p in extra], max(3, a.repeat // 5))
        equiv = size / seed.stat().st_size
        print(f"folders: {len(extra)} files, {size // 1024} KiB ({equiv:.1f} example-sized): median {medf * 1000:.1f} ms "
              f"→ {equiv / medf:.0f} example-sized reports/s")
    return 0


def compare(title: str, files: list[Path], repeat: int, money: Callable[[str], list] | None,
            floor: re.Pattern[str]) -> None:
    """Each report and the total: luoshi, the peer and the floor on the same text."""
    print(f"\n{title}, median of {repeat} runs each:")
    head = f"{'report':<26}{'chars':>7}{'figs':>6}{'luoshi ms':>11}{'chars/s':>9}{'rep/s':>7}"
    head += f"{'nums':>6}{'floor ms':>10}{'÷floor':>8}"
    if money is not None:
        head += f"{'peer ms':>9}{'peer/s':>8}{'×peer':>7}"
    print(head)
    totals = {"chars": 0, "ours": 0.0, "floor": 0.0, "peer": 0.0}
    for path in files:
        text = path.read_text(encoding="utf-8")
        figs = from_text(text)
        ours = timed(lambda: from_text(text), repeat)
        nums = sum(1 for _ in floor.finditer(text))
        low = timed(lambda: sum(1 for _ in floor.finditer(text)), repeat)
        line = (f"{path.stem:<26}{len(text):>7}{figs:>6}{ours * 1000:>11.1f}{len(text) / ours / 1000:>8.0f}k"
                f"{1 / ours:>7.1f}{nums:>6}{low * 1000:>10.2f}{ours / low:>7.0f}×")
        totals["chars"] += len(text)
        totals["ours"] += ours
        totals["floor"] += low
        if money is not None:
            paras = paragraphs(text)
            theirs = timed(lambda: [money(p) for p in paras], repeat)
            totals["peer"] += theirs
            line += f"{theirs * 1000:>9.1f}{1 / theirs:>8.1f}{theirs / ours:>6.2f}×"
        print(line)
    c, o, f, p = totals["chars"], totals["ours"], totals["floor"], totals["peer"]
    line = (f"{'total':<26}{c:>7}{'':>6}{o * 1000:>11.1f}{c / o / 1000:>8.0f}k{len(files) / o:>7.1f}"
            f"{'':>6}{f * 1000:>10.2f}{o / f:>7.0f}×")
    if money is not None:
        line += f"{p * 1000:>9.1f}{len(files) / p:>8.1f}{p / o:>6.2f}×"
    print(line)
    print(f"luoshi (all figures, outline included): {c / o:,.0f} characters/s, {len(files) / o:.1f} reports/s; "
          f"the regex floor: {c / f:,.0f} characters/s — luoshi takes {o / f:.0f}× the floor's time")
    if money is not None:
        print(f"peer jionlp.ner.extract_money (money only, every paragraph): {c / p:,.0f} characters/s, "
              f"{len(files) / p:.1f} reports/s — luoshi runs at {p / o:.2f}× the peer's speed "
              f"(the peer takes {p / f:.0f}× the floor's time)")
    else:
        print("peer: jionlp not installed (pip install -e '.[bench]') — skipped")


if __name__ == "__main__":
    sys.exit(main())
