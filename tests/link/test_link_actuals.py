"""Several sources for one actual: the more official and later one wins, the others are kept."""

from __future__ import annotations

from types import SimpleNamespace

from luoshi import link


def src(value, kind, date, role="actual"):
    return link.Sourced(SimpleNamespace(value=value, role=role), kind, date)


def test_bulletin_beats_plan_execution_beats_work_report():
    report = src(5.0, "work_report", "2025-01-20")
    plan = src(5.1, "plan_execution", "2025-01-16")
    bulletin = src(5.1, "bulletin", "2025-03-10")
    chosen, others = link.pick_actual([report, plan, bulletin])
    assert chosen is bulletin and others == [plan, report]


def test_a_budget_report_ranks_with_the_plan_execution_report_above_the_work_report():
    report = src(0.4, "work_report", "2026-01-20")
    budget = src(0.5, "budget", "2026-01-18")
    plan = src(0.3, "plan_execution", "2026-01-16")
    division = src(0.6, "division", "2026-03-01")  # a 分工方案 holds targets: it ranks as unknown
    chosen, others = link.pick_actual([division, report, plan, budget])
    assert chosen is budget and others == [plan, report, division]


def test_later_date_breaks_a_tie_of_kind():
    early, late = src(1, "bulletin", "2025-03-01"), src(2, "bulletin", "2025-06-30")
    assert link.pick_actual([early, late])[0] is late


def test_an_actual_beats_an_estimate():
    estimate = src(5.2, "bulletin", "2025-03-01", role="estimate")
    final = src(5.1, "work_report", "2025-01-20")
    chosen, others = link.pick_actual([estimate, final])
    assert chosen is final and others == [estimate]


def test_unknown_kind_and_ties_keep_input_order():
    a, b = src(1, None, None), src(2, "other", None)
    assert link.pick_actual([a, b]) == (a, [b])
    assert link.pick_actual([]) == (None, [])


def test_sourced_wraps_a_document():
    figs = [SimpleNamespace(value=1, role="actual")]
    out = link.sourced(figs, {"kind": "plan_execution", "date": "2025-01-16"})
    assert out == [link.Sourced(figs[0], "plan_execution", "2025-01-16")]
