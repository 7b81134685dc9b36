"""Read a report file (txt, docx, pdf, html) into a Document.

Public surface: ``read``, ``read_text``, ``Document``, ``size_limit``, ``MAX_BYTES``, ``SUPPORTED``.
Every failure a user can cause raises ``InputError`` (file + reason), never a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InputError, LuoshiError
from .document import Document
from .normalize import normalize
from .readers import READERS
from .unwrap import join_tokens, unwrap

__all__ = ["Document", "read", "read_text", "size_limit", "MAX_BYTES", "SUPPORTED"]

MAX_BYTES = 20 * 1024 * 1024
SUPPORTED = tuple(sorted(READERS))


def size_limit() -> int:
    """The size limit: env LUOSHI_MAX_BYTES (read on each call, so it can change), else 20 MB."""
    raw = os.environ.get("LUOSHI_MAX_BYTES", "").strip()
    if not raw:
        return MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise LuoshiError(f"LUOSHI_MAX_BYTES must be a whole number of bytes, not {raw!r}")
    return value


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_id(stem: str) -> str:
    """A file's stem as a document id that is safe as a file name anywhere: no separators or
    control characters, no leading dot (the stem of ``..txt`` is ``.``), at most 80 characters."""
    return _UNSAFE.sub("_", stem).lstrip(". ")[:80].rstrip() or "document"


def read_text(original: str, doc_id: str = "document", *, fmt: str = "txt",
              source: str | None = None, encoding: str | None = None) -> Document:
    """Build a Document from text already in memory (used by tests, notebooks and the web)."""
    text, offsets, trad = normalize(original)
    text, offsets = unwrap(text, offsets)  # text copied out of a PDF: its lines joined back
    text, offsets = join_tokens(text, offsets)  # a token a web page broke over lines ("PM\n2.5\n浓度")
    if not text.strip():
        raise InputError(source or doc_id, "empty document (no text)")
    return Document(id=doc_id, original=original, text=text, offsets=offsets, format=fmt,
                    source=source, encoding=encoding, traditional=trad)


def read(path: str | os.PathLike, *, max_bytes: int | None = None) -> Document:
    """Read one file. Raises InputError (file + reason) for anything that is not a readable report.

    Checks run cheapest first and before reading a byte: existence, kind of file, extension,
    size (``max_bytes``, else env LUOSHI_MAX_BYTES, else 20 MB). The size is checked again on
    what is read, since at most limit + 1 bytes are read. ``Document.sha256`` is the hash of
    exactly the bytes that were parsed (kept in ``Document.data``, hashed when first asked).
    """
    p = Path(path)
    limit = size_limit() if max_bytes is None else max_bytes
    try:
        if p.is_dir():
            raise InputError(p, "is a directory, not a file")
        size = p.stat().st_size
        if not p.is_file():
            raise InputError(p, "not a regular file")
        ext = p.suffix.lower()
        if ext not in READERS:
            hint = "; save it as .docx" if ext in (".doc", ".wps", ".rtf", ".odt") else ""
            raise InputError(p, f"unsupported file type {ext or '(no extension)'}{hint}; "
                                f"use one of {', '.join(SUPPORTED)}")
        if size > limit:
            raise InputError(p, f"file too large ({size} bytes; the limit is {limit}, set LUOSHI_MAX_BYTES to change it)")
        with p.open("rb") as fh:  # stat may lie (a pipe, /proc) or the file may grow meanwhile:
            data = fh.read(limit + 1)  # read one byte past the limit, never the whole of it
        if len(data) > limit:
            raise InputError(p, f"file too large (more than {limit} bytes; set LUOSHI_MAX_BYTES to change it)")
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except PermissionError:
        raise InputError(p, "permission denied") from None
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InputError(p, f"cannot read: {reason}") from None
    if not data.strip():
        raise InputError(p, "empty file")
    original, encoding = READERS[ext](data, p)
    doc = read_text(original, safe_id(p.stem), fmt=ext.lstrip("."), source=str(p), encoding=encoding)
    doc.data = data
    return doc

