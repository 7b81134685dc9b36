"""Re-read a stored report with today's reader, keeping everything people entered.

Why: a report imported before the reader improved keeps the old reading (a hard-wrapped
report's indicators with a line break inside, ``省级现\\n代产业学院``), and importing the same
bytes again is a no-op (deduplicated by hash). ``reread`` parses the stored original again and
replaces the rows the reader derives — outline nodes, figures, qualitative targets, the
sentence and figure search rows, and the metadata the reader found — in one transaction per
report. What people entered stays: the report row and its id, its tasks (and through them
progress, ratings, assignments, milestones, decisions, lineage), its publication decision.

How the tasks stay attached — the two mechanisms that already exist, reused:

* offsets (migration 0011 ``unwrapped_offsets``): a task's original ``start``/``end`` are the
  truth (the bytes did not change); its ``nstart``/``nend`` are computed again through the new
  document's offset map (``Document.to_normalised``), never shifted;
* task keys (``track.follow``, tasks following a new version): the stored tasks are paired with
  the tasks the new reading drafts, by key and then by similar wording within the same section.
  A paired task takes the new reading's section; its figures are the new figures inside its span.

Its target figure: figures are matched old → new by their span in the original (the same place
in the same bytes is the same figure); a matched figure keeps its row id, so a task's
``figure_id`` (and any link to ``/figures/ID``) stays as it was. A task whose figure has no new
figure at that span is re-anchored to a target figure of the new reading inside its span with
the task's snapshot value and unit. The snapshot of the target (the task's own copy) never
changes.

What cannot be re-anchored is listed, never dropped: a task without a counterpart in the new
reading, or whose figure is gone (its ``figure_id`` is then empty; its snapshot keeps the target).

Metadata: the fields a report is filed under (region, level, kind, plan year: its doc key) and
the review year are kept as stored — moving a report to another key is a correction made by
importing with flags; title, date and speaker follow the new reading unless the import recorded
them as given (the import's audit entry ``given``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..store import Report, ReportFigure, ReportNode, Task
from ..store.models.audit import AuditEntry
from ..store.models.qualitative import QualitativeTargetRow
from ..store.models.search import SearchEntry
from . import audit, follow as rule
from .actor import MANAGERS, Actor, require
from .errors import Invalid, NotFound

KEPT = ("region", "level", "kind", "plan_year", "review_year")  # filed under: never changed here
READ = ("title", "date", "speaker")  # the reader's, unless given at import
LOOSE_REASONS = ("no_counterpart", "ambiguous", "figure_gone")  # why a task is not re-anchored
COMPARED = tuple(f for f in ReportFigure.FIELDS if f != "doc")  # what makes a figure "changed"


class Unreadable(Invalid):
    """The stored original no longer reads as a report (nothing was changed); ``zh`` says so
    for people."""

    def __init__(self, report: Report, reason: str) -> None:
        from ..labels import zh

        super().__init__(f"report {report.id} ({report.source}) could not be read again: {reason}; "
                         "nothing was changed")
        self.zh = zh("reread_error", "unreadable").format(report=f"{report.id}（{report.source}）")


@dataclass(frozen=True)
class FigureRef:
    id: int | None  # the row (kept for a figure at the same span; None: removed)
    start: int
    end: int
    indicator: str
    value: float
    unit: str
    role: str


@dataclass(frozen=True)
class FigureChange:
    id: int
    start: int
    end: int
    fields: dict[str, list[Any]]  # field → [before, after]


@dataclass(frozen=True)
class Anchored:
    task_id: int
    number: int
    how: str  # key | similar (its counterpart in the new reading)
    figure: str  # kept | moved | none (the task has no figure)
    figure_id: int | None


@dataclass(frozen=True)
class Loose:
    """A task that could not be re-anchored: kept as it was (offsets re-mapped), for a person."""

    task_id: int
    number: int
    text: str
    reason: str  # no_counterpart | ambiguous | figure_gone
    figure_id: int | None  # its figure now (None when it is gone)


@dataclass
class Reread:
    report_id: int
    status: str  # reread | unchanged
    dry_run: bool
    added: list[FigureRef] = field(default_factory=list)
    removed: list[FigureRef] = field(default_factory=list)
    changed: list[FigureChange] = field(default_factory=list)
    figures: list[int] = field(default_factory=lambda: [0, 0])  # [before, after]
    nodes: list[int] = field(default_factory=lambda: [0, 0])
    qualitative: list[int] = field(default_factory=lambda: [0, 0])
    metadata: dict[str, list[Any]] = field(default_factory=dict)  # field → [before, after]
    anchored: list[Anchored] = field(default_factory=list)
    loose: list[Loose] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return audit.plain(asdict(self))

    def summary(self) -> dict[str, Any]:
        """What the audit entry keeps: counts, the metadata changed, the tasks' fate by id."""
        return {"figures": self.figures, "added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed), "nodes": self.nodes, "qualitative": self.qualitative,
                "metadata": self.metadata, "anchored": [a.task_id for a in self.anchored],
                "loose": {str(x.task_id): x.reason for x in self.loose}}


