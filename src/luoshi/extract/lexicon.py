"""Load the word lists and unit tables the extractor reads (data files, loaded once)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _load(name: str) -> dict:
    return json.loads((resources.files("luoshi") / "data" / name).read_text(encoding="utf-8"))


def _alt(words) -> str:
    """Regex alternation, longest first (as a trie: see trie_alt)."""
    return trie_alt(words)


@dataclass(frozen=True)
class Lexicon:
    units: dict
    words: dict
    places: dict

    def qualifier_before(self) -> list[tuple[str, str]]:
        return sorted(((w, c) for c, ws in self.words["qualifier_before"].items() for w in ws),
                      key=lambda x: -len(x[0]))

    def qualifier_after(self) -> list[tuple[str, str]]:
        return sorted(((w, c) for c, ws in self.words["qualifier_after"].items() for w in ws),
                      key=lambda x: -len(x[0]))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    try:
        places = _load("places.json")
    except FileNotFoundError:
        places = {}
    return Lexicon(_load("units.json"), _load("figure_words.json"), places)


alt = _alt


def _anchored(pattern: str) -> bool:
    """Does ``pattern`` match only at the start ('^…' with no '|' outside a group or class)?"""
    if not pattern.startswith("^"):
        return False
    depth, i, in_class = 0, 1, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":  # '[]…]': the first ] is a member
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return True


def trie_alt(words, guards: dict | None = None) -> str:
    """A regex matching any of ``words``, longest first, written as a trie ('元(?:/(?:月|年))?'):
    the engine tries one branch per character instead of every word in turn. ``guards`` maps a
    word to characters that must not follow it (成 not before 为)."""
    guards = guards or {}
    trie: dict = {}
    for w in set(words):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict, prefix: str) -> str:
        alts = [re.escape(ch) + emit(node[ch], prefix + ch) for ch in sorted(k for k in node if k)]
        end = "" in node
        guard = f"(?![{re.escape(guards[prefix])}])" if end and prefix in guards else ""
        if not alts:
            return guard
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if not end:
            return body
        return f"(?:{body}|{guard})" if guard else f"(?:{body})?"

    return "(?:" + emit(trie, "") + ")"


def region_words() -> list[str]:
    """Words that name the report's own area (全省, 我市…): never part of an indicator."""
    return lexicon().places.get("region_words", []) or ["全省", "全市", "全区", "全县", "全国", "我省", "我市"]


