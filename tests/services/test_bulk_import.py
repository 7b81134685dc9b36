"""Bulk import: folders (recursive), duplicates by content, bad files, a failure inside one
document's transaction, interruption and resume, worker processes, metadata from the file name,
flags and a manifest, and the CLI. Each database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

import luoshi
from luoshi.cli import main
from luoshi.errors import LuoshiError
from luoshi.services import bulk, importer
from luoshi.store import Report, ReportFigure, ReportNode, SearchEntry
from luoshi.track import services as S

SAMPLE = luoshi.sample_path()
PROVINCES = [("吉林省", "吉林"), ("河北省", "河北"), ("山西省", "山西"), ("江苏省", "江苏")]


def variant(i: int) -> str:
    """The example as another province's report: a report of its own."""
    name, short = PROVINCES[i]
    return SAMPLE.read_text("utf-8").replace("辽宁省", name).replace("辽宁", short)


def folder(tmp_path: Path) -> Path:
    """a/ with 3 reports, a copy of one under another name, an empty file, a corrupt docx, a
    file of another type and a hidden file; a/sub/ with one more report."""
    root = tmp_path / "a"
    (root / "sub").mkdir(parents=True)
    for i in range(3):
        (root / f"r{i}.txt").write_text(variant(i), "utf-8")
    (root / "r9-copy.txt").write_text(variant(0), "utf-8")
    (root / "empty.txt").write_text("", "utf-8")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "notes.csv").write_text("a,b\n", "utf-8")
    (root / ".hidden.txt").write_text(variant(3), "utf-8")
    (root / "sub" / "r3.txt").write_text(variant(3), "utf-8")
    return root


def counts(sessions) -> tuple[int, ...]:
    with sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Report, ReportNode, ReportFigure, SearchEntry))


def run(sessions, root: Path, *, recursive: bool = True, workers: int = 1, writers: int | None = None,
        **kw) -> tuple[bulk.Summary, list]:
    seen: list[bulk.Outcome] = []
    items = bulk.plan(bulk.collect([(str(root), root)], recursive=recursive), **kw)
    return bulk.import_files(sessions, items, workers=workers, on_outcome=seen.append, writers=writers), seen


def test_folder_with_duplicates_and_bad_files(sessions, tmp_path):
    root = folder(tmp_path)
    names = [p.name for _, p in bulk.collect([(str(root), root)], recursive=True)]
    assert names == ["broken.docx", "empty.txt", "r0.txt", "r1.txt", "r2.txt", "r9-copy.txt", "r3.txt"]
    assert [p.name for _, p in bulk.collect([(str(root), root)])] == names[:-1]  # not below without -r
    summary, seen = run(sessions, root)
    assert summary.counts == {"imported": 4, "replaced": 0, "relabelled": 0, "unchanged": 1, "failed": 2}
    assert [Path(o.label).name for o in seen] == names  # input order
    copy = next(o for o in seen if o.label.endswith("r9-copy.txt"))
    assert copy.status == "unchanged" and copy.duplicate_of.endswith("r0.txt")
    assert copy.result.report_id == next(o for o in seen if o.label.endswith("r0.txt")).result.report_id
    errors = sorted(o.error for o in summary.failures)
    assert errors[0].endswith("broken.docx: corrupt or unreadable .docx file") or "broken.docx" in errors[0]
    assert errors[1].endswith("empty.txt: empty file")
    assert all(o.bad_input for o in summary.failures)
    with sessions() as s:
        assert sorted(s.scalars(select(Report.region))) == ["吉林省", "山西省", "江苏省", "河北省"]
    before = counts(sessions)
    again, seen = run(sessions, root)  # idempotent: every report is skipped by its hash
    assert again.counts == {"imported": 0, "replaced": 0, "relabelled": 0, "unchanged": 5, "failed": 2}
    assert counts(sessions) == before


