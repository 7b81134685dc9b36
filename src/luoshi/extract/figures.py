"""From quantities to figures: read the words around each number of a sentence.

For each sentence the extractor finds the quantities (``quantities.py``), drops the ones that
are dates, ordinals, names or descriptive magnitudes (``filters.py``), and then, clause by
clause, reads for each remaining number: the indicator (the words before it, or after it for
建设41个特色产业发展优势区), the predicate (增长/下降/提高到/控制在…), the qualifier (约, 以上,
左右…) and the place named (``places.py``). Enumerations ("分别增长4.3%和7.9%", "新增A 10家、
B 20家") give one figure per number with the indicator completed for each; a number whose
words name nothing borrows from the figure before, and gaps, shares of a whole and changes are
named from their neighbours (``naming.py``). Every word list is data (``lexicon.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..ingest.normalize import to_simplified_label
from .filters import not_a_figure
from .lexicon import W, trie_alt
from .naming import MAX_TEXT, change_of_level, drop_lead_word, each_of_list, gap_indicator, share_of_whole
from .places import is_area, leading_places, strip_place_verb, whole_place
from .quantities import Quantity, find_quantities

CLAUSE_SEP = set(",;:，；：")
OPEN = {"“": "”", "《": "》", "「": "」", "『": "』", "(": ")", "（": "）", "[": "]", "‘": "’"}
QUOTES = {"“", "《", "「", "『", "‘"}
HAN = re.compile(r"[\u4e00-\u9fff]")
MARKER_CHARS = re.compile(r"[.．)）①-⑳]")  # no list number without one of these
YEAR = re.compile(r"(?:到|至|在|于|截至|截止)?(20\d\d|19\d\d)年(?!代)")
# compiled once: re.fullmatch(pattern, s) looks the pattern up in re's cache at every call
CONJ = re.compile(r"\s*(?:和|、|及|与|以及)\s*")
CONJ_SHORT = re.compile(r"\s*(?:和|、|及|与)\s*")
LIST_GAP = re.compile(r"\s*[、和及与]\s*")
CLAUSE_GAP = re.compile(r"\s*[,;，；、]\s*")
CONJUNCTS = re.compile(r"、|和|及|与")
NUMBER_NEXT = re.compile(r"\s?(?:\d|[一二两三四五六七八九十百千]+[个家项所处条名位座件台套列])")


@dataclass
class DocContext:
    doc_id: str
    region: str | None
    review_year: int | None
    plan_year: int | None
    kind: str | None = None


@dataclass(slots=True)
class Draft:
    """A figure being read: positions are normalised offsets."""

    q: Quantity
    ind_start: int
    ind_end: int
    indicator: str
    measure: str = "amount"
    value: float = 0.0
    comparator: str = "eq"
    span_start: int = 0
    span_end: int = 0
    region: str | None = None
    rule: list[str] = field(default_factory=list)
    # what a later generic word ('总量达4.1万亿元') borrows when it is not the indicator:
    # the rate whose gap or share this figure states
    subject: str = ""


# ---------------------------------------------------------------- sentence structure


BRACKETS = re.compile("[" + re.escape("".join(OPEN)) + "]")
SEPARATORS = re.compile("[" + re.escape("".join(CLAUSE_SEP)) + "]")


TOKENS = re.compile("[" + re.escape("".join(OPEN) + "".join(set(OPEN.values())) + "".join(CLAUSE_SEP)) + "]")
CLOSE = set(OPEN.values())


def _masks(text: str, s0: int, s1: int) -> tuple[list[int], list[bool]]:
    """Clause boundaries (positions of separators outside brackets) and an in-quote mask.

    Only brackets and separators are visited (a regex finds them); a quote's inside is marked
    by slices, not character by character.
    """
    if not BRACKETS.search(text, s0, s1):
        return [m.start() for m in SEPARATORS.finditer(text, s0, s1)], [False] * (s1 - s0)
    seps: list[int] = []
    inq = [False] * (s1 - s0)
    stack: list[tuple[str, int]] = []
    for m in TOKENS.finditer(text, s0, s1):
        ch, i = m.group(), m.start()
        if stack and ch == OPEN[stack[-1][0]]:
            o, at = stack.pop()
            if o in QUOTES and not any(x in QUOTES for x, _ in stack):
                inq[at + 1 - s0:i - s0] = [True] * (i - at - 1)
            continue
        if ch in OPEN and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((ch, i))
            continue
        if ch in CLAUSE_SEP and not stack:
            seps.append(i)
    for o, at in stack:  # an unclosed quote runs to the end of the sentence
        if o in QUOTES:
            inq[at + 1 - s0:] = [True] * (s1 - at - 1)
            break
    return seps, inq


@lru_cache(maxsize=1)
def _tail_re() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """One regex for any tail word at the end of a phrase; the alternation is longest first."""
    kinds = {word: what for word, what in reversed(W()["_tail"])}
    words = [x for x, _ in W()["_tail"]]
    multi = [x for x in words if len(x) > 1 or kinds[x] != "level"]
    return re.compile(trie_alt(words) + "$"), re.compile(trie_alt(multi) + "$"), kinds


@lru_cache(maxsize=1)
def _tail_words() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The words of ``_tail_re`` by their last character, longest first: the longest that ends
    a phrase is what the regex finds (its leftmost match), for a dict lookup and an endswith or
    two instead of a search that tries every position."""
    kinds = _tail_re()[2]

    def by_last(words) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for word in sorted(set(words), key=len, reverse=True):
            out.setdefault(word[-1], []).append(word)
        return out

    return by_last(kinds), by_last(x for x in kinds if len(x) > 1 or kinds[x] != "level")


