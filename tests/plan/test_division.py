"""A real 分工方案 read into tasks with its own units: one parametrised test over the layouts of
division_cases.json (bracketed fields, field lines, tables), the match of a report's drafted
tasks to the items, and ``luoshi plan --from-division``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import luoshi
from luoshi.cli import main
from luoshi.plan.division import read_division
from luoshi.plan.division_fields import read_fields, resolve_units, split_units, stated_fields
from luoshi.plan.division_match import Item, agreement, bigrams, item_of, match, overlay
from luoshi.plan.draft import draft_plan

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = json.loads((HERE / "division_cases.json").read_text(encoding="utf-8"))["cases"]
REPORT = HERE / "fixtures" / "jiangxi-2024-report-excerpt.txt"  # composed from the division's items
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"][:40])
def test_layouts(case):
    tasks = read_division(luoshi.read_text(case["text"], "case"))
    got = [[t.text, t.section_title, t.lead_units, t.resp_units, t.lead_leader, t.deadline, t.deadline_text]
           for t in tasks]
    assert got == case["tasks"]


def test_fields_stop_at_the_next_label_and_at_a_remark():
    text = "(牵头单位:省发展改革委;责任单位:省统计局,各设区市人民政府。以下均需落实)"
    f = read_fields(text, 0, len(text))
    assert (f.lead, f.resp, f.at) == (["省发展改革委"], ["省统计局", "各设区市人民政府"], 1)
    assert split_units("省财政厅、省税务局等") == ["省财政厅", "省税务局"]
    text = "(责任单位:省发展改革委(牵头)、省财政厅)"  # the lead marked inside one list
    f = read_fields(text, 0, len(text))
    assert (f.lead, f.resp) == (["省发展改革委"], ["省财政厅"])
    assert not read_fields("深入实施“1269”行动计划。", 0, 14).found


def test_the_corpus_divisions_give_every_item_a_lead_and_no_annotation_in_a_task():
    for path in (DIVISION, ROOT / "tests" / "heldout" / "city-2024-task-division-xa.txt"):
        tasks = read_division(luoshi.read(path))
        numbered = re.findall(r"^(?:\d+．|（\d+）)", path.read_text(encoding="utf-8"), re.M)
        assert len(tasks) == len(numbered)
        assert all(t.lead_units for t in tasks)
        assert not any("牵头" in t.text or "责任单位" in t.text for t in tasks)


def test_match_by_words_and_by_figures():
    div = [item_of("新建改造高标准农田260万亩"), item_of("办好十件民生实事")]
    rep = [item_of("新建改造高标准农田260万亩。"), item_of("积极发展银发经济，完善居家社区养老服务网络。")]
    assert match(rep, div) == [0, None]
    # short targets of different indicators share words but are not the same work
    retail = Item(bigrams("社会消费品零售总额增长6%"), frozenset({("retail_sales", 6.0)}))
    trade = Item(bigrams("进出口总额增长6%"), frozenset({("trade", 6.0)}))
    assert match([trade], [retail]) == [None]
    assert match([Item(bigrams("社会消费品零售总额增长8%"), frozenset({("retail_sales", 8.0)}))], [retail]) == [0]
    assert len(bigrams("地区生产总值，增长5%")) == len(bigrams("地区生产总值增长5%"))


def test_agreement_counts_matched_tasks_whose_first_lead_is_the_items():
    a = agreement(["省财政厅", "省商务厅", "", "省科技厅"], [0, 1, 1, None], ["省财政厅", "省发展改革委"], 2)
    assert (a.report_tasks, a.matched, a.agree, a.share) == (4, 3, 1, 0.333)
    assert "1 of 3" in a.line()


@pytest.fixture(scope="module")
def pair():
    doc = luoshi.read(REPORT)
    outline = luoshi.build_outline(doc)
    figures = luoshi.extract_figures(doc, outline)
    ddoc = luoshi.read(DIVISION)
    doutline = luoshi.build_outline(ddoc)
    dfigures = luoshi.extract_figures(ddoc, doutline)
    return draft_plan(doc, outline, figures), figures, read_division(ddoc, doutline, dfigures), dfigures


def test_the_composed_pair_matches_each_report_task_to_its_item(pair):
    tasks, figures, items, dfigures = pair
    leads = [t.lead_units[0] if t.lead_units else "" for t in tasks]
    a = overlay(tasks, figures, items, dfigures)
    # every task of the report but the one the division does not list (银发经济)
    unmatched = [t.text for t, j in zip(tasks, a.matches) if j is None]
    assert unmatched == ["积极发展银发经济，完善居家社区养老服务网络。"]
    for t, j in zip(tasks, a.matches):
        if j is not None:  # the same work: the item's words are in the task, or the task's in it
            short, long_ = sorted((bigrams(t.text), bigrams(items[j].text)), key=len)
            assert len(short & long_) / len(short) >= 0.8, (t.text, items[j].text)
            assert (t.lead_units, t.resp_units) == (items[j].lead_units, items[j].resp_units)
    assert (a.report_tasks, a.division_items, a.matched) == (len(tasks), 23, len(tasks) - 1)
    assert a.agree == sum(1 for lead, j in zip(leads, a.matches) if j is not None and lead == items[j].lead_units[0])


def test_a_persons_edit_is_not_overwritten(pair):
    _, figures, items, dfigures = pair
    doc = luoshi.read(REPORT)
    tasks = draft_plan(doc, luoshi.build_outline(doc), figures)
    tasks[0].lead_units, tasks[0].edited = ["省审计厅"], ["lead_units"]
    overlay(tasks, figures, items, dfigures)
    assert tasks[0].lead_units == ["省审计厅"] and tasks[0].resp_units == items[0].resp_units


def test_cli_from_division_alone_and_over_a_report():
    r = CliRunner().invoke(main, ["plan", "--from-division", str(DIVISION), "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert len(rows) == 23 and rows[11]["resp_units"] == ["江西证监局"]
    r = CliRunner().invoke(main, ["plan", str(REPORT), "--from-division", str(DIVISION)])
    assert r.exit_code == 0, r.output
    assert re.search(r"draft vs 分工方案: first lead agrees in \d+ of 19 matched tasks", r.output)
    r = CliRunner().invoke(main, ["plan"])
    assert r.exit_code == 2


def test_cli_warns_when_the_division_is_of_another_region():
    r = CliRunner().invoke(main, ["plan", str(luoshi.sample_path()), "--from-division", str(DIVISION),
                                  "--format", "jsonl"])
    assert r.exit_code == 0
    assert "the 分工方案 is of region 江西省, the report of 辽宁省" in r.stderr
    assert "draft vs 分工方案" in r.stderr and "draft vs" not in r.stdout  # jsonl stays tasks


@pytest.mark.parametrize("row", json.loads((HERE / "division_cases.json").read_text(encoding="utf-8"))["deadlines"],
                         ids=lambda r: r[0])
def test_deadline_fields(row):
    from luoshi.plan.division import field_deadline

    value, year, want = row
    assert list(field_deadline(value, year)) == want


def test_cli_says_a_division_read_as_a_report_gets_suggestions():
    r = CliRunner().invoke(main, ["plan", str(DIVISION), "--format", "jsonl"])
    assert r.exit_code == 0 and "--from-division reads the units it names" in r.stderr


# Inner Mongolia's 2026 report, its annex of 民生实事 (normalised: "：" is ":", "（" is "(")
ANNEX = ("1.通过“以工代赈”发放“三北”工程、高标准农田建设劳务报酬20亿元以上;扩大失业保险、工伤保险覆盖面,"
         "提高城乡居民养老保险基础养老金标准(牵头单位:农牧厅、林草局、人社厅)。\n"
         "2.实现城镇新增就业18万人以上,发布就业岗位50万个以上(牵头单位:人社厅)。\n"
         "3.将学生意外伤害责任保险从义务教育阶段扩大到高中阶段。\n")


def _span(text: str, words: str) -> tuple[int, int]:
    a = text.index(words)
    return a, a + len(words)


@pytest.mark.parametrize("text, task, lead", [
    (ANNEX, "通过“以工代赈”发放“三北”工程、高标准农田建设劳务报酬20亿元以上", ["农牧厅", "林草局", "人社厅"]),
    (ANNEX, "扩大失业保险、工伤保险覆盖面", ["农牧厅", "林草局", "人社厅"]),
    (ANNEX, "实现城镇新增就业18万人以上", ["人社厅"]),
    (ANNEX, "将学生意外伤害责任保险从义务教育阶段扩大到高中阶段", None),  # names none: the next item's are not its
    ("建成养老床位7000张(牵头单位:民政厅);新建托位2000个(牵头单位:卫健委)。", "新建托位2000个", ["卫健委"]),
    ("建成养老床位7000张(牵头单位:民政厅);新建托位2000个(牵头单位:卫健委)。", "建成养老床位7000张", ["民政厅"]),
    ("建成养老床位7000张。(牵头单位:民政厅;责任单位:各盟市)\n", "建成养老床位7000张", ["民政厅"]),
    ("建成养老床位7000张。新建托位2000个(牵头单位:卫健委)。", "建成养老床位7000张", None),
])
def test_a_reports_own_units_for_a_task(text, task, lead):
    f = stated_fields(text, *_span(text, task))
    assert (f.lead if f.found else None) == lead


def test_a_short_name_without_its_prefix_is_a_unit_of_the_reports_own_level():
    from luoshi.plan.assign import load_departments

    deps = load_departments(region="内蒙古自治区", level="province")
    assert resolve_units(["人社厅", "交通厅", "公安部", "国家发展改革委", "红十字会"], deps) == [
        "自治区人力资源社会保障厅", "自治区交通运输厅", "公安部", "国家发展改革委", "红十字会"]