def test_a_failure_inside_a_transaction_leaves_nothing_of_that_file(sessions, tmp_path, monkeypatch):
    root = folder(tmp_path)
    real = importer._insert_figures

    def boom(session, report_id, p, node_ids):
        ids = real(session, report_id, p, node_ids)  # the rows reach the database, then it fails
        if p.source == "r1.txt":
            raise RuntimeError("disk on fire")
        return ids

    monkeypatch.setattr(importer, "_insert_figures", boom)
    summary, seen = run(sessions, root)
    assert summary.counts == {"imported": 3, "replaced": 0, "relabelled": 0, "unchanged": 1, "failed": 3}
    failed = next(o for o in seen if o.label.endswith("r1.txt"))
    assert failed.status == "failed" and "disk on fire" in failed.error and not failed.bad_input
    with sessions() as s:
        assert "河北省" not in set(s.scalars(select(Report.region)))
        n_nodes = len(luoshi.build_outline(luoshi.read(SAMPLE)).nodes())
        assert s.scalar(select(func.count()).select_from(ReportNode)) == 3 * n_nodes  # no orphans
    search_index_is_whole(sessions)
    monkeypatch.undo()
    summary, _ = run(sessions, root)
    assert summary.counts["imported"] == 1  # the failed one, now; the others are skipped


@pytest.mark.parametrize("batch", [1, 16])
def test_interrupted_then_resumed(sessions, tmp_path, monkeypatch, batch):
    """Ctrl-C in the third report's write: with one report a transaction the first two are
    kept; with batches, the batch being written is rolled back whole and none of it was
    reported. Either way the re-run imports what is missing, each report exactly once."""
    monkeypatch.setattr(bulk, "BATCH", batch)
    root = folder(tmp_path)
    real = importer._insert_figures
    calls = []

    def ctrl_c_on_third(session, *args):
        calls.append(1)
        ids = real(session, *args)
        if len(calls) == 3:
            raise KeyboardInterrupt  # in the middle of the third document's transaction
        return ids

    monkeypatch.setattr(importer, "_insert_figures", ctrl_c_on_third)
    summary, seen = run(sessions, root)
    assert summary.interrupted
    kept = ["吉林省", "河北省"] if batch == 1 else []
    with sessions() as s:
        assert sorted(s.scalars(select(Report.region))) == kept  # r2 rolled back (with its batch)
    assert summary.counts["imported"] == len(kept)
    assert [o.status for o in seen if o.status != "failed"] == ["imported"] * len(kept)
    monkeypatch.undo()
    summary, seen = run(sessions, root)
    assert not summary.interrupted
    statuses = {Path(o.label).name: o.status for o in seen}
    assert statuses.pop("broken.docx") == statuses.pop("empty.txt") == "failed"
    assert statuses.pop("r9-copy.txt") == "unchanged"
    assert statuses == {"r0.txt": "unchanged" if kept else "imported",
                        "r1.txt": "unchanged" if kept else "imported", "r2.txt": "imported", "r3.txt": "imported"}
    assert counts(sessions)[0] == 4
    search_index_is_whole(sessions)


def search_index_is_whole(sessions) -> None:
    """SQLite: the FTS5 index agrees with search_entries row for row (its integrity check
    against the external content fails on a missing or stray row)."""
    with sessions() as s:
        if s.get_bind().dialect.name == "sqlite":
            from luoshi.store.models.search import FTS_TABLE

            s.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"))


def test_a_worker_interrupted_stops_the_run(sessions, tmp_path, monkeypatch):
    """A KeyboardInterrupt out of parsing (inline here) ends the run like Ctrl-C."""
    root = folder(tmp_path)
    real = importer.prepare
    calls = []

    def prepare(*args, **kw):
        calls.append(1)
        if len(calls) == 5:  # broken, empty, r0, r1, then r2
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(importer, "prepare", prepare)
    summary, seen = run(sessions, root)
    assert summary.interrupted and summary.counts["imported"] == 2


