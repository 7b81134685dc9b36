"""Reading a stored report again with today's reader (``track.reread``, ``luoshi reread``).

A library imported by an older reader (here: before hard-wrapped lines were joined, so a figure's
indicator can hold a line break) is re-read: its derived rows become what a fresh import of the
same file stores, while the report row, its tasks and what people entered on them stay — the
tasks re-anchored to the new reading. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from sqlalchemy.orm import sessionmaker

import luoshi
from luoshi import store
from luoshi.cli import main
from luoshi.services.importer import import_file
from luoshi.store import AuditEntry, ProgressUpdate, Rating, Report, ReportFigure, Task
from luoshi.track import services as S
from luoshi.track.errors import NotFound
from luoshi.track.reread import Unreadable, reread

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "extract"))
from textvariants import pdf_lines  # noqa: E402

SAMPLE = luoshi.sample_path()


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    p = tmp_path / "liaoning-2024.txt"
    p.write_text(pdf_lines(SAMPLE.read_text("utf-8"), 38), "utf-8")
    return p


ROWS = {
    "reports": 'SELECT id, title, region, plan_year, version, is_current FROM reports',
    "outline_nodes": 'SELECT id, kind, start, "end", nstart, nend FROM outline_nodes',
    "figures": 'SELECT id, indicator, start, "end", nstart, nend, value FROM figures',
    "tasks": 'SELECT id, key, text, start, "end", nstart, nend, figure_id, figure_ids, version FROM tasks',
    "search_entries": 'SELECT id, kind, ref_id, start, "end", text FROM search_entries',
    "qualitative_targets": 'SELECT id, start, "end", ntext FROM qualitative_targets',
    "progress_updates": "SELECT id, task_id FROM progress_updates",
    "ratings": "SELECT id, task_id FROM ratings",
    "assignments": "SELECT id, task_id, department_id, role FROM assignments",
    "audit_log": "SELECT id, action FROM audit_log",
}


def snapshot(factory) -> dict[str, list[tuple]]:
    with factory() as s:
        return {t: [tuple(r) for r in s.execute(text(f"{q} ORDER BY id"))] for t, q in ROWS.items()}


def tracked(factory, path: Path) -> tuple[int, int]:
    """Import ``path``, draft its tasks, and work on one with a figure: a progress update and a
    rating. (report id, that task's id)"""
    rid = import_file(factory, path).report_id
    with store.write_transaction(factory) as s:
        S.tasks_from_report(s, rid, S.SYSTEM)
        t = s.scalars(select(Task).where(Task.report_id == rid, Task.figure_id.is_not(None)).order_by(Task.number)).first()
        S.report_progress(s, t.id, S.ProgressInput(dt.date(2024, 6, 30), "in_progress", "进展顺利", percent=40),
                          S.SYSTEM, None)
        S.rate(s, t.id, "green", "按计划推进", S.SYSTEM)
        return rid, t.id


def run(factory, rid: int, *, dry_run: bool = False):
    class Undo(Exception):
        pass

    got = None
    try:
        with store.write_transaction(factory) as s:
            got = reread(s, rid, S.SYSTEM, dry_run=dry_run)
            if dry_run:
                raise Undo
    except Undo:
        pass
    return got


def test_reread_gives_a_fresh_imports_reading_and_keeps_the_tracking(sessions, paper, old_reader, tmp_path):
    rid, worked = tracked(sessions, paper)
    before = snapshot(sessions)
    broken = [r for r in before["figures"] if "\n" in r[1]]
    assert broken, "the old reader keeps line breaks in some indicators"
    old_reader.undo()

    got = run(sessions, rid)
    after = snapshot(sessions)
    fresh = store.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        fid = import_file(fresh, paper).report_id
        want = snapshot(fresh)
    finally:
        store.close(fresh)
    # the derived rows are the fresh reading's (same spans, same indicators, same offsets)
    assert fid == 1  # figures in reading order: a kept one keeps its id, so compare without ids
    assert sorted(r[1:] for r in after["figures"]) == sorted(r[1:] for r in want["figures"])
    assert [r[1:] for r in after["outline_nodes"]] == [r[1:] for r in want["outline_nodes"]]
    assert [r[1:] for r in after["qualitative_targets"]] == [r[1:] for r in want["qualitative_targets"]]
    assert not any("\n" in r[1] for r in after["figures"])
    assert got.status == "reread" and {c.id for c in got.changed} >= {r[0] for r in broken if r[0] in
                                                                       {x[0] for x in after["figures"]}}
    assert any("indicator" in c.fields for c in got.changed)
    # people's rows untouched; the report keeps its id and filing
    for table in ("reports", "progress_updates", "ratings", "assignments"):
        assert after[table] == before[table], table
    # tasks: the same rows, the same original spans and keys, normalised offsets of today's text
    doc = luoshi.read_text(paper.read_text("utf-8"))
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in after["tasks"]] == [(r[0], r[1], r[2], r[3], r[4]) for r in before["tasks"]]
    assert all(doc.to_original(r[5], r[6]) == (r[3], r[4]) for r in after["tasks"])
    assert any(a[5:7] != b[5:7] for a, b in zip(after["tasks"], before["tasks"]))
    figs = {r[0]: r for r in after["figures"]}
    old_figs = {r[0]: r for r in before["figures"]}
    for a, b in zip(after["tasks"], before["tasks"]):
        if b[7] is not None and a[7] is not None:  # its figure: the one at the same place
            assert figs[a[7]][2:4] == old_figs[b[7]][2:4] or a[7] in {f.id for f in got.added}
    assert next(r for r in after["tasks"] if r[0] == worked)[7] is not None
    # every task accounted for: re-anchored or listed
    assert {a.task_id for a in got.anchored} | {x.task_id for x in got.loose} == {r[0] for r in after["tasks"]}
    # search: sentence and figure rows cut from today's text, task rows as they were
    assert [r for r in after["search_entries"] if r[1] == "task"] == [r for r in before["search_entries"] if r[1] == "task"]
    assert {(r[1], r[3], r[4], r[5]) for r in after["search_entries"] if r[1] == "sentence"} == \
        {(r[1], r[3], r[4], r[5]) for r in want["search_entries"] if r[1] == "sentence"}
    # one audit entry for the report
    with sessions() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "reread")))
    assert [(e.entity, e.entity_id) for e in entries] == [("report", str(rid))]
    assert entries[0].after["changed"] == len(got.changed)
    # reading again with the same reader changes nothing
    again = run(sessions, rid)
    assert again.status == "unchanged" and snapshot(sessions) == after


