"""Outlines of other genres and layouts: national, city (headings on their own lines, no
indentation, 1. items), county (一是… inside paragraphs), a notice without parts, nested items;
and the sentence splitter over a data table."""

from __future__ import annotations

import pytest

import luoshi
from luoshi import read_text
from luoshi.outline import Node, build

from outline_paths import FIXTURES


def kids(node: Node, kind: str) -> list[Node]:
    return [c for c in node.children if c.kind == kind]


def outline_of(name: str):
    doc = luoshi.read(FIXTURES / name)
    return doc, build(doc)


def test_national():
    doc, ol = outline_of("national.txt")
    assert [p.flags["role"] for p in ol.parts] == ["review", "plan", "plan"]
    p1, p2, p3 = ol.parts
    assert [p.title for p in kids(p1, "paragraph") if p.flags.get("themed")] == ["经济总体回升向好。"]
    assert len(kids(p1, "section")) == 3
    # sections of one paragraph: the paragraph after the last belongs to the part
    assert doc.original[kids(p1, "paragraph")[-1].start:].startswith("在看到成绩的同时")
    targets = [n for n in ol.nodes() if n.flags.get("main_targets")]
    assert len(targets) == 1 and targets[0] in p2.children
    assert doc.original[targets[0].start:].startswith("今年发展主要预期目标是：")
    themed = [[p.title for p in kids(s, "paragraph")] for s in kids(p3, "section")]
    assert themed == [["推动产业链供应链优化升级。", "积极培育新兴产业和未来产业。", "深入推进数字经济创新发展。"],
                      ["加强高质量教育体系建设。", "加快推动高水平科技自立自强。"],
                      ["促进消费稳定增长。", "积极扩大有效投资。"]]
    assert ol.root.children[-1].flags == {"closing": True}


def test_city_headings_on_their_own_lines():
    doc, ol = outline_of("city.txt")
    p1, p2, p3 = ol.parts
    secs = kids(p1, "section")
    assert [s.title for s in secs] == ["（一）项目建设成效明显", "（二）科技创新持续发力", "（三）民生福祉不断增进"]
    assert [len(kids(s, "paragraph")) for s in secs] == [2, 1, 1]
    assert [s.title for s in kids(p2, "section")] == ["（一）全力推动经济稳增长", "（二）加快建设现代化产业体系"]
    items = [[i.title for i in kids(s, "item")] for s in kids(p2, "section")]
    assert items == [["1.扩大有效投资。", "2.促进消费提质扩容。", "3.稳住外贸外资基本盘。"],
                     ["1.做强先进制造业。", "2.发展现代服务业。"]]
    first = kids(kids(p2, "section")[0], "item")[0]
    # the number of a numbered item is not part of its sentences
    assert doc.original[first.children[0].start:first.children[0].end] == "扩大有效投资。"
    assert [n.kind for n in ol.nodes() if n.flags.get("main_targets")] == ["paragraph"]
    assert p3.flags["role"] == "plan"  # 政府自身建设: the year's work
    assert ol.root.children[-1].flags == {"closing": True}


def test_county_inline_items():
    doc, ol = outline_of("county.txt")
    p1, p2, p3 = ol.parts
    assert [s.title for s in kids(p1, "section")] == [
        "（一）农业基础更加稳固。", "（二）工业经济稳步回升。", "（三）民生保障持续加强。"]
    sec = kids(p2, "section")[0]
    assert sec.title == "（一）坚持农业立县，加快建设农业强县。"
    para = kids(sec, "paragraph")[0]
    assert para.title == "提升粮食综合生产能力。" and para.flags == {"themed": True}
    assert [i.title for i in kids(para, "item")] == [
        "一是新建高标准农田10万亩，推进黑土地保护利用；",
        "二是推广先进适用农机，农作物耕种收综合机械化率达到93%；",
        "三是稳定粮食播种面积，确保粮食安全。"]
    assert [i.title for i in kids(kids(p3, "paragraph")[0], "item")] == [
        "一要坚持依法行政；", "二要狠抓工作落实；", "三要严守廉洁底线。"]


def test_notice_without_parts():
    doc, ol = outline_of("notice.txt")
    assert ol.parts == [] and ol.nodes("section") == []
    top = ol.root.children
    assert [c.flags.get("header") for c in top[:2]] == ["title", "salutation"]
    assert [i.title for i in kids(ol.root, "item")] == [
        "1.压实安全生产责任。", "2.深化重点领域排查整治。", "3.强化应急值守。", "4.加强宣传引导。"]
    assert all(c.level == 1 for c in top)