def test_worker_processes_give_the_same_result(sessions, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "POOL_MIN", 2)
    root = folder(tmp_path)
    summary, seen = run(sessions, root, workers=2)
    assert summary.counts == {"imported": 4, "replaced": 0, "relabelled": 0, "unchanged": 1, "failed": 2}
    assert [Path(o.label).name for o in seen] == [
        "broken.docx", "empty.txt", "r0.txt", "r1.txt", "r2.txt", "r9-copy.txt", "r3.txt"]
    with sessions() as s:
        assert sorted(s.scalars(select(Report.region))) == ["吉林省", "山西省", "江苏省", "河北省"]
        assert s.scalar(select(func.count()).select_from(ReportFigure)) == 4 * len(luoshi.extract_figures(luoshi.read(SAMPLE)))


@pytest.mark.parametrize("batch", [1, 2])
def test_concurrent_writers_keep_versions_in_input_order(sessions, tmp_path, monkeypatch, batch):
    """Two batches written at once (as on PostgreSQL by default): four versions of one report,
    interleaved with other reports, are stored as versions 1–4 in input order, the last one
    current, and every outcome comes out in input order."""
    monkeypatch.setattr(bulk, "BATCH", batch)
    root = tmp_path / "v"
    root.mkdir()
    for i in range(4):
        (root / f"{i}-a.txt").write_text(variant(0) + f"\n（第{i + 1}稿）\n", "utf-8")  # one report, 4 versions
        if i < 3:
            (root / f"{i}-b.txt").write_text(variant(i + 1), "utf-8")  # reports of their own
    summary, seen = run(sessions, root, writers=2)
    assert summary.counts == {"imported": 4, "replaced": 3, "relabelled": 0, "unchanged": 0, "failed": 0}
    assert [(Path(o.label).name, o.status) for o in seen] == [
        ("0-a.txt", "imported"), ("0-b.txt", "imported"), ("1-a.txt", "replaced"), ("1-b.txt", "imported"),
        ("2-a.txt", "replaced"), ("2-b.txt", "imported"), ("3-a.txt", "replaced")]
    with sessions() as s:
        rows = s.execute(select(Report.version, Report.source, Report.is_current)
                         .where(Report.region == "吉林省").order_by(Report.version)).all()
    assert [tuple(r) for r in rows] == [(1, "0-a.txt", False), (2, "1-a.txt", False), (3, "2-a.txt", False),
                                        (4, "3-a.txt", True)]
    search_index_is_whole(sessions)


def test_concurrent_writers_interrupted_report_exactly_what_they_stored(sessions, tmp_path, monkeypatch):
    """Ctrl-C while several batches are being written: each is stored whole and reported, or
    rolled back and not reported; a re-run stores the rest, each report once."""
    monkeypatch.setattr(bulk, "BATCH", 1)
    root = folder(tmp_path)
    real = importer._insert_figures

    def ctrl_c_in_r2(session, report_id, p, node_ids):
        ids = real(session, report_id, p, node_ids)
        if p.source == "r2.txt":
            raise KeyboardInterrupt  # inside r2's transaction, in a writer thread
        return ids

    monkeypatch.setattr(importer, "_insert_figures", ctrl_c_in_r2)
    summary, seen = run(sessions, root, writers=2)
    assert summary.interrupted
    with sessions() as s:
        stored = sorted(s.scalars(select(Report.region)))
    assert "山西省" not in stored and {"吉林省", "河北省"} <= set(stored)
    assert sorted(o.result.region for o in seen if o.status == "imported") == stored
    monkeypatch.undo()
    summary, _ = run(sessions, root, writers=2)
    assert not summary.interrupted and counts(sessions)[0] == 4
    search_index_is_whole(sessions)


def test_writers_by_default(sessions):
    pg = sessions.kw["bind"].dialect.name == "postgresql"
    assert [bulk.writers_for(sessions, w) for w in (1, 2, 8)] == ([1, 2, bulk.MAX_WRITERS] if pg else [1, 1, 1])


def anonymous(tmp_path: Path, name: str) -> Path:
    """A report whose text names neither region nor year."""
    p = tmp_path / name
    p.write_text("政府工作报告\n各位代表：\n今年粮食产量增长2%，改造老旧小区100个。\n", "utf-8")
    return p