def test_dry_run_changes_nothing(sessions, paper, old_reader):
    rid, _ = tracked(sessions, paper)
    old_reader.undo()
    before = snapshot(sessions)
    got = run(sessions, rid, dry_run=True)
    assert got.dry_run and got.status == "reread" and got.changed
    assert snapshot(sessions) == before


def test_a_task_without_counterpart_is_listed_and_kept(sessions, paper):
    """A task whose wording the new reading drafts nowhere (here: a task row of a reader that cut
    the text elsewhere) is listed with its reason, and stays with everything on it."""
    rid, worked = tracked(sessions, paper)
    with store.write_transaction(sessions) as s:  # as an older reader could have cut it
        s.execute(update(Task).where(Task.id == worked).values(key="0000000000", text="旧识读切出的任务"))
    before = snapshot(sessions)
    got = run(sessions, rid)
    loose = {x.task_id: x for x in got.loose}
    assert worked in loose and loose[worked].reason in ("no_counterpart", "ambiguous")
    after = snapshot(sessions)
    assert [r[0] for r in after["tasks"]] == [r[0] for r in before["tasks"]]
    assert after["progress_updates"] == before["progress_updates"] and after["ratings"] == before["ratings"]


def test_a_figure_gone_is_listed_not_dropped(sessions, paper):
    """A task whose figure the new reading finds neither at its place nor, with the task's
    target, inside its span keeps its snapshot and is listed; its figure link is empty (the row
    is gone). Here an older reader misread the figure: elsewhere, with another value."""
    rid, worked = tracked(sessions, paper)
    with store.write_transaction(sessions) as s:
        t = s.get(Task, worked)
        misread = t.value * 10 + 1
        s.execute(update(ReportFigure).where(ReportFigure.id == t.figure_id)
                  .values(start=t.end + 1, end=t.end + 3, value=misread))
        s.execute(update(Task).where(Task.id == worked).values(value=misread))
        snap = (t.indicator, misread, t.unit)
    got = run(sessions, rid)
    loose = {x.task_id: x for x in got.loose}
    assert loose[worked].reason == "figure_gone"
    with sessions() as s:
        t = s.get(Task, worked)
        assert t.figure_id is None and (t.indicator, t.value, t.unit) == snap


