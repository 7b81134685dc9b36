"""The outline of the bundled 2024 Liaoning report, asserted in detail."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from luoshi.cli import main
from luoshi.outline import Node, build
from luoshi.outline.render import render_tree

PART1_SECTIONS = [
    "（一）全力以赴稳增长，发展质效明显提升。",
    "（二）凝心聚力抓创新，科教潜能持续释放。",
    "（三）强链壮群筑根基，产业结构优化升级。",
    "（四）综合施策优环境，改革攻坚取得突破。",
    "（五）全力打造新前沿，开放合作深化拓展。",
    "（六）坚持不懈强三农，乡村振兴扎实推进。",
    "（七）多极发力促协调，区域发展蓄势聚能。",
    "（八）持续用力护生态，绿色底蕴更加浓厚。",
    "（九）倾情倾力惠民生，各项事业全面进步。",
    "（十）积极稳妥保安全，社会大局和谐稳定。",
]
PART2_SECTIONS = [
    "（一）壮大经济实力，在保持经济赶超势头上攻坚突破。",
    "（二）强化创新引领，在开辟新领域新赛道上攻坚突破。",
    "（三）加快动能转换，在构建现代化产业体系上攻坚突破。",
    "（四）推进乡村振兴，在建设农业强省上攻坚突破。",
    "（五）激发动力活力，在深化改革开放上攻坚突破。",
    "（六）统筹发展安全，在建设平安辽宁上攻坚突破。",
    "（七）坚持绿色低碳，在建设美丽辽宁上攻坚突破。",
    "（八）增进民生福祉，在保障和改善民生上攻坚突破。",
]
# themed paragraphs (lead sentences) of each section of part 二
PART2_THEMED = [
    ["推动有效投资持续增长。", "促进消费潜能充分释放。", "加快补短板强弱项。", "全力促进区域协调发展。"],
    ["创建具有全国影响力的区域科技创新中心。", "加快形成新质生产力。", "打造面向东北亚的国际化人才高地。"],
    ["全力塑造制造业新优势。", "大力发展现代服务业。", "培育壮大经营主体。"],
    ["筑牢粮食安全保障根基。", "扎实推进宜居宜业和美乡村建设。", "激发农业农村发展活力。"],
    ["打造营商环境升级版。", "深化国资国企改革。", "打造对外开放新前沿。"],
    ["有效防范化解风险。", "筑牢公共安全防线。", "创新加强社会治理。"],
    ["深入打好污染防治攻坚战。", "持续打好生态修复保卫战。", "坚决打好低碳转型持久战。"],
    ["积极扩就业促增收。", "健全社会保障体系。", "加快建设教育强省。", "实施健康辽宁行动。", "推动文体旅融合发展。"],
]
PART3_ITEMS = [
    "一要建设更强担当的有为政府。",
    "二要建设更实作风的效能政府。",
    "三要建设更高水平的法治政府。",
    "四要建设更高质量的数字政府。",
    "五要建设更严要求的廉洁政府。",
]


def kids(node: Node, kind: str) -> list[Node]:
    return [c for c in node.children if c.kind == kind]


def test_parts_and_roles(example):
    parts = example.parts
    assert [p.title for p in parts] == ["一、2023年工作回顾", "二、2024年工作安排", "三、全面加强政府自身建设"]
    assert [p.flags["role"] for p in parts] == ["review", "plan", "plan"]
    assert all(p.level == 1 for p in parts)


def test_sections_as_written(example):
    p1, p2, p3 = example.parts
    assert [s.title for s in kids(p1, "section")] == PART1_SECTIONS
    assert [s.title for s in kids(p2, "section")] == PART2_SECTIONS
    assert kids(p3, "section") == []
    assert all(s.level == 2 for s in kids(p1, "section") + kids(p2, "section"))


def test_themed_paragraphs_of_part_two(example):
    secs = kids(example.parts[1], "section")
    got = [[p.title for p in kids(s, "paragraph") if p.flags.get("themed")] for s in secs]
    assert got == PART2_THEMED
    assert sum(map(len, got)) == 27
    # the last paragraph of section (八) has no lead: a plain paragraph with no title
    last = kids(secs[-1], "paragraph")[-1]
    assert last.title == "" and "themed" not in last.flags
    # no themed paragraph in part 一 (its sections are single paragraphs)
    assert not [n for n in example.parts[0].walk() if n.flags.get("themed")]


def test_introduction_of_part_two(example, example_doc):
    p2 = example.parts[1]
    intro = [c for c in p2.children if c.kind == "paragraph"]
    assert len(intro) == 7  # 今年是… 当前… 总体要求 主要预期目标 在此基础上… 做好今年工作… 今年要重点…
    assert all(c.nend <= kids(p2, "section")[0].nstart for c in intro)
    targets = [n for n in example.nodes() if n.flags.get("main_targets")]
    assert len(targets) == 1
    t = targets[0]
    assert t.kind == "paragraph" and t in intro and t.title == ""
    assert example_doc.original[t.start:t.end].startswith("今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右")
    general = [n for n in intro if n.flags.get("general_requirements")]
    assert len(general) == 1 and example_doc.original[general[0].start:].startswith("今年政府工作的总体要求是")


def test_items_of_part_three(example, example_doc):
    p3 = example.parts[2]
    items = kids(p3, "item")
    assert [i.title for i in items] == PART3_ITEMS
    assert example_doc.original[items[-1].start:items[-1].end].endswith("幸福指数！")
    assert [c.kind for c in p3.children if c.kind != "sentence"] == ["paragraph"] + ["item"] * 5


def test_part_one_tail_paragraphs_belong_to_the_part(example, example_doc):
    p1 = example.parts[0]
    sec10 = kids(p1, "section")[-1]
    assert example_doc.original[sec10.end - 12:sec10.end] == "为全局之安作出重要贡献！"
    tail = [c for c in p1.children if c.kind == "paragraph" and c.nstart > sec10.nend]
    assert [example_doc.original[c.start:c.start + 5] for c in tail] == ["一年来，我", "一年来，我", "各位代表，", "在总结成绩"]


def test_header_and_closing_outside_parts(example, example_doc):
    top = [c for c in example.root.children if c.kind != "part"]
    assert [c.flags.get("header") for c in top[:4]] == ["title", "date", "speaker", "salutation"]
    assert example_doc.original[top[4].start:top[4].end].startswith("现在，我代表省人民政府")
    closing = top[-1]
    assert closing.flags == {"closing": True}
    assert example_doc.original[closing.start:].startswith("各位代表，全面振兴新突破攻坚之年任务艰巨")
    assert example.parts[-1].nend < closing.nstart


def test_titles_start_their_spans(example, example_doc):
    titled = [n for n in example.nodes() if n.title]
    assert len(titled) == 3 + 18 + 27 + 5
    for n in titled:
        assert example_doc.original[n.start:n.end].startswith(n.title), n.title


def test_offsets_nested_ordered_and_mapped(example, example_doc):
    def check(node: Node) -> None:
        prev_end = node.nstart
        for c in node.children:
            assert node.nstart <= c.nstart < c.nend <= node.nend
            assert c.nstart >= prev_end
            assert node.start <= c.start < c.end <= node.end
            assert c.level == node.level + 1
            assert (c.start, c.end) == example_doc.to_original(c.nstart, c.nend)
            prev_end = c.nend
            check(c)
    check(example.root)
    assert example.root.end == len(example_doc.original)


def test_sentences_tile_the_text_and_respect_quotes(example, example_doc):
    text = example_doc.text
    covered = [0] * len(text)
    for s in example.sentences():
        for k in range(s.nstart, s.nend):
            covered[k] += 1
        t = text[s.nstart:s.nend]
        assert t.count("“") == t.count("”") and t.count("(") == t.count(")"), t
        assert s.title == ""
    assert max(covered) == 1
    missing = "".join(text[k] for k, c in enumerate(covered) if not c and not text[k].isspace())
    # only the markers of parts and sections are left out of the sentences
    assert set(missing) <= set("一二三四五六七八九十、()")
    assert len(example.sentences()) == 437


def test_quoted_exclamation_is_not_split(example, example_doc):
    sents = [example_doc.original[s.start:s.end] for s in example.sentences()]
    assert "“山海关不住、投资到辽宁”正在成为新的社会共识！" in sents
    assert any("渤海（辽宁段）综合治理行动" in s for s in sents)


def test_path_at_and_role_at(example, example_doc):
    pos = example_doc.text.index("紧跟中央投资方向")
    path = example.path_at(pos)
    assert [n.kind for n in path] == ["part", "section", "paragraph"]
    assert path[-1].title == "推动有效投资持续增长。"
    assert example.role_at(pos) == "plan"
    assert example.role_at(example_doc.text.index("十年来首次超过全国增速")) == "review"
    assert example.role_at(example_doc.text.index("省长 李乐成")) is None


def test_metadata(example):
    assert example.metadata == {
        "title": "2024年辽宁省政府工作报告", "region": "辽宁省", "level": "province",
        "review_year": 2023, "plan_year": 2024, "date": "2024-01-23", "speaker": "李乐成",
        "kind": "work_report",
    }


def test_fast(example_doc):
    build(example_doc)  # warm the word lists
    best = min(_timed(lambda: build(example_doc)) for _ in range(5))
    assert best < 0.05


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def test_render_tree(example, example_doc):
    out = render_tree(example_doc, example)
    assert "  region: 辽宁省" in out and "  plan_year: 2024" in out
    assert "（一）全力以赴稳增长，发展质效明显提升。  (785-" in out
    assert "    ¶ 推动有效投资持续增长。 [themed]" in out
    assert "[main_targets]" in out and "[role=review]" in out
    assert "· " not in out
    with_sents = render_tree(example_doc, example, sentences=True)
    assert with_sents.count("\n") > out.count("\n") + 400


@pytest.mark.parametrize("fmt", ["tree", "json"])
def test_cli(fmt):
    res = CliRunner().invoke(main, ["outline", "sample", "--format", fmt])
    assert res.exit_code == 0, res.output
    if fmt == "json":
        data = json.loads(res.output)
        assert data["metadata"]["region"] == "辽宁省"
        parts = [c for c in data["outline"]["children"] if c["kind"] == "part"]
        assert len(parts) == 3 and parts[1]["flags"] == {"role": "plan"}
        assert {"start", "end", "nstart", "nend", "level", "title"} <= set(parts[0])
    else:
        assert res.output.splitlines()[1] == "  title: 2024年辽宁省政府工作报告"