def _strip_tail(phrase: str) -> tuple[str, list[str]]:
    """Strip predicate and qualifier words from the end of the words before a number.

    Single-character level verbs (达, 为, 占) are stripped only right before the number.
    """
    said: list[str] = []
    any_re, multi_re, kinds = _tail_re()
    rx, table = any_re, _tail_words()[0]
    while phrase:
        if phrase[-1] == "\n":  # the regex's $ also matches before a final newline
            m = rx.search(phrase)
            if not m:
                break
            word, phrase = m.group(0), phrase[: m.start()]
        else:
            for word in table.get(phrase[-1], ()):
                if phrase.endswith(word):
                    break
            else:
                break
            phrase = phrase[: len(phrase) - len(word)]
        said.append(kinds[word] + "=" + word)
        rx, table = multi_re, _tail_words()[1]
    return phrase, said


def _strip_head(phrase: str) -> tuple[str, int]:
    """Drop connectives, region words and modal words at the start; returns (phrase, chars cut)."""
    rx = W()["_prefix_re"]
    cut = 0
    last = W()["_marker_re"].search(phrase) if MARKER_CHARS.search(phrase) else None
    # '一、主要预期目标 1.地区生产总值': the item starts after the last number
    if last is not None:
        for last in W()["_marker_re"].finditer(phrase, last.start()):
            pass
        phrase, cut = phrase[last.end():], last.end()
    while phrase:
        m = rx.match(phrase)
        if not m or not m.end():
            break
        phrase, cut = phrase[m.end():], cut + m.end()
    return phrase, cut


def _trim_list_head(phrase: str) -> int:
    """In 'A、B、C“新三样”产品出口' or 'A、B等产品', the indicator starts after the list."""
    if "、" not in phrase:
        return 0
    last = phrase.rfind("、")
    rest = phrase[last + 1:]
    k = rest.find("等")
    if 0 < k < len(rest) - 1:
        return last + 1 + k + 1
    q = rest.find("“")
    if q > 0:
        return last + 1 + q
    return 0


def _starts_with_verb(phrase: str) -> str | None:
    m = W()["_verb_re"].match(phrase)
    return m.group(0) if m else None


def _split_conjuncts(phrase: str, n: int, units_differ: bool = False) -> list[str] | None:
    """'城镇和农村居民人均可支配收入', 2 → ['城镇居民人均可支配收入', '农村居民人均可支配收入'].

    ``units_differ``: the items are counted in different units ('国际友城和外国驻穗总领馆分别增至
    214对和69家'), so they are different things, each named whole; only a two-character
    modifier (生猪、家禽年出栏量) still borrows the head of the last."""
    parts = CONJUNCTS.split(phrase)
    if len(parts) != n or any(not p for p in parts):
        return None
    k = parts[-1].find("等")
    if 0 < k < len(parts[-1]) - 1:
        # '食品、石化、医药、信息等产业增加值': each item with the head after 等
        tail = parts[-1][k + 1:]
        return [p + tail for p in parts[:-1] + [parts[-1][:k]]]
    per = next((h for h in W()["per_heads"] if parts[0].startswith(h) and len(parts[0]) > len(h)), None)
    if per:  # '每千人托位、养老床位数': the head counts every item
        return [p if p.startswith("每") else per + p for p in parts]
    last = parts[-1]
    first = parts[0]
    flow = next((f for f in W()["partner_flows"] if last.endswith(f) and len(last) > len(f)), None)
    if flow and first.startswith("对") and not any(p.startswith("对") for p in parts[1:]):
        # '对中亚五国、东盟进出口': trade with each partner
        return ["对" + p.removeprefix("对") + ("" if p.endswith(flow) else flow) for p in parts]
    m = W()["_measure_head_re"].search(first)
    if m and m.start() > 0 and len(last) <= len(first) - m.start() + 2:
        # '省属企业营业收入、利润', '案件受理数、案损数': the later ones measure the same subject
        head = first[: m.start()]
        known = W()["_catalogued"]  # '一般公共预算收入、税收收入': 税收收入 is a name of its own
        return [first] + [p if p.startswith(head) or p in known else head + p for p in parts[1:]]
    if len(last) <= 3 and len(first) > len(last) + 1 and first[-1] == last[-1]:
        # '市民服务热线诉求解决率、满意率': rates of the same subject, each as long as the first's
        head = first[: len(first) - len(last)]
        return [first] + [p if len(p) > 3 else head + p for p in parts[1:]]
    if len(first) >= len(last) + 3 and W()["_measure_head_re"].search(first) and W()["_measure_head_re"].search(last):
        # '生产安全事故起数、死亡人数': later measures (人数) share the head of the first
        head = first[:-2]
        return [first] + [p if p.startswith(head) else head + p for p in parts[1:]]
    out = []
    # '接待游客、实现旅游总花费': a last item that opens with a lead verb (实现, 完成) is a verb
    # and a name of its own, and its tail is no head for the items before it
    whole = W()["_lead_re"].match(last) is not None
    for p in parts[:-1]:
        if flow and not p.endswith(flow) and not whole:
            out.append(p + flow)  # '“新三样”、集成电路出口': the flow of each
        elif p[-1] in CLOSE:
            out.append(p)  # a quoted name ('“小巨人”、单项冠军企业') is whole
        elif not whole and len(p) < len(last) and not (len(p) >= 3 and p[-1] == last[-1]) \
                and (len(p) <= 2 or not units_differ):
            # a short modifier borrows the head of the last conjunct: 刑事 + (治安)警情;
            # a name that ends like the last (户厕覆盖率、…处理设施覆盖率) is whole already
            out.append(p + last[_after_shared_end(p, last):])
        else:
            out.append(p)
    out.append(last)
    return out


