"""The overview's data: the main expected targets as cards (target, actual, verdict, the task
holding each), the history charts, and the report's roll-ups and overdue tasks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ...link import indicator as indicator_info
from ...services.compare import Comparison, compare
from ...services.readcache import StampedCache, engine, library_stamp, reads_committed
from ...store import Report, ReportFigure, ReportNode
from ...track import services as S
from ...track.status import definitions
from .. import labels as L
from ..svg import Bar, bars, num
from .common import source_label


@dataclass(frozen=True)
class Card:
    indicator: str
    target: str
    actual: str
    verdict: str
    verdict_zh: str
    verdict_def: str
    gap: str
    source: str
    source_report: int | None
    source_figure: int | None
    target_figure: int | None
    task_id: int | None
    status: S.TaskStatus | None
    start: int = -1  # where the target stands in the report's text (finds the task holding it)


def _main_node(s: Session, report_id: int) -> ReportNode | None:
    for n in s.scalars(select(ReportNode).where(ReportNode.report_id == report_id,
                                                ReportNode.kind == "paragraph")):
        if (n.flags or {}).get("main_targets"):
            return n
    return None


def _target_text(c: Comparison) -> str:
    from ...services.across import target_text

    if c.target_comparator == "rule":
        return "定性目标"
    return f"{L.MEASURE_ZH.get(c.measure, '') if c.measure == 'growth' else ''}" \
           f"{target_text(c.target_value, c.target_value_max, c.target_unit, c.target_comparator)}"


def _actual_text(c: Comparison) -> str:
    if c.actual_value is not None:
        return f"{num(c.actual_value)}{c.actual_unit or ''}"
    if c.target_comparator == "rule" and c.verdict in ("met", "missed"):
        return rule_numbers(c.rule) or "见规则"
    return "—"


def rule_numbers(rule: str) -> str:
    """The numbers a qualitative rule compared, as its reason ends:
    '…；居民人均可支配收入 4.9%，地区生产总值 5.1%' → '居民人均可支配收入 4.9%，地区生产总值 5.1%'."""
    tail = (rule or "").rsplit("；", 1)
    return tail[1] if len(tail) == 2 and "%" in tail[1] else ""


def _gap_text(c: Comparison) -> str:
    if c.gap is None:
        return ""
    sign = "+" if c.gap > 0 else ""
    return f"{sign}{num(round(c.gap, 2))}{c.gap_unit}"


def _figure_at(s: Session, report_id: int, start: int) -> int | None:
    return s.scalar(select(ReportFigure.id).where(ReportFigure.report_id == report_id,
                                                  ReportFigure.start == start).order_by(ReportFigure.id).limit(1))


def _figures_at(s: Session, places: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The figure at each (report id, start), as ``_figure_at`` finds it, in one query."""
    by: dict[int, set[int]] = {}
    for rid, start in places:
        by.setdefault(rid, set()).add(start)
    if not by:
        return {}
    q = (select(ReportFigure.report_id, ReportFigure.start, func.min(ReportFigure.id))
         .where(or_(*(and_(ReportFigure.report_id == rid, ReportFigure.start.in_(sorted(starts)))
                      for rid, starts in sorted(by.items()))))
         .group_by(ReportFigure.report_id, ReportFigure.start))
    return {(rid, start): fid for rid, start, fid in s.execute(q)}


HISTORY_YEARS = 10  # years in a target-and-actual chart: a 300-px chart stays readable


@dataclass(frozen=True)
class Targets:
    """What the overview shows of a report's targets that depends on the imported reports alone:
    the cards (without their tasks) and the history charts."""

    cards: list[Card]
    charts: list[Any]


