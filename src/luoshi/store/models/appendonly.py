"""A guard for history tables: rows may be added, never changed or deleted through the ORM,
so a service bug cannot rewrite what someone reported or decided."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import event

T = TypeVar("T", bound=type)


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete a row of an append-only table."""


def append_only(cls: T) -> T:
    def refuse(_mapper: Any, _conn: Any, target: Any) -> None:
        raise AppendOnlyError(f"{type(target).__tablename__} is append-only")

    event.listen(cls, "before_update", refuse)
    event.listen(cls, "before_delete", refuse)
    return cls


def frozen(*columns: str):
    """Class decorator: once a row exists, these attributes never change (the original
    wording and target of a task; later wording comes as dated revisions beside it)."""
    from sqlalchemy import inspect

    def deco(cls: T) -> T:
        def refuse(_mapper: Any, _conn: Any, target: Any) -> None:
            state = inspect(target)
            changed = [c for c in columns if state.attrs[c].history.has_changes()]
            if changed:
                raise AppendOnlyError(f"{type(target).__tablename__}: {', '.join(changed)} cannot change")

        event.listen(cls, "before_update", refuse)
        return cls

    return deco