def _after_shared_end(p: str, last: str) -> int:
    """Where the head that ``p`` borrows starts in ``last``: after the longest end of ``p`` that
    ``last`` also holds ('先进制造业、高技术制造业增加值': after 制造业; '国家级、部级创新平台':
    after 级), else at ``p``'s length, as if the items were as long (刑事、治安警情)."""
    for k in range(len(p), 0, -1):
        i = last.find(p[-k:])
        if 0 < i and i + k < len(last):
            return i + k
    # items of different length ('集成电路、工业机器人产量', '蔬菜、小浆果设施产量占比'): a cut at
    # ``p``'s length falls inside the last item's own words when it leaves one character before
    # the measure the last names (人产量), or several (果设施产量占比), or runs past it; the head
    # then starts at that measure (产量). The cut stands where it leaves one two-character word
    # (磷化工、新材料产业产值) or gives a name the catalogue knows (城镇、农村居民人均可支配收入).
    m = W()["_measure_head_in_re"].search(last, 1)
    if m and m.start() - len(p) not in (0, 2) and p + last[len(p):] not in W()["_catalogued"]:
        return m.start()
    return len(p)


# ---------------------------------------------------------------- the reader


def _qualifier_after(text: str, pos: int, end: int) -> tuple[str | None, int]:
    w = W()
    if pos >= end or text[pos] not in w["_qa_first"]:
        return None, pos
    m = w["_qa_re"].match(text, pos, end)
    if m is None:
        return None, pos
    word = m.group(0)
    nxt = text[m.end():min(end, m.end() + 1)]
    if word in ("多", "余") and "\u4e00" <= nxt <= "\u9fff" and nxt not in "万亿":
        return None, pos  # 多 in 多措并举 is no qualifier
    return W()["_qa_map"][word], m.end()


def _qualifier_before(said: list[str]) -> str | None:
    for s in said:
        what, _, word = s.partition("=")
        if what.startswith("q:"):
            return what[2:]
    return None


