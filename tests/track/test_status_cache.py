"""The status cache (luoshi.track.views.CACHE) on SQLite and PostgreSQL: a second read is
served from it, and every change that can move a status — a write through any tracking service,
a write by another process, an import, another date — shows up on the very next read, equal to
the uncached computation. A transaction that wrote (and may roll back) never fills it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import types
from dataclasses import dataclass

import pytest
from sqlalchemy import event

from luoshi import sample_path, store
from luoshi.services.importer import import_file
from luoshi.track import services as S
from luoshi.track import views
from luoshi.track.services import ProgressInput
from luoshi.track.status import settings
from luoshi.track.tasks import load_tasks

D = dt.date
DAY = D(2024, 7, 1)


@dataclass
class Lib:
    sessions: object
    url: str
    report_id: int
    gdp: int  # task 1, GDP growth 5.5%左右, lead 省发展改革委
    other: int  # task 2

    def read(self, **kw):
        with self.sessions() as s:
            return plain(S.statuses(s, **{"report_id": self.report_id, "today": DAY, **kw}))

    def uncached(self, *, today=DAY, **kw):
        with self.sessions() as s:
            tasks = load_tasks(s, **{"report_id": self.report_id, **kw})
            return plain(views._compute(s, tasks, today, settings()))


def plain(sts) -> list[dict]:
    return [ts.to_dict() for ts in sts]


@pytest.fixture
def lib(sessions, db_url) -> Lib:
    report = import_file(sessions, sample_path())
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM)
    by = {t.number: t.id for t in made.created}
    return Lib(sessions, db_url, report.report_id, by[1], by[2])


def write(lib: Lib, fn) -> None:
    with store.write_transaction(lib.sessions) as s:
        fn(s)


def statements(sessions):
    """Count the SQL statements the engine runs (BEGIN aside) while the context is open."""
    seen: list[str] = []
    engine = store.engine_of(sessions)

    def on(_conn, _cur, sql, *_a):
        if not sql.lstrip().upper().startswith("BEGIN"):
            seen.append(sql)

    class Counter:
        def __enter__(self):
            event.listen(engine, "before_cursor_execute", on)
            return seen

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", on)

    return Counter()


def gdp_of(rows: list[dict], task_id: int) -> dict:
    return next(r for r in rows if r["task"]["id"] == task_id)


def test_second_read_comes_from_the_cache_and_equals_the_computation(lib):
    write(lib, lambda s: S.report_progress(s, lib.gdp, ProgressInput(D(2024, 3, 31), "in_progress", "一季度",
                                                                    value=5.3, unit="%"), S.SYSTEM, None))
    with statements(lib.sessions) as first:
        a = lib.read()
    with statements(lib.sessions) as second:
        b = lib.read()
    assert a == b == lib.uncached()
    assert len(first) > 10
    assert len(second) <= 2  # the stamp only: the report's tasks, the library's reports
    with lib.sessions() as s:
        assert plain([S.task_status(s, lib.gdp, today=DAY)]) == [gdp_of(a, lib.gdp)]
        assert S.rollups(s, lib.report_id, today=DAY) == views._rollups(
            lib.report_id, DAY, settings(), S.statuses(s, report_id=lib.report_id, today=DAY))
        dep = S.statuses(s, department="省发展改革委", today=DAY)
    assert plain(dep) == lib.uncached(department="省发展改革委")
    assert lib.gdp in {r["task"]["id"] for r in plain(dep)} and len(dep) < len(a)


WRITES = {
    "progress": lambda lib, s: S.report_progress(
        s, lib.gdp, ProgressInput(D(2024, 6, 30), "in_progress", "上半年", value=5.4, unit="%"), S.SYSTEM, None),
    "rating": lambda lib, s: S.rate(s, lib.gdp, "red", "增速偏低", S.SYSTEM),
    "assignment": lambda lib, s: S.assign(s, lib.gdp, ["省财政厅"], "responsible", S.SYSTEM),
    "unassignment": lambda lib, s: S.unassign(s, lib.gdp, "省发展改革委", "lead", S.SYSTEM),
    "milestones": lambda lib, s: S.set_milestones(s, lib.gdp, [(D(2024, 6, 30), 5.0)], S.SYSTEM),
    "revision": lambda lib, s: S.revise_target(s, lib.gdp, D(2024, 5, 1), {"deadline": "2024-06-30"},
                                               "省政府决定提前完成", S.SYSTEM),
}


@pytest.mark.parametrize("what", sorted(WRITES))
def test_a_write_shows_on_the_next_read(lib, what):
    before = lib.read()
    lib.read()  # cached now
    write(lib, lambda s: WRITES[what](lib, s))
    after = lib.read()
    assert after == lib.uncached()
    assert gdp_of(after, lib.gdp) != gdp_of(before, lib.gdp)
    assert [r for r in after if r["task"]["id"] != lib.gdp] == [r for r in before if r["task"]["id"] != lib.gdp]


SCRIPT = textwrap.dedent("""
    import datetime as dt, sys
    from luoshi import store
    from luoshi.track import services as S
    sessions = store.open(sys.argv[1])
    with store.write_transaction(sessions) as s:
        S.report_progress(s, int(sys.argv[2]), S.ProgressInput(dt.date(2024, 6, 30), "completed", "另一进程",
                                                                percent=100), S.SYSTEM, None)
    store.close(sessions)
