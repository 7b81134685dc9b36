"""The role (actual / target / estimate) and year of a figure, decided in one place.

A figure's role is read in this order, the first that tells wins:

1. the document kind: a 分工方案 (``division``) sets targets of its year, a statistical bulletin
   (``bulletin``) reports actuals of its year, whatever its parts are called;
2. 预计 before the figure makes an estimate (of the reviewed year);
3. the part: a review part reports actuals, a plan part (and an annex, 民生实事, and a part
   of no clear role, "other") sets targets; the notes (名词解释) say what is, actuals. A part
   is a review or a plan by its title (``outline.toml [part_roles]``), else by the year in its
   title, else by what its body does (``part_role`` below), so "一、一年接着一年干，…取得新进展
   新成效" over a body of results is a review;
4. inside a part, the sentence: 去年/一年来… report the past even in a plan part; five-year
   results (过去五年, 这五年, “十四五”时期…) are actuals of the reviewed year; five-year goals
   (十五五, 今后五年, 纲要, 到2030年) are targets of the period's end year, never the plan year's;
5. where no part tells (no parts, a preamble, a part neither title nor body decides), the
   sentence and its neighbours do: results reported (过去一年, 累计, 初步统计…) make actuals, work
   announced (今年, 要, 力争, 确保, 将) targets, the nearer sentences around counting more; words
   a plan uses too (完成, 实现, 同比) tell only when nothing else does;
6. else what the whole text does (a text of results: actuals), else a target of the plan year.

Cue lists live in ``data/roles.toml``, compiled once. The module sits in ``outline`` because
the outline decides parts' roles with it (steps 3 and 6 of the list); the extractor asks it
for each figure — one direction of flow, outline before extract.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_YEARS = re.compile(r"((?:20|19)\d\d)年(?!代)")
_CLAUSE = re.compile(r"[,;:，；：]")
_PERIOD = re.compile(r"十[一二三四五六七八九]五")


@dataclass(frozen=True)
class Cues:
    """The compiled cue lists of data/roles.toml."""

    fixed: dict[str, tuple[str, str]]  # kind -> (role, "plan" | "review")
    body_review: re.Pattern
    body_plan: re.Pattern
    body_chars: int
    ratio: float
    min_hits: int
    override_ratio: float
    override_hits: int
    unnumbered: re.Pattern
    unnumbered_max: int
    title_max: int
    inline_title_max: int
    inline_words: tuple[str, ...]
    annex: re.Pattern
    notes: re.Pattern
    estimate: re.Pattern
    actual: re.Pattern
    bases: re.Pattern
    target_in_review: re.Pattern
    dated_past: re.Pattern
    reported: re.Pattern
    weak: re.Pattern
    announced: re.Pattern
    results: re.Pattern
    goals: re.Pattern
    annual: re.Pattern
    period_part: re.Pattern
    period_opening: re.Pattern
    coming_period: re.Pattern
    goal_years: tuple[re.Pattern, ...]
    periods: dict[str, int]


def _alt(words: list[str]) -> re.Pattern:
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def cues() -> Cues:
    raw = tomllib.loads((resources.files("luoshi") / "data" / "roles.toml").read_text("utf-8"))
    pt, st, fy = raw["part"], raw["sentence"], raw["five_year"]
    return Cues(
        fixed={k: (v["role"], v["year"]) for k, v in raw["kinds"].items()},
        body_review=_alt(pt["review"]), body_plan=_alt(pt["plan"]),
        body_chars=int(pt["body_chars"]), ratio=float(pt["ratio"]), min_hits=int(pt["min_hits"]),
        override_ratio=float(pt["override_ratio"]), override_hits=int(pt["override_hits"]),
        unnumbered=re.compile("|".join(pt["unnumbered"])), unnumbered_max=int(pt["unnumbered_max"]),
        inline_title_max=int(pt["inline_title_max"]), inline_words=tuple(pt["inline_words"]),
        title_max=int(pt["title_max"]),
        annex=re.compile("(?:" + "|".join(pt["annex"]) + r")\s*$"),
        notes=re.compile("(?:" + "|".join(pt["notes"]) + r")\s*$"),
        estimate=_alt(st["estimate"]), actual=_alt(st["actual"]), bases=_alt(st["bases"]),
        target_in_review=_alt(st["target_in_review"]), dated_past=_alt(st["dated_past"]),
        reported=_alt(st["reported"]), weak=_alt(st["weak"]), announced=_alt(st["announced"]),
        results=_alt(fy["results"]), goals=_alt(fy["goals"]), annual=_alt(fy["annual"]),
        period_part=_alt(fy["period_part"]), period_opening=_alt(fy["period_opening"]),
        coming_period=_alt(fy["coming_period"]),
        goal_years=tuple(re.compile(p) for p in fy["goal_year"]),
        periods={k: int(v) for k, v in raw["periods"].items()},
    )


# ---------------------------------------------------------------- parts


def title_role(title: str, review_year: int | None = None, plan_year: int | None = None) -> str | None:
    """review / plan / other from a part title's words, then its year; None when it does not tell.

    The word lists are tried in order (outline.toml [part_roles]). A title longer than a name
    ("一、对地区生产总值增长5%以上…等预期目标完成情况进行监测和督导") is a sentence: its words do
    not tell, its body does.
    """
    from .lexicon import lexicon

    if len(title) > cues().title_max:
        return None
    for role, words in lexicon().part_roles:
        if any(w in title for w in words):
            return role
    years = {int(y) for y in _YEARS.findall(title)}
    if review_year in years and plan_year not in years:
        return "review"
    if plan_year in years and review_year not in years:
        return "plan"
    return None


def body_role(text: str, start: int, end: int, whole: bool = False) -> str | None:
    """review / plan from what a part's body does: results reported against work announced.

    Only the opening of the body is read, unless ``whole``.
    """
    c = cues()
    body = text[start:end if whole else min(end, start + c.body_chars)]
    r, p = len(c.body_review.findall(body)), len(c.body_plan.findall(body))
    if r >= c.min_hits and r >= c.ratio * p:
        return "review"
    if p >= c.min_hits and p > r:
        return "plan"
    return None


def part_role(title: str, text: str, start: int, end: int,
              review_year: int | None = None, plan_year: int | None = None) -> str:
    """The role of a part: by its title, else by its body, else "other"."""
    return title_role(title, review_year, plan_year) or body_role(text, start, end) or "other"


def reports_results(title: str, text: str, start: int, end: int) -> bool:
    """A part whose title names no year but whose body overwhelmingly reports results is a
    review whatever its title's words say ("一、坚持目标任务不动摇" over a body of results)."""
    c = cues()
    if _YEARS.search(title):
        return False
    body = text[start:min(end, start + c.body_chars)]
    r, p = len(c.body_review.findall(body)), len(c.body_plan.findall(body))
    return r >= c.override_hits and r >= c.override_ratio * max(p, 1)