def sentence_figures(text: str, s0: int, s1: int, found: list[Quantity] | None = None,
                     region: str | None = None) -> list[Draft]:
    """Read the figures of one sentence text[s0:s1] (normalised offsets).

    ``found``: the sentence's quantities when the caller scanned the whole text already.
    ``region``: the report's region, whose counties it names by short name (新民 in 辽宁省's).
    """
    w = W()
    if found is None:
        found = find_quantities(text, s0, s1)
    if not found:
        return []
    seps, inq = _masks(text, s0, s1)
    bounds = [s0] + [p + 1 for p in seps] + [s1]

    def clause_of(pos: int) -> tuple[int, int]:
        i = bisect_right(bounds, pos) - 1  # bisect: a sentence may hold 100,000 clauses
        return (bounds[i], bounds[i + 1]) if 0 <= i < len(bounds) - 1 else (s0, s1)

    quants: list[tuple[Quantity, int, int]] = []  # with its clause
    for q in found:
        c0, c1 = clause_of(q.start)
        why = not_a_figure(text, q, s0, s1, inq, c1)
        if why is None:
            # the numbers listed before it share its clause: no separator among them
            quants.extend((x, c0, c1) for x in _unit_shared_before(text, q, c0))
            quants.append((q, c0, c1))

    starts = [q.start for q, _, _ in quants]  # in order: where the next figure begins
    drafts: list[Draft] = []
    prev: Draft | None = None
    item_start = s0
    last_clause = None
    pending_resp: list[Draft] = []
    resp_phrase: tuple[int, int, str, str, int] | None = None
    prior = False  # a 分别 list that may take the indicators of the figures before it
    implicit = False  # the pending list has no 分别: it counts only with one number per item
    for q, c0, c1 in quants:
        if last_clause != c0:
            item_start = c0
            last_clause = c0
            if pending_resp:
                _resolve_respectively(pending_resp, resp_phrase, implicit, region)
                pending_resp, resp_phrase = [], None
        comp_after, q_end = _qualifier_after(text, q.end, c1)
        raw_pre = text[item_start:q.start]
        pre = raw_pre
        if item_start > c0 and not CONJ.fullmatch(raw_pre):
            k = max(pre.rfind("、"), pre.rfind("和"))
            if k > 0:  # '4%左右安排、比上年提高1个百分点': the item starts after the 、
                item_start += k + 1
                pre = pre[k + 1:]
        stripped = pre.lstrip()
        lead_ws = len(pre) - len(stripped)
        pre = stripped.rstrip()
        head_stripped, cut = _strip_head(pre)
        ind_start = item_start + lead_ws + cut
        phrase, said = _strip_tail(head_stripped)
        m = w["_from_re"].search(phrase) if phrase[-1:] in "从由年的底末期" else None
        if m and m.start() < len(phrase):  # '比重从39.8%提高到65.1%', '提升到2025年的70%'
            phrase, more = _strip_tail(phrase[: m.start()])
            said += more
        d = Draft(q, ind_start, ind_start + len(phrase), phrase)
        d.value = q.value
        comp_before = _qualifier_before(said) if said else None
        verbs = [s.split("=")[0] for s in said] if said else []
        # ---- continuation of an enumeration: '…分别增长4.3%和7.9%'
        is_cont = prev is not None and "number-first" not in prev.rule and CONJ.fullmatch(raw_pre or "x") is not None \
            and (prev.q.unit[-1:] == q.unit[-1:] or prev.q.kind == "magnitude" and q.unit.startswith(prev.q.unit)
                 or _next_of_respectively(prev, q, pending_resp, resp_phrase))
        if is_cont and prev is not None:
            if prev.q.unit != q.unit and q.unit.startswith(prev.q.unit):
                # '分别达1409万、1305万人次': the last number's unit is the list's
                prev.q = replace(prev.q, unit=q.unit, kind=q.kind)
            d.indicator, d.ind_start, d.ind_end = prev.indicator, prev.ind_start, prev.ind_end
            d.measure = prev.measure
            d.comparator = comp_after or ("eq" if prev.comparator in ("range",) else prev.comparator)
            d.value = -q.value if prev.value < 0 else q.value
            d.span_start = prev.span_start
            d.rule.append("enumeration")
            pending_resp.append(d)
        else:
            q_end = _read_indicator(d, text, phrase, ind_start, q_end, c1, inq, s0, starts)
            # ---- list head: 'A、B、C“新三样”产品出口'
            listed = (d.indicator, d.ind_start)  # '食品、石化等产业增加值分别增长…' names its items
            k = _trim_list_head(d.indicator)
            if k:
                d.indicator = d.indicator[k:]
                d.ind_start += k
            # ---- the measure and the sign
            d.measure, d.value, d.indicator = _measure(q, verbs, said, d.indicator, text[c0:q.start])
            if d.measure == "growth" and said and d.indicator not in w["_catalogued"]:
                word = said[0].partition("=")[2]  # '经济增长5%': the verb is part of the name
                if d.indicator + word in w["_catalogued"]:
                    d.indicator += word
            # the words after the number (以上, 左右) bound it more closely than those before
            d.comparator = "range" if q.value_max is not None else (comp_after or comp_before or "eq")
            if q.inner_qualifier:
                d.comparator = "gt"
            d.span_start = d.ind_start
            if "resp" in verbs:
                d.rule.append(f"prior:{len(drafts)}")
                prior = True
                pending_resp = [d]
                resp_phrase = (d.ind_start, d.ind_end, d.indicator, *listed)
                implicit = False
                d.rule.append("respectively")
            else:
                if pending_resp:
                    _resolve_respectively(pending_resp, resp_phrase, implicit, region)
                pending_resp, resp_phrase = [], None
                if _names_a_list(d.indicator):
                    # '每千人床位数、执业医师数增至7.83张、3.57个': one number per item, no 分别
                    pending_resp, implicit = [d], True
                    resp_phrase = (d.ind_start, d.ind_end, d.indicator, *listed)
            if not (q.kind == "points" and gap_indicator(d, prev)) \
                    and not (("占" in d.indicator or d.indicator[:2] == "贡献") and share_of_whole(d, prev)):
                _borrow_indicator(d, prev, text, bounds, c0, s0, pre)
            if d.measure == "amount":
                change_of_level(d, pre)
        extra = _place(d, prev, said, region) or ("、" in d.indicator and each_of_list(d)) or []
        d.span_start = min(d.span_start, q.start)
        d.span_end = q_end
        for twin in extra:
            twin.span_start, twin.span_end = d.span_start, d.span_end
        if prev is not None and "number-first" in d.rule and "number-first" in prev.rule \
                and CONJ_SHORT.fullmatch(text[prev.span_end:q.start] or "x") \
                and len(prev.indicator) <= 3 and len(d.indicator) > len(prev.indicator) + 2:
            # '2个团队和3名个人获评…': the first short noun shares the predicate of the last
            prev.indicator += d.indicator[len(prev.indicator):]
            prev.rule.append("shared predicate")
        drafts.append(d)
        drafts.extend(extra)
        prev = d
        item_start = q_end
    if pending_resp:
        _resolve_respectively(pending_resp, resp_phrase, implicit, region)
    if prior:
        _respectively_over_prior(drafts)
        _list_after_respectively(drafts)
    lead = w["_lead_first"]
    for d in drafts:
        if d.indicator[:1] in lead:
            drop_lead_word(d)
    if len(drafts) > 1:
        _complete_list_items(drafts, text)
    if any(d.region is None for d in drafts):
        sentence_region = _sentence_region(text, s0, s1, drafts, region)
        own = w["_own_region_re"]
        source = None  # the figure a later one borrows its indicator from
        for d in drafts:
            if d.region is None:
                if source is not None and any(r in BORROWED for r in d.rule):
                    # '…，全省机场旅客吞吐量达1.8亿人次、增长8.8%': the growth is of the same thing,
                    # in the same place
                    d.region = source.region
                elif sentence_region and not own.search(text, max(s0, d.ind_start - 4), d.ind_start):
                    # '广州白云机场三期…建成投用，…，全省机场旅客吞吐量达1.8亿人次': 全省 is the report's own
                    d.region = sentence_region
            if "each place" not in d.rule:
                source = d
    return drafts


# rules of a figure that names the thing of the figure before it (see _borrow_indicator)
BORROWED = frozenset(("inherited indicator", "predicate of the figure before", "subject of the figure before",
                      "indicator of the figure before", "subject of the clause before"))


BARE_LIST = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?、){1,8}$")
BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _unit_shared_before(text: str, q: Quantity, c0: int) -> list[Quantity]:
    """'分别提高15、22个百分点': the bare numbers listed before a quantity share its unit."""
    if text[q.start - 1:q.start] != "、" or q.chinese:
        return []
    a = max(c0, q.start - 60)
    m = BARE_LIST.search(text, a, q.start)
    if m is None or "分别" not in text[max(c0, m.start() - 12):m.start()]:
        return []
    return [Quantity(a0.start(), a0.end(), float(a0.group(0)), q.unit, q.kind, False, False)
            for a0 in BARE_NUMBER.finditer(text, m.start(), m.end())]


