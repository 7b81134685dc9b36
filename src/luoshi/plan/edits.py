"""Edits a person made to a draft 分工方案, kept in a JSON file and applied on regeneration.

An edit is keyed by the task's ``key`` (a hash of its normalised text), not its number, so it
survives renumbering: a task added or dropped before it does not move the change to another task.
The file::

    {"version": 1, "tasks": {"3f2a…": {"lead_units": ["省财政厅", "省税务局"], "_task": "地区生产总值…"}}}

``_task`` (the start of the task's text) is only there for a person reading the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import LuoshiError
from .model import EDITABLE, Task

LIST_FIELDS = ("lead_units", "resp_units")
VERSION = 1


class EditError(LuoshiError):
    """A bad edit (unknown field, bad value, no such task) or an unreadable edits file."""


@dataclass
class Edits:
    """Overrides by task key: ``{key: {field: value}}``."""

    tasks: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"version": VERSION, "tasks": self.tasks}


def load_edits(path: str | Path) -> Edits:
    """The edits in ``path``; none when the file does not exist yet."""
    p = Path(path)
    if not p.exists():
        return Edits()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EditError(f"{p}: cannot read edits: {e}") from e
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(tasks, dict):
        raise EditError(f"{p}: not an edits file (no \"tasks\" object)")
    return Edits({str(k): dict(v) for k, v in tasks.items() if isinstance(v, dict)})


def save_edits(path: str | Path, edits: Edits) -> None:
    """Write the edits (atomically: a crash leaves the old file, never half a new one)."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(edits.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(p)


def parse_value(name: str, raw: str):
    """The value of ``field=raw`` as stored: unit lists split at , ， 、 ; ；; a deadline an ISO date."""
    if name not in EDITABLE:
        raise EditError(f"cannot edit {name!r}: editable fields are {', '.join(EDITABLE)}")
    raw = raw.strip()
    if name in LIST_FIELDS:
        return [u.strip() for u in re.split(r"[,，、;；]", raw) if u.strip()]
    if name == "deadline" and raw:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError as e:
            raise EditError(f"deadline must be a date like 2024-06-30, not {raw!r}") from e
    return raw


def parse_assignment(text: str) -> tuple[str, object]:
    """``"lead_units=省财政厅,省税务局"`` → ("lead_units", ["省财政厅", "省税务局"])."""
    if "=" not in text:
        raise EditError(f"expected FIELD=VALUE, got {text!r}")
    name, raw = text.split("=", 1)
    name = name.strip()
    return name, parse_value(name, raw)


def find_task(tasks: list[Task], item: str) -> Task:
    """The task with number ``item``, or with key ``item``."""
    for t in tasks:
        if str(t.number) == item.strip() or t.key == item.strip():
            return t
    raise EditError(f"no task {item!r} (numbers run 1–{len(tasks)})")


def record(edits: Edits, task: Task, name: str, value) -> None:
    """Keep ``name = value`` for ``task`` in ``edits`` (and apply it to the task)."""
    parse_value(name, value if isinstance(value, str) else ",".join(value))  # validates
    entry = edits.tasks.setdefault(task.key, {})
    entry[name] = value
    entry["_task"] = task.text[:40]
    _apply_one(task, {name: value})


def _apply_one(task: Task, entry: dict) -> None:
    for name, value in entry.items():
        if name.startswith("_") or name not in EDITABLE:
            continue
        if name in LIST_FIELDS:
            value = [str(v) for v in (value if isinstance(value, list) else [value])]
        setattr(task, name, value)
        if name == "deadline":
            task.deadline_text = str(entry.get("deadline_text", "")) if "deadline_text" in entry else ""
        if name not in task.edited:
            task.edited.append(name)
    if any(n in entry for n in LIST_FIELDS):
        task.confidence = 1.0
        if "edited by hand" not in task.reasons:
            task.reasons.append("edited by hand")


def apply_edits(tasks: list[Task], edits: Edits | None) -> list[str]:
    """Apply ``edits`` to the tasks in place; returns the keys that match no task (a task whose
    text changed in a new version of the report), so the caller can say so."""
    if not edits:
        return []
    by_key = {t.key: t for t in tasks}
    orphans = []
    for key, entry in edits.tasks.items():
        t = by_key.get(key)
        if t is None:
            orphans.append(key)
        else:
            _apply_one(t, entry)
    return orphans
