"""Not-a-figure filters: dates, ordinals, names, labels and descriptive magnitudes.

A quantity found by ``quantities.py`` is only a candidate; these rules say from the characters
around it why it is no figure (二十大, 2023年, 第十四届, 千亿产业集群, “1·15”事故…), before
``figures.py`` reads what the remaining ones state.
"""

from __future__ import annotations

import re

from .lexicon import W, lexicon
from .quantities import Quantity

HAN = re.compile(r"[\u4e00-\u9fff]")
DIGIT = re.compile(r"\d")
_BOUND = r"(?:及以上|以上|以下|及以下)"
THRESHOLD = re.compile(_BOUND + r"[\u4e00-\u9fff]")
THRESHOLD_END = re.compile(_BOUND + r"(?:的|和|或|等)")
LABEL_AFTER = ("级", "号", "型", "期间", "年", "周年")
STRONG = re.compile(r"强(?:企业|榜|县|市|镇|区|$)")
RATIO_AFTER = re.compile(r"\s?[:：]\s?\d")
RATIO_BEFORE = re.compile(r"\d\s?[:：]\s?$")
# What the four checks of the words after a number (THRESHOLD, LABEL_AFTER, STRONG,
# RATIO_AFTER) need to find there first: most numbers are followed by none of it, and one match
# rules the four out (each regex call costs as much as a dozen lines of Python).
AFTER_CUES = re.compile("|".join([_BOUND, *map(re.escape, LABEL_AFTER), "强", r"\s?[:：]"]))


def not_a_figure(text: str, q: Quantity, s0: int, s1: int, inq: list[bool], clause_end: int) -> str | None:
    """Why this quantity is not a figure, or None."""
    w = W()
    if inq[q.start - s0]:
        return "in quotes (a name)"
    before = text[max(s0, q.start - 2):q.start]
    last = before[-1:]
    if last == "第" or last == "前" and q.chinese:
        return "ordinal"
    after = text[q.end:min(s1, q.end + 6)]
    if AFTER_CUES.match(after):
        if q.kind in ("measure", "magnitude") and THRESHOLD.match(after) and not THRESHOLD_END.match(after):
            return "threshold of a category (亿元以上项目)"
        if after.startswith(LABEL_AFTER) or STRONG.match(after):
            return "descriptive or label"
        if RATIO_AFTER.match(after):
            return "ratio"
    # a ratio's colon is one of the two characters before the number
    if (":" in before or "：" in before) and RATIO_BEFORE.search(text[max(s0, q.start - 3):q.start]):
        return "ratio"
    if q.unit.endswith(w["_category_units"]) and HAN.match(after[:1]) \
            and not after.startswith(w["_qa_words"]) and not w["_after_stop_re"].match(after):
        return "a group (0—6岁儿童)"
    if q.kind == "measure" and after.startswith(w["_inner_bounds"]):
        k = next(len(b) for b in w["_inner_bounds"] if after.startswith(b))
        if HAN.match(after[k:k + 1]) and DIGIT.search(text, q.end, clause_end):
            return "a bound inside the indicator (50米内换乘比例)"
    if text[clause_end - 1:clause_end] in (":", "：") and q.kind == "classifier" \
            and not DIGIT.search(text, q.end, clause_end):
        return "introduces a list (做好以下10个方面工作：)"
    if q.chinese:
        if q.value == 1 and not q.bare_magnitude and not before.endswith("至少"):  # 每一项: each
            return "一: an article, not a count"
        if q.unit in lexicon().units["not_after_chinese_numeral"]:
            return "Chinese numeral with an idiom classifier"
        if after.startswith(w["_nonfigure_after"]):
            return "abstract count (方面, 环节…)"
    if q.bare_magnitude or q.kind == "magnitude":
        # 超百个 and 突破3万亿 are figures; 千亿产业集群, 百万千瓦机组 are descriptions
        quals = w["_magnitude_quals"]
        nxt = text[q.end:q.end + 2]
        ends = q.end >= clause_end or not HAN.match(nxt[:1]) or nxt in ("以上", "左右", "大关", "台阶", "规模", "城市")
        if q.kind == "magnitude" and not q.chinese and ends:
            return None
        if not (ends and (before.endswith(quals) or q.kind != "magnitude")):
            if not before.endswith(quals) or not ends:
                return "descriptive magnitude"
    tail = text[q.start:min(clause_end, q.end + 10)]
    if w["_labels_at_re"].match(tail) or w["_labels_re"].search(tail):
        return "label (a named programme)"
    if text[q.start] not in w["_name_chars"]:
        return None  # no name holds the number's first character: none spans the number
    for m in w["_names_re"].finditer(text, max(s0, q.start - 8), min(s1, q.end + 8)):
        if m.start() <= q.start < m.end():
            return "a name (" + m.group(0) + ")"
    return None
