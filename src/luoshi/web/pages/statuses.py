"""What a task's statuses mean (the legend) and why a task has its value on each axis, in
Chinese: the pages show both beside the statuses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ...track import services as S
from ...track.status import definitions
from ..svg import num


def status_definitions() -> dict[str, Any]:
    """Every status value of every axis with its label and definition (for the legend)."""
    return definitions()


def _gap_words(gap: float, unit: str) -> str:
    u = "个百分点" if unit == "%" else unit
    return f"{'+' if gap > 0 else ''}{num(round(gap, 2))}{u}"


def source_names(s: Session, statuses: Iterable[S.TaskStatus]) -> dict[str, str]:
    """The reports the statuses' actuals come from (``numbers.source``, a report's doc id), by
    the name people know them by (``report_label``)."""
    from ...store import Report
    from .common import report_label

    docs = {t.status.numbers.source for t in statuses} - {None, "update", "report"}
    if not docs:
        return {}
    rows = s.scalars(select(Report).where(Report.doc.in_(docs)).order_by(Report.id).options(defer(Report.original)))
    return {r.doc: report_label(r) for r in rows}  # the newest version's name last, so it wins


def source_words(source: str | None, names: Mapping[str, str] | None = None) -> str:
    """Where an actual came from, in words: 报送 (a department's update), else 统计 and the
    report's name — never its doc id."""
    if source == "update":
        return "报送"
    name = (names or {}).get(source or "")
    return f"统计，{name}" if name else "统计"


def detail(ts: S.TaskStatus, axis: str, names: Mapping[str, str] | None = None) -> str:
    """Why an axis has its value, in Chinese, from the numbers the engine worked with (``names``:
    the reports' names by doc id, from ``source_names``)."""
    st = ts.status
    if axis == "reported":
        u = ts.latest_update
        return f"最近一次报送：{u.reported_on}（{u.department or u.by or ''}）" if u else ""
    if axis == "evidence":
        n = st.numbers
        if n.basis == "value" and n.actual is not None and n.expected is not None:
            src = source_words(n.source, names)
            return (f"{n.as_of} 实际 {num(n.actual)}{n.unit}（{src}），按进度应达 {num(round(n.expected, 2))}{n.unit}，"
                    f"差 {_gap_words(n.gap or 0.0, n.unit)}")
        if n.basis == "percent" and n.actual is not None and n.expected is not None:
            return f"{n.as_of} 报完成 {num(n.actual)}%，按时间应完成 {num(round(n.expected, 1))}%"
        return ""
    if axis == "schedule":
        d = st.deadline
        if d is None:
            return ""
        if st.completed_on:
            return f"{st.completed_on} 报完成，时限 {d}"
        days = (d - st.today).days
        return f"已超过时限 {-days} 天（{d}）" if days < 0 else f"距时限 {days} 天（{d}）"
    if axis == "confidence" and ts.rating:
        r = ts.rating
        when = r.created_at.date().isoformat() if r.created_at else ""
        return f"{r.by or ''} {when} 评价：{r.reason}"
    return ""
