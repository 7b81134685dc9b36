"""The Task: one numbered line of a draft 分工方案."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# fields a person may change; an edit of any other field is refused
EDITABLE = ("lead_units", "resp_units", "lead_leader", "deadline", "deadline_text", "kind")


def task_key(ntext: str) -> str:
    """A short stable id from the normalised text: renumbering or moving a task keeps its key,
    so an edit recorded against it survives regeneration."""
    flat = "".join(ntext.split())
    return hashlib.sha1(flat.encode("utf-8")).hexdigest()[:10]


@dataclass
class Task:
    """One task. ``text`` is verbatim from the original (``original[start:end]``); ``nstart``/
    ``nend`` the same span in the normalised text. ``section`` is the path of titles (section,
    themed paragraph). ``figures`` holds the ids of the figures inside the span. ``deadline`` is an
    ISO date, ``deadline_text`` the phrase it was read from ("" for the plan year's default)."""

    number: int
    text: str
    section: list[str]
    start: int
    end: int
    nstart: int
    nend: int
    key: str
    kind: str = "action"
    figures: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    deadline: str = ""
    deadline_text: str = ""
    lead_units: list[str] = field(default_factory=list)
    resp_units: list[str] = field(default_factory=list)
    lead_leader: str = ""
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)

    @property
    def section_title(self) -> str:
        return " / ".join(self.section)

    def to_dict(self) -> dict:
        """The JSONL record: the fields of the 分工方案 first, then the rest of the task."""
        return {"item": self.number, "task": self.text, "section": self.section_title,
                "start": self.start, "end": self.end, "lead_units": list(self.lead_units),
                "resp_units": list(self.resp_units), "lead_leader": self.lead_leader,
                "deadline": self.deadline, "figures": list(self.figures), "key": self.key,
                "kind": self.kind, "places": list(self.places), "projects": list(self.projects),
                "deadline_text": self.deadline_text, "nstart": self.nstart, "nend": self.nend,
                "confidence": round(self.confidence, 3), "reasons": list(self.reasons),
                "edited": list(self.edited)}
