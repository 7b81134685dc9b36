"""Reading the link between a task and the task of an earlier report version it continues
(``store.TaskLineage``): its ancestors, whose progress updates and ratings are its history too,
and whether a task is closed (continued by a newer task, or dropped), which refuses writes.

Kept apart from ``track.versions`` (which writes the links) so that tasks, progress and the
status views can read them without importing the writers."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import Task, TaskLineage
from .errors import Invalid


def ancestors(session: Session, task_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each task, the tasks of earlier versions it continues, newest first ([] for none).
    One query per generation (a report has a few versions)."""
    ids = list(dict.fromkeys(task_ids))
    parent: dict[int, int] = {}
    frontier = set(ids)
    while frontier:
        rows = session.execute(select(TaskLineage.new_task_id, TaskLineage.old_task_id)
                               .where(TaskLineage.new_task_id.in_(frontier))).all()
        frontier = set()
        for new, old in rows:
            if new not in parent and old not in parent:  # a cycle cannot be made; never loop on one
                parent[new] = old
                frontier.add(old)
    out = {}
    for i in ids:
        chain, cur = [], parent.get(i)
        while cur is not None and cur not in chain:
            chain.append(cur)
            cur = parent.get(cur)
        out[i] = chain
    return out


def lineage_ids(session: Session, task_id: int) -> list[int]:
    """The task and the tasks it continues, newest first."""
    return [task_id, *ancestors(session, [task_id])[task_id]]


def settlement(session: Session, task_id: int) -> TaskLineage | None:
    """The row that closed a task (continued by a newer task, or dropped), else None."""
    return session.get(TaskLineage, task_id)


def refuse_closed(session: Session, task_id: int) -> None:
    """Invalid when the task is closed: its tracking goes on in the task that continues it."""
    row = settlement(session, task_id)
    if row is None:
        return
    if row.new_task_id is None:
        raise Invalid(f"task {task_id} of an earlier version of its report was closed as dropped; "
                      "it takes no more changes")
    raise Invalid(f"task {task_id} of an earlier version of its report is continued by task "
                  f"{row.new_task_id}; make the change there")


def closed_among(session: Session, report_ids: Iterable[int]) -> set[int]:
    """The closed tasks of these reports."""
    ids = list(report_ids)
    if not ids:
        return set()
    q = (select(TaskLineage.old_task_id).join(Task, Task.id == TaskLineage.old_task_id)
         .where(Task.report_id.in_(ids)))
    return set(session.scalars(q))
