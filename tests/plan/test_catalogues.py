"""Catalogues by region and level (luoshi.plan.catalogues): which one answers, the names of each
level, plans' own wording resolved, accuracy by level on real tasks, and the twelve real reports
(every task a lead of its own province and level, nothing of Liaoning's catalogue)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

import luoshi
from luoshi.cli import main
from luoshi.plan.assign import indicators_in, load_departments, suggest
from luoshi.plan.division_fields import from_division
from luoshi.plan.draft import draft_plan

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SHARED = ROOT.parent / "shared" / "real"
TABLE = json.loads((HERE / "catalogue_cases.json").read_text(encoding="utf-8"))
LEVELS = json.loads((HERE / "assign_cases.json").read_text(encoding="utf-8"))["levels"]
LIAONING = {u.name for u in load_departments(region="辽宁省").units}


@pytest.mark.parametrize("row", TABLE["choose"], ids=lambda r: f"{r['region'] or '-'}/{r['level'] or '-'}")
def test_region_and_level_choose_the_catalogue(row):
    deps = load_departments(region=row["region"], level=row["level"])
    names = set(deps.names())
    assert deps.generic is (not row["own"])
    assert bool(deps.note) is deps.generic
    assert set(row["names"]) <= names, set(row["names"]) - names
    assert not set(row["absent"]) & names
    if deps.generic:  # the generic catalogue names no unit of another region
        assert not names & (LIAONING - {u for u in names if not re.search("辽宁|沈阳|大连", u)})
        assert deps.default_lead and deps.default_lead in names
        assert all(u.remit for u in deps.units if u.kind != "local")


@pytest.mark.parametrize("row", TABLE["resolve"], ids=lambda r: r["written"])
def test_plans_own_wording_resolves(row):
    assert load_departments(region=row["region"], level=row["level"]).resolve(row["written"]) == row["unit"]


@pytest.mark.parametrize("row", TABLE["assign"], ids=lambda r: r["text"][:12])
def test_assign_names_units_of_the_region_and_level(row):
    r = CliRunner().invoke(main, ["assign", row["text"], "--region", row["region"], "--level", row["level"],
                                  "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["lead_units"][:1] == [row["lead"]]
    assert not set(row["not"]) & set(d["lead_units"] + d["resp_units"])
    assert d["catalogue"]["generic"] is row.get("generic", True) and d["catalogue"]["region"] == row["region"]


def test_text_output_says_generic():
    r = CliRunner().invoke(main, ["assign", "新建高标准农田3.5万亩", "--region", "鄢陵县"])
    assert r.exit_code == 0 and "catalogue: generic — " in r.output and "牵头单位: 县农业农村局" in r.output
    r = CliRunner().invoke(main, ["assign", "新建高标准农田3.5万亩", "--region", "辽宁省"])
    assert "catalogue: generic" not in r.output and "牵头单位: 省农业农村厅" in r.output


def test_every_indicator_has_an_owner_at_every_level():
    from luoshi.plan.assign import _owners

    ids = [e["id"] for e in json.loads((ROOT / "src/luoshi/data/indicators.json").read_text(
        encoding="utf-8"))["indicators"]]
    for region, level in (("全国", "national"), ("广东省", "province"), ("北京市", "province"),
                          ("西安市", "city"), ("北京市海淀区", "district"), ("鄢陵县", "county")):
        deps = load_departments(region=region, level=level)
        assert [c for c in ids if not _owners(deps, c)] == [], region


def test_accuracy_by_level():
    """Task sentences of real reports of every level, each scored with its own region's catalogue."""
    at1: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for c in LEVELS:
        deps = load_departments(region=c["region"], level=c["level"])
        assert set(c["lead"]) <= set(deps.names()), c
        local = {u.name for u in deps.units if u.kind == "local"}
        s = suggest(c["text"], figures=indicators_in(c["text"]), departments=deps)
        ranked = s.lead_units + [u for u in s.resp_units if u not in local]
        hit = bool(s.lead_units) and s.lead_units[0] in c["lead"]
        for key in (c["level"], "all"):
            at1[key][0] += hit
            at1[key][1] += any(u in c["lead"] for u in ranked[:3])
            at1[key][2] += 1
        if not hit:
            misses.append(f"{c['source']}: {c['text'][:30]}… gold {c['lead']} got {s.lead_units}")
    for key, (a1, a3, n) in at1.items():
        print(f"\nlevel {key}: accuracy@1 {a1}/{n} = {a1 / n:.3f}, accuracy@3 {a3}/{n} = {a3 / n:.3f}")
    for m in misses:
        print("  miss:", m)
    a1, a3, n = at1["all"]
    assert a1 / n >= 0.9 and a3 / n >= 0.95
    assert all(v[0] / v[2] >= 0.85 for v in at1.values())


