"""Import a report file into the store: read, outline, extract (and link), then one transaction.

Re-importing bytes already stored for the same report is a no-op; new bytes for the same report
(same doc key) become its next version, and the previous one stops being current in the same
transaction. Any failure leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .. import build_outline, extract_figures, read
from ..extract.model import Figure
from ..ingest.document import Document
from ..outline.model import Node, Outline
from ..store.db import lock, write_transaction
from ..store.models import Report, ReportFigure, ReportNode

METADATA = ("title", "region", "level", "kind", "review_year", "plan_year", "date", "speaker")

Status = Literal["imported", "unchanged", "replaced"]


@dataclass(frozen=True)
class ImportResult:
    status: Status
    report_id: int
    figures: int
    version: int
    doc_key: str
    region: str | None
    year: int | None  # the plan year


def doc_key(meta: Mapping[str, Any], doc_id: str) -> str:
    """Which report a file is a version of: region|level|kind|plan_year.

    Without a region or a plan year the key also names the file, so that unrelated files whose
    metadata could not be read never replace one another.
    """
    key = "|".join("" if meta.get(k) is None else str(meta[k])
                   for k in ("region", "level", "kind", "plan_year"))
    if meta.get("region") is None or meta.get("plan_year") is None:
        key += f"|{doc_id}"
    return key


def _metadata(found: Mapping[str, Any], overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    meta = {k: found.get(k) for k in METADATA}
    for k, v in (overrides or {}).items():
        if k not in METADATA:
            raise ValueError(f"unknown metadata field {k!r}; use one of {', '.join(METADATA)}")
        meta[k] = v
    if isinstance(meta["date"], str):
        meta["date"] = dt.date.fromisoformat(meta["date"])
    return meta


def _add_outline(report: Report, outline: Outline) -> dict[int, ReportNode]:
    """Rows for every outline node (pre-order); returns them by ``id()`` of the Node."""
    rows: dict[int, ReportNode] = {}

    def add(node: Node, parent: ReportNode | None) -> None:
        row = ReportNode(ord=len(rows), kind=node.kind, title=node.title, level=node.level,
                         start=node.start, end=node.end, nstart=node.nstart, nend=node.nend,
                         flags=dict(node.flags), parent=parent)
        rows[id(node)] = row
        report.nodes.append(row)
        for child in node.children:
            add(child, row)

    add(outline.root, None)
    return rows


def _add_figures(report: Report, figures: list[Figure], outline: Outline,
                 nodes: dict[int, ReportNode]) -> None:
    """Rows for the figures, each tied to the innermost non-sentence node holding it."""
    for i, fig in enumerate(figures):
        path = outline.path_at(fig.nstart)
        node = nodes.get(id(path[-1])) if path else None
        report.figures.append(ReportFigure.from_figure(fig, ord=i, node=node))


@dataclass
class _Parsed:
    doc: Document
    outline: Outline
    figures: list[Figure]
    sha256: str
    meta: dict[str, Any]
    key: str


def _parse(path: Path, overrides: Mapping[str, Any] | None) -> _Parsed:
    doc = read(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    outline = build_outline(doc)
    figures = extract_figures(doc, outline)  # linked: canonical set by luoshi.link
    meta = _metadata(outline.metadata, overrides)
    return _Parsed(doc, outline, figures, sha, meta, doc_key(meta, doc.id))


def _store(session: Session, p: _Parsed, source: str) -> ImportResult:
    lock(session, f"report:{p.key}")  # concurrent imports of one report take turns
    same = session.scalars(select(Report).where(Report.doc_key == p.key, Report.sha256 == p.sha256)
                           .order_by(Report.version.desc()).limit(1)).first()
    if same is not None:
        n = session.scalar(select(func.count()).select_from(ReportFigure)
                           .where(ReportFigure.report_id == same.id)) or 0
        return ImportResult("unchanged", same.id, n, same.version, same.doc_key, same.region,
                            same.plan_year)
    current = session.scalars(select(Report).where(Report.doc_key == p.key, Report.is_current)).first()
    last = session.scalar(select(func.max(Report.version)).where(Report.doc_key == p.key)) or 0
    if current is not None:
        current.is_current = False
        session.flush()  # before the insert: at most one current version per key
    report = Report(doc_key=p.key, doc=p.doc.id, **p.meta, source=source, format=p.doc.format,
                    encoding=p.doc.encoding, sha256=p.sha256, original=p.doc.original,
                    version=last + 1, is_current=True, imported_at=dt.datetime.now(dt.UTC))
    session.add(report)
    nodes = _add_outline(report, p.outline)
    _add_figures(report, p.figures, p.outline, nodes)
    session.flush()
    return ImportResult("replaced" if current is not None else "imported", report.id,
                        len(p.figures), report.version, p.key, report.region, report.plan_year)


def import_file(session_factory: sessionmaker[Session], path: str | os.PathLike[str], *,
                overrides: Mapping[str, Any] | None = None) -> ImportResult:
    """Import one report file; see the module docstring for the versioning rules.

    ``overrides`` replaces metadata read from the text (keys: title, region, level, kind,
    review_year, plan_year, date, speaker), e.g. when the header does not name the region.
    Raises InputError for a file that is not a readable report, before touching the database.
    """
    p = Path(path)
    parsed = _parse(p, overrides)  # the slow, pure part runs outside any transaction
    with write_transaction(session_factory) as session:
        return _store(session, parsed, p.name)
