"""Re-measure the hand audit of the draft 分工方案 on the twelve real 2026 reports (plan_audit.json).

The figures are the hand judgements stored with the sample: the share of the 60 sampled tasks
whose boundaries are right, and the share of plausible first lead units. A judgement holds only
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(HERE.parent.parent / "shared" / "real"))
    args = ap.parse_args()
    data = json.loads((HERE / "plan_audit.json").read_text(encoding="utf-8"))
    rows = data["rows"]
    tasks = _current(Path(args.real), {r["doc"] for r in rows})
    stale = []
    for k, r in enumerate(rows):
        b = r["before"]
        now = next((t for t in tasks[r["doc"]] if t.nstart < b["nend"] and b["nstart"] < t.nend), None)
        judged = r["after"]
        if now is None and judged is None:
            continue
        if now is None or judged is None or (now.nstart, now.nend) != (judged["nstart"], judged["nend"]) \
                or now.lead_units[:1] != judged["lead"][:1]:
            stale.append((k, r["text"][:40], judged, None if now is None else
                          {"nstart": now.nstart, "nend": now.nend, "lead": now.lead_units}))
    n = len(rows)
    for when in ("before", "after"):
        ok_b = sum(bool(r[f"{when}_boundary_ok"]) for r in rows)
        leads = [r[f"{when}_lead_ok"] for r in rows if r[f"{when}_lead_ok"] is not None]
        print(f"{when}: boundaries right {ok_b}/{n} = {ok_b / n:.1%}; "
              f"plausible first lead {sum(leads)}/{len(leads)} = {sum(leads) / len(leads):.1%}")
    print(f"rows to judge again (task or first lead changed since the audit): {len(stale)}")
    for k, text, judged, now in stale:
        print(f"  row {k}: {text}… judged {judged} now {now}")


if __name__ == "__main__":
    main()