def test_a_figure_read_at_another_place_is_followed(sessions, paper):
    """A task whose figure sat at another span in the old reading is re-anchored to the new
    reading's target with the task's value and unit inside the task."""
    rid, worked = tracked(sessions, paper)
    with store.write_transaction(sessions) as s:
        t = s.get(Task, worked)
        s.execute(update(ReportFigure).where(ReportFigure.id == t.figure_id).values(start=t.end + 1, end=t.end + 3))
    got = run(sessions, rid)
    a = next(a for a in got.anchored if a.task_id == worked)
    with sessions() as s:
        t = s.get(Task, worked)
        f = s.get(ReportFigure, t.figure_id)
        assert a.figure == "moved" and a.figure_id == f.id
        assert (f.value, f.unit, f.role) == (t.value, t.unit, "target") and t.start <= f.start < f.end <= t.end


def test_read_metadata_follows_the_reader_unless_given(sessions, paper):
    """Title, date and speaker are the reader's: an older reading's are replaced — unless the
    import recorded them as given by a person. The filing (region, years) is never changed here."""
    from luoshi.track import audit

    rid, _ = tracked(sessions, paper)
    with store.write_transaction(sessions) as s:
        want = s.get(Report, rid).title
        s.execute(update(Report).where(Report.id == rid).values(title="——2024年1月23日", speaker=None))
    got = run(sessions, rid)
    assert got.metadata["title"] == ["——2024年1月23日", want] and got.metadata["speaker"][1] == "李乐成"
    with sessions() as s:
        r = s.get(Report, rid)
        assert (r.title, r.speaker, r.region, r.plan_year) == (want, "李乐成", "辽宁省", 2024)
    with store.write_transaction(sessions) as s:  # a person gave the title at import
        s.execute(update(Report).where(Report.id == rid).values(title="辽宁省政府工作报告（审议稿）"))
        audit.record(s, S.SYSTEM, "import", "report", rid, None, {"given": {"title": "辽宁省政府工作报告（审议稿）"}})
    assert "title" not in run(sessions, rid).metadata
    with sessions() as s:
        assert s.get(Report, rid).title == "辽宁省政府工作报告（审议稿）"


def test_search_finds_a_phrase_across_a_line_break_after_reread(sessions, paper, old_reader):
    from luoshi.services.search import search

    rid, _ = tracked(sessions, paper)
    old_reader.undo()
    doc = luoshi.read_text(paper.read_text("utf-8"))
    brk = doc.original.index("\n", doc.original.index("各位代表"))
    brk = doc.original.index("\n", brk + 1)  # a break inside a wrapped paragraph
    a = doc.to_normalised(brk)
    phrase = doc.text[a - 3:a + 3]

    def hits():
        with sessions() as s:
            return [h for h in search(s, phrase, limit=50) if h.report_id == rid and h.kind == "sentence"]

    assert "\n" not in phrase and not hits()
    run(sessions, rid)
    assert hits()


def test_unknown_report(sessions):
    with store.write_transaction(sessions) as s, pytest.raises(NotFound):
        reread(s, 99, S.SYSTEM)


def test_unreadable_original_changes_nothing(sessions, paper):
    rid, _ = tracked(sessions, paper)
    with store.write_transaction(sessions) as s:  # bytes today's reader refuses: no text at all
        s.execute(update(Report).where(Report.id == rid).values(original="\u200b \n"))
    before = snapshot(sessions)
    with pytest.raises(Unreadable, match=f"report {rid}.*nothing was changed"):
        run(sessions, rid)
    assert snapshot(sessions) == before


def test_cli(db_url, paper, old_reader):
    factory = store.open(db_url)
    try:
        rid, _ = tracked(factory, paper)
    finally:
        store.close(factory)
    old_reader.undo()
    cli = CliRunner()
    bad = cli.invoke(main, ["reread", "99", "--db", db_url])
    assert bad.exit_code == 2 and "no report 99" in bad.output
    assert cli.invoke(main, ["reread", "--db", db_url]).exit_code == 2  # ids or --all
    dry = cli.invoke(main, ["reread", "--all", "--dry-run", "--format", "jsonl", "--db", db_url])
    assert dry.exit_code == 0, dry.output
    row = json.loads(dry.stdout.splitlines()[0])
    assert row["report_id"] == rid and row["dry_run"] and row["changed"]
    done = cli.invoke(main, ["reread", str(rid), "--db", db_url])
    assert done.exit_code == 0 and f"report {rid}: reread" in done.stdout
    again = cli.invoke(main, ["reread", str(rid), "--db", db_url])
    assert f"report {rid}: unchanged" in again.stdout
