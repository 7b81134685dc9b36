"""The word lists of the task stage (data/plan.toml), loaded once."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def plan_words() -> dict:
    """data/plan.toml as a dict: verbs, main-target markers, leads, projects, deadlines, kinds."""
    data = (resources.files("luoshi") / "data" / "plan.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def alt(words) -> str:
    """Regex alternation of ``words``, longest first (so 加快推进 wins over 加快)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
