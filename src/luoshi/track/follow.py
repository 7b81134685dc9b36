"""The rule that says which task of a new version of a report continues which task of an earlier
one. Pure: tasks in, pairs and what is left out; the store's side is ``track.versions``.

1. The same key (``plan.model.task_key``: the same normalised wording, whatever its number or
   section) pairs the two tasks. Where earlier tasks share a key, the newest version's wins.
2. The tasks left on both sides are paired by wording within the same section — the section path
   with the ordinals of its headings left out, so a section inserted before it changes nothing —
   when their similarity (``similarity``) reaches ``similar`` (data/tracking.toml, ``[versions]``)
   and each is the other's best by at least ``margin`` over every other task left in the
   section. Pairs taken leave fewer rivals, so the step repeats until it takes none.
3. What is left is for a person: earlier tasks with candidates at or above ``similar`` that the
   margin did not separate (ambiguous), earlier tasks with none (no counterpart), and new tasks
   no earlier one continues (no ancestor).

The cases are in tests/track/follow_cases.json (README: "Tasks follow a new version").
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..ingest.normalize import normalize
from ..outline.text import ITEM_STYLES, PART, SECTION, STRIP_MARKER

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PUNCT = re.compile(r"[^\w#]+")  # spaces and punctuation (after the numbers are one sign)
_HEADS = (PART, SECTION, *(ITEM_STYLES[s] for s in sorted(STRIP_MARKER)))


@dataclass(frozen=True)
class Rule:
    similar: float = 0.85
    margin: float = 0.05


@lru_cache(maxsize=1)
def rule() -> Rule:
    """``[versions]`` of data/tracking.toml."""
    raw = tomllib.loads((resources.files("luoshi") / "data" / "tracking.toml").read_text(encoding="utf-8"))
    v = raw.get("versions", {})
    r = Rule(float(v.get("similar", Rule.similar)), float(v.get("margin", Rule.margin)))
    if not (0 < r.similar <= 1 and 0 <= r.margin < 1):
        raise ValueError(f"tracking.toml [versions]: similar must be in (0, 1] and margin in [0, 1), got {r}")
    return r


def wording(text: str) -> str:
    """What the similarity reads: the normalised text (full-width folded, traditional to
    simplified) without spaces or punctuation, every number one sign."""
    return _PUNCT.sub("", _NUMBER.sub("#", normalize(text, simplify=True)[0]))


def section_key(section: str) -> str:
    """The section path with each heading's ordinal left out ("（三）…", "二、…", "1. …")."""
    parts = []
    for title in normalize(section)[0].split(" / "):
        t = title.strip()
        for pat in _HEADS:
            m = pat.match(t)
            if m:
                t = t[m.end():]
                break
        parts.append("".join(t.split()))
    return " / ".join(parts)


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two wordings (see ``wording``): 2 × matched characters / both lengths."""
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Side:
    """A task as the rule reads it. ``rank`` orders earlier tasks by version, newest first (0),
    for keys that several earlier versions share."""

    id: int
    key: str
    text: str
    section: str
    rank: int = 0


@dataclass(frozen=True)
class Pair:
    old: int
    new: int
    how: str  # key | similar
    score: float


@dataclass
class Matching:
    pairs: list[Pair] = field(default_factory=list)
    ambiguous: dict[int, list[tuple[int, float]]] = field(default_factory=dict)  # old → [(new, score)], best first
    no_counterpart: list[int] = field(default_factory=list)  # earlier tasks without a candidate
    no_ancestor: list[int] = field(default_factory=list)  # new tasks no earlier one continues

    def to_dict(self) -> dict:
        return {"pairs": [[p.old, p.new, p.how, round(p.score, 3)] for p in self.pairs],
                "ambiguous": {str(k): [[n, round(s, 3)] for n, s in v] for k, v in self.ambiguous.items()},
                "no_counterpart": list(self.no_counterpart), "no_ancestor": list(self.no_ancestor)}


def match(old: list[Side], new: list[Side], r: Rule | None = None) -> Matching:
    """Pair ``old`` (open tasks of earlier versions) with ``new`` (tasks of the new version that
    continue none yet); see the module docstring."""
    r = r or rule()
    out = Matching()
    by_key: dict[str, Side] = {}
    for o in sorted(old, key=lambda o: (o.rank, o.id)):
        by_key.setdefault(o.key, o)
    left_new: list[Side] = []
    taken: set[int] = set()
    for n in sorted(new, key=lambda n: n.id):
        o = by_key.get(n.key)
        if o is not None and o.id not in taken:
            taken.add(o.id)
            out.pairs.append(Pair(o.id, n.id, "key", 1.0))
        else:
            left_new.append(n)
    left_old = [o for o in sorted(old, key=lambda o: o.id) if o.id not in taken]
    score = _scores(left_old, left_new)
    olds, news = {o.id for o in left_old}, {n.id for n in left_new}
    tol = 1e-9
    while True:
        took = []
        for o in sorted(olds):
            row = sorted(((s, n) for (oo, n), s in score.items() if oo == o and n in news), reverse=True)
            if not row or row[0][0] < r.similar - tol:
                continue
            best, n = row[0]
            rival_new = row[1][0] if len(row) > 1 else 0.0
            rival_old = max((s for (oo, nn), s in score.items() if nn == n and oo != o and oo in olds), default=0.0)
            if best - max(rival_new, rival_old) >= r.margin - tol:
                took.append(Pair(o, n, "similar", best))
                olds.discard(o)
                news.discard(n)
        if not took:
            break
        out.pairs.extend(took)
    for o in sorted(olds):
        cands = sorted(((n, s) for (oo, n), s in score.items() if oo == o and n in news and s >= r.similar - tol),
                       key=lambda x: (-x[1], x[0]))
        if cands:
            out.ambiguous[o] = cands
        else:
            out.no_counterpart.append(o)
    out.no_ancestor = sorted(news)
    return out


def _scores(old: list[Side], new: list[Side]) -> dict[tuple[int, int], float]:
    """The similarity of every earlier and new task of the same section."""
    sections: dict[str, list[Side]] = {}
    for n in new:
        sections.setdefault(section_key(n.section), []).append(n)
    words = {("n", n.id): wording(n.text) for n in new}
    out = {}
    for o in old:
        w = wording(o.text)
        for n in sections.get(section_key(o.section), ()):
            out[(o.id, n.id)] = similarity(w, words[("n", n.id)])
    return out
