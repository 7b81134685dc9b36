"""The word lists of data/outline.toml, loaded once and compiled.

Kept as data so that a new genre's wording (another kind of report, another office title) is a
line in the TOML file, not a branch in the code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .. import gazetteer


@dataclass(frozen=True)
class Lexicon:
    part_roles: tuple[tuple[str, tuple[str, ...]], ...]  # (role, title words), tried in order
    paragraph_flags: dict[str, re.Pattern]
    heading_flags: dict[str, tuple[str, ...]]
    kinds: dict[str, tuple[str, ...]]
    review_years: tuple[re.Pattern, ...]
    plan_years: tuple[re.Pattern, ...]
    period_plan: re.Pattern
    period_review: re.Pattern
    salutations: tuple[str, ...]
    speaker_roles: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    closing: tuple[str, ...]
    national: tuple[str, ...]
    national_name: str
    national_cues: tuple[str, ...]
    suffixes: tuple[tuple[str, str], ...]
    followers: tuple[str, ...]
    body_strong: tuple[str, ...]
    body_weak: tuple[str, ...]
    role_levels: tuple[tuple[str, str], ...]
    provinces: frozenset[str]
    furniture: re.Pattern
    furniture_labels: frozenset[str]
    breadcrumb: frozenset[str]
    title_words: tuple[str, ...]
    author_kinds: tuple[tuple[str, str], ...]
    docno_types: tuple[str, ...]
    province_short: dict[str, str]
    generic_names: frozenset[str]
    level_words: dict[str, str]
    scope_words: dict[str, str]
    body_cues: tuple[re.Pattern, ...]
    name_heads: tuple[str, ...]
    name_ban: tuple[str, ...]
    issuers: dict[str, str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = tomllib.loads((resources.files("luoshi") / "data" / "outline.toml").read_text("utf-8"))
    hd, rg, yr = raw["header"], raw["regions"], raw["years"]
    return Lexicon(
        # a list's key is its role, up to a "_" ("plan_own": a plan list tried before review)
        part_roles=tuple((k.split("_")[0], tuple(v)) for k, v in raw["part_roles"].items()),
        paragraph_flags={k: re.compile("|".join(v)) for k, v in raw["paragraph_flags"].items()},
        heading_flags={k: tuple(v) for k, v in raw["heading_flags"].items()},
        kinds={k: tuple(v) for k, v in raw["kinds"].items()},
        review_years=tuple(re.compile(p) for p in yr["review"]),
        plan_years=tuple(re.compile(p) for p in yr["plan"]),
        period_plan=re.compile("|".join(yr["period_plan"])),
        period_review=re.compile("|".join(yr["period_review"])),
        salutations=tuple(hd["salutations"]),
        speaker_roles=tuple(hd["speaker_roles"]),
        org_suffixes=tuple(hd["org_suffixes"]),
        closing=tuple(hd["closing"]),
        national=tuple(rg["national"]),
        national_name=rg["national_name"],
        national_cues=tuple(rg["national_cues"]),
        suffixes=tuple((s, lv) for s, lv in rg["suffixes"]),
        followers=tuple(rg["followers"]),
        body_strong=tuple(rg["body_strong"]),
        body_weak=tuple(rg["body_weak"]),
        role_levels=tuple((r, lv) for r, lv in rg["role_levels"]),
        # the province-level regions and their short names (贵州, 内蒙古): the gazetteer's, not a
        # second list (a report that says only 全省 is read in the province its text names most)
        provinces=frozenset(d.name for d in gazetteer.provinces()),
        furniture=re.compile("|".join(f"(?:{p})" for p in hd["furniture"])),
        furniture_labels=frozenset(hd["furniture_labels"]),
        breadcrumb=frozenset(hd["breadcrumb"]),
        title_words=tuple(hd["title_words"]),
        author_kinds=tuple((a, k) for a, k in hd["author_kinds"]),
        docno_types=tuple(sorted(hd["docno_types"], key=len, reverse=True)),
        province_short={s: d.name for d in gazetteer.provinces() for s in d.shorts},
        generic_names=frozenset(rg["generic_names"]),
        level_words=dict(rg["level_words"]),
        scope_words=dict(rg["scope_words"]),
        body_cues=tuple(re.compile(p) for p in rg["body_cues"]),
        name_heads=tuple(sorted(rg["name_heads"], key=len, reverse=True)),
        name_ban=tuple(rg["name_ban"]),
        issuers=dict(rg["issuers"]),
    )


def part_role(title: str, review_year: int | None = None, plan_year: int | None = None) -> str:
    """review / plan / other for a part title (normalised text); years break a tie of no words."""
    lx = lexicon()
    for role, words in lx.part_roles:
        if any(w in title for w in words):
            return role
    years = {int(y) for y in re.findall(r"(\d{4})年", title)}
    if review_year in years:
        return "review"
    if plan_year in years:
        return "plan"
    return "other"