def _read_indicator(d: Draft, text: str, phrase: str, ind_start: int, q_end: int, c1: int,
                    inq: list[bool], s0: int, starts: list[int] | None = None) -> int:
    """Where the indicator is: before the number (indicator-first), after it ('建设41个特色产业
    发展优势区', '4家企业入选…': number-first), or both ('投入4.8亿元给予人才支持'). Returns the
    end of what the figure spans."""
    q = d.q
    of = text[q_end:q_end + 1] == "的"  # '…1000亿元的…': what follows is the thing
    attr = W()["_attribute_re"].search(phrase) if of else None
    if attr is not None:
        # '组建总规模1000亿元的省战略性新兴产业投资引导基金': the thing, then its attribute
        thing = _after_phrase(text, q_end + 1, c1, inq, s0, starts)
        if thing is not None:
            d.indicator = text[thing[0]:thing[1]] + attr.group(0)
            d.ind_start, d.ind_end = ind_start + attr.start(), thing[1]
            d.rule.append("attribute of the thing after")
            return max(q_end, thing[1])
    if q.kind == "percent" and of and W()["_contribution_re"].fullmatch(phrase):
        # '贡献了全国24.1%的增量': the share is of the thing after 的
        thing = _after_phrase(text, q_end + 1, c1, inq, s0, starts)
        if thing is not None and thing[1] - thing[0] <= 6:
            d.indicator = phrase.replace("了", "") + text[thing[0]:thing[1]]
            d.ind_end = thing[1]
            d.rule.append("share of the thing after")
            return max(q_end, thing[1])
    after = _after_phrase(text, q_end, c1, inq, s0, starts)
    if after is None:
        d.rule.append("indicator-first")
        return q_end
    a0, a1 = after
    verb_only = not phrase or _starts_with_verb(phrase) == phrase or phrase.endswith("等") \
        or (len(phrase) <= 2 and q.kind == "classifier")
    if (q.kind == "classifier" or not phrase) and verb_only:
        if phrase.endswith("等"):  # 'A、B、C等5个国家农业产业强镇': the list names examples
            phrase = ""
        keep_verb = bool(phrase) and q.kind != "classifier"
        d.indicator = phrase + text[a0:a1] if keep_verb else text[a0:a1]
        d.ind_start = ind_start if keep_verb else a0
        d.rule.append("number-first")
    elif q.kind == "classifier" and phrase:
        d.indicator = phrase + text[a0:a1]
        d.rule.append("subject+number+object")
    elif phrase and len(phrase) <= 2:
        d.indicator = phrase + text[a0:a1]
        d.rule.append("verb+object")
    else:
        d.rule.append("indicator-first")
        return q_end
    d.ind_end = a1
    return max(q_end, a1)


def _borrow_indicator(d: Draft, prev: Draft | None, text: str, bounds: list[int], c0: int, s0: int,
                      pre: str = "") -> None:
    """An empty or generic indicator ('同比增长9.4%', '总量突破3万亿', '治理14.8万亩') borrows
    from the figure before it, or from the object of the clause before."""
    w = W()
    bare = d.indicator.strip("“”\"' ")
    if bare[:1] in w["basis_first"] and w["_basis_re"].fullmatch(bare):  # '按自然口径计算增长0.6%'
        bare = ""  # how it is counted, not what
    if prev is not None and bare and not text[prev.span_end:d.ind_start].strip() \
            and (_starts_with_verb(bare) or W()["_predicate_re"].match(bare)):
        # '1596个重大项目完成投资1.5万亿元': the predicate of the things just counted
        d.indicator = (prev.indicator + bare)[:MAX_TEXT]
        d.span_start = min(prev.span_start, d.ind_start)
        d.rule.append("predicate of the figure before")
        return
    same = prev is not None and d.measure == prev.measure == "amount" and prev.q.unit[-1:] == d.q.unit[-1:] \
        and prev.indicator not in w["_generic"]
    cumulative = same and w["_cumulative_re"].search(pre) is not None
    if same and (cumulative and not bare or bare and _starts_with_verb(bare) == bare and "number-first" not in prev.rule):
        # '新建5G基站1280个，累计建成1.3万个' / '…，累计达到5万个': the same things, counted in total
        subject = prev.indicator[len(_verb_head(prev.indicator)):] or prev.indicator
        d.indicator = (subject + ("累计" if cumulative else "") + bare)[:MAX_TEXT]
        d.span_start = min(prev.span_start, d.ind_start)
        d.rule.append("subject of the figure before")
        return
    sibling = prev is not None and bare in w["_measure_heads"] and bare != prev.indicator \
        and (m := w["_measure_head_re"].search(prev.indicator)) is not None and m.start() > 0
    if (not bare or bare in w["_generic"] or sibling) and prev is not None:
        # '国资委监管企业营收增长5.9%、利润增长5.5%': 利润 of the same subject
        head = prev.subject or prev.indicator
        if bare in w["stock_words"]:  # '新登记经营主体2.5万户，总量达到18万户': the stock
            head = head[len(_verb_head(head)):] or head
        other = W()["counterparts"].get(bare)
        if other and head.endswith(other):  # '…收入增长2.3%、支出超过7000亿元'
            head = head[: -len(other)]
        elif bare and bare in w["_measure_heads"]:  # '粮食播种面积…、产量…': the same subject
            m = w["_measure_head_re"].search(head)
            if m and m.start() > 0:
                head = head[: m.start()]
        d.indicator = (head + bare)[:MAX_TEXT] if bare else prev.indicator
        d.span_start = min(prev.span_start, d.ind_start)
        d.rule.append("inherited indicator")
        return
    if bare and (len(bare) > 2 or prev is not None or c0 <= s0 or text[c0 - 1] in ":："):
        return  # a colon opens a list: '主要预期目标是：经济增长5%左右' borrows nothing
    back = _previous_clause_object(text, bounds, c0)
    if back and back[2] not in w["_prefix_set"]:  # '其中，出口2000亿元': 其中 is no object
        d.indicator = back[2] + bare
        d.span_start = back[0]
        d.rule.append("indicator from previous clause" if not bare else "verb with object from previous clause")


