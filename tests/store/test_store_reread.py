"""Stored normalised offsets agree with the reader that re-reads the stored original.

The reader joins hard-wrapped lines (ingest/unwrap.py), so a wrapped report's normalised text —
and every normalised offset stored with it — differs from what luoshi read before. Migration
0011 recomputes the stored ones of a library imported before; the guard test keeps a fresh
import and the sites that re-read a stored report (target panel, drafting tasks, a 分工方案)
in agreement. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

import luoshi
from luoshi import store
from luoshi.ingest.normalize import normalize
from luoshi.services.importer import import_file
from luoshi.services.panel import target_panel
from luoshi.services.search import search
from luoshi.store.db import alembic_config
from luoshi.track import services as S
from luoshi.track.division import division_tasks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "extract"))
from textvariants import pdf_lines  # noqa: E402
SAMPLE = luoshi.sample_path()
REPORT = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"
PLAN_EXEC = luoshi.sample_path("ln-2024-plan-exec.txt")  # lines of its own: never re-read


SCRIPTS = ScriptDirectory.from_config(alembic_config())
# the revision that re-maps offsets, found by what it defines whatever its number, and the one before
MIGRATION = next(s for s in SCRIPTS.walk_revisions() if hasattr(s.module, "_could_change"))
PREV = MIGRATION.down_revision


def wrapped(tmp_path: Path, source: Path, width: int, name: str | None = None) -> Path:
    p = tmp_path / (name or source.name)
    p.write_text(pdf_lines(source.read_text("utf-8"), width), "utf-8")
    return p


# ------------------------------------------------------------------ what a library holds

ROWS = {
    "outline_nodes": 'SELECT id, kind, start, "end", nstart, nend FROM outline_nodes',
    "figures": 'SELECT id, indicator, text, start, "end", nstart, nend FROM figures',
    "tasks": 'SELECT id, text, start, "end", nstart, nend, figure_ids FROM tasks',
    "search_entries": 'SELECT id, kind, ref_id, start, "end", text FROM search_entries',
    # found again when the text changes (nothing points at them): compared without their ids
    "qualitative_targets": 'SELECT ord, start, "end", text, ntext, rule_id FROM qualitative_targets',
}


def snapshot(engine, report_id: int) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"{q} WHERE report_id = :r ORDER BY id"), {"r": report_id})]
                for t, q in ROWS.items()}


def by_span(rows: list[tuple], *key: int) -> dict[tuple, tuple]:
    """Rows by the columns at ``key`` (their original span and what tells them apart)."""
    return {tuple(r[k] for k in key): r for r in rows}


def revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def library(engine, paths: list[Path]) -> list[int]:
    """Import ``paths`` and draft the tasks of each; the report ids."""
    factory = sessionmaker(engine, expire_on_commit=False)
    ids = [import_file(factory, p).report_id for p in paths]
    with store.write_transaction(factory) as s:
        for i in ids:
            S.tasks_from_report(s, i, S.SYSTEM)
    return ids


def found(engine, query: str, report_id: int) -> list[tuple[str, int, int]]:
    with sessionmaker(engine)() as s:
        return [(h.kind, h.start, h.end) for h in search(s, query, limit=200) if h.report_id == report_id]


def test_upgrade_remaps_a_wrapped_library_as_a_fresh_import_reads_it(db_url, tmp_path, old_reader):
    """A library at the previous revision, imported and drafted by the old reader: after the
    upgrade every stored normalised offset and text of the wrapped report is the one a fresh
    import of the same file stores; a report whose lines are its own is untouched; a downgrade
    gives the old values back."""
    paper = wrapped(tmp_path, SAMPLE, 38)
    engine = store.create(db_url)
    fresh = store.create(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        store.upgrade(engine, PREV)
        wid, plain = library(engine, [paper, PLAN_EXEC])
        old, plain_before = snapshot(engine, wid), snapshot(engine, plain)
        doc_old = luoshi.read_text(paper.read_text("utf-8"))
        old_reader.undo()  # from here on luoshi reads as it does now
        doc = luoshi.read_text(paper.read_text("utf-8"))
        assert doc.text != doc_old.text  # the reader joins this report's lines
        # a phrase across a line break of the paper: the old index cannot find it
        node = next(r for r in old["outline_nodes"] if r[1] == "sentence" and "\n" in doc.original[r[2]:r[3]])
        brk = doc.original.index("\n", node[2])
        a, b = doc.to_normalised(brk), doc.to_normalised(brk + 1)
        phrase = doc.text[a - 3:b + 3]
        assert "\n" not in phrase and not re.search(r"\s", phrase)
        assert (node[1], node[2], node[3]) not in found(engine, phrase, wid)

        store.upgrade(engine)
        assert revision(engine) == SCRIPTS.get_current_head()
        new = snapshot(engine, wid)
        assert snapshot(engine, plain) == plain_before
        assert ("sentence", node[2], node[3]) in found(engine, phrase, wid)

        store.upgrade(fresh)
        expect = snapshot(fresh, library(fresh, [paper])[0])
        # outline nodes, figures, tasks: the same spans hold the same normalised offsets
        for table, key, ns in (("outline_nodes", (1, 2, 3), 4), ("figures", (1, 3, 4), 5), ("tasks", (2, 3), 4)):
            got, want = by_span(new[table], *key), by_span(expect[table], *key)
            common = got.keys() & want.keys()
            assert len(common) >= 0.6 * len(want), table
            assert {k: got[k][ns:ns + 2] for k in common} == {k: want[k][ns:ns + 2] for k in common}, table
            moved = [k for k in common if got[k][ns:ns + 2] != by_span(old[table], *key)[k][ns:ns + 2]]
            assert moved, f"{table}: nothing was re-mapped"
        figs = {r[0]: r for r in new["figures"]}
        for r in new["figures"]:  # also the figures the new reader would not find
            assert doc.to_original(r[5], r[6]) == (r[3], r[4])
        for r in new["tasks"]:
            assert doc.to_original(r[4], r[5]) == (r[2], r[3])
        assert len(new["figures"]) == len(old["figures"]) and len(new["tasks"]) == len(old["tasks"])
        # search rows: sentences and figures cut from the joined text, as a fresh import cuts
        # them (a figure's row names the figure as it was found: the same figure, the same row)
        def rows(snap):
            names = {r[0]: r[1] for r in snap["figures"]}
            return {(r[1], r[3], r[4], names.get(r[2]) if r[1] == "figure" else None): r[5]
                    for r in snap["search_entries"] if r[1] != "task"}

        got, want = rows(new), rows(expect)
        assert [k for k in want if k[0] == "sentence"] == [k for k in got if k[0] == "sentence"]
        common = got.keys() & want.keys()
        assert len(common) >= 0.8 * len(want) and {k: got[k] for k in common} == {k: want[k] for k in common}
        assert sum(got[k] != v for k, v in rows(old).items()) > 0
        for r in new["search_entries"]:
            cut = doc.text[doc.to_normalised(r[3]):doc.to_normalised(r[4])].lower()
            if r[1] == "figure":
                assert r[5] in (cut, f"{figs[r[2]][1]} {cut}".lower())
            elif r[1] == "sentence":
                assert r[5] == cut
        assert [r for r in new["search_entries"] if r[1] == "task"] == [r for r in old["search_entries"] if r[1] == "task"]
        assert new["qualitative_targets"] == expect["qualitative_targets"] != old["qualitative_targets"]

        command.downgrade(alembic_config(engine), PREV)
        assert snapshot(engine, wid) == old and snapshot(engine, plain) == plain_before
    finally:
        engine.dispose()
        fresh.dispose()


def test_a_failed_upgrade_changes_nothing(db_url, tmp_path, old_reader, monkeypatch):
    """A report that cannot be re-read stops the upgrade with its name, and the rows already
    re-mapped for the reports before it are rolled back with the rest."""
    engine = store.create(db_url)
    try:
        store.upgrade(engine, PREV)
        ids = library(engine, [wrapped(tmp_path, SAMPLE, 38, "a.txt"), wrapped(tmp_path, REPORT, 30, "b.txt")])
        before = [snapshot(engine, i) for i in ids]
        old_reader.undo()
        real, calls = luoshi.read_text, []

        def failing(original, doc_id="document", **kw):
            calls.append(doc_id)
            if len(calls) == 2:
                raise MemoryError("out of memory")
            return real(original, doc_id, **kw)

        monkeypatch.setattr(luoshi, "read_text", failing)
        with pytest.raises(RuntimeError, match=r"report \d+ \(b\) could not be re-read: out of memory"):
            store.upgrade(engine)
        assert calls == ["a", "b"]
        assert revision(engine) == PREV
        assert [snapshot(engine, i) for i in ids] == before
        monkeypatch.setattr(luoshi, "read_text", real)
        store.upgrade(engine)
        assert [snapshot(engine, i) for i in ids] != before
    finally:
        engine.dispose()


def test_upgrade_rereads_only_wrapped_reports(db_url, tmp_path, old_reader, monkeypatch):
    """Reports whose lines are their own are never read again nor re-mapped: the join's own
    test (``unwrap.layout``) on their normalised text tells them."""
    engine = store.create(db_url)
    try:
        store.upgrade(engine, PREV)
        library(engine, [PLAN_EXEC, SAMPLE, wrapped(tmp_path, REPORT, 30, "wrapped.txt")])
        old_reader.undo()
        real, read = luoshi.read_text, []
        monkeypatch.setattr(luoshi, "read_text", lambda o, d="document", **kw: read.append(d) or real(o, d, **kw))
        store.upgrade(engine)
        assert read == ["wrapped"]
    finally:
        engine.dispose()


# ------------------------------------------------------------------ the guard

def _read(path: Path, reader):
    """(joined wording, its figures' indicators and values) of each task ``reader`` draws from
    the file's text read unwrapped — how the stored wrapped report should read."""
    doc = luoshi.read_text(path.read_text("utf-8"), path.stem)
    outline = luoshi.build_outline(doc)
    figures = luoshi.extract_figures(doc, outline)
    return [_task(t.text, t.figures, figures) for t in reader(doc, outline, figures)]


def _task(wording: str, figure_ids, figures) -> tuple[str, list]:
    by_id = {f.id: f for f in figures}
    return "".join(wording.split()), sorted((by_id[i].indicator, by_id[i].value) for i in figure_ids)


def test_sites_that_reread_a_stored_report_agree_with_its_import(sessions, tmp_path, monkeypatch):
    """A wrapped report and a wrapped 分工方案 imported now: the text each re-read site gets
    (target panel, drafting tasks, reading the 分工方案) puts every stored figure at its own
    characters, and the tasks and items drawn from them hold the figures they hold when the
    same files are read unwrapped."""
    from luoshi.plan import draft_plan
    from luoshi.plan.division import read_division

    report = wrapped(tmp_path, REPORT, 30)
    division = wrapped(tmp_path, DIVISION, 20)
    for p in (report, division):
        t = p.read_text("utf-8")
        assert luoshi.read_text(t).text != normalize(t)[0], f"{p.name} is not read as wrapped"
    real, docs = luoshi.read_text, {}
    site = "import"

    def spy(original, doc_id="document", **kw):
        doc = real(original, doc_id, **kw)
        docs.setdefault(site, []).append(doc)
        return doc

    monkeypatch.setattr(luoshi, "read_text", spy)
    rid = import_file(sessions, report).report_id
    site = "tasks"
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, rid, S.SYSTEM).created
    site = "division"
    did = import_file(sessions, division).report_id
    with sessions() as s:
        items, dfigs = division_tasks(s.get(store.Report, did))
        site = "panel"
        rows = target_panel(s)
        rep, div = s.get(store.Report, rid), s.get(store.Report, did)
        assert [r for r in rows if r.report_id == rid]
        stored = {rep.doc: rep.figures, div.doc: div.figures}
        assert "import" not in docs  # the importer reads files, not stored originals
        assert {k: {d.id for d in v} for k, v in docs.items()} == {
            "tasks": {rep.doc}, "division": {rep.doc, div.doc}, "panel": {rep.doc, div.doc}}
        crossing = 0
        for d in (d for v in docs.values() for d in v):
            for f in stored[d.id]:
                assert d.to_original(f.nstart, f.nend) == (f.start, f.end)
                assert d.text[f.nstart:f.nend] == normalize(f.text)[0].replace("\n", "")
                crossing += "\n" in f.text
        assert crossing, "no figure crosses a line break: the test would show nothing"
        figs = [f.to_figure() for f in rep.figures]
        monkeypatch.setattr(luoshi, "read_text", real)
        assert [_task(t.text, t.figure_ids, figs) for t in made] == _read(
            REPORT, lambda d, o, f: draft_plan(d, o, f, suggest=False))
        assert [_task(t.text, t.figures, dfigs) for t in items] == _read(DIVISION, read_division)
        assert any(t.figure_ids for t in made) and any(t.figures for t in items)


def test_a_task_across_a_wrapped_line_is_found_by_its_words(sessions, tmp_path):
    """A task whose verbatim text crosses a line break of a wrapped report is indexed as one run
    of words: a phrase across the break finds it."""
    from luoshi.services.search import index_tasks

    rid = import_file(sessions, wrapped(tmp_path, REPORT, 30)).report_id
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, rid, S.SYSTEM).created
        index_tasks(s, rid)
    crossing = [t for t in made if "\n" in t.text.strip()]
    assert crossing, "no task crosses a line break: the test would show nothing"
    with sessions() as s:
        for t in crossing[:5]:
            text = t.text.strip()
            at = text.index("\n")
            phrase = normalize(text[max(0, at - 3):at] + text[at + 1:at + 4])[0]
            assert t.id in {h.ref_id for h in search(s, phrase, kind="task", limit=500)}, phrase
