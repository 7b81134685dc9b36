"""What a task says besides its words: verb, places, projects, kind, deadline.

Every function works on normalised text and reads its words from data/plan.toml (or the
gazetteer, for places), so a new wording is a data change.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from .. import gazetteer
from ..extract.lexicon import lexicon
from ..outline.text import cn_int
from .lexicon import alt, plan_words


@lru_cache(maxsize=1)
def _verb_res() -> tuple[re.Pattern, re.Pattern]:
    v = plan_words()["verbs"]
    action = re.compile(alt(v["action"]))
    target = re.compile(rf"(?:{alt(v['target'])})(?:到|至|在)?[0-9一二三四五六七八九十两百千万]")
    return action, target


def has_verb(text: str) -> bool:
    """An action verb anywhere, or a target verb taking a number (超过200项)."""
    action, target = _verb_res()
    return bool(action.search(text) or target.search(text))


def has_action_verb(text: str) -> bool:
    """An action verb anywhere (a target verb with its number alone is no action)."""
    return bool(_verb_res()[0].search(text))


def opens_with_verb(text: str) -> bool:
    """The text opens with an action verb, after at most a short adverb (大力实施, 持续推进)."""
    action, _ = _verb_res()
    return bool(re.match(rf"[\u4e00-\u9fff]{{0,2}}(?:{action.pattern})", text))


# ---------------------------------------------------------------- places

@lru_cache(maxsize=8)
def _place_names(own: str | None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """First two characters -> place names, longest first: (sure ones, ordinary-word ones such as
    朝阳). The divisions of the gazetteer as a report of ``own`` writes them (the short names of
    its own counties too: 庄河 in a 辽宁省 report), with the zones and areas of places.json. The
    report's own region (辽宁省, 辽宁) is left out: every task of the report is in it."""
    own_d = gazetteer.resolve(own) if own else None
    skip: set[str] = set()
    names: set[str] = set()
    amb: set[str] = set()
    for n, ds in gazetteer.names(own).items():
        if own_d is not None and all(d.code == own_d.code for d in ds):
            skip.add(n)
        (amb if gazetteer.ordinary(n) else names).add(n)
    own_key = gazetteer.region_key(own) if own else None
    for n, full in gazetteer.zone_names().items():
        if own_key and full == own_key:
            skip.add(n)
        (amb if gazetteer.ordinary(n) else names).add(n)
    for e in lexicon().places.get("areas", []):
        forms = [e["name"], *(e.get("aliases", []) or [])]
        short = e.get("short")
        forms += [short] if isinstance(short, str) else list(short or [])
        for f in forms:
            if f and len(f) >= 2:
                (amb if gazetteer.ordinary(f) else names).add(f)

    def index(words: set[str]) -> dict[str, list[str]]:
        by_head: dict[str, list[str]] = {}
        for n in sorted(words - skip, key=len, reverse=True):
            by_head.setdefault(n[:2], []).append(n)
        return by_head

    return index(names), index(amb - names)


_LIST_SEP = "、和及与"


@lru_cache(maxsize=1)
def _not_before() -> frozenset[str]:
    """What may not follow a name ending in 区/市/县/旗 (西安区域 is 西安 + 区域)."""
    return frozenset(lexicon().words.get("place_name_not_before", ""))


def _match_at(by_head: dict[str, list[str]], text: str, i: int) -> str | None:
    for n in by_head.get(text[i:i + 2], ()):
        if text.startswith(n, i) and not (n[-1] in "区市县旗" and text[i + len(n):i + len(n) + 1] in _not_before()
                                          and i + len(n) < len(text)):
            return n
    return None


def places_in(text: str, own_region: str | None = None) -> list[str]:
    """Place names the text mentions, as written, in order, without repeats (longest match:
    沈抚改革创新示范区 is one place, not 沈抚 + …). An ambiguous short name (朝阳) counts only
    in a list with a known place ("阜新、朝阳", "朝阳、兴城")."""
    sure, amb = _place_names(own_region)
    spans: list[tuple[int, int, bool]] = []  # (start, end, ambiguous)
    i = 0
    while i < len(text):
        n = _match_at(sure, text, i)
        m = _match_at(amb, text, i) if n is None else None
        if n or m:
            spans.append((i, i + len(n or m), n is None))
            i += len(n or m)
        else:
            i += 1
    sure_ends = {e for s, e, a in spans if not a}
    sure_starts = {s for s, e, a in spans if not a}
    found: list[str] = []
    for s, e, a in spans:
        if a and not ((s - 1 in sure_ends and text[s - 1] in _LIST_SEP)
                      or (e < len(text) and text[e] in _LIST_SEP and e + 1 in sure_starts)):
            continue
        if text[s:e] not in found:
            found.append(text[s:e])
    return found


# ---------------------------------------------------------------- projects