def _place(d: Draft, prev: Draft | None, said: list[str], region: str | None = None) -> list[Draft]:
    """The region named at the head of the indicator ('沈阳、大连地区生产总值', '支持江都区…');
    '宜都市、枝江市…均突破800亿元' gives one more figure per further place (returned)."""
    vcut = strip_place_verb(d.indicator)
    places, pcut = leading_places(d.indicator[vcut:], vcut > 0, region)
    if not places:
        if prev is not None and d.rule and d.rule[0] == "enumeration":
            d.region = prev.region
        elif prev is not None and whole_place(d.indicator, region):
            # '沈阳地区生产总值增长5%，大连增长6%': the same indicator, another place
            d.region, d.indicator = d.indicator, prev.indicator
            d.rule.append("another place, same indicator")
        return []
    subject = d.indicator[vcut + pcut:max(0, d.q.start - d.ind_start)]
    if "subject+number+object" in d.rule and ("、" in subject or len(places) > 1 and not subject.strip("、和及与的")):
        # '长春、白山2个城市…', '绍兴黄酒、金华火腿、西湖龙井茶3个历史经典产业': the number counts
        # the items listed, a place among them: the figure is the report's own, named whole
        d.indicator = d.indicator[vcut:]
        return []
    d.region = places[0]
    d.indicator = d.indicator[pcut + vcut:].lstrip("、和及与的")
    if len(places) < 2:
        return []
    d.rule.append("places:" + "|".join(places))
    if "respectively" in d.rule or not any(x in _said_text(said) for x in W()["each_words"]):
        return []
    return [Draft(d.q, d.ind_start, d.ind_end, d.indicator, d.measure, d.value, d.comparator,
                  d.span_start, d.span_end, p, d.rule + ["each place"]) for p in places[1:]]


def _said_text(said: list[str]) -> str:
    return "".join(x.partition("=")[2] for x in said)


def _verb_head(phrase: str) -> str:
    """The verbs that open a phrase: '新建改扩建幼儿园' → '新建改扩建'."""
    pos = 0
    while True:
        v = _starts_with_verb(phrase[pos:])
        if not v:
            return phrase[:pos]
        pos += len(v)


def _after_phrase(text: str, pos: int, end: int, inq: list[bool], s0: int,
                  figure_starts: list[int] | None = None) -> tuple[int, int] | None:
    """The noun phrase after a quantity: up to the clause end or the next listed quantity."""
    i = pos
    while i < end and text[i] in " \t":
        i += 1
    if i >= end or not ("\u4e00" <= text[i] <= "\u9fff" or text[i] in "“《\"" or text[i].isalnum()):
        return None
    if W()["_after_stop_re"].match(text, i):  # '从1.9万座增加到14.3万座': a predicate, no noun
        return None
    k = bisect_right(figure_starts, i) if figure_starts else 0
    stop = figure_starts[k] if figure_starts and k < len(figure_starts) else -1
    # up to the next figure ('1596个重大项目完成投资1.5万亿元': its words), or a stop
    # character before it: a regex visits the characters, not a Python loop
    limit = stop if 0 <= stop < end else end
    j = i
    while True:
        m = AFTER_STOPS.search(text, j, limit)
        if m is None:
            j = limit
            break
        j = m.start()
        if text[j] in "。;," or not inq[j - s0] and _number_follows(text, j + 1, end):
            break
        j += 1
    next_number = limit < end and j == limit
    phrase = text[i:j].rstrip()
    if next_number:
        m = W()["_predicate_re"].search(phrase, 1)
        phrase = _strip_tail(phrase[: m.start()] if m else phrase)[0].rstrip("、，,和及与或等 ")
        if m is None and "、" in phrase:
            # '3条地铁新线、新增运营里程30公里': after the 、 are the next figure's words
            phrase = phrase[: phrase.rfind("、")]
    for tail in ("建设", "等", "工作"):
        if phrase.endswith(tail) and len(phrase) > len(tail) + 1:
            phrase = phrase[: -len(tail)]
    if not phrase:
        return None
    return i, i + len(phrase)


AFTER_STOPS = re.compile("[、和及与。;,]")


def _number_follows(text: str, i: int, end: int) -> bool:
    return bool(NUMBER_NEXT.match(text[i:min(end, i + 6)]))


def _previous_clause_object(text: str, bounds: list[int], c0: int) -> tuple[int, int, str] | None:
    """The object of the clause before: '实施…等废弃矿山复绿行动，治理14.8万亩' → 废弃矿山复绿行动."""
    k = bisect_left(bounds, c0)
    k = k if k < len(bounds) and bounds[k] == c0 else -1
    if k <= 0:
        return None
    a, b = bounds[k - 1], c0 - 1
    seg = text[a:b]
    cut = max(seg.rfind("等"), seg.rfind("、"))
    start = a + cut + 1 if cut >= 0 else a
    phrase = text[start:b]
    v = _starts_with_verb(phrase)
    if v:
        start += len(v)
        phrase = phrase[len(v):]
    if not phrase or len(phrase) > 12:
        phrase = phrase[-8:]
        start = b - len(phrase)
    return (start, b, phrase) if phrase else None