def _targets(s: Session, report: Report) -> Targets:
    """Uncached: the main expected targets with their actuals and verdicts, in the report's
    order, and one chart per indicator of the report's targets."""
    rows = compare(s, region=report.region, year=report.plan_year)
    node = _main_node(s, report.id)
    main = [] if node is None else [c for c in rows if c.target_source.report_id == report.id
                                    and node.start <= c.target_source.start < node.end]
    figs = _figures_at(s, {(report.id, c.target_source.start) for c in main}
                       | {(c.actual_source.report_id, c.actual_source.start) for c in main if c.actual_source})
    out = []
    for c in main:
        a = c.actual_source
        out.append(Card(c.indicator, _target_text(c), _actual_text(c), c.verdict,
                        L.VERDICT_ZH.get(c.verdict, c.verdict), L.VERDICT_DEF.get(c.verdict, ""),
                        _gap_text(c), source_label(a) if a else "", a.report_id if a else None,
                        figs.get((a.report_id, a.start)) if a else None,
                        figs.get((report.id, c.target_source.start)), None, None, c.target_source.start))
    return Targets(out, _history_charts(s, report, rows))


def _history_charts(s: Session, report: Report, rows: list[Comparison]) -> list[Any]:
    """Targets against actuals over the last ``HISTORY_YEARS`` years the library has up to the
    report's year, one small chart per indicator of the report's targets (units differ, so
    each has its own scale)."""
    wanted = {c.target_source.start: c for c in rows
              if c.target_source.report_id == report.id and c.canonical and c.target_value is not None}
    out = []
    for canon in dict.fromkeys(c.canonical for c in wanted.values()):
        rows = [c for c in compare(s, indicator=canon, region=report.region) if c.target_value is not None]
        years = sorted({c.year for c in rows if c.year and (report.plan_year is None or c.year <= report.plan_year)})
        groups = []
        for y in years[-HISTORY_YEARS:]:
            c = next(c for c in rows if c.year == y)
            groups.append((f"{y}年", [Bar("目标", c.target_value, "bar-target"),
                                      Bar("实际", c.actual_value, f"bar-actual v-{c.verdict}",
                                          L.VERDICT_ZH.get(c.verdict, ""))]))
        if groups and any(b.value is not None for _g, bs in groups for b in bs[1:]):
            first = rows[0]
            out.append(bars(groups, title=f"{first.indicator}：目标与实际", unit=first.target_unit,
                            width=300, height=190))
    return out


_TARGETS: StampedCache[Targets] = StampedCache(size=32)


def targets(s: Session, report: Report) -> Targets:
    """``_targets``, kept per report while the library's stamp holds (they depend on the
    imported reports alone: a report's text, figures and outline never change, and every
    import adds a report row): at 2,000 reports they were most of the overview's time — one
    query per card, the comparisons of every year of each indicator, the charts drawn."""
    if not reads_committed(s):
        return _targets(s, report)
    return _TARGETS.get(engine(s), report.id, library_stamp(s), lambda: _targets(s, report))


def _with_task(c: Card, statuses: list[S.TaskStatus]) -> Card:
    """The card with the task that holds its target and that task's status (as ``statuses``
    have it: current to the read)."""
    st = next((t for t in statuses if t.task.start <= c.start < t.task.end), None)
    return replace(c, task_id=st.task.id if st else None, status=st)


@dataclass
class Overview:
    report: Report
    cards: list[Card]
    whole: S.Rollup
    by_section: list[S.Rollup]
    by_department: list[S.Rollup]
    overdue: list[S.TaskStatus]
    charts: list[Any]
    axis: str
    definitions: dict[str, Any]
    rollups: S.Rollups | None = None  # what whole, by_section and by_department come from


def overview(s: Session, report: Report, today: dt.date, axis: str = "reported") -> Overview:
    sts = S.statuses(s, report_id=report.id, today=today)
    roll = S.rollups(s, report.id, today=today)
    t = targets(s, report)
    overdue = [ts for ts in sts if ts.status.schedule.code == "overdue"]
    return Overview(report, [_with_task(c, sts) for c in t.cards], roll.whole, roll.by_section,
                    roll.by_department, overdue, t.charts, axis, definitions(), roll)
