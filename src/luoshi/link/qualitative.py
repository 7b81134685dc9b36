"""Qualitative targets: the 主要预期目标 clauses without a number, and the few that rules can judge.

"居民人均可支配收入增长与经济增长基本同步" has no number of its own but can be judged from two
actuals (income growth against GDP growth). "单位地区生产总值能耗完成国家下达任务" is recognised
but needs a quota the report does not give, so it stays with a person. The rules are data
(verdicts.toml ``[[qualitative]]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, Mapping, NamedTuple

from .catalogue import canonical, normalise
from .units import convert
from .verdicts import MET, MISSED, NEEDS_JUDGEMENT, NO_DATA, PP, Verdict, fmt, settings


@dataclass(frozen=True)
class QualitativeRule:
    id: str
    patterns: tuple[re.Pattern[str], ...]
    kind: str  # compare | external
    explain: str
    left: str | None = None  # canonical id of the left-hand actual
    right: str | None = None
    measure: str = "growth"
    op: str = "ge"  # ge: left - right >= -slack; le: left - right <= slack
    slack: float = 0.0


@lru_cache(maxsize=1)
def qualitative_rules() -> tuple[QualitativeRule, ...]:
    """The qualitative rules of verdicts.toml, in order (the first match wins)."""
    return tuple(QualitativeRule(id=r["id"], patterns=tuple(re.compile(p) for p in r["patterns"]),
                                 kind=r.get("kind", "external"), explain=r.get("explain", ""),
                                 left=r.get("left"), right=r.get("right"),
                                 measure=r.get("measure", "growth"), op=r.get("op", "ge"),
                                 slack=float(r.get("slack", 0.0)))
                 for r in settings().qualitative)


_YEAR = re.compile(r"\d{4}年(?:底|末|前)?")
_DIGIT = re.compile(r"\d")


def has_number(text: str) -> bool:
    """True when a clause states a number (years such as 2025年 do not count)."""
    return bool(_DIGIT.search(_YEAR.sub("", normalise(text))))


def match_rule(text: str) -> QualitativeRule | None:
    """The first qualitative rule whose pattern is found in ``text`` (simplified Chinese)."""
    s = normalise(text)
    return next((r for r in qualitative_rules() if any(p.search(s) for p in r.patterns)), None)


def _lookup(actuals: Mapping[str, Any], cid: str, measure: str) -> Any | None:
    for key in (f"{cid}:{measure}", cid):
        fig = actuals.get(key)
        if fig is not None and getattr(fig, "measure", measure) == measure:
            return fig
    return None


def judge_qualitative(text: str, actuals: Mapping[str, Any]) -> Verdict | None:
    """Judge a qualitative target sentence from actuals keyed by canonical id.

    ``actuals`` maps ``"id:measure"`` or ``"id"`` to a Figure-like actual (see ``index_actuals``).
    Returns None when the text states a number (a quantitative target: use ``judge``); a
    needs_judgement Verdict when no rule computes it; otherwise met / missed / no_data.
    """
    if has_number(text):
        return None
    rule = match_rule(text)
    if rule is None:
        return Verdict(NEEDS_JUDGEMENT, None, "", "没有可自动判定这一定性目标的规则，需人工判断")
    if rule.kind != "compare" or not rule.left or not rule.right:
        return Verdict(NEEDS_JUDGEMENT, None, "", rule.explain)
    left, right = _lookup(actuals, rule.left, rule.measure), _lookup(actuals, rule.right, rule.measure)
    missing = [cid for cid, f in ((rule.left, left), (rule.right, right)) if f is None]
    if missing:
        return Verdict(NO_DATA, None, PP, f"{rule.explain}；资料库中尚无{'、'.join(_zh(c) for c in missing)}的实际增速")
    try:
        lv = Fraction(repr(convert(left.value, left.unit, "%")))
        rv = Fraction(repr(convert(right.value, right.unit, "%")))
    except ValueError:
        return Verdict(NEEDS_JUDGEMENT, None, PP, f"{rule.explain}；实际数不是百分比，不能比较")
    gap, slack = lv - rv, Fraction(repr(rule.slack))
    ok = gap >= -slack if rule.op == "ge" else gap <= slack
    return Verdict(MET if ok else MISSED, round(float(gap), 6), PP,
                   f"{rule.explain}；{_zh(rule.left)} {fmt(lv)}%，{_zh(rule.right)} {fmt(rv)}%")


def _zh(cid: str) -> str:
    """An indicator's Chinese name (the catalogue's), for the reasons people read."""
    from .catalogue import indicator

    return getattr(indicator(cid), "zh", "") or cid


def index_actuals(figures: Iterable[Any], *, region: str | None = None,
                  year: int | None = None) -> dict[str, Any]:
    """Actual figures keyed by ``"id:measure"`` and by ``"id"`` (the first seen), for rules.

    Only role actual (or estimate when no actual) with a canonical id; filter by ``region`` and
    ``year`` when given. Within a document the first figure wins: the headline comes first.
    """
    figs = list(figures)
    out: dict[str, Any] = {}
    for role in ("actual", "estimate"):
        for f in figs:
            if getattr(f, "role", "actual") != role:
                continue
            if region is not None and getattr(f, "region", None) != region:
                continue
            if year is not None and getattr(f, "year", None) != year:
                continue
            cid = getattr(f, "canonical", None) or canonical(f.indicator, f.measure)
            if cid:
                out.setdefault(f"{cid}:{f.measure}", f)
                out.setdefault(cid, f)
    return out


class QualitativeTarget(NamedTuple):
    """A qualitative target: offsets into the original text, the text as written, a rule id."""

    start: int
    end: int
    text: str
    rule_id: str | None


# the lead of the targets list: "主要预期目标是:" inline, or a heading/line ending in 主要预期目标(为:)
_LEAD = re.compile(r"主要(?:预期)?目标(?:是|为)[:：]?|主要(?:预期)?目标[:：]|主要(?:预期)?目标[ \t\u3000]*(?=\n|$)")
_LIST_LINE = re.compile(r"^[ \t\u3000]*(?:——|—|--|\d{1,2}[.．、]|[(（][一二三四五六七八九十\d]{1,3}[)）])")
_HEADING = re.compile(r"^[^,，;；。\d]{1,12}。")  # "——经济增长。" a label, not a target
_NOTE = re.compile(r"[(（][^()（）]*(?:牵头|责任|配合)[^()（）]*[)）]")
_CLAUSE_END = re.compile(r"[,，;；。]")


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans holding list entries after a lead ending at ``start`` (within [start, end))."""
    eol = text.find("\n", start, end)
    eol = end if eol < 0 else eol
    if text[start:eol].strip():
        stop = text.find("。", start, eol)
        return [(start, eol if stop < 0 else stop + 1)]
    spans = []
    pos = eol + 1
    while pos < end:
        nl = text.find("\n", pos, end)
        nl = end if nl < 0 else nl
        line = text[pos:nl]
        if line.strip():
            m = _LIST_LINE.match(line)
            if not m:
                break
            spans.append((pos + m.end(), nl))
        pos = nl + 1
    return spans


