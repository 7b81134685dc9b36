"""The Figure: one number of a report, as the contract FIGURES.md defines it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .numbers import fmt_number


@dataclass
class Figure:
    doc: str
    text: str
    indicator: str
    measure: str  # growth | share | pp | amount
    value: float
    unit: str
    comparator: str  # eq | approx | ge | gt | le | lt | range
    role: str  # actual | target | estimate
    year: int | None
    region: str | None
    start: int  # offsets of ``text`` in the original document
    end: int
    section: str = ""
    value_max: float | None = None
    canonical: str | None = None
    rule: str = ""
    # positions in the normalised text, for later stages (tasks hold figure ids by span)
    nstart: int = 0
    nend: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.start}-{self.end}:{self.indicator}"

    def to_dict(self, *, explain: bool = False) -> dict:
        d = {"doc": self.doc, "text": self.text, "indicator": self.indicator,
             "measure": self.measure, "value": fmt_number(self.value), "unit": self.unit,
             "comparator": self.comparator, "role": self.role, "year": self.year,
             "region": self.region, "start": self.start, "end": self.end,
             "section": self.section}
        if self.value_max is not None:
            d["value_max"] = fmt_number(self.value_max)
        d["canonical"] = self.canonical
        if explain:
            d["rule"] = self.rule
        return d
