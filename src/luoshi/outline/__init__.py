"""The outline of a report: parts, sections, themed paragraphs, items and sentences, with offsets.

Public surface: ``build``, ``read_metadata``, ``resolve_metadata``, ``Given``, ``Outline``, ``Node``.
"""

from __future__ import annotations

from .builder import build
from .given import Given, given_from, resolve_metadata
from .meta import read_metadata
from .model import Node, Outline

__all__ = ["build", "read_metadata", "resolve_metadata", "Given", "given_from", "Outline", "Node"]
