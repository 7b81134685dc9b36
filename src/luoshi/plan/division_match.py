"""A work report's drafted tasks against the real 分工方案 that divides it: which item each task
is (shared words, shared figures), the item's units laid over the task, and how far the draft's
first suggested lead agreed with the plan's."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from .division_fields import REASON, division_words
from .model import Task

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text without punctuation: two wordings of one commitment
    share most of them whatever their list numbers, brackets and clause order."""
    t = _PUNCT.sub("", unicodedata.normalize("NFKC", text))
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


@dataclass(frozen=True)
class Item:
    """What a match compares: the text's bigrams and its figures as (indicator, value)."""

    grams: frozenset[str]
    figures: frozenset[tuple[str, float]] = frozenset()

    @property
    def indicators(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.figures)


def item_of(text: str, figures: Iterable[Any] = ()) -> Item:
    return Item(bigrams(text), frozenset((f.canonical, float(f.value)) for f in figures
                                         if getattr(f, "canonical", None) and f.value is not None))


def match(report: list[Item], division: list[Item], min_overlap: float | None = None) -> list[int | None]:
    """For each report task, the index of the division item that is the same work, or None:
    the item sharing the most bigrams relative to the shorter text, at least ``min_overlap``
    (data), or one sharing a figure (the same indicator and value). An item may take several
    tasks (a report sentence the segmenter cut in two)."""
    limit = float(division_words()["match"]["min_overlap"] if min_overlap is None else min_overlap)
    index: dict[str, list[int]] = {}
    for j, it in enumerate(division):
        for g in it.grams:
            index.setdefault(g, []).append(j)
    by_fig: dict[tuple[str, float], list[int]] = {}
    for j, it in enumerate(division):
        for k in it.figures:
            by_fig.setdefault(k, []).append(j)
    out: list[int | None] = []
    for it in report:
        shared = Counter(j for g in it.grams for j in index.get(g, ()))
        best, score = None, 0.0
        for j, n in shared.items():
            if it.indicators and division[j].indicators and not it.indicators & division[j].indicators:
                continue  # two targets of different indicators (进出口总额 / 社会消费品零售总额 增长6%)
            s = n / max(4, min(len(it.grams), len(division[j].grams)))
            if it.figures & division[j].figures:
                s += 0.5
            if s > score:
                best, score = j, s
        for k in it.figures:
            for j in by_fig.get(k, ()):
                if best is None:
                    best, score = j, 0.5 + shared.get(j, 0) / max(4, len(it.grams))
        out.append(best if score >= limit else None)
    return out


@dataclass
class Agreement:
    """Draft against the real plan: of the report's tasks matched to a division item, how many
    had the item's first lead unit as their first suggested lead."""

    report_tasks: int
    division_items: int
    matched: int
    agree: int
    matches: list[int | None] = field(default_factory=list)  # per report task: its item's index

    @property
    def share(self) -> float | None:
        return round(self.agree / self.matched, 3) if self.matched else None

    def to_dict(self) -> dict[str, Any]:
        return {"report_tasks": self.report_tasks, "division_items": self.division_items,
                "matched": self.matched, "agree": self.agree, "share": self.share}

    def line(self) -> str:
        pct = f" ({self.share:.0%})" if self.share is not None else ""
        return (f"draft vs 分工方案: first lead agrees in {self.agree} of {self.matched} matched tasks{pct}; "
                f"{self.matched} of {self.report_tasks} report tasks matched to {self.division_items} items")


def agreement(drafted_leads: list[str], matches: list[int | None], division_leads: list[str],
              division_items: int) -> Agreement:
    """The agreement figure from each report task's first suggested lead ("" for none)."""
    pairs = [(d, division_leads[j]) for d, j in zip(drafted_leads, matches) if j is not None]
    return Agreement(len(drafted_leads), division_items, len(pairs),
                     sum(1 for d, r in pairs if d and d == r), list(matches))


def overlay(tasks: list[Task], figures: list, division: list[Task], division_figures: list) -> Agreement:
    """Give the report's drafted ``tasks`` the units, leader and deadline of the division item
    each matches (fields a person edited stay theirs), and say how far the draft agreed."""
    fr = {f.id: f for f in figures}
    fd = {f.id: f for f in division_figures}
    matches = match([item_of(t.text, [fr[i] for i in t.figures if i in fr]) for t in tasks],
                    [item_of(d.text, [fd[i] for i in d.figures if i in fd]) for d in division])
    result = agreement([t.lead_units[0] if t.lead_units else "" for t in tasks], matches,
                       [d.lead_units[0] if d.lead_units else "" for d in division], len(division))
    for t, j in zip(tasks, matches):
        if j is None:
            continue
        d = division[j]
        if not d.lead_units and not d.resp_units:
            continue
        for name, value in (("lead_units", list(d.lead_units)), ("resp_units", list(d.resp_units)),
                            ("lead_leader", d.lead_leader)):
            if name not in t.edited:
                setattr(t, name, value)
        if d.deadline_text and "deadline" not in t.edited:
            t.deadline, t.deadline_text = d.deadline, d.deadline_text
        t.confidence = 1.0
        t.reasons = [f"{REASON} item {d.number}: {d.text[:40]}"]
    return result
