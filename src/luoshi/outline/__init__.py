"""The outline of a report: parts, sections, themed paragraphs, items and sentences, with offsets.

Public surface: ``build``, ``read_metadata``, ``Outline``, ``Node``.
"""

from __future__ import annotations

from .builder import build
from .meta import read_metadata
from .model import Node, Outline

__all__ = ["build", "read_metadata", "Outline", "Node"]