def _measure(q: Quantity, verbs: list[str], said: list[str], indicator: str, clause_pre: str) -> tuple[str, float, str]:
    w = W()
    down = "down" in verbs
    up = "up" in verbs
    level = "level" in verbs
    value = q.value
    if q.kind == "points":
        return "pp", -value if down else value, indicator
    if q.kind == "percent":
        if level and not (up or down) or any(s in ("level=提高到", "level=降至", "level=达到") for s in said):
            return "share", value, indicator
        if indicator.endswith(w["_growth_nouns"]):
            for noun in w["growth_nouns"]:
                if indicator.endswith(noun) and len(indicator) > len(noun):
                    neg = noun == "降幅"
                    return "growth", -value if neg else value, indicator[: -len(noun)]
        if up or down:
            return "growth", -value if down else value, indicator
        if "同比" in clause_pre or "比上年" in clause_pre or "较上年" in clause_pre:
            return "growth", value, indicator
        return "share", value, indicator
    if q.kind == "times":
        if up or down:
            return "growth", -value if down else value, indicator
        return "amount", value, indicator
    if down and said and said[0].startswith("down="):
        return "amount", -value, indicator
    return "amount", value, indicator


def _next_of_respectively(prev: Draft, q: Quantity, pending: list[Draft],
                          phrase: tuple[int, int, str, str, int] | None) -> bool:
    """'每千人托位、养老床位数分别达到4.7个、27.3张': a 分别 list whose items are counted in
    different units of one kind goes on while its phrase names more items than it has numbers."""
    if not pending or pending[-1] is not prev or phrase is None or prev.q.kind != q.kind:
        return False
    return len(CONJUNCTS.split(phrase[3])) > len(pending)


def _thresholds_passed(group: list[Draft]) -> bool:
    """'进出口总额接连突破8万亿元、9万亿元': rising marks passed one after another, not one per item."""
    return group[0].comparator == "gt" and all(a.q.unit == b.q.unit and a.value < b.value
                                              for a, b in zip(group, group[1:]))


def _names_a_list(indicator: str) -> bool:
    """Does the phrase name several things ('A、B', 城乡居民…) that numbers may go to one by one?"""
    return CONJUNCTS.search(indicator) is not None or indicator.startswith(tuple(W()["contractions"]))


def _resolve_respectively(group: list[Draft], phrase: tuple[int, int, str, str, int] | None,
                          implicit: bool = False, within: str | None = None) -> None:
    """Give each number of '…A和B分别增长x%和y%' its own indicator and place (``within``: the
    report's region, whose county short names are places). ``implicit``: the list has no 分别
    ('国内游客人次、总花费增长5.6%、7.5%'); it counts only when it has as many numbers as the
    phrase names items."""
    if not group or phrase is None:
        return
    if implicit and (len(group) < 2 or "each of a list" in group[0].rule
                     or _thresholds_passed(group) or any(r in phrase[2] for r in W()["respectively"])
                     or len(CONJUNCTS.split(phrase[2])) != len(group)
                     and not any(phrase[2].startswith(c) and len(e) == len(group)
                                 for c, e in W()["contractions"].items())):
        return
    for d in group:  # each figure of the list is read from the whole list
        d.span_start = min(x.span_start for x in group)
        d.span_end = max(x.span_end for x in group)
    n = len(group)
    ind = phrase[2]
    places, pcut = leading_places(ind, within=within)
    if len(places) == n:
        rest = ind[pcut:].lstrip("、和及与的")
        for d, p in zip(group, places):
            d.region, d.indicator = p, rest
        return
    region = places[0] if places else None
    if places:
        ind = ind[pcut:]
    contractions = W()["contractions"]
    for word, expand in sorted(contractions.items(), key=lambda x: -len(x[0])):
        if ind.startswith(word) and n == len(expand):
            for d, e in zip(group, expand):
                d.indicator = e + ind[len(word):]
                d.region = d.region or region
            return
    differ = len({d.q.unit for d in group}) > 1
    split = _split_conjuncts(ind, n, differ)
    if split is None and phrase[4] < phrase[0] and not places:
        split = _split_conjuncts(phrase[3], n, differ)  # the list before 等 names the items
        if split:
            for d in group:
                d.span_start = min(d.span_start, phrase[4])
    if split:
        for d, s in zip(group, split):
            d.indicator = s
            d.region = d.region or region
    else:
        for d in group:
            d.indicator = ind
            d.region = d.region or region


RATIO = re.compile(r"(\d+(?:\.\d+)?)(?:\s?[:：]\s?\d+(?:\.\d+)?){2,}")


def ratio_drafts(text: str, s0: int, s1: int) -> list[Draft]:
    """'三次产业结构为3.4:47.8:48.8': one share per part, where the data names the parts."""
    out: list[Draft] = []
    for m in RATIO.finditer(text, s0, s1):
        before = text[max(s0, m.start() - 12):m.start()]
        for key, names in W()["ratio_structures"].items():
            if key in before:
                nums = list(re.finditer(r"\d+(?:\.\d+)?", m.group(0)))
                if len(nums) != len(names):
                    break
                k = text.rfind(key, s0, m.start())
                for num, name in zip(nums, names):
                    a = m.start() + num.start()
                    q = Quantity(a, a + len(num.group(0)), float(num.group(0)), "%", "percent", False, False)
                    d = Draft(q, k, k + len(key), name, "share", q.value, "eq", k, m.end())
                    d.rule.append("ratio structure")
                    out.append(d)
                break
    return out


