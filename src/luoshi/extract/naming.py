"""Naming a figure from the figures around it: rules of the genre that read one number's
indicator from its neighbours in the sentence.

'增长5.4%、高于全国0.4个百分点' names the gap (地区生产总值增速高于全国); '增长39%、占全国9成'
a share of the whole (无人机产量占全国比重); '1.4亿吨，比上年增加1109万吨' a change
(粮食总产量比上年增加); '对地区生产总值增长5%以上…' drops the preposition before a catalogued
name; '解决率、满意率保持在95%以上' gives one figure per rate. ``figures.py`` calls these
while it reads a sentence; the words they use are data (figure_words.json).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .lexicon import W

if TYPE_CHECKING:
    from .figures import Draft

# An indicator, or the span of a figure, is never longer in a real report (longest seen: 53).
# Chains that borrow from the figure before ('总量…，总量…') stop growing here, or a line of
# 100,000 figures would hold 100,000 ever longer strings.
MAX_TEXT = 200


def gap_indicator(d: Draft, prev: Draft | None) -> bool:
    """'增长5.4%、高于全国0.4个百分点': a gap in points against a benchmark is a figure of the
    rate before it; its indicator names the gap (地区生产总值增速高于全国), and 低于 is negative."""
    if d.q.kind != "points" or prev is None or prev.measure not in ("growth", "share"):
        return False
    m = W()["_gap_re"].match(d.indicator) or W()["_gap_cmp_re"].fullmatch(d.indicator)
    if m is None:
        return False
    noun = W()["gap_growth_noun"]
    head = prev.indicator
    if prev.measure == "growth" and not head.endswith(tuple(W()["growth_nouns"])):
        head += noun
    gap = d.indicator
    for growth in W()["growth_nouns"]:  # '增速比全国高0.5个百分点': the rate is named once
        gap = gap.removeprefix(growth)
    d.subject = prev.subject or prev.indicator
    d.indicator = (head + gap)[:MAX_TEXT]
    d.value = -abs(d.value) if m.group("down") else abs(d.value)
    d.span_start = min(d.span_start, prev.span_start)
    d.rule.append("gap of the rate before")
    return True


def share_of_whole(d: Draft, prev: Draft | None) -> bool:
    """'无人机产量增长39%、占全国9成': a share of the country's (province's…) total is a share
    of the thing named before; its indicator says so (无人机产量占全国比重)."""
    if d.measure != "share" or "占" not in d.indicator and not d.indicator.startswith("贡献"):
        return False
    m = W()["_benchmark_re"].search(d.indicator)
    if m is None:
        named = d.indicator.endswith(tuple(W()["share_nouns"])) or "share of the thing after" in d.rule
        if not (d.indicator.startswith(("占", "贡献")) and named
                and prev is not None and not prev.indicator.startswith(("占", "贡献"))):
            return False
        # '高技术制造业增加值增长9.5%，占规上工业比重达15.2%': the share of the thing before
        d.subject = prev.subject or prev.indicator
        d.indicator = (_without_growth_noun(prev.subject or prev.indicator) + d.indicator)[:MAX_TEXT]
        d.span_start = min(d.span_start, prev.span_start)
        d.rule.append("share of a whole")
        return True
    if m.group(1):
        d.indicator = d.indicator[:-1]
    noun = "" if m.group(2) else W()["benchmark_share_noun"]
    if m.start() == 0:
        if prev is None:
            return False
        head = _without_growth_noun(prev.indicator)
        d.subject = prev.subject or prev.indicator
        d.indicator = head + d.indicator
        d.span_start = min(d.span_start, prev.span_start)
    d.indicator = (d.indicator + noun)[:MAX_TEXT]
    d.rule.append("share of a whole")
    return True


def _without_growth_noun(name: str) -> str:
    for growth in W()["growth_nouns"]:  # 'X增速…，占…' is a share of X, not of its rate
        name = name.removesuffix(growth)
    return name


def change_of_level(d: Draft, pre: str) -> None:
    """'粮食总产量1.4亿吨，比上年增加1109万吨': an amount after 比上年增加 is a change, not a
    second level of the same indicator; its indicator says so (粮食总产量比上年增加)."""
    m = W()["_change_re"].search(pre) if pre[-1:] in W()["_updown_last"] else None
    if m is None or d.indicator.endswith(m.group(0)):
        return
    d.indicator = (d.indicator + m.group(0))[:MAX_TEXT]
    d.rule.append("change against a base")


def drop_lead_word(d: Draft) -> None:
    """'完成地区生产总值32765亿元', '对地区生产总值增长5%以上…进行监测': a verb or preposition
    before an indicator of the catalogue is not part of it. Only before a whole catalogued
    name: 对 in 对东盟进出口 names a partner and stays."""
    m = W()["_lead_re"].match(d.indicator) if d.indicator[:1] in W()["_lead_first"] else None
    if m and d.indicator[m.end():] in W()["_catalogued"]:
        d.indicator = d.indicator[m.end():]
        d.rule.append("lead word dropped")


def each_of_list(d: Draft) -> list[Draft]:
    """'12345市民服务热线解决率、满意率保持在95%以上', '工业投资、民间投资增长6%': rates and
    growths are not additive, so a list of them sharing one number gives one figure each (a
    list of counts, '新建中小学、幼儿园21所', is one total and stays whole)."""
    if d.q.kind != "percent" or d.measure not in ("share", "growth") or "、" not in d.indicator \
            or any(r in d.rule for r in ("respectively", "enumeration", "inherited indicator")) \
            or any(ch in d.indicator for ch in "等“”《》()（）"):
        return []
    parts = d.indicator.split("、")
    if not 2 <= len(parts) <= 6 or any(len(p) < 2 for p in parts):
        return []
    first, last = parts[0], parts[-1]
    names = []
    for p in parts[:-1]:
        if p[-1] == last[-1]:  # parallel names: 工业投资、民间投资
            names.append(p)
        elif len(p) <= 2:  # 城镇、农村居民人均可支配收入: a modifier borrows the rest of the last
            names.append(p + last[len(p):])
        else:  # 农村自来水、卫生户厕普及率, 绿色铝、硅光伏合计产值: one figure of the whole
            return []
    names.append(last)
    if len(last) <= 3 and len(first) > len(last) + 1 and first[-1] == last[-1]:
        head = first[: len(first) - len(last)]  # 热线解决率、满意率: the later ones share the head
        names = [first] + [p if len(p) > 3 else head + p for p in names[1:]]
    d.indicator = names[0]
    d.rule.append("each of a list")
    return [replace(d, indicator=n, rule=d.rule + ["each of a list"]) for n in names[1:]]
