"""The Document: original text as decoded, normalised text for matching, and the map between them."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass
class Document:
    """A report read from a file.

    ``original`` is the text exactly as decoded from the file (what a reader sees and what
    every offset points into). ``text`` is the normalised text used for analysis: full-width
    ASCII folded, traditional characters converted to simplified, conversion debris removed,
    hard line wrapping (text copied out of a PDF) joined back into paragraphs (``unwrap``).
    ``offsets[i]`` is the position in ``original`` of ``text[i]``; it has one extra entry,
    ``len(original)``, so that an end position maps too.
    """

    id: str
    original: str
    text: str
    offsets: list[int]
    format: str = "txt"
    source: str | None = None
    encoding: str | None = None
    traditional: bool = False
    metadata: dict = field(default_factory=dict)
    sha256: str | None = None  # of the file's bytes that were parsed (``read``); None from text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to (a, b) with ``original[a:b]`` its exact source.

        Characters dropped by normalisation inside the span (debris, a CR) are part of the
        original span; ones just outside it are not.
        """
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1

    def to_normalised(self, pos: int) -> int:
        """The first normalised position whose original position is >= ``pos``."""
        return bisect_right(self.offsets, pos - 1, 0, len(self.text))

    def original_span(self, start: int, end: int) -> str:
        """The original text of normalised text[start:end]."""
        a, b = self.to_original(start, end)
        return self.original[a:b]
