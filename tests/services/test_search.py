"""Search: Chinese words (space = AND) over sentences, figures and tasks, the same hits on SQLite
(FTS5 trigram, LIKE for short words) and PostgreSQL (pg_trgm), narrowing, highlighting (escaped),
current versions only, the migration's backfill, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import func, select, text

import luoshi
from luoshi import store
from luoshi.cli import main
from luoshi.services.importer import import_file
from luoshi.services.search import index_tasks, search, snippet, terms
from luoshi.store import SearchEntry, Task
from luoshi.store.db import alembic_config

SAMPLE = luoshi.sample_path()
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TRADITIONAL = CORPUS / "traditional-2024-work-report.txt"

QUERIES = ["老旧小区 改造", "老旧小区", "改造 老旧", "营商环境", "地区生产总值", "就业", "城镇 就业",
           "粮食", "吉林", "新质生产力", "数字经济 比重", "%", "5.5%左右", "不存在的词语组合", "改 造"]


def jilin(tmp_path: Path) -> Path:
    """The example as Jilin's 2023 report (another region, another year)."""
    t = SAMPLE.read_text("utf-8").replace("辽宁省", "吉林省").replace("辽宁", "吉林")
    t = re.sub(r"(20\d\d)年", lambda m: f"{int(m.group(1)) - 1}年", t)
    p = tmp_path / "jilin-2023.txt"
    p.write_text(t, "utf-8")
    return p


def library(sessions, tmp_path: Path) -> None:
    for p in (SAMPLE, jilin(tmp_path), TRADITIONAL):
        assert import_file(sessions, p).status == "imported"


def key(hits) -> list[tuple]:
    return [(h.kind, h.report_id, h.ref_id, h.start, h.end, h.text, h.snippet, h.snippet_html) for h in hits]


@pytest.fixture
def lib(sessions, tmp_path):
    library(sessions, tmp_path)
    with sessions() as s:
        yield s


def test_same_hits_on_sqlite_and_postgresql(sqlite_url, postgresql_url, tmp_path):
    results = []
    for url in (sqlite_url, postgresql_url):
        factory = store.open(url)
        try:
            library(factory, tmp_path)
            with factory() as s:
                results.append({q: key(search(s, q, limit=500)) for q in QUERIES}
                               | {f"{q} {kw}": key(search(s, q, limit=500, **{kw: v}))
                                  for q in ("地区生产总值", "就业") for kw, v in
                                  (("region", "辽宁"), ("year", 2023), ("role", "target"),
                                   ("indicator", "gdp"), ("level", "province"), ("kind", "figure"))})
        finally:
            store.close(factory)
    sq, pg = results
    assert sq == pg
    assert all(sq[q] for q in QUERIES if q != "不存在的词语组合") and sq["不存在的词语组合"] == []


def test_words_are_anded_and_matched_as_substrings(lib):
    both = search(lib, "老旧小区 改造", limit=500)
    simplified = [h for h in both if h.region != "福建省"]  # the traditional report: see below
    assert simplified and all("老旧小区" in h.text and "改造" in h.text for h in simplified)
    assert len(both) < len(search(lib, "改造", limit=500))
    assert key(both) == key(search(lib, "改造   老旧小区", limit=500))  # order of words, spaces: no matter
    assert {h.kind for h in both} >= {"sentence", "figure"}
    assert terms(" 老旧小区　改造 老旧小区 ") == ["老旧小区", "改造"]  # full-width space splits too


def test_short_words_use_like(lib):
    hits = search(lib, "就业", limit=500)
    assert hits and all("就业" in h.text for h in hits if h.region != "福建省")
    assert search(lib, "业", limit=500)  # one character
    assert len(search(lib, "城镇 就业", limit=500)) < len(hits)


