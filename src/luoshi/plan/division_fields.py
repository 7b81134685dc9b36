"""The fields of a 分工方案's items — 牵头领导, 牵头单位, 责任单位, 完成时限 — as its text writes
them: labelled ("(牵头单位:…;责任单位:…)", "牵头单位:…" lines), or unlabelled in the State
Council's style ("(X牵头,Y等按职责分工负责)"); and its units resolved to a catalogue. The labels
and phrases are data (``data/division.toml``). The text read is normalised (NFKC: "：" is ":")."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from .lexicon import alt
from .model import Task

FIELDS = ("leader", "lead", "resp", "deadline")
REASON = "分工方案"  # a task's first reason when its units are a real plan's, not suggestions


def from_division(task: Task) -> bool:
    """The task's units were read from a 分工方案 (its own, or the item it matched)."""
    return bool(task.reasons) and task.reasons[0].startswith(REASON)


@lru_cache(maxsize=1)
def division_words() -> dict:
    """data/division.toml as a dict, read once."""
    return tomllib.loads((resources.files("luoshi") / "data" / "division.toml").read_bytes().decode("utf-8"))


@lru_cache(maxsize=1)
def label_of() -> dict[str, str]:
    return {w: f for f in (*FIELDS, "task", "number") for w in division_words()["labels"][f]}


@lru_cache(maxsize=1)
def _field_re() -> re.Pattern[str]:
    """A field label followed by ":" (the text is NFKC: "：" is ":")."""
    words = [w for w, f in label_of().items() if f in FIELDS]
    return re.compile(rf"(?:{alt(words)})\s*:")


@lru_cache(maxsize=1)
def _unit_split_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(division_words()["units"]["separators"]) + "]+")


@dataclass
class Fields:
    """What an item's annotations say; ``at`` is where the first one starts (-1: none)."""

    leader: str = ""
    lead: list[str] | None = None
    resp: list[str] | None = None
    deadline: str = ""
    at: int = -1

    @property
    def found(self) -> bool:
        return self.at >= 0


def split_units(value: str) -> list[str]:
    """The units of a field value, in order, without list words ("等") or duplicates."""
    out: list[str] = []
    drops = tuple(sorted(division_words()["units"]["drop_suffixes"], key=len, reverse=True))
    for u in _unit_split_re().split(value):
        u = u.strip(" []【】“”\"'")
        while u.startswith("(") and ")" not in u:  # a bracket the field's own brackets left
            u = u[1:]
        while u.endswith(")") and u.count(")") > u.count("("):
            u = u[:-1]
        u = u.replace("(", "（").replace(")", "）")  # as official names write them: 各镇（街道）
        for d in drops:
            if u.endswith(d) and len(u) > len(d):
                u = u[: -len(d)]
                break
        if u and u not in out:
            out.append(u)
    return out


def _value_end(text: str, a: int, b: int, ends: str) -> int:
    """The first end of a field value after ``a``, outside the value's own brackets (各市(州))."""
    depth = 0
    for j in range(a, b):
        ch = text[j]
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch in ends:
            return j
    return b


def read_fields(text: str, a: int, b: int) -> Fields:
    """The fields written in text[a:b]: each label's value runs to the next label or to the
    end of its sentence ("。以下均需…不再列出" is a remark, not a unit)."""
    out = Fields()
    found = list(_field_re().finditer(text, a, b))
    ends = division_words()["units"]["value_ends"]
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else b
        vend = _value_end(text, m.end(), stop, ends)
        value = text[m.end():vend].strip(" ;,、:(\t")
        label = re.sub(r"\s*:$", "", m.group(0))
        name = label_of()[label]
        if out.at < 0:
            out.at = m.start()
        if name == "leader":
            out.leader = out.leader or "、".join(split_units(value))
        elif name == "deadline":
            out.deadline = out.deadline or value
        elif name == "lead":
            out.lead = (out.lead or []) + split_units(value)
        else:
            out.resp = (out.resp or []) + split_units(value)
    mark = f"（{division_words()['duty']['lead_word']}）"  # 责任单位:省发展改革委(牵头)、省财政厅
    marked = [u for u in out.resp or [] if u.endswith(mark)]
    if marked:
        out.lead = (out.lead or []) + [u[: -len(mark)] for u in marked]
        out.resp = [u for u in out.resp or [] if u not in marked]
    return out


@lru_cache(maxsize=1)
def _duty_re() -> re.Pattern[str]:
    """A bracket of units without labels that ends with the lead word or a closing phrase."""
    d = division_words()["duty"]
    ends = alt([d["lead_word"], *d["closings"]])
    return re.compile(rf"\(([^():;。]{{2,80}}?(?:{ends}))\)")