@lru_cache(maxsize=1)
def W() -> dict:
    """The figure words of figure_words.json with their regexes, compiled once per process."""
    w = dict(lexicon().words)
    w["_qb"] = lexicon().qualifier_before()
    w["_qa"] = lexicon().qualifier_after()
    w["_classifier"] = set(lexicon().units["classifier"])
    # one search for all the label patterns (a quantity that names a programme), not one each
    # those anchored at the number ('^三项制度') need one try there (match), not one at every
    # character of the words after it (search)
    anchored = [p for p in w["label_patterns"] if _anchored(p)]
    w["_labels_at_re"] = re.compile("|".join(f"(?:{p})" for p in anchored) or "(?!)")
    w["_labels_re"] = re.compile("|".join(f"(?:{p})" for p in w["label_patterns"] if p not in anchored)
                                 or "(?!)")
    w["_nonfigure_after"] = tuple(w["nonfigure_nouns_after"])
    w["_inner_bounds"] = tuple(sorted(w["inner_bounds"], key=len, reverse=True))
    w["_names_re"] = re.compile(_alt(w["names"]))
    w["_name_chars"] = frozenset("".join(w["names"]))
    # words stripped from the end of an indicator phrase, longest first, with what they say
    tail: list[tuple[str, str]] = []
    for c, ws in w["qualifier_before"].items():
        tail += [(x, "q:" + c) for x in ws]
    tail += [(x, "level") for x in w["level_verbs"]]
    tail += [(x, "up") for x in w["growth_up"]]
    tail += [(x, "down") for x in w["growth_down"]]
    tail += [(x, "resp") for x in w["respectively"]]
    tail += [(x, "suffix") for x in w["indicator_strip_suffix"]]
    tail += [(x, "target") for x in ("力争", "确保", "争取")]
    w["_tail"] = sorted(tail, key=lambda x: -len(x[0]))
    w["_prefix"] = sorted(set(w["indicator_strip_prefix"]) | set(region_words()), key=len, reverse=True)
    w["_prefix_set"] = frozenset(w["_prefix"])
    w["_verbs"] = sorted(w["verb_prefix"], key=len, reverse=True)
    w["_prefix_re"] = re.compile("|".join(w["list_markers_head"] + w["time_prefix_patterns"])
                                 + r"|[、和及与\s(（]+|以及|(?:"
                                 + _alt(w["_prefix"]) + r")(?=.)")
    w["_from_re"] = re.compile("|".join(w["from_tail_patterns"]))
    stops = ("以上", "左右", "以内", "以下", "的", "之", "以", "为", "是", "和", "、", "同比", "比")
    predicates = [x for x in w["level_verbs"] + w["growth_up"] + w["growth_down"] + w["change_verbs"] if len(x) > 1]
    w["_after_stop_re"] = re.compile(_alt(set(stops) | set(predicates)))
    w["_predicate_re"] = re.compile(_alt(predicates))
    w["_attribute_re"] = re.compile(f"(?:{_alt(w['attribute_nouns'])})$")
    # words before a bare magnitude that make it a figure (突破3万亿, 超百个), not a description
    w["_magnitude_quals"] = tuple(x for x, _ in w["_qb"]) + ("达到", "达", "跨过", "跨越", "跨入", "迈上", "迈过")
    w["_generic"] = frozenset(w["generic_indicators"])
    w["_growth_nouns"] = tuple(w["growth_nouns"])
    w["_measure_heads"] = frozenset(w["measure_heads"])
    w["_qa_re"] = re.compile(_alt(x for x, _ in w["_qa"]))
    w["_qa_first"] = frozenset(x[:1] for x, _ in w["_qa"])  # no word starts elsewhere: no match
    w["_qa_map"] = dict(reversed(w["_qa"]))
    w["_category_units"] = tuple(lexicon().units.get("category_units", ()))
    w["_qa_words"] = tuple(x for x, _ in w["_qa"])
    w["_own_region_re"] = re.compile(f"(?:{_alt(region_words())})$")
    w["_measure_head_re"] = re.compile(f"(?:{_alt(w['measure_heads'])})$")
    w["_measure_head_in_re"] = re.compile(_alt(w["measure_heads"]))
    w["_cumulative_re"] = re.compile(_alt(w["cumulative_words"]))
    w["_lead_first"] = frozenset(x[0] for x in w["lead_words"])
    w["_subjectless_re"] = re.compile(_alt(w["subjectless_heads"]))
    w["_basis_re"] = re.compile("|".join(w["basis_patterns"]))
    w["_marker_re"] = re.compile("|".join(w["list_markers_inside"]))
    w["_verb_re"] = re.compile(_alt(w["_verbs"]))
    w["_gap_re"] = re.compile(f"(?:(?P<up>{_alt(w['gap_up'])})|(?P<down>{_alt(w['gap_down'])}))(?=.)")
    w["_gap_cmp_re"] = re.compile("|".join(w["gap_compare_patterns"]))
    w["_contribution_re"] = re.compile(f"(?:占|贡献)了?(?:{_alt(w['benchmarks'])})")
    w["_benchmark_re"] = re.compile(f"占(?:{_alt(w['benchmarks'])})(的)?(比重|份额|比例)?$")
    catalogue = _load("indicators.json")["indicators"]
    w["_catalogued"] = frozenset(n for ind in catalogue for n in ind["names"])
    w["_lead_re"] = re.compile(_alt(w["lead_words"]))
    updown = [x for x in w["growth_up"] + w["growth_down"] if x not in w["growth_nouns"]]
    w["_change_re"] = re.compile(f"(?:{_alt(w['comparison_bases'])})(?:{_alt(updown)})$")
    w["_updown_last"] = frozenset(x[-1] for x in updown)
    return w
