"""luoshi (落实): from a government work report to a tracked delivery plan.

The pure stages, callable from a notebook::

    import luoshi
    doc = luoshi.read("report.txt")
    outline = luoshi.build_outline(doc)
    figures = luoshi.extract_figures(doc)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import InputError, LuoshiError
from .ingest import Document, read, read_text

__version__ = "0.1.0"
__all__ = ["read", "read_text", "build_outline", "extract_figures", "sample_path", "Document",
           "InputError", "LuoshiError"]


def build_outline(doc: Document, given=None):
    """The outline (parts, sections, paragraphs, items, sentences) of a Document; ``given``
    (a ``luoshi.outline.Given``: flags, manifest row, file name) wins over the text's metadata."""
    from .outline import build

    return build(doc, given)


def extract_figures(doc: Document, outline=None):
    """Every figure of a Document (see FIGURES.md), in document order, each linked to its
    canonical indicator where the catalogue knows it (``figure.canonical``)."""
    from .extract import extract_figures as _extract
    from .link import annotate

    return annotate(_extract(doc, outline))


def sample_path(name: str = "liaoning-2024.txt") -> Path:
    """Path of a bundled sample report."""
    return Path(str(resources.files("luoshi") / "data" / "samples" / name))
