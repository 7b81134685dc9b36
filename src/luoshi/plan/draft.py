"""The draft 分工方案: tasks, a department suggestion for each, then a person's edits."""

from __future__ import annotations

from pathlib import Path

from ..errors import LuoshiError
from ..ingest import Document
from ..outline.model import Outline
from .edits import Edits, apply_edits
from .division_fields import REASON, resolve_units, stated_fields
from .model import Task
from .tasks import build_tasks


class SuggestionsUnavailable(LuoshiError):
    """Department suggestions were asked for but luoshi.plan.assign cannot be imported."""


def _assign():
    """The suggestion engine, imported late: it lives in its own module (and may be missing)."""
    try:
        from . import assign
    except ImportError as e:
        raise SuggestionsUnavailable(
            f"department suggestions need luoshi.plan.assign, which cannot be imported ({e}); "
            "draw the plan without them (--no-suggest)") from e
    return assign


def suggest_units(tasks: list[Task], figures: list, departments=None, *,
                  region: str | None = None, level: str | None = None, text: str | None = None) -> None:
    """Fill lead/responsible units, confidence and reasons of each task from the catalogue.

    ``departments`` is a loaded catalogue, a path to one, or None for the catalogue of
    ``region`` at ``level`` (its own, else the generic one named for the level). A task no
    remit matches gets the catalogue's default lead (the government office) with confidence 0:
    every item of a 分工方案 has a lead, and the reason says it was a default. With the report's
    normalised ``text``, a task whose sentence names its own units ("(牵头单位:人社厅)") takes
    those, as a 分工方案's are taken: what the report says is no suggestion.
    """
    assign = _assign()
    if departments is None or isinstance(departments, (str, Path)):
        departments = assign.load_departments(str(departments) if departments else None,
                                              region=region, level=level)
    by_id = {f.id: f for f in figures}
    for t in tasks:
        stated = stated_fields(text, t.nstart, t.nend) if text is not None else None
        if stated is not None and stated.lead:
            t.lead_units = resolve_units(stated.lead, departments)
            t.resp_units = [u for u in resolve_units(stated.resp or [], departments) if u not in t.lead_units]
            t.confidence = 1.0
            t.reasons = [f"{REASON}: as the report writes it"]
            t.lead_leader = t.lead_leader or stated.leader
            continue
        s = assign.suggest(t.text, figures=[by_id[i] for i in t.figures if i in by_id],
                           places=list(t.places), departments=departments)
        t.lead_units = list(s.lead_units)
        t.resp_units = list(s.resp_units)
        t.confidence = float(s.confidence)
        t.reasons = list(s.reasons)
        default = getattr(departments, "default_lead", "")
        if not t.lead_units and default:
            t.lead_units = [default]
            t.resp_units = [u for u in t.resp_units if u != default]
            t.reasons.append(f"{default} (lead): the catalogue's default lead, no department's remit matched")
        if getattr(departments, "generic", False):
            t.reasons.append(f"catalogue: {departments.note}")


def draft_plan(doc: Document, outline: Outline | None = None, figures: list | None = None,
               departments=None, edits: Edits | None = None, suggest: bool = True) -> list[Task]:
    """The tasks of the report's plan part, numbered, each with suggested lead and responsible
    units (unless ``suggest`` is False), with ``edits`` applied last so a person's choice wins.
    Without ``departments`` the report's region and level (its outline metadata) choose the
    catalogue.
    Pure: reads nothing but the catalogue, writes nothing."""
    from .. import build_outline, extract_figures

    outline = outline if outline is not None else build_outline(doc)
    figures = figures if figures is not None else extract_figures(doc, outline)
    tasks = build_tasks(doc, outline, figures)
    if suggest:
        meta = outline.metadata or {}
        suggest_units(tasks, figures, departments, region=meta.get("region"), level=meta.get("level"),
                      text=doc.text)
    apply_edits(tasks, edits)
    return tasks