def test_metadata_from_file_name_flags_and_manifest(sessions, tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    a = anonymous(d, "广东省2023年政府工作报告.txt")  # file name only
    b = anonymous(d, "b.txt")
    b.write_text(b.read_text("utf-8") + "乙\n", "utf-8")
    c = anonymous(d, "c.txt")
    c.write_text(c.read_text("utf-8") + "丙\n", "utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,region,level,year\nm/b.txt,大连市,city,2022\nm/c.txt,,,\n", "utf-8")
    summary, seen = run(sessions, d, overrides=bulk.overrides_from({"year": "2021", "level": None}),
                        manifest=bulk.read_manifest(manifest))
    assert summary.counts["imported"] == 3
    got = {Path(o.label).name: (o.result.region, o.result.year) for o in seen}
    assert got == {"广东省2023年政府工作报告.txt": ("广东省", 2021),  # the flag beats the file name
                   "b.txt": ("大连市", 2022),  # the manifest beats the flag
                   "c.txt": (None, 2021)}  # empty cells override nothing
    with sessions() as s:
        levels = dict(s.execute(select(Report.source, Report.level)).all())
    assert levels == {"广东省2023年政府工作报告.txt": "province", "b.txt": "city", "c.txt": None}
    assert importer.from_file_name("2024-辽宁-政府工作报告.docx") == {
        "plan_year": 2024, "region": "辽宁省", "level": "province"}
    assert importer.from_file_name("沈阳市政府工作报告2025.pdf")["region"] == "沈阳市"
    assert importer.from_file_name("report.txt") == {}


def current(sessions) -> list[tuple]:
    with sessions() as s:
        return s.execute(select(Report.id, Report.region, Report.level, Report.plan_year, Report.review_year)
                         .where(Report.is_current).order_by(Report.id)).all()


def figure_regions(sessions, report_id: int) -> set:
    with sessions() as s:
        return set(s.scalars(select(ReportFigure.region).where(ReportFigure.report_id == report_id)))


def test_the_filed_metadata_reaches_the_figures(sessions, tmp_path):
    """A header that names no region: the figures are read in the region and year the report
    is filed under (flags here; the file name likewise), not left without one."""
    r = importer.import_file(sessions, anonymous(tmp_path, "a.txt"),
                             overrides={"region": "大连市", "level": "city", "plan_year": 2024})
    assert r.figures >= 2 and figure_regions(sessions, r.report_id) == {"大连市"}
    with sessions() as s:
        years = set(s.scalars(select(ReportFigure.year).where(ReportFigure.report_id == r.report_id)))
    assert years <= {2023, 2024} and years  # 今年 in a 2024 plan: no year left unknown
    named = importer.import_file(sessions, anonymous(tmp_path, "沈阳市2023年政府工作报告.txt"))
    assert named.status == "unchanged"  # same bytes, no explicit metadata: the same document
    other = tmp_path / "沈阳市2023年政府工作报告.txt"
    other.write_text(other.read_text("utf-8") + "丁\n", "utf-8")
    named = importer.import_file(sessions, other)
    assert (named.region, named.year) == ("沈阳市", 2023)
    assert figure_regions(sessions, named.report_id) == {"沈阳市"}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_manifest_corrects_a_report_already_imported(sessions, tmp_path, monkeypatch, workers):
    """Import first, correct the filing with a manifest: the report is filed anew (its figures
    re-read in the corrected region), the old filing stops being current, once."""
    monkeypatch.setattr(bulk, "POOL_MIN", 1)
    d = tmp_path / "m"
    d.mkdir()
    anonymous(d, "a.txt")
    first, _ = run(sessions, d, workers=workers)
    assert first.counts["imported"] == 1
    (old,) = current(sessions)
    assert old.region is None and figure_regions(sessions, old.id) == {None}
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,region,level,year\nm/a.txt,大连市,city,2024\n", "utf-8")
    fixed, seen = run(sessions, d, workers=workers, manifest=bulk.read_manifest(manifest))
    assert fixed.counts == {"imported": 0, "replaced": 0, "relabelled": 1, "unchanged": 0, "failed": 0}
    (new,) = current(sessions)
    assert new.id == seen[0].result.report_id != old.id
    assert tuple(new)[1:] == ("大连市", "city", 2024, 2023)
    assert figure_regions(sessions, new.id) == {"大连市"}
    with sessions() as s:
        from luoshi.services.search import search

        assert [h.report_id for h in search(s, "老旧小区", kind="sentence")] == [new.id]  # current only
    again, _ = run(sessions, d, workers=workers, manifest=bulk.read_manifest(manifest))
    assert again.counts["unchanged"] == 1 and current(sessions) == [new]
    plain, _ = run(sessions, d, workers=workers)  # no manifest: the same document, filed as corrected
    assert plain.counts["unchanged"] == 1 and current(sessions) == [new]
    same = importer.import_file(sessions, d / "a.txt", overrides={"region": "大连市", "level": "city",
                                                                  "plan_year": 2024})
    assert same.status == "unchanged" and current(sessions) == [new]
    # the metadata are always the text's with this run's flags on top, not the last filing's
    moved = importer.import_file(sessions, d / "a.txt", overrides={"plan_year": 2025})
    assert moved.status == "relabelled"
    assert [tuple(r)[1:] for r in current(sessions)] == [(None, None, 2025, 2024)]


def test_text_metadata_beats_the_file_name(sessions, tmp_path):
    p = tmp_path / "广东省2019.txt"
    p.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    r = importer.import_file(sessions, p)
    assert (r.region, r.year) == ("辽宁省", 2024)


def test_bad_manifests(tmp_path):
    m = tmp_path / "m.csv"
    for body, why in (("file,province\nx.txt,辽宁\n", "unknown column"), ("name\nx\n", "needs a 'file' column"),
                      ("file,year\nx.txt,twenty\n", "line 2: year must be a year"),
                      ("file,level\nx.txt,village\n", "level must be one of")):
        m.write_text(body, "utf-8")
        with pytest.raises(LuoshiError, match=why):
            bulk.read_manifest(m)
    with pytest.raises(LuoshiError, match="manifest"):
        bulk.read_manifest(tmp_path / "missing.csv")


def test_cli_folder(db_url, tmp_path):
    root = folder(tmp_path)
    r = CliRunner().invoke(main, ["import", str(root), "--recursive", "--workers", "1", "--db", db_url])
    assert r.exit_code == 2, r.stderr  # bad files among them
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(Path(x["file"]).name, x["status"]) for x in rows] == [
        ("r0.txt", "imported"), ("r1.txt", "imported"), ("r2.txt", "imported"), ("r9-copy.txt", "unchanged"),
        ("r3.txt", "imported")]
    assert rows[3]["duplicate_of"] == str(root / "r0.txt")
    err = r.stderr.splitlines()
    assert [x for x in err if x.startswith("luoshi: error:")] == [
        f"luoshi: error: {root / 'broken.docx'}: " + err[0].split(": ", 3)[-1],
        f"luoshi: error: {root / 'empty.txt'}: empty file"]
    assert "4 imported, 0 replaced, 1 unchanged, 2 failed (7 files)" in err[-1]
    r = CliRunner().invoke(main, ["import", str(root), "--db", db_url, "--region", "x", "--level", "town"])
    assert r.exit_code == 2 and "town" in r.stderr
    m = tmp_path / "m.csv"
    m.write_text("file,color\n", "utf-8")
    r = CliRunner().invoke(main, ["import", str(root), "--db", db_url, "--manifest", str(m)])
    assert r.exit_code == 2 and "unknown column(s) color" in r.stderr