def is_unnumbered_heading(line: str) -> bool:
    """A line that heads a part without a number (“十四五”时期发展成就和2025年工作回顾)."""
    c = cues()
    line = line.strip()
    return (4 <= len(line) <= c.unnumbered_max and line[-1] not in "。!?;:！？；：,，、"
            and c.unnumbered.search(line) is not None)


_NUMERALS = "[一二三四五六七八九十]"


@lru_cache(maxsize=1)
def _part_title() -> str:
    """What follows a part's numeral: 、 and the title, up to its last title word (greedy:
    "二、“十四五”时期发展成就和“十五五”时期主要目标任务")."""
    from .lexicon import lexicon

    c = cues()
    words = sorted({w for _, ws in lexicon().part_roles for w in ws} | set(c.inline_words),
                   key=len, reverse=True)
    return r"、[^。!?！？,，;；\s]{0,%d}(?:%s)" % (c.inline_title_max, "|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def part_head_re() -> re.Pattern:
    """A numbered part heading up to its title word, whatever runs on after it in the line
    ("一、2025年工作回顾过去一年，…" in a report flattened into one line)."""
    return re.compile(_NUMERALS + "{1,3}" + _part_title())


@lru_cache(maxsize=1)
def inline_part_re() -> re.Pattern:
    """A numbered part heading inside a line: "…审议。一、2025年工作回顾 2025年是…".

    The same as ``(?<=[。!?！？\\s])`` before ``part_head_re``, written numeral first and the
    character before it checked behind that: a pattern opening with a look-behind is tried at
    every position of the text, one opening with a character class only where the class occurs."""
    return re.compile(rf"{_NUMERALS}(?<=[。!?！？\s]{_NUMERALS}){_NUMERALS}{{0,2}}" + _part_title())


# Where an inline part heading may be: its 、 behind one to three numerals behind a sentence's end
# or a space. Found by the 、 (a literal is looked for fast, where a pattern opening with the
# numerals is tried at each of them, and a report has hundreds of 一).
_INLINE_COMMA = re.compile("、(?:%s)" % "|".join(
    rf"(?<=[。!?！？\s]{_NUMERALS * n}、)" for n in (1, 2, 3)))
_NUMERAL_SET = frozenset("一二三四五六七八九十")


@lru_cache(maxsize=2)
def inline_parts(text: str) -> list[re.Match]:
    """Every ``inline_part_re`` match of a text, found once for the metadata and the outline.

    Each 、 of ``_INLINE_COMMA`` is where one may end its numerals: ``part_head_re`` tried at their
    start is ``inline_part_re`` there. A start inside the last match is skipped, as ``finditer``
    skips it (it never matches anyway: the character before it is not a stop or a space)."""
    out: list[re.Match] = []
    end, head = 0, part_head_re()
    for c in _INLINE_COMMA.finditer(text):
        s = c.start()
        while text[s - 1] in _NUMERAL_SET:
            s -= 1
        if s >= end and (m := head.match(text, s)):
            out.append(m)
            end = m.end()
    return out


def is_annex(line: str) -> bool:
    """附件 / 附件1: what follows is an annex, its numbered lines are a list, not parts."""
    return cues().annex.match(line.strip()) is not None


def back_matter(line: str) -> str | None:
    """"annex" for a line 附件 / 附件1, "notes" for a line 名词解释: the report's back matter,
    which after its parts is a part of its own with that role; else None."""
    line = line.strip()
    if cues().annex.match(line):
        return "annex"
    return "notes" if cues().notes.match(line) else None


# ---------------------------------------------------------------- sentences


@dataclass
class Years:
    """What a document says of its years."""

    review: int | None
    plan: int | None


def neighbour_cue(sentence: str, years: Years | None = None) -> str | None:
    """What a sentence says of the ones after it in its paragraph.

    ``result`` (a five-year result), ``goal`` (a five-year goal), ``annual`` (the plan year
    spoken of: 今年…), ``actual`` (results reported), ``target`` (work announced) or None.
    """
    c = cues()
    annual = _annual(sentence, years)
    if c.goals.search(sentence) and not annual:
        return "goal"
    if c.results.search(sentence):
        return "result"
    if annual:
        return "annual"
    rep = [m.start() for m in c.reported.finditer(c.bases.sub("", sentence))]
    ann = [m.start() for m in c.announced.finditer(sentence)]
    if years and years.review and sentence.lstrip().startswith(f"{years.review}年"):
        rep.append(0)
    if rep or ann:  # the first frames the sentence: "一年来，我们…办成了许多大事要事"
        return "actual" if min(rep, default=len(sentence)) < min(ann, default=len(sentence)) else "target"
    return None


def names_period(text: str, start: int, end: int) -> bool:
    """Does text[start:end] speak of a five-year period (its results or goals)?"""
    c = cues()
    return bool(c.results.search(text, start, end) or c.goals.search(text, start, end)
                or c.period_part.search(text, start, end))


def weak_cue(sentence: str) -> str | None:
    """"actual" for words a plan uses too (完成投资, 累计建成, 比上年增长): they tell only when
    neither the sentence nor its neighbours say more."""
    c = cues()
    return "actual" if c.weak.search(sentence) or c.bases.search(sentence) else None


def _annual(text: str, years: Years | None) -> bool:
    """Does the text speak of the plan year itself (今年, 2026年…) rather than a period?"""
    if cues().annual.search(text):
        return True
    return bool(years and years.plan and f"{years.plan}年" in text
                and f"{years.plan}年前" not in text)


def _goal_year(text: str, plan_year: int | None) -> int | None:
    """The end year of a five-year goal where the text fixes it: 到2030年, or the period named."""
    c = cues()
    for rx in c.goal_years:
        ys = [int(y) for y in rx.findall(text)]
        ys = [y for y in ys if plan_year is None or y >= plan_year]
        if ys:
            return ys[-1]
    ends = [c.periods[m.group(0)] for m in _PERIOD.finditer(text) if m.group(0) in c.periods]
    ends = [y for y in ends if plan_year is None or y >= plan_year]
    if ends:
        return ends[-1]
    if plan_year and c.coming_period.search(text):  # 今后五年: the period the plan year opens
        return min((y for y in c.periods.values() if y >= plan_year), default=None)
    return None


def decide(before: str, part: str | None, kind: str | None, years: Years,
           carry: str | None = None, sentence: str = "", headings: str = "",
           default: str = "target") -> tuple[str, int | None, str]:
    """Role, year and the reason of a figure.

    ``before``: the words of its sentence before it; ``sentence``: the whole sentence;
    ``part``: the role of its part (review / plan / other / None outside parts);
    ``carry``: the neighbour cue of the sentences before it in its paragraph;
    ``headings``: the titles above it, which may name the period of a five-year goal;
    ``default``: the role where nothing tells (what the document's text does as a whole).
    """
    c = cues()
    fixed = c.fixed.get(kind or "")
    if fixed:
        role, which = fixed
        year = years.plan if which == "plan" else years.review
        return _explicit(role, year, before, years, f"kind {kind}")
    if c.estimate.search(before):
        return _explicit("estimate", years.review, before, years, "预计")
    if part == "review":
        role, why = "actual", "part"
    elif part == "notes":  # a glossary says what a term is (thresholds, past events): no target
        role, why = "actual", "part: notes"
    elif part in ("plan", "other", "annex"):  # parts of no clear role and an annex (民生实事)
        role, why = "target", "part"  # belong to the plan
    else:
        cue = neighbour_cue(sentence or before, years) or carry or weak_cue(sentence or before)
        role = ("actual" if cue in ("actual", "result") else "target") if cue else default
        why = f"sentence: {cue}" if cue else "default"
    if role == "actual":
        clause = _CLAUSE.split(before)[-1]
        if c.actual.search(c.bases.sub("", before)) and c.target_in_review.search(clause):
            return "target", years.review, "上年目标"
        return _explicit("actual", years.review, before, years, why)
    # a target so far: the past reported, five-year results and goals
    if c.actual.search(c.bases.sub("", before)):
        if c.target_in_review.search(_CLAUSE.split(before)[-1]):
            return "target", years.review, "上年目标"
        return _explicit("actual", years.review, before, years, "去年")
    annual = _annual(before, years)
    if not annual and (c.results.search(before) or (carry == "result" and not c.goals.search(before))):
        return _explicit("actual", years.review, before, years, "five-year result")
    headings = _simplified(headings)
    title = headings.split(" / ")[0]
    period_part = _period_part(title, years.plan)
    # a goal named nearby carries on, unless the part is the plan year's ("三、2026年重点工作":
    # "谋划“十五五”重大项目" there does not make the next sentence a five-year goal)
    goal_near = carry == "goal" and not _annual_title(title, years.plan)
    if not annual and (c.goals.search(before) or goal_near or (period_part and carry != "annual")):
        year = (_goal_year(before, years.plan) or _goal_year(sentence, years.plan)
                or _goal_year(headings, years.plan))
        return "target", year, "five-year goal"
    return _explicit("target", years.plan, before, years, why)


@lru_cache(maxsize=1024)
def _simplified(headings: str) -> str:
    """Titles as written may be in traditional characters ("“十五五”時期…"); the cues are
    simplified, as the text they are matched on is (memo: asked per figure, few distinct)."""
    from ..ingest.normalize import to_simplified_label

    return to_simplified_label(headings) or headings


@lru_cache(maxsize=256)
def _period_part(title: str, plan_year: int | None) -> bool:
    """A part titled for a five-year period, not for the plan year (memo: asked per figure)."""
    return cues().period_part.search(title) is not None and not _annual_title(title, plan_year)


def period_end(title: str, plan_year: int | None) -> int | None:
    """The end year of the five-year period a plan part is titled for (二、“十五五”时期主要目标任务:
    2030; not a period before the plan year), None for any other part, and for one titled for
    the plan year too ("“十五五”时期主要
    目标和2026年重点工作": the year's work is in it)."""
    title = _simplified(title)
    if not _period_part(title, plan_year):
        return None
    return _goal_year(title, plan_year)


def period_opened(text: str, start: int, plan_year: int | None) -> int | None:
    """The end year of the period a part's body opens with (“十五五”时期是…), else None."""
    m = cues().period_opening.match(text, start)
    if m is None:
        return None
    return _goal_year(text[start:start + 40], plan_year)


@lru_cache(maxsize=256)
def _annual_title(title: str, plan_year: int | None) -> bool:
    """A part title of the plan year ("三、2026年重点工作"), memoised."""
    return _annual(title, Years(None, plan_year))


def _explicit(role: str, year: int | None, before: str, years: Years,
              why: str) -> tuple[str, int | None, str]:
    """A year the sentence names before the figure overrides the default one."""
    ys = _YEARS.findall(before)
    if not ys:
        return role, year, why
    y = int(ys[-1])
    if role == "target" and years.plan and y < years.plan and cues().dated_past.search(before):
        return "actual", y, why + ", dated past event"
    if role == "target" and years.plan and y >= years.plan:
        return role, y, why + ", explicit year"
    if role != "target" and (years.review is None or y <= years.review):
        return role, y, why + ", explicit year"
    if role == "actual" and years.review and y > years.review:
        return "target", y, "future year"
    return role, year, why