""")


def test_a_write_by_another_process_shows_on_the_next_read(lib):
    before = lib.read()
    assert gdp_of(before, lib.other)["status"]["reported"]["code"] == "no_update"
    subprocess.run([sys.executable, "-c", SCRIPT, lib.url, str(lib.other)], check=True, timeout=120)
    after = lib.read()
    assert gdp_of(after, lib.other)["status"]["reported"]["code"] == "completed"
    assert after == lib.uncached()


def test_an_import_shows_on_the_next_read(lib):
    day = D(2025, 2, 1)  # the plan-execution report's actual (GDP 5.1%, dated 2024-12-31) counts
    before = lib.read(today=day)
    assert gdp_of(before, lib.gdp)["status"]["evidence"]["code"] == "unknown"
    import_file(lib.sessions, sample_path("ln-2024-plan-exec.txt"))
    after = lib.read(today=day)
    assert gdp_of(after, lib.gdp)["status"]["evidence"]["code"] == "at_risk"
    assert after == lib.uncached(today=day)


def test_another_date_is_another_entry(lib, monkeypatch):
    june = lib.read(today=D(2024, 6, 1))
    lib.read(today=D(2024, 6, 1))
    jan = lib.read(today=D(2025, 1, 2))
    assert {r["status"]["schedule"]["code"] for r in june} != {r["status"]["schedule"]["code"] for r in jan}
    assert jan == lib.uncached(today=D(2025, 1, 2))
    assert june == lib.uncached(today=D(2024, 6, 1))

    # the implicit date too: the same read on the next day is judged on the next day
    class Today(dt.date):
        now = D(2024, 6, 1)

        @classmethod
        def today(cls):
            return cls.now

    monkeypatch.setattr(views, "dt", types.SimpleNamespace(date=Today, datetime=dt.datetime))
    with lib.sessions() as s:
        assert plain(S.statuses(s, report_id=lib.report_id)) == june
    Today.now = D(2025, 1, 2)
    with lib.sessions() as s:
        assert plain(S.statuses(s, report_id=lib.report_id)) == jan


def test_a_transaction_that_wrote_does_not_fill_the_cache(lib):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), store.write_transaction(lib.sessions) as s:
        S.report_progress(s, lib.gdp, ProgressInput(D(2024, 6, 30), "completed", "未提交", percent=100),
                          S.SYSTEM, None)
        seen = plain(S.statuses(s, report_id=lib.report_id, today=DAY))
        assert gdp_of(seen, lib.gdp)["status"]["reported"]["code"] == "completed"  # its own write
        raise Undo
    # a committed write that brings the task to the very same version as the undone one
    write(lib, lambda s: S.rate(s, lib.gdp, "amber", "需关注", S.SYSTEM))
    after = lib.read()
    assert gdp_of(after, lib.gdp)["status"]["reported"]["code"] == "no_update"
    assert gdp_of(after, lib.gdp)["status"]["confidence"]["code"] == "amber"
    assert after == lib.uncached()


def test_comparisons_are_reused_until_an_import(lib):
    from luoshi.services import compare as C

    def rows(**kw):
        with lib.sessions() as s:
            return [c.to_dict() for c in C.compare(s, region="辽宁", **kw)]

    def fresh(**kw):
        with lib.sessions() as s:
            return [c.to_dict() for c in C._compare(s, region="辽宁", indicator=None, year=None, tolerance=None, **kw)]

    before = rows()
    with statements(lib.sessions) as again:
        assert rows() == before
    assert len(again) == 1  # the library's stamp
    assert {c["verdict"] for c in before} <= {"no_data", "needs_judgement"}
    import_file(lib.sessions, sample_path("ln-2024-plan-exec.txt"))
    after = rows()
    assert after == fresh() and after != before
    assert any(c["verdict"] == "missed" and c["canonical"] == "gdp" for c in after)


def test_report_choices_follow_imports_and_tasks(sessions):
    from luoshi.store import current_reports

    def both():
        with sessions() as s:
            return views.report_choices(s), views.default_report_id(s), [r.id for r in current_reports(s)]

    assert both() == ([], None, [])
    example = import_file(sessions, sample_path()).report_id
    choices, default, ids = both()
    assert [c.id for c in choices] == ids == [example] and default == example
    plan_exec = import_file(sessions, sample_path("ln-2024-plan-exec.txt")).report_id
    choices, default, ids = both()
    assert [c.id for c in choices] == ids and default == max(example, plan_exec)  # newest, no tasks anywhere
    with store.write_transaction(sessions) as s:
        S.tasks_from_report(s, example, S.SYSTEM)
    choices, default, _ids = both()
    assert default == example  # the one with tasks wins
    assert {c.id: c.tasks for c in choices}[example] > 100 and {c.id: c.tasks for c in choices}[plan_exec] == 0


def test_stamped_cache_computes_once_per_stamp_and_stays_bounded(sessions):
    import threading

    from luoshi.services.readcache import StampedCache

    engine = store.engine_of(sessions)
    cache: StampedCache[list[int]] = StampedCache(size=2)
    calls: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow() -> list[int]:
        calls.append("slow")
        started.set()
        release.wait(30)
        return [1]

    got: list[list[int]] = []
    first = threading.Thread(target=lambda: got.append(cache.get(engine, "a", (1,), slow)))
    first.start()
    started.wait(30)
    second = threading.Thread(target=lambda: got.append(cache.get(engine, "a", (1,), slow)))
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert calls == ["slow"] and got[0] is got[1]  # the second waited for the first's result
    assert cache.get(engine, "a", (2,), lambda: [2]) == [2]  # another stamp: computed afresh
    cache.get(engine, "b", (1,), lambda: [3])
    cache.get(engine, "c", (1,), lambda: [4])
    assert cache.peek(engine, "a", (2,)) is None and cache.peek(engine, "c", (1,)) == [4]  # LRU of 2


def test_after_a_write_only_the_written_task_is_recomputed(lib, monkeypatch):
    """The entry kept before is the base: a write to one task recomputes that task alone (each
    write bumps its task's version); an import (the library moved) recomputes the report."""
    lib.read()
    computed: list[int] = []
    real = views._compute

    def counting(session, tasks, today, cfg):
        computed.append(len(tasks))
        return real(session, tasks, today, cfg)

    monkeypatch.setattr(views, "_compute", counting)
    write(lib, lambda s: WRITES["rating"](lib, s))
    after = lib.read()
    assert computed == [1]
    monkeypatch.setattr(views, "_compute", real)
    assert after == lib.uncached()
    monkeypatch.setattr(views, "_compute", counting)
    import_file(lib.sessions, sample_path("ln-2024-plan-exec.txt"))
    assert lib.read() == lib.uncached() and computed[1] == len(after)


# ---------------------------------------------------------------- the overview's pieces (web.pages)

def overview_of(lib: Lib, today=DAY, *, cached: bool = True) -> dict:
    """The overview's cards and charts as plain data, read as a page reads them — or uncached,
    inside a writing transaction (which neither reads nor fills any cache)."""
    from luoshi.store import Report
    from luoshi.web.pages import overview as P

    def plain_overview(s) -> dict:
        o = P.overview(s, s.get(Report, lib.report_id), today)
        return {"cards": [(c.indicator, c.target, c.actual, c.verdict, c.gap, c.source, c.source_report,
                           c.source_figure, c.target_figure, c.task_id,
                           c.status.to_dict() if c.status else None) for c in o.cards],
                "charts": [str(ch) for ch in o.charts]}

    if cached:
        with lib.sessions() as s:
            return plain_overview(s)
    with store.write_transaction(lib.sessions) as s:
        return plain_overview(s)


def card(o: dict, indicator: str) -> tuple:
    return next(c for c in o["cards"] if c[0] == indicator)


def test_overview_targets_are_kept_and_follow_writes_and_imports(lib):
    """Cards and charts are kept per report under the library stamp (a second read runs no
    query for them); a tracking write shows on the card's status at the next read, an import
    on its verdict, actual and chart — each equal to the uncached computation."""
    day = D(2025, 2, 1)
    first = overview_of(lib, day)
    assert first == overview_of(lib, day, cached=False)
    gdp = card(first, "地区生产总值")
    assert gdp[3] == "no_data" and gdp[9] == lib.gdp and gdp[10]["status"]["reported"]["code"] == "no_update"
    assert len(first["cards"]) >= 10 and first["charts"] == []  # no actual in the library yet: no chart
    with statements(lib.sessions) as again:
        assert overview_of(lib, day) == first
    assert not [q for q in again if "FROM outline_nodes" in q or "FROM figures" in q]  # nothing recomputed

    write(lib, lambda s: S.report_progress(s, lib.gdp, ProgressInput(D(2024, 12, 31), "completed", "全年",
                                                                     value=5.2, unit="%"), S.SYSTEM, None))
    after_write = overview_of(lib, day)
    assert card(after_write, "地区生产总值")[10]["status"]["reported"]["code"] == "completed"
    assert after_write == overview_of(lib, day, cached=False)

    import_file(lib.sessions, sample_path("ln-2024-plan-exec.txt"))
    after_import = overview_of(lib, day)
    gdp = card(after_import, "地区生产总值")
    assert gdp[2] == "5.1%" and gdp[3] == "missed" and gdp[6] not in (None, lib.report_id) and gdp[7]
    assert any("地区生产总值：目标与实际" in ch for ch in after_import["charts"])
    assert after_import == overview_of(lib, day, cached=False)


def test_a_transaction_that_wrote_does_not_fill_the_overview_cache(lib):
    from luoshi.services.readcache import library_stamp
    from luoshi.store import Report
    from luoshi.web.pages import overview as P

    engine = store.engine_of(lib.sessions)
    P._TARGETS.clear()
    with store.write_transaction(lib.sessions) as s:
        S.rate(s, lib.gdp, "red", "增速偏低", S.SYSTEM)
        assert P.targets(s, s.get(Report, lib.report_id)).cards
        assert P._TARGETS.peek(engine, lib.report_id, library_stamp(s)) is None
    with lib.sessions() as s:
        P.targets(s, s.get(Report, lib.report_id))
        assert P._TARGETS.peek(engine, lib.report_id, library_stamp(s)) is not None


def test_target_cards_find_their_figures_in_one_query(lib):
    """The cards' links to the figures (the target's, the actual's) come from one query, and
    name the figures the reader's ``?at=`` lookup finds."""
    from luoshi.services.compare import compare
    from luoshi.store import Report
    from luoshi.web.pages import overview as P

    import_file(lib.sessions, sample_path("ln-2024-plan-exec.txt"))
    with store.write_transaction(lib.sessions) as s:  # uncached
        report = s.get(Report, lib.report_id)
        rows = {c.target_source.start: c for c in compare(s, region=report.region, year=report.plan_year)
                if c.target_source.report_id == report.id}
        with statements(lib.sessions) as seen:
            got = P._targets(s, report)
        assert len([q for q in seen if "min(figures.id)" in q]) == 1
        assert not [q for q in seen if "figures.start = " in q]  # no query per card
        assert sum(c.target_figure is not None for c in got.cards) >= 10
        assert sum(c.source_figure is not None for c in got.cards) >= 5
        for c in got.cards:
            a = rows[c.start].actual_source
            assert c.target_figure == P._figure_at(s, report.id, c.start)
            assert c.source_figure == (P._figure_at(s, a.report_id, a.start) if a else None)


def test_report_picker_follows_imports_and_reads_its_stamp_once_per_transaction(sessions):
    from luoshi.store import Report
    from luoshi.web.pages import common as P

    def pick(rid, actor=None):
        with sessions() as s:
            p = P.picker(s, s.get(Report, rid), actor)
            return p.total, {name: [r.id for r in rows] for name, rows in p.groups}

    example = import_file(sessions, sample_path()).report_id
    assert pick(example) == (1, {"辽宁省的报告": [example]})
    plan_exec = import_file(sessions, sample_path("ln-2024-plan-exec.txt")).report_id
    assert pick(example) == (2, {"辽宁省的报告": [plan_exec, example]})  # newest year first
    with store.write_transaction(sessions) as s:
        S.tasks_from_report(s, example, S.SYSTEM)
    with sessions() as s:
        views.choices(s)  # filled under the new stamp
    with sessions() as s:
        with statements(sessions) as seen:
            first = views.choices(s)
            again = views.choices(s)
            P.picker(s, s.get(Report, example), None)
        assert first is again and {r.id: r.tasks for r in first.rows}[example] > 100
        assert first.default == example
        assert len([q for q in seen if "FROM tasks" in q]) == 1  # the stamp, once in the transaction
