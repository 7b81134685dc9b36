"""Read a report file (txt, docx, pdf, html) into a Document.

Public surface: ``read``, ``read_text``, ``Document``, ``MAX_BYTES``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .document import Document
from .normalize import normalize
from .readers import READERS

__all__ = ["Document", "read", "read_text", "MAX_BYTES", "SUPPORTED"]

MAX_BYTES = int(os.environ.get("LUOSHI_MAX_BYTES", 20 * 1024 * 1024))
SUPPORTED = tuple(sorted(READERS))


def read_text(original: str, doc_id: str = "document", *, fmt: str = "txt",
              source: str | None = None, encoding: str | None = None) -> Document:
    """Build a Document from text already in memory (used by tests, notebooks and the web)."""
    text, offsets, trad = normalize(original)
    if not text.strip():
        raise InputError(source or doc_id, "empty document (no text)")
    return Document(id=doc_id, original=original, text=text, offsets=offsets, format=fmt,
                    source=source, encoding=encoding, traditional=trad)


def read(path: str | os.PathLike, *, max_bytes: int | None = None) -> Document:
    """Read one file. Raises InputError (file + reason) for anything that is not a readable report."""
    p = Path(path)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    ext = p.suffix.lower()
    if ext not in READERS:
        raise InputError(p, f"unsupported file type {ext or '(none)'}; use one of {', '.join(SUPPORTED)}")
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise InputError(p, "not a regular file")
        if size > limit:
            raise InputError(p, f"file too large ({size} bytes; the limit is {limit})")
        data = p.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except PermissionError:
        raise InputError(p, "permission denied") from None
    except OSError as e:
        raise InputError(p, f"cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise InputError(p, "empty file")
    original, encoding = READERS[ext](data, p)
    return read_text(original, p.stem, fmt=ext.lstrip("."), source=str(p), encoding=encoding)
