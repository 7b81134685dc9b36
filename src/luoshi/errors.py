"""Errors that luoshi reports to a user as one line, never as a traceback."""

from __future__ import annotations


class LuoshiError(Exception):
    """Base class for expected failures."""


class InputError(LuoshiError):
    """A file that cannot be read as a report: names the file and the reason."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