def test_blind_lower_levels():
    """Items in the style of district, county and city plans, labelled by function before the
    first run: the first lead is that function's unit at the item's level."""
    cases = json.loads((HERE / "assign_cases.json").read_text(encoding="utf-8"))["blind_levels"]
    generic = {f["function"]: f for f in json.loads((ROOT / "src/luoshi/data/departments/generic.json")
                                                    .read_text(encoding="utf-8"))["functions"]}
    hits = 0
    for c in cases:
        deps = load_departments(region=c["region"], level=c["level"])
        fid = c["function"]
        while not any(u.function == fid for u in deps.units):  # merged into another at this level
            names = generic[fid]["names"]
            fid = (names.get(deps.level) or names.get("county") or "=")[1:]
        s = suggest(c["text"], figures=indicators_in(c["text"]), departments=deps)
        unit = next(u for u in deps.units if u.function == fid).name
        hits += s.lead_units[:1] == [unit]
    print(f"\nblind lower levels: accuracy@1 {hits}/{len(cases)}")
    assert hits / len(cases) >= 0.85


def _plan_cases(text: str, pattern: str) -> list[dict]:
    return [{"text": m.group(1), "lead": re.split("[、，]", m.group(2))} for m in re.finditer(pattern, text)]


@pytest.mark.parametrize("path, region, level, pattern, floor", [
    ("tests/corpus/province-2024-task-division.txt", "江西省", "province", r"\d+．(.*?)（牵头单位：([^；）]*)", 0.9),
    ("tests/heldout/city-2024-task-division-xa.txt", "西安市", "city", r"（\d+）(.*?)（牵头单位：([^；）]*)", 0.85),
])
def test_real_plans_own_leads_with_the_generic_catalogue(path, region, level, pattern, floor):
    """Real 分工方案 name their own leads in their own wording (市发改委): resolved to the
    catalogue's names, the first suggested lead should be one of them."""
    deps = load_departments(region=region, level=level)
    local = {u.name for u in deps.units if u.kind == "local"}
    cases = _plan_cases((ROOT / path).read_text(encoding="utf-8"), pattern)
    assert len(cases) >= 20
    at1 = at3 = 0
    for c in cases:
        gold = {deps.resolve(g) for g in c["lead"]} - {""}
        assert gold, c["lead"]
        s = suggest(c["text"], figures=indicators_in(c["text"]), departments=deps)
        ranked = s.lead_units + [u for u in s.resp_units if u not in local]
        at1 += bool(s.lead_units) and s.lead_units[0] in gold
        at3 += any(u in gold for u in ranked[:3])
    print(f"\n{region} plan: accuracy@1 {at1}/{len(cases)}, accuracy@3 {at3}/{len(cases)}")
    assert at1 / len(cases) >= floor and at3 / len(cases) >= 0.95


# ---------------------------------------------------------------- the twelve real reports