def test_nested_items_and_part_words():
    text = ("第一部分　主要任务\n（一）总体目标\n1.加强制度建设。要把制度建设摆在突出位置。\n（1）完善制度。健全规章。\n"
            "（2）强化监督。\n2.推进改革。深化重点领域改革。\n（二）保障措施\n加强组织领导。各部门要明确分工，落实责任。\n")
    ol = build(read_text(text))
    assert [p.title for p in ol.parts] == ["第一部分　主要任务"] and ol.parts[0].flags["role"] == "plan"
    sec1, sec2 = ol.nodes("section")
    one, two = kids(sec1, "item")
    assert [one.title, two.title] == ["1.加强制度建设。", "2.推进改革。"]
    assert [i.title for i in kids(one, "item")] == ["（1）完善制度。", "（2）强化监督。"]
    assert kids(sec2, "paragraph")[0].title == "加强组织领导。"


def test_heading_numbers_must_follow_on():
    """A "(三)" or "五、" out of sequence is text, not a heading."""
    text = "一、回顾\n过去一年成绩显著。\n三、这一行不是标题，因为没有第二部分。\n（二）这也不是。\n二、安排\n今年要抓好落实。\n"
    ol = build(read_text(text))
    assert [p.title for p in ol.parts] == ["一、回顾", "二、安排"]
    assert ol.nodes("section") == []


def test_lead_on_its_own_line():
    text = ("一、2024年工作安排\n（一）扩大内需\n推动有效投资持续增长\n实施重大工程项目200个。加快前期工作。\n"
            "促进消费\n开展促消费活动。\n")
    ol = build(read_text(text))
    paras = kids(ol.nodes("section")[0], "paragraph")
    assert [(p.title, p.flags) for p in paras] == [("推动有效投资持续增长", {"themed": True}),
                                                   ("促进消费", {"themed": True})]


SENTENCES = [
    # (text as written, expected sentences as written)
    ("推动A。推动B！推动C？推动D；推动E", ["推动A。", "推动B！", "推动C？", "推动D；", "推动E"]),
    ("打造“山海有情·天辽地宁”品牌。加快发展。", ["打造“山海有情·天辽地宁”品牌。", "加快发展。"]),
    ("他指出：“要坚持。要落实！”我们照办。", ["他指出：“要坚持。要落实！”", "我们照办。"]),
    ("他强调“稳。进。”的要求，我们落实。", ["他强调“稳。进。”", "的要求，我们落实。"]),
    ("PM2.5浓度下降（比上年下降3.1%。含沙尘天气）。下一句。", ["PM2.5浓度下降（比上年下降3.1%。含沙尘天气）。", "下一句。"]),
    ("《关于A。B的意见》已印发。开始实施。", ["《关于A。B的意见》已印发。", "开始实施。"]),
    ("他说“没有结束。下一句。再一句。", ["他说“没有结束。", "下一句。", "再一句。"]),
    ("真了不起！！我们走在大路上！", ["真了不起！！", "我们走在大路上！"]),
    ("增长5.5%左右;进出口增长6%。", ["增长5.5%左右;", "进出口增长6%。"]),
]


@pytest.mark.parametrize("text,expected", SENTENCES, ids=[t[:8] for t, _ in SENTENCES])
def test_sentences(text, expected):
    doc = read_text("\u3000\u3000" + text + "\n")
    ol = build(doc)
    assert [doc.original[s.start:s.end] for s in ol.sentences()] == expected


def test_line_broken_inside_a_sentence():
    """A paragraph broken once inside a sentence (docx/html conversions) is still one paragraph."""
    doc = read_text("一、2023年工作回顾\n\u3000\u3000城镇新增就业47.9万人，粮食产量512.7\n亿斤。全年增长5%。\n"
                    "\u3000\u3000二是这一行\n\u3000\u3000不是续行。\n")
    ol = build(doc)
    paras = kids(ol.parts[0], "paragraph")
    assert [doc.original[s.start:s.end] for s in paras[0].children] == [
        "城镇新增就业47.9万人，粮食产量512.7\n亿斤。", "全年增长5%。"]
    assert len(paras) == 3  # an indented line starts a paragraph


def test_targets_only_outside_review():
    text = ("一、2023年主要目标完成情况\n2023年主要预期目标是：增长5%，全面完成。\n"
            "二、2024年工作安排\n（一）主要预期目标\n地区生产总值增长5.5%左右。\n")
    ol = build(read_text(text))
    flagged = [(n.kind, n.title) for n in ol.nodes() if n.flags.get("main_targets")]
    assert flagged == [("section", "（一）主要预期目标")]
