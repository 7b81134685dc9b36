"""Tasks and the division-of-labour plan (分工方案) drawn from the plan part of a report.

    tasks = luoshi.plan.draft_plan(doc)                # numbered tasks with suggested units
    tasks = luoshi.plan.build_tasks(doc, outline)      # the same without suggestions

Names are imported on first use, so importing this package stays cheap.
"""

from __future__ import annotations

__all__ = ["Task", "build_tasks", "draft_plan", "segment", "Edits", "load_edits", "save_edits",
           "apply_edits"]


def __getattr__(name: str):
    if name == "Task":
        from .model import Task
        return Task
    if name in ("build_tasks", "segment"):
        from . import tasks
        return getattr(tasks, name)
    if name == "draft_plan":
        from .draft import draft_plan
        return draft_plan
    if name in ("Edits", "load_edits", "save_edits", "apply_edits"):
        from . import edits
        return getattr(edits, name)
    raise AttributeError(f"module 'luoshi.plan' has no attribute {name!r}")