def _clauses(text: str, s: int, e: int) -> Iterable[tuple[int, int]]:
    seg = text[s:e]
    h = _HEADING.match(seg.lstrip(" \t\u3000"))
    if h:
        s += len(seg) - len(seg.lstrip(" \t\u3000")) + h.end()
    for m in _NOTE.finditer(text, s, e):  # a (牵头单位:…) note ends the entry
        e = m.start()
        break
    pos = s
    for m in _CLAUSE_END.finditer(text, s, e):
        yield pos, m.start()
        pos = m.end()
    if pos < e:
        yield pos, e


def qualitative_targets(doc: Any, outline: Any) -> list[QualitativeTarget]:
    """The clauses of the main-targets list (主要预期目标) that hold no number.

    ``doc`` is a luoshi Document, ``outline`` its Outline. The list is found from the nodes the
    outline flags ``main_targets``: after "主要预期目标是:" up to the first 。, or, after a
    heading line, the "——" / "1." lines that follow. Each clause has ``rule_id`` when a
    qualitative rule recognises it (judge it with ``judge_qualitative``), else None.
    """
    text: str = doc.text
    out: dict[tuple[int, int], QualitativeTarget] = {}
    nodes = [n for n in outline.nodes() if n.flags.get("main_targets")]
    for node in nodes:
        for lead in _LEAD.finditer(text, node.nstart, node.nend):
            for s, e in _segments(text, lead.end(), node.nend):
                for cs, ce in _clauses(text, s, e):
                    while cs < ce and text[cs] in " \t\u3000\n":
                        cs += 1
                    while ce > cs and text[ce - 1] in " \t\u3000\n":
                        ce -= 1
                    clause = text[cs:ce]
                    if len(clause) < 4 or has_number(clause):
                        continue
                    a, b = doc.to_original(cs, ce)
                    rule = match_rule(clause)
                    out.setdefault((a, b), QualitativeTarget(a, b, doc.original[a:b], rule.id if rule else None))
    return sorted(out.values())
