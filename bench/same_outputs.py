#!/usr/bin/env python3
"""Dump the outline JSON and the extraction JSON Lines of every text we have, to compare two
checkouts: a speed-up of the parse path must leave every output byte for byte as it was.

usage: PYTHONPATH=CHECKOUT/src .venv/bin/python bench/same_outputs.py OUTDIR
       diff -r BEFORE_DIR AFTER_DIR        (no output: the same)

Texts: the shared real reports, seeds and samples, tests/corpus, tests/heldout, the bundled
samples and the outline fixtures, read from their files; and the real reports and the example
as users get them (tests/extract/textvariants.py: flattened, wrapped as from a PDF, paged with
furniture, in traditional characters, cut at 各位代表, inside a site's page), written to
OUTDIR/texts first and read from there. Each is run through the CLI in this process
(``outline FILE --format json`` and ``extract FILE --format jsonl``), so what is compared is
what a user sees.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tests" / "extract"))

import textvariants as tv  # noqa: E402

DIRS = [SHARED / "real" / "docs", SHARED / "seeds", SHARED / "samples", ROOT / "tests" / "corpus",
        ROOT / "tests" / "heldout", ROOT / "src" / "luoshi" / "data" / "samples",
        ROOT / "tests" / "outline" / "fixtures", ROOT / "tests" / "plan" / "fixtures"]
VARIANTS = {
    "flat": lambda t: tv.flatten(t),
    "flatsp": lambda t: tv.flatten(t, " "),
    "wrapped": lambda t: tv.wrapped(t),
    "paged": lambda t: tv.paged(t),
    "pagedsent": lambda t: tv.paged(t, at_sentence=True),
    "trad": lambda t: tv.traditional(t),
    "salut": lambda t: tv.from_salutation(t),
    "site": lambda t: tv.with_site(t, "某某省人民政府"),
    "flatwrap": lambda t: tv.compose(t, tv.flatten, tv.wrapped),
    # what normalisation deletes, so that offsets map through many runs
    "crlf": lambda t: tv.identity(t.replace("\n", "\r\n")),
    "debris": lambda t: tv.identity(re.sub(r"(?m)^(?=.)", "[bookmark: _GoBack]", t).replace("。", "。\u200b")),
}


def _cli(*args: str) -> str:
    from luoshi.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(list(args), standalone_mode=False)
        except SystemExit:
            pass
    return out.getvalue()


def main() -> None:
    import luoshi

    out = Path(sys.argv[1])
    (out / "texts").mkdir(parents=True, exist_ok=True)
    files = sorted({p for d in DIRS if d.exists() for p in d.glob("*.txt")})
    for p in sorted(SHARED.joinpath("real", "docs").glob("*.txt")) + [luoshi.sample_path()]:
        text = p.read_text(encoding="utf-8")
        for name, make in VARIANTS.items():
            try:
                v = make(text)
            except ValueError:  # no 各位代表 to cut at
                continue
            f = out / "texts" / f"{p.stem}.{name}.txt"
            f.write_bytes(v.text.encode("utf-8"))  # as it is: a CRLF stays
            files.append(f)
    print(f"luoshi from {luoshi.__file__}; {len(files)} texts")
    for f in files:
        key = f"{f.parent.name}__{f.stem}"
        (out / f"{key}.outline.json").write_text(_cli("outline", str(f), "--format", "json"), encoding="utf-8")
        (out / f"{key}.figures.jsonl").write_text(_cli("extract", str(f), "--format", "jsonl"), encoding="utf-8")


if __name__ == "__main__":
    main()
