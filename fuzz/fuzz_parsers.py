"""Fuzz the parsers (ingest, outline, extract) for a bounded time; not part of the test suite.

The invariants are those of the property tests (tests/reliability/checks.py): every input gives
a Document, outline and figures whose offsets hold, or an InputError; anything else is a crash.

With atheris (coverage-guided; not a dependency of luoshi, install it by hand)::

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/fuzz_parsers.py --seconds 300            # crashes land in ./crash-*
    .venv/bin/python fuzz/fuzz_parsers.py --seconds 300 --corpus /tmp/luoshi-corpus
    .venv/bin/python fuzz/fuzz_parsers.py crash-1234abcd           # replay one crash

Without atheris (or with ``--hypothesis``) it runs the property tests under
``HYPOTHESIS_PROFILE=fuzz`` (``--examples`` per test) with a new seed each round until the time
is up; a failure prints its seed and ``.hypothesis/`` keeps the example for the next run::

    .venv/bin/python fuzz/fuzz_parsers.py --hypothesis --seconds 600

The 2 MB lines are not in the rounds (minutes each):
``HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/reliability -k huge``.

Each crash found becomes a test in tests/reliability/test_regressions.py.

One fuzz input is a target byte then the payload: 0 text → read_text; 1 .txt, 2 .html,
3 .docx, 4 .pdf file bytes → read; 5 a seed for a mutated slice of the bundled report.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

EXTS = {1: ".txt", 2: ".html", 3: ".docx", 4: ".pdf"}
WORK = Path(tempfile.mkdtemp(prefix="luoshi-fuzz-"))


def one_input(data: bytes) -> None:
    import checks

    if not data:
        return
    target, payload = data[0] % 6, data[1:]
    if target == 0:
        checks.check_text(payload.decode("utf-8", "replace"))
    elif target == 5:
        rnd = random.Random(payload)
        checks.check_text(checks.mutate(checks.sample_slice(rnd), rnd, rnd.randrange(60)))
    else:
        path = WORK / f"input{EXTS[target]}"
        path.write_bytes(payload)
        checks.check_file(path)


def seeds() -> list[bytes]:
    """One valid input of each kind, so mutation starts from real reports."""
    import checks

    text = checks.SAMPLE[:4000]
    html = "<html><body><script>x()</script>" + "".join(f"<p>{ln}</p>" for ln in text.splitlines())
    out = [b"\x00" + text.encode(), b"\x01" + text.encode("gb18030"), b"\x02" + html.encode(),
           b"\x05seed"]
    import docx

    d = docx.Document()
    for ln in text.splitlines():
        d.add_paragraph(ln)
    buf = io.BytesIO()
    d.save(buf)
    out.append(b"\x03" + buf.getvalue())
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 11)
    for k, ln in enumerate(text.splitlines()[:30]):
        c.drawString(50, 800 - 20 * k, ln[:40])
    c.save()
    out.append(b"\x04" + buf.getvalue())
    return out


def run_atheris(args: argparse.Namespace) -> None:
    import atheris

    with atheris.instrument_imports():
        import bs4  # noqa: F401  (instrumented too: their error paths are ours to catch)
        import checks  # noqa: F401
        import docx  # noqa: F401
        import pdfplumber  # noqa: F401

        import luoshi.extract  # noqa: F401
        import luoshi.link  # noqa: F401
        import luoshi.outline  # noqa: F401
    corpus = Path(args.corpus or tempfile.mkdtemp(prefix="luoshi-corpus-"))
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for i, s in enumerate(seeds()):
            (corpus / f"seed-{i}").write_bytes(s)
    flags = [f"-max_total_time={args.seconds}", f"-timeout={args.timeout}", "-rss_limit_mb=3072",
             "-max_len=200000", "-print_final_stats=1"]
    atheris.Setup([sys.argv[0], *flags, *(args.files or [str(corpus)])], one_input)
    atheris.Fuzz()


def run_hypothesis(args: argparse.Namespace) -> int:
    """Rounds of the property tests, each with a fresh seed, until the time is up."""
    end = time.monotonic() + args.seconds
    env = {**os.environ, "HYPOTHESIS_PROFILE": "fuzz", "LUOSHI_FUZZ_EXAMPLES": str(args.examples)}
    rounds = 0
    while (left := end - time.monotonic()) > 5:
        seed = random.randrange(2**32)
        cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "tests/reliability/test_properties.py", "-k", "not huge", f"--hypothesis-seed={seed}"]
        try:
            r = subprocess.run(cmd, cwd=ROOT, env=env, timeout=left)
        except subprocess.TimeoutExpired:
            print("time is up in the middle of a round", file=sys.stderr)
            break
        rounds += 1
        if r.returncode != 0:
            print(f"failure with --hypothesis-seed={seed}", file=sys.stderr)
            return 1
    print(f"{rounds} full rounds, no failure", file=sys.stderr)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=300, help="time budget (default 300)")
    ap.add_argument("--timeout", type=int, default=30, help="seconds one input may take (atheris)")
    ap.add_argument("--corpus", help="corpus directory for atheris (default: a new temp dir)")
    ap.add_argument("--hypothesis", action="store_true", help="use hypothesis even if atheris is there")
    ap.add_argument("--examples", type=int, default=300, help="hypothesis examples per test and round")
    ap.add_argument("files", nargs="*", help="crash files to replay (atheris)")
    args = ap.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        args.hypothesis = True
    if args.hypothesis:
        return run_hypothesis(args)
    run_atheris(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
