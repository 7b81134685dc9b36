"""Choosing one actual when several sources report the same indicator, region and year.

A year's result is first announced in the next January's work report and plan-execution
report (often as 预计, an estimate), then fixed by the statistical bulletin in spring, and
sometimes revised later. So: an actual beats an estimate; then the more official kind of
source wins (bulletin > plan-execution or budget report > work report > anything else, as
``[sources]`` of verdicts.toml ranks them); then the later date. The others are returned too, so a UI can show every source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .verdicts import settings

ROLE_RANK = {"actual": 1, "estimate": 0}


@dataclass(frozen=True)
class Sourced:
    """An actual figure with where it comes from (outline metadata ``kind`` and ISO ``date``)."""

    figure: Any
    kind: str | None = None  # bulletin | plan_execution | work_report | other
    date: str | None = None  # "2025-01-16"


def sourced(figures: Iterable[Any], metadata: Mapping[str, Any]) -> list[Sourced]:
    """Wrap a document's figures with its metadata (``Outline.metadata``: kind, date)."""
    return [Sourced(f, metadata.get("kind"), metadata.get("date")) for f in figures]


def _rank(c: Sourced) -> tuple[int, int, str]:
    rank = settings().source_rank
    return (ROLE_RANK.get(getattr(c.figure, "role", "actual"), 0), rank.get(c.kind or "", 0), c.date or "")


def pick_actual(candidates: Sequence[Sourced]) -> tuple[Sourced | None, list[Sourced]]:
    """(the preferred candidate, the others best first). Ties keep the input order.

    The candidates should be about the same indicator, region and year; that is not checked.
    """
    ordered = sorted(candidates, key=_rank, reverse=True)  # sorted is stable
    return (ordered[0], ordered[1:]) if ordered else (None, [])
