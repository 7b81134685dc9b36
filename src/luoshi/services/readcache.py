"""Read results kept in the process while a *stamp* read from the database says they still hold.

Several server processes and the CLI write to one database, so a cached result cannot be
invalidated by a message: every read asks the database for a cheap stamp first (indexed
aggregates that every committed write of the inputs changes) and reuses the result computed
under the same stamp. The stamp is read before the computation, so a result is never filed under
a stamp newer than its data. A transaction that has written (and may yet roll back) neither
fills nor reads the cache: what it sees may never be committed.

Used by ``services.compare`` (comparisons depend on the imported reports alone: the library
stamp) and ``track.views`` (a report's statuses: its tasks' versions plus the library stamp).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..store import Report
from ..store.db import WRITE

T = TypeVar("T")
Stamp = tuple[Any, ...]
_WROTE = "luoshi_readcache_wrote"
_LIBRARY = "luoshi_readcache_library"


class StampedCache(Generic[T]):
    """Per database engine, values by key, each valid while its stamp is unchanged; LRU-bounded.
    One thread computes a missing value while the others asking for the same one wait for it
    (eight page loads after a write cost one computation, not eight)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._engines: weakref.WeakKeyDictionary[Engine, OrderedDict[Hashable, tuple[Stamp, T]]] = \
            weakref.WeakKeyDictionary()
        self._gates: dict[tuple[int, Hashable, Stamp], threading.Lock] = {}
        self.hits = self.misses = 0

    def peek(self, engine: Engine, key: Hashable, stamp: Stamp) -> T | None:
        with self._lock:
            got = self._engines.get(engine, {}).get(key)
            return got[1] if got is not None and got[0] == stamp else None

    def latest(self, engine: Engine, key: Hashable) -> T | None:
        """The value kept for ``key`` under whatever stamp: the base for computing the next one
        incrementally (the caller must check what changed since)."""
        with self._lock:
            got = self._engines.get(engine, {}).get(key)
            return got[1] if got is not None else None

    def get(self, engine: Engine, key: Hashable, stamp: Stamp, compute: Callable[[], T]) -> T:
        with self._lock:
            entries = self._engines.setdefault(engine, OrderedDict())
            got = entries.get(key)
            if got is not None and got[0] == stamp:
                entries.move_to_end(key)
                self.hits += 1
                return got[1]
            gate = self._gates.setdefault((id(engine), key, stamp), threading.Lock())
        with gate:
            with self._lock:
                got = entries.get(key)
                if got is not None and got[0] == stamp:  # computed while we waited
                    self.hits += 1
                    return got[1]
                self.misses += 1
            try:
                value = compute()
                with self._lock:
                    entries[key] = (stamp, value)
                    entries.move_to_end(key)
                    while len(entries) > self.size:
                        entries.popitem(last=False)
            finally:
                with self._lock:
                    self._gates.pop((id(engine), key, stamp), None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()
            self.hits = self.misses = 0


def engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def reads_committed(session: Session) -> bool:
    """False inside a transaction that writes or has written: what it sees may never commit."""
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        return False
    return not session.connection().get_execution_options().get(WRITE)


def library_stamp(session: Session) -> Stamp:
    """(number, largest id) of the report rows: every import adds a row (a new version flips
    ``is_current`` in the same transaction), and no row is ever deleted; the count also moves
    when two imports commit in the other order than their ids. Read once per transaction."""
    got = session.info.get(_LIBRARY)
    if got is None:
        got = session.info[_LIBRARY] = tuple(session.execute(select(func.count(Report.id), func.max(Report.id))).one())
    return got


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _ctx: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: Any) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_LIBRARY, None)
