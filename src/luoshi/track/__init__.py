"""Delivery tracking: the status engine (``status``, pure) and the services over the store
(tasks from a report, assignments, progress, ratings, revisions, roll-ups, reminders, users).

Services take a Session and an acting user (``Actor``), return dataclasses and raise typed
errors (``NotFound``, ``Forbidden``, ``Conflict``, ``Invalid``); the caller owns the
transaction (``store.write_transaction``), so a refused write leaves nothing behind. All of
them are in ``luoshi.track.services``; the names below are imported on first use, so
``luoshi.track.status`` loads without the database layer.
"""

from __future__ import annotations

__all__ = ["Actor", "SYSTEM", "TrackError", "NotFound", "Forbidden", "Conflict", "Invalid", "services"]


def __getattr__(name: str):
    from importlib import import_module

    if name in ("Actor", "SYSTEM"):
        return getattr(import_module(".actor", __name__), name)
    if name in ("TrackError", "NotFound", "Forbidden", "Conflict", "Invalid"):
        return getattr(import_module(".errors", __name__), name)
    if name == "services":
        return import_module(".services", __name__)
    raise AttributeError(f"module 'luoshi.track' has no attribute {name!r}")
