"""Exports of the draft 分工方案, opened again with openpyxl and python-docx."""

from __future__ import annotations

import copy
import json

import pytest

from luoshi.plan import export


@pytest.fixture()
def tasks(sample_tasks):
    ts = copy.deepcopy(sample_tasks)
    ts[0].lead_units, ts[0].resp_units = ["省发展改革委"], ["省统计局", "各市人民政府"]
    ts[11].lead_leader = "王五"
    return ts


META = {"region": "辽宁省", "plan_year": 2024}


def test_layout_headings(tasks):
    rows = export.layout(tasks)
    heads = [(r.level, r.title) for r in rows if r.task is None]
    assert heads[0] == (1, "一、主要预期目标")
    assert heads[1] == (1, "二、重点工作任务")
    assert heads[2] == (2, "（一）壮大经济实力，在保持经济赶超势头上攻坚突破")
    assert heads[3] == (3, "推动有效投资持续增长")
    assert sum(1 for lvl, _ in heads if lvl == 2) == 8 + 5  # and 三、政府自身建设's 一要…五要
    assert sum(1 for lvl, _ in heads if lvl == 3) == 27
    assert [r.task.number for r in rows if r.task] == list(range(1, len(tasks) + 1))


def test_text(tasks):
    out = export.render_text(tasks, META)
    lines = out.splitlines()
    assert lines[0] == "辽宁省2024年《政府工作报告》重点工作分工方案（草案）"
    assert lines[3] == "1．地区生产总值增长5.5%左右"
    assert lines[4] == ("  （牵头领导：＿＿；牵头单位：省发展改革委；责任单位：省统计局、各市人民政府；"
                        "完成时限：2024年12月底前）")
    assert "12．紧跟中央投资方向" in out and "牵头领导：王五" in out
    assert out.count("完成时限：") == len(tasks)


def test_jsonl(tasks):
    recs = [json.loads(line) for line in export.render_jsonl(tasks).splitlines()]
    assert len(recs) == len(tasks)
    first = ["item", "task", "section", "start", "end", "lead_units", "resp_units", "lead_leader",
             "deadline", "figures"]
    assert list(recs[0])[:len(first)] == first
    assert recs[0]["item"] == 1 and recs[0]["section"] == "主要预期目标"
    assert recs[0]["lead_units"] == ["省发展改革委"] and recs[0]["deadline"] == "2024-12-31"
    assert recs[12]["section"].endswith(" / 推动有效投资持续增长")


def test_xlsx(tasks, tmp_path):
    from openpyxl import load_workbook

    path = export.write_xlsx(tasks, tmp_path / "plan.xlsx", META)
    wb = load_workbook(path)
    ws = wb["分工方案"]
    assert [c.value for c in ws[1]][:7] == ["序号", "重点工作任务", "所属部分", "牵头领导", "牵头单位",
                                          "责任单位", "完成时限"]
    assert ws.max_row == len(tasks) + 1
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == 1 and ws["B2"].value == "地区生产总值增长5.5%左右"
    assert ws["E2"].value == "省发展改革委" and ws["F2"].value == "省统计局、各市人民政府"
    assert ws["G2"].value == "2024年12月底前"
    assert ws["D13"].value == "王五"
    assert ws["H2"].value == "目标"  # the kind in words (data/labels.toml), not the code "target"
    assert ws.cell(row=len(tasks) + 1, column=2).value == tasks[-1].text
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEFG"}
    assert widths["B"] >= 60  # the task column fits long Chinese text (wrapped)
    assert widths["A"] < 10 and widths["G"] >= 15  # 2024年12月底前 is 15 columns wide
    assert ws["B2"].alignment.wrap_text


def test_docx(tasks, tmp_path):
    from docx import Document

    path = export.write_docx(tasks, tmp_path / "plan.docx", META)
    d = Document(str(path))
    assert d.paragraphs[0].text == "辽宁省2024年《政府工作报告》重点工作分工方案（草案）"
    assert d.paragraphs[0].style.name.startswith("Heading")
    assert len(d.tables) == 1
    t = d.tables[0]
    assert [c.text for c in t.rows[0].cells] == export.HEADERS
    assert t.rows[0]._tr.trPr is not None  # header row repeats on each page
    assert t.rows[1].cells[0].text == "一、主要预期目标"
    assert len({id(c._tc) for c in t.rows[1].cells}) == 1  # a heading row is one merged cell
    row = t.rows[2]
    assert [c.text for c in row.cells] == ["1", "地区生产总值增长5.5%左右", "", "省发展改革委",
                                          "省统计局、各市人民政府", "2024年12月底前"]
    task_rows = [r for r in t.rows[1:] if len({id(c._tc) for c in r.cells}) > 1]
    assert len(task_rows) == len(tasks)
    assert len(t.rows) == 1 + len(tasks) + 2 + 8 + 5 + 27
    sec = d.sections[0]
    assert sec.page_width > sec.page_height  # landscape
