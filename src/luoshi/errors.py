"""Errors that luoshi reports to a user as one line, never as a traceback."""

from __future__ import annotations

import re

# Control characters (C0, DEL, C1) and the Unicode line/paragraph separators: each would break
# a one-line message (or, in a terminal, rewrite it) if a file name carried it.
_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def one_line(text: object) -> str:
    """``text`` with every line-breaking or control character escaped the way ``repr`` writes it
    (``\\n``, ``\\x1b``, ``\\u2028``); other characters, Chinese included, are kept as they are.

    Used for file names and other user-supplied text that goes into a one-line message.
    """
    return _BREAKING.sub(_escape, str(text))


class LuoshiError(Exception):
    """Base class for expected failures."""


class InputError(LuoshiError):
    """A file that cannot be read as a report: names the file and the reason, on one line.

    ``path`` keeps the name as given; the message escapes control characters in it (and in the
    reason, which may quote a library's error text).
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{one_line(self.path)}: {one_line(reason)}")