def test_latin_letters_match_in_any_case_past_the_first_chunk(sessions, tmp_path):
    """Words of three characters or more go to SQLite's trigram index past the first chunk of
    reports: it holds the lowercased text as written (0012: no case folding of its own), so a
    query in any case finds every report, those it reads through the index included."""
    from luoshi.services.search import FIRST_CHUNK

    n = FIRST_CHUNK + 4
    for i in range(n):
        p = tmp_path / f"note-{i:02d}.txt"
        p.write_text(f"第{i + 1}号通报\n全区GDP增长5%，数字经济占GDP比重达到{10 + i}%。\n", "utf-8")
        assert import_file(sessions, p).status == "imported"
    with sessions() as s:
        found = {q: key(search(s, q, limit=500)) for q in ("gdp", "GDP", "Gdp", "ｇｄｐ")}
        assert len({r[1] for r in found["gdp"]}) == n  # every report, not only the first chunk
        assert all(v == found["gdp"] for v in found.values())
        if s.bind.dialect.name == "sqlite":  # the index agrees with the rows it indexes
            indexed = s.scalar(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"gdp\"'"))
            rows = s.scalar(select(func.count()).select_from(SearchEntry).where(SearchEntry.text.like("%gdp%")))
            assert indexed == rows > 0


def test_like_wildcards_are_literal(lib):
    assert search(lib, "_", limit=500) == []
    pct = search(lib, "%", limit=500)
    assert pct and all("%" in h.text for h in pct)


def test_newest_first_and_reference_to_the_reader(lib):
    hits = search(lib, "地区生产总值", limit=500)
    years = [h.year for h in hits]
    assert years == sorted(years, reverse=True) and set(years) == {2024, 2023}
    with lib.bind.connect() as conn:
        originals = dict(conn.execute(text("SELECT id, original FROM reports")).all())
    for h in hits:
        assert originals[h.report_id][h.start:h.end] == h.text or h.kind == "figure"
    first = hits[0]
    assert (first.region, first.level, first.title) == ("辽宁省", "province", "2024年辽宁省政府工作报告")
    assert first.section.startswith("一、2023年工作回顾")
    # each hit says where the web reader shows it: the sentence's span, the figure, the task
    by_kind = {h.kind: h for h in hits}
    s = by_kind["sentence"]
    assert s.reader_path() == f"/reports/{s.report_id}?hit={s.start}-{s.end}#hit"
    f = by_kind["figure"]
    assert f.reader_path() == f"/reports/{f.report_id}?fig={f.ref_id}#f-{f.ref_id}"
    assert f.to_dict()["reader"] == f.reader_path()


def test_narrowing(lib):
    every = search(lib, "地区生产总值", limit=1000)
    by = lambda **kw: search(lib, "地区生产总值", limit=1000, **kw)  # noqa: E731
    assert {h.region for h in by(region="辽宁")} == {"辽宁省"} == {h.region for h in by(region="辽宁省")}
    assert {h.region for h in by(region="吉林省")} == {"吉林省"}
    assert {h.year for h in by(year=2023)} == {2023}
    assert by(level="city") == [] and len(by(level="province")) == len(every)
    figs = by(kind="figure")
    assert figs and {h.kind for h in figs} == {"figure"}
    targets, actuals = by(role="target"), by(role="actual")
    assert targets and actuals and not {h.ref_id for h in targets if h.kind == "figure"} & {
        h.ref_id for h in actuals if h.kind == "figure"}
    gdp = by(indicator="gdp")
    assert gdp and len(gdp) < len(every)
    assert {h.kind for h in gdp} == {"sentence", "figure"}
    assert by(indicator="gd") == []  # whole ids only
    narrow = by(region="辽宁", year=2024, role="target", indicator="gdp", kind="figure")
    assert narrow and all("地区生产总值" in h.text and h.region == "辽宁省" for h in narrow)
    assert len(search(lib, "地区生产总值", limit=3)) == 3


def test_traditional_report_found_by_simplified_words(lib):
    hits = search(lib, "老旧小区", region="福建省", limit=50)
    assert hits and all(h.region == "福建省" for h in hits)
    sentence = next(h for h in hits if h.kind == "sentence")
    assert "老舊小區" in sentence.text  # shown as written …
    assert "【老舊小區】" in sentence.snippet  # … and highlighted there
    assert search(lib, "老舊小區", region="福建省", limit=50) == hits  # a traditional query alike


def test_only_current_versions(sessions, tmp_path):
    v1 = import_file(sessions, SAMPLE)
    v2path = tmp_path / "v2.txt"
    v2path.write_text(SAMPLE.read_text("utf-8").replace("改造老旧小区700个", "改造老旧小区800个"), "utf-8")
    v2 = import_file(sessions, v2path)
    assert v2.status == "replaced"
    with sessions() as s:
        hits = search(s, "老旧小区", limit=100)
        assert hits and {h.report_id for h in hits} == {v2.report_id} != {v1.report_id}
        assert any("800个" in h.text for h in hits) and not any("700个" in h.text for h in hits)


