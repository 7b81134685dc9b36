"""`luoshi import --departments FILE` keeps the catalogue for its region (SQLite and PostgreSQL):
a bad one changes nothing (exit 2); `luoshi tasks --create` and `luoshi assign --db` then name
its units, and say which catalogue answered."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from luoshi import store
from luoshi.cli import main
from luoshi.store import DepartmentCatalogue, Report

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent.parent
HAIDIAN = ROOT / "tests" / "heldout" / "district-2024-work-report.txt"
JIANGXI = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
TASK = "启动老旧小区综合整治30个以上"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def counts(url: str) -> tuple[int, int]:
    sessions = store.open(url)
    try:
        with sessions() as s:
            return (s.scalar(select(func.count()).select_from(Report)),
                    s.scalar(select(func.count()).select_from(DepartmentCatalogue)))
    finally:
        store.close(sessions)


def test_import_keeps_the_catalogue_and_later_drafts_name_its_units(db_url, tmp_path):
    r = run("import", str(HAIDIAN), str(JIANGXI), "--db", db_url, "--departments", str(FIX / "haidian-departments.json"))
    assert r.exit_code == 0, r.stderr
    assert "departments catalogue haidian-departments.json kept for 北京市海淀区 (district)" in r.stderr
    assert "jiangxi-2024-report-excerpt.txt is of 江西省: the catalogue of 北京市海淀区 does not apply" in r.stderr
    ids = {json.loads(x)["region"]: json.loads(x)["report_id"] for x in r.stdout.splitlines()}

    made = run("tasks", "--db", db_url, "--report", str(ids["北京市海淀区"]), "--create")
    assert made.exit_code == 0, made.stderr
    leads = {a["department"] for x in made.stdout.splitlines() for a in json.loads(x)["assignments"]}
    assert {"区发展改革委", "区科信局", "区住房城乡建设委"} <= leads and "区发改局" not in leads
    assert "catalogue: haidian-departments.json (kept in the library for 北京市海淀区" in made.stderr
    other = run("tasks", "--db", db_url, "--report", str(ids["江西省"]), "--create")
    assert other.exit_code == 0 and "catalogue: generic — luoshi has no catalogue of 江西省" in other.stderr

    kept = run("assign", TASK, "--region", "北京市海淀区", "--db", db_url)
    assert "牵头单位: 区住房城乡建设委" in kept.output and "kept in the library" in kept.output
    bare = run("assign", TASK, "--region", "北京市海淀区")
    assert "牵头单位: 区住建局" in bare.output and "catalogue: generic" in bare.output


def test_a_bad_catalogue_or_one_of_no_region_changes_nothing(db_url, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"units": [{"name": "区财政局", "kind": "bureau"}]}', encoding="utf-8")
    r = run("import", str(HAIDIAN), "--db", db_url, "--departments", str(bad))
    assert r.exit_code == 2 and "not a departments catalogue: unit 1 (区财政局): kind must be one of" in r.stderr
    anon = tmp_path / "anon.json"
    anon.write_text('{"units": [{"name": "区财政局", "remit": ["财政"]}]}', encoding="utf-8")
    r = run("import", str(HAIDIAN), "--db", db_url, "--departments", str(anon))
    assert r.exit_code == 2 and "names no region" in r.stderr
    r = run("import", str(HAIDIAN), "--db", db_url, "--departments", str(FIX / "jiangxi-departments.json"),
            "--region", "北京市海淀区")
    assert r.exit_code == 2 and "the catalogue is of 江西省, the report of 北京市海淀区" in r.stderr
    assert counts(db_url) == (0, 0)
    r = run("import", str(HAIDIAN), "--db", db_url, "--departments", str(anon), "--region", "北京市海淀区",
            "--level", "district")
    assert r.exit_code == 0, r.stderr
    assert counts(db_url) == (1, 1)


def test_catalogues_lists_removes_and_plan_with_db_drafts_with_the_kept_one(db_url):
    r = run("import", str(HAIDIAN), "--db", db_url, "--departments", str(FIX / "haidian-departments.json"))
    assert r.exit_code == 0, r.stderr

    drafted = run("plan", str(HAIDIAN), "--db", db_url, "--format", "jsonl")
    assert drafted.exit_code == 0, drafted.stderr
    assert "catalogue: haidian-departments.json (kept in the library for 北京市海淀区" in drafted.stderr
    leads = {u for x in drafted.stdout.splitlines() for u in json.loads(x)["lead_units"]}
    assert "区发展改革委" in leads and "区发改局" not in leads
    bare = run("plan", str(HAIDIAN), "--format", "jsonl")  # no library: the generic units
    assert "区发改局" in {u for x in bare.stdout.splitlines() for u in json.loads(x)["lead_units"]}

    listed = run("catalogues", "--db", db_url, "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows = [json.loads(x) for x in listed.stdout.splitlines()]
    assert [(k["region"], k["level"], k["in_force"]) for k in rows] == [("北京市海淀区", "district", True)]
    assert "in force" in run("catalogues", "--db", db_url).stdout
    assert run("catalogues", "--db", db_url, "--region", "江西省").stdout == ""

    gone = run("catalogues", "--db", db_url, "--remove", str(rows[0]["id"]))
    assert gone.exit_code == 0, gone.stderr
    assert "北京市海淀区 now drafts with luoshi's own catalogues" in gone.stderr
    assert counts(db_url) == (1, 0)
    again = run("catalogues", "--db", db_url, "--remove", str(rows[0]["id"]))
    assert again.exit_code == 2 and f"no kept departments catalogue has id {rows[0]['id']}" in again.stderr
    after = run("plan", str(HAIDIAN), "--db", db_url, "--format", "jsonl")
    assert "区发改局" in {u for x in after.stdout.splitlines() for u in json.loads(x)["lead_units"]}
