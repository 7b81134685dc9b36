"""The zh-CN words people read for luoshi's codes, from ``data/labels.toml``.

One place for them, so the pages, the exports and the API's ``*_zh`` fields never disagree and
never show a code (``province``, ``work_report``, ``ge``) to a person. Codes stay the machine
values everywhere else. Plain data loaded once; no imports from the rest of luoshi, so any layer
may use it.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping


@lru_cache(maxsize=1)
def labels() -> Mapping[str, Mapping[str, str]]:
    """Every group of labels (``level``, ``doc_kind``, ``verdict`` …): code → words, read-only."""
    raw = tomllib.loads((resources.files("luoshi") / "data" / "labels.toml").read_text("utf-8"))
    return MappingProxyType({g: MappingProxyType(dict(m)) for g, m in raw.items()})


def group(name: str) -> Mapping[str, str]:
    """One group of labels; KeyError for a group the file does not have (a typo, not a gap)."""
    return labels()[name]


def zh(name: str, code: Any, default: str | None = None) -> str:
    """The words for ``code`` in group ``name``: "" for None, else ``default`` (the code itself
    when not given) for a code the file does not know."""
    if code is None or code == "":
        return ""
    got = group(name).get(str(code))
    if got is not None:
        return got
    return str(code) if default is None else default


def definition(name: str, code: Any, **values: Any) -> str:
    """A definition of group ``name`` (e.g. ``verdict_def``) with its settings filled in."""
    text = group(name).get(str(code), "")
    return text.format(**values) if values else text


@lru_cache(maxsize=1)
def _error_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(k), v) for k, v in group("error_message").items())


def error_zh(message: str, code: str | None = None) -> str:
    """The words a person reads for a service's English error ``message`` ([error_message], the
    first pattern found in it), else for its ``code`` ([error_code]); "" when neither knows it."""
    for pat, words in _error_patterns():
        if pat.search(message):
            return words
    return group("error_code").get(code or "", "") if code else ""