def test_snippet_marks_and_escapes():
    plain, html = snippet('推进<b>老旧小区</b>改造&"更新"', ["老旧小区", "改造"])
    assert plain == '推进<b>【老旧小区】</b>【改造】&"更新"'
    assert html == '推进&lt;b&gt;<mark>老旧小区</mark>&lt;/b&gt;<mark>改造</mark>&amp;&quot;更新&quot;'
    long = "甲" * 100 + "老旧小区" + "乙" * 100
    plain, html = snippet(long, ["老旧小区"], width=10)
    assert plain == "…" + "甲" * 10 + "【老旧小区】" + "乙" * 10 + "…"
    assert snippet("ABC abc", ["b"])[0] == "A【B】C a【b】c"  # case-insensitive


def test_markup_in_a_report_is_escaped(sessions, tmp_path):
    p = tmp_path / "markup.txt"
    p.write_text("2024年辽宁省政府工作报告\n推进<script>alert(1)</script>老旧小区改造&更新。\n", "utf-8")
    import_file(sessions, p)
    with sessions() as s:
        (hit,) = search(s, "老旧小区", limit=10)
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<mark>老旧小区</mark>" in hit.snippet_html and "&amp;更新" in hit.snippet_html
    assert "【老旧小区】" in hit.snippet and "<script>" in hit.snippet


def test_tasks_indexed_when_there_are_some(sessions):
    r = import_file(sessions, SAMPLE)
    original = SAMPLE.read_text("utf-8")

    def task(number: int, words: str, **kw) -> Task:
        start = original.index(words)
        return Task(report_id=r.report_id, number=number, key=f"t{number}", text=words, start=start,
                    end=start + len(words), **kw)

    with sessions.begin() as s:
        s.add_all([task(1, "改造老旧小区700个", canonical="renovated_housing", value=700.0),
                   task(2, "稳步推进城中村改造")])
        s.flush()
        assert index_tasks(s, r.report_id) == 2
        assert index_tasks(s, r.report_id) == 2  # again: replaced, not doubled
    with sessions() as s:
        tasks = search(s, "改造", kind="task", limit=10)
        assert [h.text for h in tasks] == ["稳步推进城中村改造", "改造老旧小区700个"]  # in text order
        assert [h.text for h in search(s, "改造", kind="task", role="target", limit=10)] == ["改造老旧小区700个"]
        assert search(s, "老旧小区 改造", indicator="renovated_housing", limit=10)[0].kind == "task"


def test_tasks_made_from_a_report_are_searchable(sessions):
    """The real flow: tasks drafted from an imported report (tasks_from_report, as the CLI, the
    API and the web import call it) are in the index from their own transaction on."""
    from luoshi.track import services as S

    r = import_file(sessions, SAMPLE)
    with sessions() as s:
        assert search(s, "老旧小区", kind="task", limit=5) == []
    with sessions.begin() as s:
        made = S.tasks_from_report(s, r.report_id, S.SYSTEM)
    with sessions() as s:
        hits = search(s, "老旧小区", kind="task", limit=500)
        tasks = {t.id: t for t in S.list_tasks(s, report_id=r.report_id)}
        assert len(tasks) == len(made.created) > 100
        assert hits and all("老旧小区" in h.text for h in hits)
        assert {h.text for h in hits} == {t.text for t in tasks.values() if "老旧小区" in t.text}
        assert all(h.reader_path() == f"/reports/{r.report_id}?task={h.ref_id}#t-{h.ref_id}" and h.ref_id in tasks
                   for h in hits)
        n = s.scalar(select(func.count()).select_from(SearchEntry).where(SearchEntry.kind == "task"))
    with sessions.begin() as s:  # running it again makes no task and leaves the index as it was
        assert S.tasks_from_report(s, r.report_id, S.SYSTEM).created == []
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SearchEntry).where(SearchEntry.kind == "task")) == n


def test_deleting_a_report_empties_its_index(sessions):
    import_file(sessions, SAMPLE)
    with sessions.begin() as s:
        s.execute(text("DELETE FROM reports"))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SearchEntry)) == 0
        assert search(s, "老旧小区 改造") == [] and search(s, "就业") == []
        if s.bind.dialect.name == "sqlite":
            s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))