def test_cli_interrupted_exit_code(sqlite_url, tmp_path, monkeypatch):
    root = folder(tmp_path)
    monkeypatch.setattr(importer, "_store", lambda *a, **kw: (_ for _ in ()).throw(KeyboardInterrupt))
    r = CliRunner().invoke(main, ["import", str(root), "-r", "--db", sqlite_url])
    assert r.exit_code == 130
    assert "interrupted after" in r.stderr and "run it again" in r.stderr


def test_hashing_reads_no_more_than_the_limit_whatever_stat_says(tmp_path, monkeypatch):
    """A file bigger than its stat (growing, or a filesystem that lies) is not hashed past the
    size limit: bulk import skips nothing on its say-so and leaves the refusal to the reader."""
    import hashlib
    import os

    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 5000)
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "4096")
    real = os.stat(f)
    small = os.stat_result((real.st_mode, *real[1:6], 100, *real[7:]))
    monkeypatch.setattr(type(f), "stat", lambda self, **kw: small if self == f else os.stat(self, **kw))
    read: list[int] = []
    opened = type(f).open

    def counting_open(self, *a, **kw):
        fh = opened(self, *a, **kw)
        real_read = fh.read

        def rd(n=-1):
            data = real_read(n)
            read.append(len(data))
            return data
        fh.read = rd
        return fh

    monkeypatch.setattr(type(f), "open", counting_open)
    assert bulk._sha256(f) is None and sum(read) == 4097
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "5000")
    assert bulk._sha256(f) == hashlib.sha256(b"x" * 5000).hexdigest()