def _respectively_over_prior(drafts: list[Draft]) -> None:
    """'A 37215元和B 21830元，分别增长4.6%和6.9%': a 分别 list with no words of its own
    takes the indicators of the figures just before it, one by one."""
    for i, d in enumerate(drafts):
        tag = next((r for r in d.rule if r.startswith("prior:")), None)
        if tag is None or "inherited indicator" not in d.rule and d.indicator.strip():
            continue
        group = [x for x in drafts[i:] if x is d or ("enumeration" in x.rule and x.span_start == d.span_start)]
        n = len(group)
        before = [x for x in drafts[:i] if "number-first" not in x.rule][-n:]
        if n < 2 or len(before) != n:
            continue
        for g, b in zip(group, before):
            g.indicator, g.region = b.indicator, b.region or g.region
            g.span_start = min(g.span_start, before[0].span_start)
            g.rule.append("respectively over the figures before")


def _list_after_respectively(drafts: list[Draft]) -> None:
    """'城乡居民人均可支配收入分别达6.9万元、3.4万元，增长4.2%、5.3%': a list of as many
    numbers with no words of their own goes on with the items of the 分别 list before it."""
    for i, d in enumerate(drafts):
        if "inherited indicator" not in d.rule or "respectively" in d.rule or i < 2:
            continue  # a list with its own 分别 is read by _respectively_over_prior
        group = [d]
        for x in drafts[i + 1:]:
            if "enumeration" not in x.rule or x.span_start != d.span_start:
                break
            group.append(x)
        n = len(group)
        before = drafts[i - n:i] if n <= i else []
        if n < 2 or not before or "respectively" not in before[0].rule \
                or any("enumeration" not in b.rule for b in before[1:]) \
                or len({b.indicator for b in before}) < n:
            continue
        for g, b in zip(group, before):
            g.indicator, g.region = b.indicator, b.region or g.region
            g.rule.append("list after a respectively list")


def _complete_list_items(drafts: list[Draft], text: str) -> None:
    """'新建改扩建幼儿园3所、中小学5所': a later list item shares the verb of the first;
    '…3.8万件，按时办结率99.6%': a short rate or a subjectless head takes the subject before it."""
    w = W()
    for a, b in zip(drafts, drafts[1:]):
        if "indicator-first" not in b.rule or "indicator-first" not in a.rule:
            continue
        gap = text[a.span_end:b.ind_start]
        verb = _verb_head(a.indicator)
        if LIST_GAP.fullmatch(gap) and verb and not _verb_head(b.indicator) \
                and len(verb) < len(a.indicator):
            b.indicator = verb + b.indicator
            b.rule.append("shares the verb of the list")
            continue
        ind = b.indicator
        head = w["_subjectless_re"].match(ind)
        if head is not None and head.group(0) == "完成" and ind[2:] not in w["complete_objects"]:
            head = None  # '提供“暖心煤”1亿吨，完成“煤改电”78万户': its own thing
        subjectless = head is not None or \
            (len(ind) <= 5 and ind.endswith(tuple(w["subjectless_rates"])))
        if subjectless and CLAUSE_GAP.fullmatch(gap) and a.indicator:
            # '诉求142.6万件，响应率100%，解决率95.7%': each rate takes the first subject, once
            subject = a.subject if "subject of the clause before" in a.rule and a.subject \
                else a.indicator[len(_verb_head(a.indicator)):] or a.indicator
            if a.indicator.endswith(ind) and "inherited indicator" in b.rule:
                b.indicator = a.indicator  # '…带动进出口415.4亿元、增长11.7%': the same thing grew
                b.rule.append("indicator of the figure before")
            elif subject not in ind:
                b.indicator = (subject + ind)[:MAX_TEXT]
                b.subject = subject
                b.span_start = min(b.span_start, a.span_start)
                b.rule.append("subject of the clause before")


def _sentence_region(text: str, s0: int, s1: int, drafts: list[Draft] = (),
                     within: str | None = None) -> str | None:
    """A place that opens the sentence ('辽西承接…', '《沈阳都市圈发展规划》获批实施，…'), in the
    report's region ``within`` (its county short names are places).

    Not when a later clause opens with another place ('浦江上山遗址获评…，绍兴越国…，德清…': one
    place each).
    Not a place that only names one thing of its opening clause: an example before 等 or of a
    list of places' things ('揭阳中石油炼化一体化等23个项目', '延安苹果、汉中中药材入选…'), or a
    city that is only part of a name in a clause of no figure ('漳州核电一期投入商业运行，…，工业
    投资增长6.1%': the investment is the report's own). An area (都市圈, 新区, 经济圈…) that opens
    a clause is the subject of what follows ('雄安新区日新月异，…，5300多栋楼宇拔地而起') — unless a
    verb opens it, making the area its object ('加快大湾区高水平人才高地建设，9位科学家增选为两院院士':
    the scientists are the report's own)."""
    lead = len(text[s0:s1]) - len(text[s0:s1].lstrip(" 《“"))
    head = text[s0 + lead:s1]
    verb = strip_place_verb(head)
    head = head[verb:]
    places, cut = leading_places(head, within=within)
    if len(places) != 1:
        return None
    for m in SEPARATORS.finditer(text, s0, s1):
        clause = text[m.end():s1].lstrip(" 《“")
        other, _ = leading_places(clause[strip_place_verb(clause):], within=within)
        if other and other[0] != places[0]:
            return None
    at = s0 + lead + verb + cut  # where the words after the place begin
    sep = SEPARATORS.search(text, at, s1)
    end = sep.start() if sep else s1
    first = min((d.q.start for d in drafts if d.q.start >= at), default=s1)
    opening = text[at:min(end, first)]
    if "等" in opening or any(leading_places(opening[k + 1:], within=within)[0] for k, ch in enumerate(opening) if ch == "、"):
        return None
    if first >= end and (verb or not is_area(places[0])):  # 加快大湾区…建设: the verb's object
        return None
    return places[0]