@lru_cache(maxsize=1)
def _project_res() -> dict:
    w = plan_words()["projects"]
    return {
        "verb": re.compile(alt(w["verbs"])),
        "ptail": re.compile(rf"(?:{alt(w['project_tails'])})$"),
        "tail": re.compile(rf"(?:{alt(w['tails'])})$"),
        "marker": re.compile(alt(w["markers"])),
        "marker_end": re.compile(rf"(?:{alt(w['markers'])})(?:\([^()]*\))?$"),
        "generic": tuple(w["generic_starts"]),
        "min": int(w.get("min_chars", 4)),
        "max": int(w.get("max_chars", 22)),
    }


def _shared_suffix(last: str, own_region: str | None) -> str:
    """The part of a list's last item that the items before it share ("庄河核电基地" →
    "核电基地", "营口国家物流枢纽" → "国家物流枢纽", "新阜高速公路" → "高速公路")."""
    r = _project_res()
    lead = places_in(last, own_region)
    # a route between places (诸暨至嵊州高速公路) is no place + shared part
    if (lead and last.startswith(lead[0]) and last[len(lead[0]):len(lead[0]) + 1] not in "至到—-"
            and r["marker"].search(last, len(lead[0]))):
        return last[len(lead[0]):]
    m = r["marker"].search(last)
    return last[m.start():] if m and m.start() > 0 else ""


def projects_in(text: str, own_region: str | None = None) -> list[str]:
    """Named projects: the items of a list after a project verb (推进/开工建设/…), kept when the
    list ends in 等项目/前期工作 or the item ends in a marker (机场, 高铁, 核电基地 …); items that
    share a suffix get it ("徐大堡、庄河核电基地" → 徐大堡核电基地, 庄河核电基地)."""
    r = _project_res()
    out: list[str] = []
    for clause in re.split(r"[,;。!?:]", text):
        m = r["verb"].search(clause)
        if not m:
            continue
        rest = clause[m.end():]
        framed = False
        pt = r["ptail"].search(rest)
        if pt:
            framed, rest = True, rest[:pt.start()]
        else:
            t = r["tail"].search(rest)
            if t:
                rest = rest[:t.start()]
        if not rest:
            continue
        items = [s for s in re.split(r"、|以及|和|及", rest) if s]
        suffix = ""
        if "等" in items[-1]:
            head, suffix = items[-1].split("等", 1)
            items[-1] = head + suffix if head else suffix
        elif len(items) > 1:
            suffix = _shared_suffix(items[-1], own_region)
        names = []
        for it in items:
            if suffix and not r["marker_end"].search(it) and not it.endswith(suffix):
                it = it + suffix
            names.append(it)
        for n in names:
            if not (r["min"] <= len(n) <= r["max"]) or n[0].isdigit() or n.startswith(r["generic"]):
                continue
            if n.count("“") != n.count("”") or n.count("(") != n.count(")"):
                continue  # a cut through a quoted list (加快“一枢纽、四中心”建设)
            if (framed or r["marker_end"].search(n)) and n not in out:
                out.append(n)
    return out


# ---------------------------------------------------------------- kind

def kind_of(text: str, has_figures: bool = False, has_projects: bool = False) -> str:
    """The first kind of data/plan.toml [kinds] with a word in the text (a task naming a project
    is a "project"); a task with figures and no such word is a "target"; else "action"."""
    k = plan_words()["kinds"]
    if has_projects:
        return "project"
    for name in k["order"]:
        if any(w in text for w in k.get(name, [])):
            return name
    return "target" if has_figures else "action"


# ---------------------------------------------------------------- deadline

def _month(s: str) -> int | None:
    return int(s) if s.isdigit() else cn_int(s)


@lru_cache(maxsize=1)
def _deadline_rules() -> list[tuple[re.Pattern, dict]]:
    return [(re.compile(r["re"]), r) for r in plan_words()["deadlines"]["rule"]]


def deadline_of(text: str, plan_year: int) -> tuple[str, str]:
    """(ISO date, phrase) of the latest explicit deadline in the text (年底前, 上半年, 6月底前,
    2024年9月30日前, 到2025年 …), else the plan year's last day and ""."""
    best: tuple[date, str] | None = None
    taken: list[tuple[int, int]] = []
    for rx, rule in _deadline_rules():
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # a longer rule already read this phrase
            g = m.groupdict()
            year = int(g["y"]) if g.get("y") else plan_year + int(rule.get("year_offset", 0))
            month = _month(g["m"]) if g.get("m") else rule.get("month")
            if not month or not 1 <= month <= 12:
                continue
            last = calendar.monthrange(year, month)[1]
            day = int(g["d"]) if g.get("d") else rule.get("day", last)
            if not 1 <= day <= last:
                continue
            taken.append((m.start(), m.end()))
            d = date(year, month, day)
            if best is None or d > best[0]:
                best = (d, m.group(0))
    if best is None:
        return date(plan_year, 12, 31).isoformat(), ""
    return best[0].isoformat(), best[1]


def deadline_label(iso: str) -> str:
    """How a 分工方案 writes a deadline: 2024年12月底前, 2024年9月30日前."""
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        return f"{d.year}年{d.month}月底前"
    return f"{d.year}年{d.month}月{d.day}日前"
