"""The report's original text as HTML: outline anchors, task spans and figure links in place,
every character of the report escaped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    open: str  # HTML, made by this module's callers from escaped values only
    close: str
    rank: int = 0  # the outer one first when two start and end together


def markup(text: str, spans: list[Span], points: dict[int, str] | None = None) -> Markup:
    """``text`` with the spans wrapped around their ranges; a span crossing another's edge is
    dropped (HTML nests), and ``points`` (position → HTML) are put in before the text there."""
    points = points or {}
    kept: list[Span] = []
    stack: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end, s.rank)):
        if s.end <= s.start or s.start < 0 or s.end > len(text):
            continue
        while stack and stack[-1].end <= s.start:
            stack.pop()
        if stack and s.end > stack[-1].end:
            continue
        kept.append(s)
        stack.append(s)
    opens: dict[int, list[Span]] = defaultdict(list)
    closes: dict[int, list[Span]] = defaultdict(list)
    for s in kept:
        opens[s.start].append(s)
        closes[s.end].append(s)
    out: list[str] = []
    last = 0
    for p in sorted(set(opens) | set(closes) | {p for p in points if 0 <= p <= len(text)}):
        out.append(escape(text[last:p], quote=False))
        out.extend(s.close for s in reversed(closes[p]))
        if p in points:
            out.append(points[p])
        out.extend(s.open for s in opens[p])
        last = p
    out.append(escape(text[last:], quote=False))
    return Markup("".join(out))
