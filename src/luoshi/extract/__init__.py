"""Figure extraction: every number of a report that states a result, an amount, a rate or a
commitment, as the contract FIGURES.md defines it.

Public surface: ``extract_figures(doc, outline=None) -> list[Figure]`` and ``Figure``.
Pure: text in, dataclasses out; no database, no web.
"""

from __future__ import annotations

from .extractor import extract_figures
from .model import Figure

__all__ = ["extract_figures", "Figure"]