# ---------------------------------------------------------------- reading again

def _given(session: Session, report_id: int) -> set[str]:
    """The metadata fields the report's import recorded as given by a person."""
    out: set[str] = set()
    for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "report",
                                                      AuditEntry.entity_id == str(report_id),
                                                      AuditEntry.action == "import")):
        given = (e.after or {}).get("given") or {}
        out |= {"plan_year" if k == "year" else k for k in given}
    return out


def _read(report: Report, given: set[str]) -> tuple[Any, Any, list, Any]:
    """(document, outline, figures, Prepared) of the stored original read today, in the metadata
    the report is filed under. Raises Unreadable."""
    import luoshi
    from ..errors import LuoshiError
    from ..outline.given import Given
    from ..services.importer import assemble

    keep = {k: getattr(report, k) for k in (*KEPT, *(g for g in READ if g in given))
            if getattr(report, k) is not None}
    if "date" in keep:
        keep["date"] = keep["date"].isoformat()
    try:
        doc = luoshi.read_text(report.original, report.doc, fmt=report.format, source=report.source,
                               encoding=report.encoding)
        outline = luoshi.build_outline(doc, Given(keep, {}, report.source))
        figures = luoshi.extract_figures(doc, outline)
        prepared = assemble(doc, outline, figures, source=report.source, sha256=report.sha256)
    except LuoshiError as e:
        raise Unreadable(report, str(e)) from e
    return doc, outline, figures, prepared


def _drafted(report: Report, doc: Any, outline: Any, figures: list) -> list:
    """The tasks the new reading drafts (as ``tasks_from_report`` would: a 分工方案's items)."""
    from ..plan.tasks import build_tasks

    if report.kind == "division":
        from ..plan.division import read_division

        return read_division(doc, outline, figures)
    return build_tasks(doc, outline, figures)


def _match_figures(old: list[ReportFigure], new: list[tuple]) -> dict[int, int]:
    """New figure index → the old row at the same original span (same indicator first)."""
    i_start, i_end, i_ind = (1 + ReportFigure.FIELDS.index(f) for f in ("start", "end", "indicator"))
    by_span: dict[tuple[int, int], list[ReportFigure]] = {}
    for f in old:
        by_span.setdefault((f.start, f.end), []).append(f)
    out: dict[int, int] = {}
    pending = []
    for i, row in enumerate(new):
        olds = by_span.get((row[i_start], row[i_end]), [])
        same = next((f for f in olds if f.indicator == row[i_ind]), None)
        if same is not None:
            olds.remove(same)
            out[i] = same.id
        else:
            pending.append(i)
    for i in pending:  # the same place, read differently (the indicator without its line break)
        olds = by_span.get((new[i][i_start], new[i][i_end]), [])
        if olds:
            out[i] = olds.pop(0).id
    return out


def _value(row: ReportFigure | tuple, name: str) -> Any:
    if isinstance(row, tuple):
        v = row[1 + ReportFigure.FIELDS.index(name)]
        return json.loads(v) if name == "notes" else v
    return getattr(row, name)