def read_duty(text: str, a: int, b: int) -> Fields:
    """The units of a "(X牵头,Y等按职责分工负责)" bracket in text[a:b] (the last one)."""
    d = division_words()["duty"]
    found = list(_duty_re().finditer(text, a, b))
    if not found:
        return Fields()
    m = found[-1]
    body = m.group(1)
    for c in sorted(d["closings"], key=len, reverse=True):
        if body.endswith(c):
            body = body[: -len(c)]
            break
    lead_word = d["lead_word"]
    if lead_word in body:
        head, _, rest = body.partition(lead_word)
        return Fields(lead=split_units(head), resp=split_units(rest), at=m.start())
    return Fields(lead=split_units(body), at=m.start())


def without_fields(title: str) -> str:
    """A heading without the fields written on it: "(一)扩大有效需求(牵头领导:张三)" → its words."""
    m = _field_re().search(unicodedata.normalize("NFKC", title))
    if m is None:
        return title
    cut = max(title.rfind("(", 0, m.start()), title.rfind("（", 0, m.start()))
    return title[:cut if cut > 0 else m.start()].rstrip()


def starts_with_field(text: str) -> bool:
    return bool(_field_re().match(text.lstrip(" \t(【")))


def fields_end(text: str, a: int, b: int) -> int:
    """Where an item's annotations end after ``a``: its own line, then the lines under it that
    open with a field label (牵头单位:…); a heading or the next item stops them."""
    nl = text.find("\n", a, b)
    if nl < 0:
        return b
    pos = nl + 1
    while pos < b:
        nxt = text.find("\n", pos, b)
        end = b if nxt < 0 else nxt
        line = text[pos:end]
        if line.strip() and not starts_with_field(line):
            return pos
        pos = end + 1
    return b


def stated_fields(text: str, a: int, b: int) -> Fields:
    """The fields a report writes for the task at text[a:b] itself — a work report's annex of
    民生实事 closes each item with "(牵头单位:人社厅、教育厅)" —: the first annotation from the
    task's start to the end of its sentence, or right after that end ("…。(牵头单位:…)"). It
    covers each task of its sentence: "A;B(牵头单位:X)。" gives X to A and to B, while
    "A(牵头单位:X);B(牵头单位:Y)" gives each its own. ``text`` is normalised (NFKC)."""
    ends = division_words()["units"]["sentence_ends"]
    stop = next((j for j in range(b, len(text)) if text[j] in ends), len(text))
    after = stop + 1
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == "(" and _field_re().match(text, after + 1):
        close = text.find(")", after)
        stop = close if close >= 0 else len(text)
    m = _field_re().search(text, a, stop)
    if m is None:
        return Fields()
    bracket = text.rfind("(", a, m.start())
    close = _value_end(text, m.start(), len(text), ")") if bracket >= 0 else stop
    return read_fields(text, m.start(), close)


# ------------------------------------------------------------------ units

def resolve_units(names: Iterable[str], departments: Any) -> list[str]:
    """Each unit as the region's catalogue names it (find it by name, full name or alias; then
    the catalogue's own reading of a plan's short names, 市发改委 → 市发展改革委, when it keeps the
    level's prefix); as written when no catalogue knows it.

    A short name without the level's prefix — 人社厅, 交通厅 in a province's report — is a unit
    of the document's own government (自治区人力资源社会保障厅), not the national one that bears
    the same alias; only a unit's full name (公安部, 国家发展改革委) names another level."""
    from .catalogues import find_unit, level_of, prefixes

    out: list[str] = []
    region = getattr(departments, "region", "") or None
    level = getattr(departments, "level", "") or None
    prefix = prefixes(region or "", *level_of(region, level))[0] if departments is not None else ""
    for n in names:
        name = n
        hit = find_unit(n, region, level) if region else None
        named = hit is not None and n in (hit[0].name, hit[0].full_name)
        own = (departments.resolve(prefix + n) if prefix and not named and not n.startswith(prefix)
               and not (hit is not None and hit[1] == region) else "")
        if own:
            name = own
        elif hit is not None and (not hit[1] or hit[1] == region or not region):
            name = hit[0].name
        elif departments is not None:
            r = departments.resolve(n)
            if r and r[0] == n[0]:  # 省…/市…/区…: the same level's unit, not a guess across levels
                name = r
        if name not in out:
            out.append(name)
    return out
