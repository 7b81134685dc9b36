"""Task segmentation of the example report (2024 Liaoning), asserted on every section."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import luoshi
from luoshi.plan.annotate import has_verb
from luoshi.plan.tasks import MAIN_TARGETS, build_tasks

MAIN_TARGET_TEXTS = [
    "地区生产总值增长5.5%左右",
    "一般公共预算收入增长5%",
    "规模以上工业增加值增长5.5%",
    "固定资产投资增长10%",
    "社会消费品零售总额增长8%",
    "进出口总额增长6%",
    "城镇新增就业46万人、城镇调查失业率控制在5.5%以内",
    "居民消费价格涨幅3%左右",
    "居民人均可支配收入增长与经济增长基本同步",
    "粮食产量500亿斤左右",
    "单位地区生产总值能耗完成国家下达任务",
]

# tasks per section / themed paragraph of the plan part
COUNTS = {
    "主要预期目标": 11,
    "（一）壮大经济实力，在保持经济赶超势头上攻坚突破 / 推动有效投资持续增长": 5,
    "（一）壮大经济实力，在保持经济赶超势头上攻坚突破 / 促进消费潜能充分释放": 6,
    "（一）壮大经济实力，在保持经济赶超势头上攻坚突破 / 加快补短板强弱项": 11,
    "（一）壮大经济实力，在保持经济赶超势头上攻坚突破 / 全力促进区域协调发展": 15,
    "（二）强化创新引领，在开辟新领域新赛道上攻坚突破 / 创建具有全国影响力的区域科技创新中心": 6,
    "（二）强化创新引领，在开辟新领域新赛道上攻坚突破 / 加快形成新质生产力": 4,
    "（二）强化创新引领，在开辟新领域新赛道上攻坚突破 / 打造面向东北亚的国际化人才高地": 6,
    "（三）加快动能转换，在构建现代化产业体系上攻坚突破 / 全力塑造制造业新优势": 9,
    "（三）加快动能转换，在构建现代化产业体系上攻坚突破 / 大力发展现代服务业": 8,
    "（三）加快动能转换，在构建现代化产业体系上攻坚突破 / 培育壮大经营主体": 5,
    "（四）推进乡村振兴，在建设农业强省上攻坚突破 / 筑牢粮食安全保障根基": 8,
    "（四）推进乡村振兴，在建设农业强省上攻坚突破 / 扎实推进宜居宜业和美乡村建设": 5,
    "（四）推进乡村振兴，在建设农业强省上攻坚突破 / 激发农业农村发展活力": 4,
    "（五）激发动力活力，在深化改革开放上攻坚突破 / 打造营商环境升级版": 6,
    "（五）激发动力活力，在深化改革开放上攻坚突破 / 深化国资国企改革": 3,
    "（五）激发动力活力，在深化改革开放上攻坚突破 / 打造对外开放新前沿": 19,
    "（六）统筹发展安全，在建设平安辽宁上攻坚突破 / 有效防范化解风险": 5,
    "（六）统筹发展安全，在建设平安辽宁上攻坚突破 / 筑牢公共安全防线": 3,
    "（六）统筹发展安全，在建设平安辽宁上攻坚突破 / 创新加强社会治理": 3,
    "（七）坚持绿色低碳，在建设美丽辽宁上攻坚突破 / 深入打好污染防治攻坚战": 5,
    "（七）坚持绿色低碳，在建设美丽辽宁上攻坚突破 / 持续打好生态修复保卫战": 5,
    "（七）坚持绿色低碳，在建设美丽辽宁上攻坚突破 / 坚决打好低碳转型持久战": 5,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破 / 积极扩就业促增收": 4,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破 / 健全社会保障体系": 12,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破 / 加快建设教育强省": 4,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破 / 实施健康辽宁行动": 7,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破 / 推动文体旅融合发展": 6,
    "（八）增进民生福祉，在保障和改善民生上攻坚突破": 4,
    # 三、全面加强政府自身建设: the government's own work is the year's work too
    "一要建设更强担当的有为政府": 3,
    "二要建设更实作风的效能政府": 2,
    "三要建设更高水平的法治政府": 4,
    "四要建设更高质量的数字政府": 2,
    "五要建设更严要求的廉洁政府": 2,
}

# the only sentences of the plan part's sections that are no task: rhetoric without a verb
VERBLESS = ["向短板要增量,向差距要潜能,向劣势求突破。"]


def test_counts_per_section(sample_tasks):
    got = Counter(t.section_title for t in sample_tasks)
    assert dict(got) == COUNTS
    assert len(sample_tasks) == sum(COUNTS.values()) == 207
    # sections in report order, tasks numbered through from 1
    assert [t.number for t in sample_tasks] == list(range(1, len(sample_tasks) + 1))
    order = list(dict.fromkeys(t.section_title for t in sample_tasks))
    assert order == list(COUNTS)


def test_main_targets_first(sample_tasks):
    first = sample_tasks[:len(MAIN_TARGET_TEXTS)]
    assert [t.text for t in first] == MAIN_TARGET_TEXTS
    assert all(t.kind == "target" and t.section == [MAIN_TARGETS] for t in first)
    assert all(t.kind != "target" or t.section != [MAIN_TARGETS] for t in sample_tasks[11:])
    # each target holds its figure(s): two for the employment pair, none for the qualitative ones
    assert [len(t.figures) for t in first] == [1, 1, 1, 1, 1, 1, 2, 1, 0, 1, 0]
    assert first[0].figures[0].endswith(":地区生产总值")


def test_every_work_task_has_a_verb(sample_tasks, sample):
    doc = sample[0]
    for t in sample_tasks[11:]:
        assert has_verb(doc.text[t.nstart:t.nend]), t.text


def test_text_is_verbatim_and_spans_are_ordered(sample_tasks, sample):
    doc = sample[0]
    prev_end = 0
    for t in sample_tasks:
        assert doc.original[t.start:t.end] == t.text
        assert doc.to_original(t.nstart, t.nend) == (t.start, t.end)
        assert t.nstart >= prev_end, f"task {t.number} overlaps the one before"
        prev_end = t.nend
        assert t.text == t.text.strip() and not t.text.endswith(("；", ";", "，", ","))


def test_no_task_is_a_section_or_crosses_a_paragraph(sample_tasks, sample):
    doc, outline, _ = sample
    for t in sample_tasks:
        head = [n for n in outline.path_at(t.nstart)]
        tail = [n for n in outline.path_at(t.nend - 1)]
        assert head == tail, f"task {t.number} crosses a paragraph"
        assert head[-1].kind in ("paragraph", "item")  # 三、政府自身建设's 一要… are items
        assert len(t.text) < 200
    # a task is a sentence, a clause of one (at ";"), or a short lead with the sentence after it
    sentences = {(s.nstart, s.nend) for s in outline.sentences()}
    for t in sample_tasks[11:]:
        inside = [s for s in sentences if t.nstart <= s[0] and s[1] <= t.nend]
        assert len(inside) <= 2, t.text


def _commitment_sentences(outline):
    """Sentences of the plan part's sections that are not headings, themed leads or a section's
    opening summary: every one should be in a task."""
    out = []
    for part in outline.parts:
        if part.flags.get("role") != "plan":
            continue
        for sec in (c for c in part.children if c.kind == "section"):
            first_para = next((c.nstart for c in sec.children if c.kind == "paragraph"), None)
            for c in sec.children:
                if c.kind == "sentence":
                    if not c.flags.get("heading") and (first_para is None or c.nstart > first_para):
                        out.append(c)
                elif c.kind == "paragraph":
                    sents = [s for s in c.children if s.kind == "sentence"]
                    out += sents[1:] if c.flags.get("themed") else sents
    return out


def test_no_text_lost(sample_tasks, sample):
    doc, outline, _ = sample
    covered = set()
    for t in sample_tasks:
        covered.update(range(t.nstart, t.nend))
    commitments = _commitment_sentences(outline)
    assert len(commitments) > 150
    lost = []
    for s in commitments:
        body = [i for i in range(s.nstart, s.nend) if doc.text[i] not in " \n;,。"]
        if not all(i in covered for i in body):
            lost.append(doc.text[s.nstart:s.nend])
    assert lost == VERBLESS
    # the main expected targets: every character of the list is in a target task
    mt = next(n for n in outline.nodes("paragraph") if n.flags.get("main_targets"))
    listed = doc.text[mt.nstart:mt.nend]
    a = mt.nstart + listed.index(":") + 1
    b = mt.nstart + listed.index("。")
    assert all(i in covered for i in range(a, b) if doc.text[i] != ",")


def test_preamble_and_other_parts_are_no_tasks(sample_tasks, sample_segmentation, sample):
    doc, outline, _ = sample
    plans = [p for p in outline.parts if p.flags.get("role") == "plan"]  # 二、2024年工作安排, 三、政府自身建设
    assert len(plans) == 2
    assert all(any(p.nstart <= t.nstart and t.nend <= p.nend for p in plans) for t in sample_tasks)
    assert not any("在此基础上" in t.text or "总体要求" in t.text for t in sample_tasks)
    # 8 sections, 27 themes; 三、政府自身建设: its opening, 5 items' leads, 2 sentences of rhetoric
    reasons = Counter(r for _, _, r in sample_segmentation.skipped)
    assert reasons == {"preamble": 7 + 1, "heading": 35 + 5, "section summary": 8, "no verb": 1 + 2}


def test_leads_join_the_sentence_that_carries_them_out(sample_tasks):
    by_start = {t.text.split("。")[0]: t for t in sample_tasks}
    assert by_start["推动县域经济发展取得新突破"].text.startswith("推动县域经济发展取得新突破。完善县域经济发展推进机制")
    assert by_start["建设海洋经济强省"].text.count("。") == 2
    assert by_start["有效增加医疗服务供给"].text == "有效增加医疗服务供给。建强乡镇卫生院32所、村卫生室979所。"
    # an action for one place is no lead, and two short sentences stay two tasks
    assert by_start["支持大连金普国家级新区创新发展"].text == "支持大连金普国家级新区创新发展。"
    assert by_start["推动民营经济实现大发展"].text == "推动民营经济实现大发展。"


def test_clauses_at_semicolons_are_tasks(sample_tasks):
    industry = [t for t in sample_tasks if t.section_title.endswith("全力塑造制造业新优势")]
    firsts = [t.text[:6] for t in industry[-4:]]
    assert firsts == ["装备制造业要", "石化和精细化", "冶金新材料产", "消费品工业要"]
    assert industry[-4].text.endswith("提高到27.5%")


def test_task_keys_are_unique_and_stable(sample_tasks, sample):
    keys = [t.key for t in sample_tasks]
    assert len(set(keys)) == len(keys)
    doc, outline, figures = sample
    again = build_tasks(doc, outline, figures)
    assert [t.key for t in again] == keys


def test_figures_lie_inside_their_task(sample_tasks, sample):
    figures = {f.id: f for f in sample[2]}
    for t in sample_tasks:
        for fid in t.figures:
            f = figures[fid]
            assert t.nstart <= f.nstart and f.nend <= t.nend
    t = next(t for t in sample_tasks if "科技型中小企业6000家" in t.text)
    assert len(t.figures) == 2


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize("name, targets, first_work", [
    ("city-2024-work-report.txt", 9, "全年实施重大产业项目300个以上，完成投资1500亿元。"),
    ("national-2025-work-report.txt", 7, "今年赤字率拟按4%左右安排"),
])
def test_other_layouts(name, targets, first_work):
    """Targets separated by ";" (and sentences the outline cuts there); sections without
    paragraphs (their sentences are the work); themed policy paragraphs directly under a part."""
    doc = luoshi.read(CORPUS / name)
    tasks = build_tasks(doc)
    assert sum(t.section == [MAIN_TARGETS] for t in tasks) == targets
    assert tasks[targets].text.startswith(first_work)
    if name.startswith("city"):
        assert tasks[5].text == "城镇新增就业7万人，城镇调查失业率控制在5%以内"
        assert len(tasks) == 18
        assert tasks[-1].deadline == "2024-12-31"
        assert next(t for t in tasks if "到2026年" in t.text).deadline == "2026-12-31"
    else:
        assert tasks[targets].section == ["实施更加积极的财政政策"]
        assert not any(t.text.startswith("今年是") for t in tasks)