def _ref(row: ReportFigure | tuple, id: int | None) -> FigureRef:
    return FigureRef(id, *(_value(row, k) for k in ("start", "end", "indicator", "value", "unit", "role")))


def _node_rows(session: Session, report_id: int) -> list[tuple]:
    """The stored outline as the importer's rows (parent index, then NODE_COLUMNS)."""
    from ..services.importer import NODE_COLUMNS

    rows = list(session.scalars(select(ReportNode).where(ReportNode.report_id == report_id)
                                .order_by(ReportNode.ord)))
    ords = {n.id: n.ord for n in rows}
    return [(ords.get(n.parent_id) if n.parent_id is not None else None,
             *(json.dumps(n.flags) if c == "flags" and n.flags else "{}" if c == "flags" else getattr(n, c)
               for c in NODE_COLUMNS)) for n in rows]


# ---------------------------------------------------------------- the work

def reread(session: Session, report_id: int, actor: Actor, *, dry_run: bool = False) -> Reread:
    """Re-read one report in the caller's transaction (see the module docstring). With
    ``dry_run`` nothing is written: the caller's transaction must be rolled back (the work is
    done and undone, so what it reports is exactly what a real run would do)."""
    from ..services import importer, search
    from ..store import lock

    actor = require(session, actor, *MANAGERS)
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}")
    lock(session, f"report:{report.doc_key}")
    given = _given(session, report_id)
    doc, outline, figures, p = _read(report, given)
    out = Reread(report_id, "reread", dry_run)

    old_figs = list(session.scalars(select(ReportFigure).where(ReportFigure.report_id == report_id)
                                    .order_by(ReportFigure.ord)))
    matched = _match_figures(old_figs, p.figures)
    by_id = {f.id: f for f in old_figs}
    kept = set(matched.values())
    out.figures = [len(old_figs), len(p.figures)]
    out.removed = [_ref(f, f.id) for f in old_figs if f.id not in kept]
    for i, row in enumerate(p.figures):
        if i not in matched:
            continue
        old = by_id[matched[i]]
        diff = {k: [getattr(old, k), _value(row, k)] for k in COMPARED if getattr(old, k) != _value(row, k)}
        if diff:
            out.changed.append(FigureChange(old.id, old.start, old.end, diff))
    old_nodes = _node_rows(session, report_id)
    out.nodes = [len(old_nodes), len(p.nodes)]
    old_q = [tuple(r) for r in session.execute(
        select(*(getattr(QualitativeTargetRow, c) for c in importer.QUALITATIVE_COLUMNS))
        .where(QualitativeTargetRow.report_id == report_id).order_by(QualitativeTargetRow.ord))]
    out.qualitative = [len(old_q), len(p.qualitative)]
    out.metadata = {k: [getattr(report, k), p.meta[k]] for k in READ
                    if k not in given and getattr(report, k) != p.meta[k]}

    # the new figures' row ids: a figure at an old one's span keeps its id
    fresh = importer.allocate_ids(session, "figures", len(p.figures) - len(matched))
    ids = iter(fresh)
    figure_ids = [matched[i] if i in matched else next(ids) for i in range(len(p.figures))]
    out.added = [_ref(row, figure_ids[i]) for i, row in enumerate(p.figures) if i not in matched]

    tasks = list(session.scalars(select(Task).where(Task.report_id == report_id).order_by(Task.number)))
    updates, touched = _anchor(report, tasks, doc, outline, figures, figure_ids, matched, out)
    if not (out.added or out.removed or out.changed or out.metadata or touched
            or old_nodes != p.nodes or old_q != p.qualitative):
        out.status = "unchanged"
        return out
    # replace the derived rows (tasks' figure_id is nulled by the figures' ON DELETE SET NULL and
    # set again below: the same id for the figure at the same span)
    session.execute(delete(SearchEntry).where(SearchEntry.report_id == report_id,
                                              SearchEntry.kind.in_(("sentence", "figure"))))
    session.execute(delete(QualitativeTargetRow).where(QualitativeTargetRow.report_id == report_id))
    session.execute(update(Task).where(Task.report_id == report_id).values(figure_id=None))
    session.execute(delete(ReportFigure).where(ReportFigure.report_id == report_id))
    session.execute(update(ReportNode).where(ReportNode.report_id == report_id).values(parent_id=None))
    session.execute(delete(ReportNode).where(ReportNode.report_id == report_id))
    node_ids = importer._insert_outline(session, report_id, p)
    importer.insert_figures(session, report_id, p, node_ids, figure_ids)
    search.add_entries(session, report_id, p.entries, node_ids, figure_ids)
    importer.executemany(session, "qualitative_targets", ("report_id", "ord", *importer.QUALITATIVE_COLUMNS),
                         [(report_id, i, *q) for i, q in enumerate(p.qualitative)])
    for t in tasks:  # Core, not the ORM: figure_id is frozen there (it is restored, or re-anchored)
        session.execute(update(Task).where(Task.id == t.id).values(**updates[t.id]))
    if any("section" in u and u["section"] != t.section for t in tasks for u in [updates[t.id]]):
        search.index_tasks(session, report_id)  # a task's search row names its section
    if out.metadata:
        session.execute(update(Report).where(Report.id == report_id)
                        .values({k: new for k, (_old, new) in out.metadata.items()}))
    session.flush()
    session.expire_all()
    audit.record(session, actor, "reread", "report", report_id,
                 {"figures": len(old_figs), "nodes": len(old_nodes),
                  **{k: v[0] for k, v in out.metadata.items()}}, out.summary())
    return out


