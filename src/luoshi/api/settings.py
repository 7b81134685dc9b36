"""Settings of the HTTP API (all optional; the environment gives the defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _upload_limit() -> int:
    from ..ingest import size_limit

    return size_limit()


@dataclass(frozen=True)
class Settings:
    """``public_read``: anonymous GET requests are allowed (a read-only viewer), env
    LUOSHI_PUBLIC_READ. ``max_upload_bytes``: the largest report upload (default: the reader's
    limit, env LUOSHI_MAX_BYTES, 20 MB). ``include_web``: mount ``luoshi.web`` if it exists."""

    public_read: bool = field(default_factory=lambda: _flag("LUOSHI_PUBLIC_READ"))
    max_upload_bytes: int = field(default_factory=_upload_limit)
    include_web: bool = True