def _meta() -> list[dict]:
    if not (SHARED / "meta.jsonl").exists():
        return []
    return [json.loads(x) for x in (SHARED / "meta.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.skipif(not _meta(), reason="needs ../shared/real")
@pytest.mark.parametrize("meta", _meta(), ids=lambda m: m["doc"])
def test_real_report_tasks_get_leads_of_their_own_region_and_level(meta):
    doc = luoshi.read(SHARED / "docs" / f"{meta['doc']}.txt")
    deps = load_departments(region=meta["region"], level=meta["level"])
    tasks = draft_plan(doc, departments=deps)
    assert tasks
    own = set(deps.names())
    foreign = LIAONING - own if meta["region"] != "辽宁省" else set()
    for t in tasks:
        assert t.lead_units, t.text
        units = set(t.lead_units + t.resp_units)
        assert from_division(t) or "牵头单位" not in t.text, t.text  # a task that names its units has them
        if from_division(t):  # the report names them (牵头单位:…): the catalogue's names, else its words
            assert all(u in own or u in doc.original for u in units), t.text
        else:
            assert units <= own, t.text
        assert not units & foreign
    prefix = "市" if meta["region"] in ("北京市", "天津市", "上海市", "重庆市") else \
        "自治区" if meta["region"].endswith("自治区") else "省"
    leads = [u for t in tasks for u in t.lead_units]
    assert sum(u.startswith(prefix) for u in leads) / len(leads) >= 0.9


@pytest.mark.skipif(not _meta(), reason="needs ../shared/real")
@pytest.mark.parametrize("meta", _meta(), ids=lambda m: m["doc"])
def test_real_report_tasks_are_the_years_work(meta):
    """The twelve 2026 reports each have a part of the 十五五 period's goals before the year's
    work: none of their tasks lies in it (unless its title names the plan year too), and none is
    a note of the report (名词解释, "…是指…") or its closing appeal (让我们…)."""
    from luoshi import build_outline
    from luoshi.plan.tasks import build_tasks

    doc = luoshi.read(SHARED / "docs" / f"{meta['doc']}.txt")
    outline = build_outline(doc)
    year = int(outline.metadata.get("plan_year") or 0)
    five = [(p.nstart, p.nend) for p in outline.parts
            if re.search(r"十[一二三四五六七八九]五[”\"]?(?:时期|发展)", p.title or "") and f"{year}年" not in (p.title or "")]
    tasks = build_tasks(doc, outline)
    assert tasks
    for t in tasks:
        assert not any(a <= t.nstart < b for a, b in five), t.text
        assert "是指" not in t.text and not t.text.startswith("让我们"), t.text


@pytest.mark.skipif(not _meta(), reason="needs ../shared/real")
@pytest.mark.parametrize("meta", _meta(), ids=lambda m: m["doc"])
def test_an_annex_of_the_years_livelihood_projects_is_tasks(meta):
    """附件: 民生实事 listed after the report are commitments of the year, drafted as tasks — as
    numbered items (1.…(牵头单位:…)) or as 一、 headings each with its paragraph (Guangdong: the
    heading is the section of the paragraph's tasks) — and what introduces them is not; a notes
    part (名词解释) is not either."""
    from luoshi import build_outline
    from luoshi.plan.tasks import _marker_re, build_tasks

    doc = luoshi.read(SHARED / "docs" / f"{meta['doc']}.txt")
    outline = build_outline(doc)
    annexes = [p for p in outline.parts if p.flags.get("role") == "annex"]
    notes = [(p.nstart, p.nend) for p in outline.parts if p.flags.get("role") == "notes"]
    tasks = build_tasks(doc, outline)
    for part in annexes:
        numbered = [c for c in part.children if c.kind != "sentence"
                    and _marker_re().match(doc.text[c.nstart:c.nend].lstrip())]
        if not numbered:
            continue
        inside = [t for t in tasks if part.nstart <= t.nstart < part.nend]
        assert len(inside) >= len(numbered), part.title
        assert all(t.nstart >= numbered[0].nstart for t in inside), part.title  # not its introduction
        heads = [c for c in numbered if c.kind == "paragraph"
                 and re.fullmatch(r"[一二三四五六七八九十]+、[^\d\n]+", doc.text[c.nstart:c.nend].strip())]
        for head in heads:  # 一、… with its paragraph after
            under = [t for t in inside if t.nstart >= head.nend][:1]
            assert not [t for t in inside if head.nstart <= t.nstart < head.nend], head.title
            assert under and under[0].section[-1] in doc.text[head.nstart:head.nend], head.title
    assert not [t for t in tasks if any(a <= t.nstart < b for a, b in notes)]


@pytest.mark.parametrize("region, name", [
    ("内蒙古自治区", "各盟市人民政府"),  # 盟 and 市
    ("四川省", "各市（州）人民政府"),  # 自治州 too
    ("江西省", "各市人民政府"),  # only cities
    ("黑龙江省", "各市（地）人民政府（行署）"),  # 大兴安岭地区
    ("新疆维吾尔自治区", "各州、市（地）人民政府（行署）"),
    ("海南省", "各市、县、自治县人民政府"),  # counties under the province
    (None, "各市（州）人民政府"),  # no region: the level's default
])
def test_the_cities_of_a_province_are_addressed_as_its_places_are_named(region, name):
    deps = load_departments(region=region, level="province")
    (local,) = [u for u in deps.units if u.kind == "local"]
    assert local.name == name
    assert "各市（州）人民政府" in (local.name, *local.aliases)  # a plan's usual words still find it
