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
    """Regex alternation, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


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
