"""The Document: original text as decoded, normalised text for matching, and the map between them."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add, lt, sub


class Offsets(Sequence):
    """Normalised position → original position, kept as runs of consecutive positions.

    Normalisation only deletes characters (debris, the CR of a CRLF), and a report has none or a
    few hundred of them: a handful of runs instead of a list entry per character, which cost more
    to build than the rest of reading the text. Reads as the list it stands for (``len``, index,
    slice, iterate): ``len(text) + 1`` entries, strictly increasing, the last ``len(original)``.
    """

    __slots__ = ("nstarts", "ostarts", "n", "end", "shift")

    def __init__(self, runs: Sequence[tuple[int, int]], end: int):
        """``runs``: the kept [start, end) ranges of the original, in order, none empty;
        ``end``: the length of the original."""
        self.ostarts = [a for a, _ in runs]
        self.nstarts, n = [], 0
        for a, b in runs:
            self.nstarts.append(n)
            n += b - a
        self.n, self.end = n, end
        # one run from 0: the position itself (what almost every report is)
        self.shift = 0 if len(runs) <= 1 and (not runs or runs[0][0] == 0) else None

    def __len__(self) -> int:
        return self.n + 1

    def at(self, i: int) -> int:
        """The original position of normalised ``i`` (0 <= i <= n)."""
        if i >= self.n:
            return self.end
        if self.shift is not None:
            return i
        k = bisect_right(self.nstarts, i) - 1
        return self.ostarts[k] + i - self.nstarts[k]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.at(k) for k in range(*i.indices(self.n + 1))]
        if i < 0:
            i += self.n + 1
        if not 0 <= i <= self.n:
            raise IndexError("offset index out of range")
        return self.at(i)

    def __iter__(self) -> Iterator[int]:
        for k, a in enumerate(self.ostarts):
            b = self.nstarts[k + 1] if k + 1 < len(self.nstarts) else self.n
            yield from range(a, a + b - self.nstarts[k])
        yield self.end

    def __eq__(self, other) -> bool:
        return isinstance(other, (Offsets, list, tuple)) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Offsets({len(self.ostarts)} runs, {self.n} characters of {self.end})"

    def to_normalised(self, pos: int) -> int:
        """How many normalised characters come from before original ``pos``."""
        k = bisect_right(self.ostarts, pos) - 1
        if k < 0:
            return 0
        size = (self.nstarts[k + 1] if k + 1 < len(self.nstarts) else self.n) - self.nstarts[k]
        return self.nstarts[k] + min(pos - self.ostarts[k], size)


@dataclass
class Document:
    """A report read from a file.

    ``original`` is the text exactly as decoded from the file (what a reader sees and what
    every offset points into). ``text`` is the normalised text used for analysis: full-width
    ASCII folded, traditional characters converted to simplified, conversion debris removed,
    hard line wrapping (text copied out of a PDF) joined back into paragraphs (``unwrap``).
    ``offsets[i]`` is the position in ``original`` of ``text[i]``; it has one extra entry,
    ``len(original)``, so that an end position maps too (an ``Offsets``, or a plain list).
    """

    id: str
    original: str
    text: str
    offsets: Sequence[int]
    format: str = "txt"
    source: str | None = None
    encoding: str | None = None
    traditional: bool = False
    metadata: dict = field(default_factory=dict)
    data: bytes | None = field(default=None, repr=False, compare=False)  # the bytes parsed (``read``)
    _sha256: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the file's bytes that were parsed (``read``); None from text. Computed when
        first asked: only an import files it, and hashing costs as much as reading the text."""
        if self._sha256 is None and self.data is not None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to (a, b) with ``original[a:b]`` its exact source.

        Characters dropped by normalisation inside the span (debris, a CR) are part of the
        original span; ones just outside it are not.
        """
        offs = self.offsets
        if type(offs) is Offsets:
            if offs.shift is not None:  # nothing dropped: the span itself, but at the very end
                if start < end <= offs.n:
                    return start, end
                if end <= start < offs.n:
                    return start, start
            if end <= start:
                o = offs.at(start)
                return o, o
            return offs.at(start), offs.at(end - 1) + 1
        if end <= start:
            o = offs[start]
            return o, o
        return offs[start], offs[end - 1] + 1

    def to_original_spans(self, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
        """``to_original`` of many spans at once (an outline maps thousands): the original
        starts and ends. Where every span is non-empty and inside the text, the runs' shifts
        are added by C-level maps, with no Python step per span."""
        offs = self.offsets
        if (type(offs) is Offsets and starts and max(ends) <= offs.n and max(starts) < offs.n
                and all(map(lt, starts, ends))):
            if offs.shift is not None:
                return list(starts), list(ends)
            shift = [0, *map(sub, offs.ostarts, offs.nstarts)]  # by bisect_right's answer
            cuts = offs.nstarts
            oa = list(map(add, starts, map(shift.__getitem__, map(bisect_right, repeat(cuts), starts))))
            ob = list(map(add, ends, map(shift.__getitem__,
                                         map(bisect_right, repeat(cuts), map(sub, ends, repeat(1))))))
            return oa, ob
        pairs = [self.to_original(a, b) for a, b in zip(starts, ends)]
        return [a for a, _ in pairs], [b for _, b in pairs]

    def to_normalised(self, pos: int) -> int:
        """The first normalised position whose original position is >= ``pos``."""
        if type(self.offsets) is Offsets:
            return self.offsets.to_normalised(pos)
        return bisect_right(self.offsets, pos - 1, 0, len(self.text))

    def original_span(self, start: int, end: int) -> str:
        """The original text of normalised text[start:end]."""
        a, b = self.to_original(start, end)
        return self.original[a:b]