def test_migration_indexes_reports_imported_before_it(sessions):
    import_file(sessions, SAMPLE)
    cols = [c for c in SearchEntry.__table__.columns if c.name != "id"]
    with sessions() as s:
        before = sorted(s.execute(select(*cols)).all())
        hits = key(search(s, "老旧小区 改造", limit=100))
    engine = store.engine_of(sessions)
    command.downgrade(alembic_config(engine), "0002")
    command.upgrade(alembic_config(engine), "head")
    with sessions() as s:
        assert sorted(s.execute(select(*cols)).all()) == before
        assert key(search(s, "老旧小区 改造", limit=100)) == hits


def test_migration_indexes_tasks_made_before_tasks_were_indexed(sessions):
    """0006: a database whose tasks were made while only imports filled the index."""
    from luoshi.track import services as S

    r = import_file(sessions, SAMPLE)
    with sessions.begin() as s:
        S.tasks_from_report(s, r.report_id, S.SYSTEM)
    cols = [c for c in SearchEntry.__table__.columns if c.name != "id"]
    with sessions() as s:
        before = sorted(s.execute(select(*cols)).all())
        hits = key(search(s, "老旧小区 改造", kind="task", limit=100))
    assert hits
    engine = store.engine_of(sessions)
    command.downgrade(alembic_config(engine), "0005")
    with sessions.begin() as s:  # as such a database was: no task in the index
        s.execute(text("DELETE FROM search_entries WHERE kind = 'task'"))
    with sessions() as s:
        assert search(s, "老旧小区 改造", kind="task", limit=100) == []
    command.upgrade(alembic_config(engine), "head")
    with sessions() as s:
        assert sorted(s.execute(select(*cols)).all()) == before
        assert key(search(s, "老旧小区 改造", kind="task", limit=100)) == hits
        if s.bind.dialect.name == "sqlite":
            s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
    command.downgrade(alembic_config(engine), "0005")  # nothing to undo; upgrading again adds nothing
    command.upgrade(alembic_config(engine), "head")
    with sessions() as s:
        assert sorted(s.execute(select(*cols)).all()) == before


def test_cli_search(db_url, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["import", "sample", "--db", db_url]).exit_code == 0
    r = runner.invoke(main, ["search", "老旧小区", "改造", "--db", db_url, "--limit", "2"])
    assert r.exit_code == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("[sentence] 辽宁省 2024 report 1 4024-4070")
    assert "【改造老旧小区】" in out[1] and out[2] == "    /reports/1?hit=4024-4070#hit" and len(out) == 6
    assert "2 hits" in r.stderr
    r = runner.invoke(main, ["search", "营商环境", "--db", db_url, "--format", "jsonl", "--kind", "sentence"])
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert rows and all("<mark>营商环境</mark>" in x["snippet_html"] for x in rows)
    assert {"report_id", "start", "end", "snippet", "snippet_html", "kind", "reader"} <= set(rows[0])
    assert rows[0]["reader"] == f"/reports/{rows[0]['report_id']}?hit={rows[0]['start']}-{rows[0]['end']}#hit"
    r = runner.invoke(main, ["search", "  ", "--db", db_url])
    assert r.exit_code == 2 and "empty query" in r.stderr
    r = runner.invoke(main, ["search", *"一二三四五六七八九", "--db", db_url])
    assert r.exit_code == 2 and "at most 8 words" in r.stderr and not r.stdout


def test_a_query_too_long_is_refused(lib):
    """Every word is a condition on every row a query reads: a query is 8 words and 200
    characters at most, refused whole (not cut: a cut query would answer another question)."""
    from luoshi.services.search import MAX_QUERY, MAX_WORDS, QueryError

    assert search(lib, " ".join(["就业"] * 50))  # repeated words count once
    search(lib, " ".join(f"词{i}" for i in range(MAX_WORDS)))  # exactly 8 words: allowed
    with pytest.raises(QueryError, match="at most 8 words"):
        search(lib, " ".join(f"词{i}" for i in range(MAX_WORDS + 1)))
    with pytest.raises(QueryError, match="200 characters"):
        search(lib, "就" * (MAX_QUERY + 1))
