"""Recognise place names at the head of a phrase (沈阳、大连地区生产总值 → [沈阳, 大连])."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import alt, lexicon

# suffixes that make a named area a region of its own: 辽东绿色经济区, 沈阳都市圈, 金普新区
AREA_SUFFIX = r"(?:都市圈|经济区|经济带|城市群|示范区|新区|自贸区|自贸试验区|片区|开发区|高新区)"


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    p = lexicon().places
    names: set[str] = set()
    ambiguous = set(p.get("ambiguous_short", []))
    for key in ("provinces", "cities", "counties_liaoning", "areas"):
        for e in p.get(key, []):
            names.add(e["name"])
            short = e.get("short")
            for s in ([short] if isinstance(short, str) else short or []):
                if s and len(s) >= 2 and s not in ambiguous:
                    names.add(s)
    return frozenset(names), frozenset(ambiguous)


@lru_cache(maxsize=1)
def _head_re() -> re.Pattern:
    names, _ = _names()
    one = f"(?:{alt(names)})" if names else "(?!)"
    return re.compile(rf"(?:{one})(?:[\u4e00-\u9fff]{{0,6}}?{AREA_SUFFIX})?")


def region_words() -> list[str]:
    return lexicon().places.get("region_words", []) or ["全省", "全市", "全区", "全县", "全国", "我省", "我市"]


def leading_places(phrase: str) -> tuple[list[str], int]:
    """Places listed at the start of ``phrase`` and where the rest begins.

    '沈阳、大连地区生产总值' → (['沈阳', '大连'], 5). A single place must be followed by
    something (a phrase that is only a place name is not a region marker).
    """
    found: list[str] = []
    pos = 0
    rx = _head_re()
    while True:
        m = rx.match(phrase, pos)
        if not m:
            break
        name = m.group(0)
        found.append(name)
        pos = m.end()
        sep = re.match(r"、|和|及|与|,", phrase[pos:])
        if sep and rx.match(phrase, pos + sep.end()):
            pos += sep.end()
            continue
        break
    if found and pos >= len(phrase):
        return [], 0
    # 大连市 / 沈阳市 — the generic suffix stays with the name
    if found and phrase[pos:pos + 1] in ("市", "省", "县", "区") and not phrase[pos:pos + 2] in ("市场", "区域", "县域", "市域", "省级", "市级", "县级", "区级"):
        found[-1] += phrase[pos]
        pos += 1
    return found, pos