def _anchor(report: Report, tasks: list[Task], doc: Any, outline: Any, figures: list,
            figure_ids: list[int], matched: dict[int, int], out: Reread) -> tuple[dict[int, dict[str, Any]], set[int]]:
    """Each task's new anchor (nstart/nend, section, figure_ids, figure_id) as column values, and
    the tasks whose anchor changes; fills ``out.anchored`` and ``out.loose``."""
    touched: set[int] = set()
    if not tasks:
        return {}, touched
    ns = doc.to_normalised
    row_of = {old: figure_ids[i] for i, old in matched.items()}  # old row id → its row now (the same)
    drafted = _drafted(report, doc, outline, figures)
    m = rule.match([rule.Side(t.id, t.key, t.text, t.section or "") for t in tasks],
                   [rule.Side(i, d.key, d.text, " / ".join(d.section)) for i, d in enumerate(drafted)])
    pairs = {pr.old: pr for pr in m.pairs}
    updates: dict[int, dict[str, Any]] = {}
    for t in tasks:
        nstart, nend = ns(t.start), ns(t.end)
        inside = [i for i, f in enumerate(figures) if nstart <= f.nstart and f.nend <= nend]
        values: dict[str, Any] = {"nstart": nstart, "nend": nend, "figure_ids": [figures[i].id for i in inside]}
        pr = pairs.get(t.id)
        if pr is not None:
            values["section"] = " / ".join(drafted[pr.new].section)
        how_fig, fid = "none", None
        if t.figure_id is not None:
            fid = row_of.get(t.figure_id)
            how_fig = "kept" if fid is not None else "gone"
            if fid is None:  # its figure is read at another span now: the target of the same value
                cand = next((figure_ids[i] for i in inside if figures[i].role == "target"
                             and figures[i].value == t.value and figures[i].unit == t.unit), None)
                if cand is not None:
                    fid, how_fig = cand, "moved"
        values["figure_id"] = fid
        updates[t.id] = values  # figure_id always: the figures' delete nulls it
        if any(getattr(t, k) != v for k, v in values.items()):
            touched.add(t.id)
        if how_fig == "gone":
            out.loose.append(Loose(t.id, t.number, t.text, "figure_gone", None))
        elif pr is None:
            reason = "ambiguous" if t.id in m.ambiguous else "no_counterpart"
            out.loose.append(Loose(t.id, t.number, t.text, reason, fid))
        else:
            out.anchored.append(Anchored(t.id, t.number, pr.how, how_fig, fid))
    return updates, touched