def test_workers_take_this_process_settings_as_they_are_now(sessions, tmp_path, monkeypatch):
    """Workers come from a fork server that outlives one run: a size limit set after it started,
    and relative paths from the working directory of now, still hold in them."""
    monkeypatch.setattr(bulk, "POOL_MIN", 2)
    first = tmp_path / "first"
    first.mkdir()
    for i in range(2):
        (first / f"r{i}.txt").write_text(variant(i), "utf-8")
    summary, _ = run(sessions, first, workers=2)  # the fork server is running from here on
    assert summary.counts["imported"] == 2
    later = tmp_path / "later"
    later.mkdir()
    (later / "small.txt").write_text(variant(2)[:3000], "utf-8")
    (later / "big.txt").write_text(variant(3), "utf-8")
    monkeypatch.chdir(later)
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "20000")
    items = bulk.plan([("small.txt", Path("small.txt")), ("big.txt", Path("big.txt"))])
    summary = bulk.import_files(sessions, items, workers=2)
    assert summary.counts["imported"] == 1 and summary.counts["failed"] == 1
    (bad,) = summary.failures
    assert bad.label == "big.txt" and bad.bad_input


def test_a_bulk_load_leaves_every_reference_whole_and_foreign_keys_on(sqlite_url, tmp_path):
    """Batches are written without SQLite's per-row foreign-key lookups (their ids are made in
    the transaction): every reference still holds afterwards — reports, outlines, figures,
    search entries, a 分工方案's tasks — and the connection checks foreign keys again."""
    from luoshi import store

    root = folder(tmp_path)
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    for name in ("province-2024-task-division.txt", "city-2024-work-report.txt"):
        (root / name).write_bytes((corpus / name).read_bytes())
    engine = store.create(sqlite_url, pool_size=1, max_overflow=0)  # one connection: the bulk one
    try:
        store.upgrade(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        summary, seen = run(factory, root)
        assert summary.counts["imported"] == 6
        first = next(o.result for o in seen if Path(o.label).name == "r0.txt")
        with factory.begin() as s:  # a tracked report …
            assert S.tasks_from_report(s, first.report_id, S.SYSTEM).created
        nxt = tmp_path / "next"
        nxt.mkdir()
        (nxt / "r0-v2.txt").write_text(variant(0).replace("。", "。\n", 1), "utf-8")
        (nxt / "r5.txt").write_text(SAMPLE.read_text("utf-8").replace("辽宁", "浙江"), "utf-8")
        summary, seen = run(factory, nxt)  # … whose next version comes in a batch: tasks follow
        assert summary.counts["imported"] + summary.counts["replaced"] == 2, (summary.counts, summary.failures)
        assert next(o.result for o in seen if o.status == "replaced").followed
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM tasks").scalar() > 0
    finally:
        engine.dispose()
