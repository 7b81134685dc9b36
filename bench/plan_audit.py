"""Re-measure the hand audit of the draft 分工方案 on the twelve real 2026 reports (plan_audit.json).

The figures are the hand judgements stored with each sample: the share of the sampled tasks
whose boundaries are right, and the share of plausible first lead units (null: not judged). A judgement holds only
for the output it was made on: this script drafts the plans again and lists every sampled row
whose task (span) or first lead differs from the judged one, so the next session judges those
again and updates the file. Run: PYTHONPATH=src python bench/plan_audit.py [--real DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import luoshi
from luoshi.plan.assign import load_departments
from luoshi.plan.draft import draft_plan

HERE = Path(__file__).parent


def _current(real: Path, docs: set[str]) -> dict[str, list]:
    meta = {m["doc"]: m for m in (json.loads(x) for x in (real / "meta.jsonl").read_text(encoding="utf-8").splitlines()
                                  if x.strip())}
    out = {}
    for d in sorted(docs):
        doc = luoshi.read(real / "docs" / f"{d}.txt")
        deps = load_departments(region=meta[d]["region"], level=meta[d]["level"])
        out[d] = draft_plan(doc, departments=deps)
    return out


def _stale(rows: list[dict], tasks: dict[str, list]) -> list[tuple]:
    """Rows whose task (span) or first lead is not the one judged."""
    out = []
    for k, r in enumerate(rows):
        b, judged = r["before"], r["after"]
        now = next((t for t in tasks[r["doc"]] if t.nstart < b["nend"] and b["nstart"] < t.nend), None)
        if now is None and judged is None:
            continue
        # a task with no lead of its own has the catalogue's default lead in the drafted plan
        if now is None or judged is None or (now.nstart, now.nend) != (judged["nstart"], judged["nend"]) \
                or (judged["lead"] and now.lead_units[:1] != judged["lead"][:1]):
            out.append((k, r["text"][:40], judged, None if now is None else
                        {"nstart": now.nstart, "nend": now.nend, "lead": now.lead_units}))
    return out


def _share(rows: list[dict], key: str) -> str:
    seen = [r[key] for r in rows if r[key] is not None]
    return f"{sum(seen)}/{len(seen)} = {sum(seen) / len(seen):.1%}" if seen else "not judged"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(HERE.parent.parent / "shared" / "real"))
    args = ap.parse_args()
    data = json.loads((HERE / "plan_audit.json").read_text(encoding="utf-8"))
    docs = {r["doc"] for s in data["samples"] for r in s["rows"]}
    tasks = _current(Path(args.real), docs)
    for sample in data["samples"]:
        rows = sample["rows"]
        print(f"sample {sample['name']} ({len(rows)} tasks)")
        for when in ("before", "after"):
            print(f"  {when}: boundaries right {_share(rows, when + '_boundary_ok')}; "
                  f"plausible first lead {_share(rows, when + '_lead_ok')}")
        stale = _stale(rows, tasks)
        print(f"  rows to judge again (task or first lead changed since the audit): {len(stale)}")
        for k, text, judged, now in stale:
            print(f"    row {k}: {text}… judged {judged} now {now}")


if __name__ == "__main__":
    main()
