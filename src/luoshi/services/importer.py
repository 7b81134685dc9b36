"""Import a report file into the store: read, outline, extract (and link), then one transaction.

Re-importing bytes already stored for the same report is a no-op; new bytes for the same report
(same doc key) become its next version, and the previous one stops being current in the same
transaction — when an earlier version has open tasks, the new version's tasks are drafted and
take them over in that transaction too (``track.versions``). Bytes stored under another key are the same document: a no-op too, unless the
import gives metadata explicitly (flags, a manifest) that files them under a new key — then
they are stored there ("relabelled": a correction of region, level or year), and the old filing
stops being current. Any failure leaves the database as it was.

The work is split in two so that bulk import can parse in worker processes: ``prepare`` (pure,
slow: read, outline, figures, search entries — a picklable ``Prepared``) and ``write`` (one
transaction of bulk inserts). Rows are written with one driver executemany per table, not
the ORM (the report row itself goes through Core), and outline/figure ids are allocated up front so that parent_id, node_id and the search index's
ref_id are known before anything is sent (see ``allocate_ids``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from .. import build_outline, extract_figures, read
from ..link import qualitative_targets
from ..extract.model import Figure
from ..ingest.document import Document
from ..outline.given import Given, from_file_name, resolve_metadata, warning, warning_zh  # noqa: F401 (from_file_name: API)
from ..outline.model import Node, Outline
from ..store.db import lock, write_transaction
from ..store.models import Report, ReportFigure
from . import search

METADATA = ("title", "region", "level", "kind", "review_year", "plan_year", "date", "speaker")
CONTEXT = ("region", "kind", "review_year", "plan_year")  # what the figures are read in


Status = Literal["imported", "unchanged", "replaced", "relabelled"]


@dataclass(frozen=True)
class ImportResult:
    status: Status
    report_id: int
    figures: int
    version: int
    doc_key: str
    region: str | None
    year: int | None  # the plan year
    warning: str | None = None  # "luoshi: X.txt: no region found in the text; give --region …"
    division: dict | None = None  # a 分工方案's tasks stored and laid over its report (track.division)
    followed: dict | None = None  # a new version's tasks that took over its earlier versions' (track.versions)
    warning_zh: str | None = None  # the warning in Chinese, for people (the API, the pages)


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


def _metadata(found: Mapping[str, Any], overrides: Mapping[str, Any] | None,
              file_name: str | None = None) -> dict[str, Any]:
    """The text's metadata; gaps (region, level, plan year) filled from the file name; then
    the overrides (``luoshi.outline.resolve_metadata``, shared with outline/extract/plan)."""
    meta, _ = resolve_metadata(found, Given(dict(overrides or {}), {}, file_name))
    if isinstance(meta["date"], str):
        meta["date"] = dt.date.fromisoformat(meta["date"])
    return meta


@dataclass
class Prepared:
    """Everything the write needs, computed outside any transaction; plain data, so it can
    come back from a worker process.

    Rows are tuples in the column order of NODE_COLUMNS, FIGURE_COLUMNS and
    search.ENTRY_COLUMNS, JSON already serialised, ids left out: the writer's work is then one
    executemany per table. ``nodes`` are in pre-order (their index is ``ord``) and start with
    the index of their parent; ``figures`` start with the index of their node; ``entries`` with
    the index of their node (sentences) or figure (figures).
    """

    source: str
    sha256: str
    key: str
    meta: dict[str, Any]
    doc: str
    format: str
    encoding: str | None
    original: str
    nodes: list[tuple] = field(default_factory=list)
    figures: list[tuple] = field(default_factory=list)
    entries: list[tuple] = field(default_factory=list)
    relabel: bool = False  # metadata given explicitly: it files these bytes anew (see _store)
    qualitative: list[tuple] = field(default_factory=list)  # QUALITATIVE_COLUMNS, in list order


NODE_COLUMNS = ("kind", "title", "level", "start", "end", "nstart", "nend", "flags")
QUALITATIVE_COLUMNS = ("start", "end", "text", "ntext", "rule_id")
FIGURE_COLUMNS = ReportFigure.FIELDS


def _node_rows(outline: Outline) -> tuple[list[tuple], dict[int, int]]:
    """Rows for every outline node in pre-order, and ``id(Node)`` → its index."""
    rows: list[tuple] = []
    index: dict[int, int] = {}
    dumps = json.dumps
    stack: list[tuple[Node, int | None]] = [(outline.root, None)]
    while stack:  # a stack, not recursion: a report has thousands of nodes
        node, parent = stack.pop()
        i = len(rows)
        index[id(node)] = i
        rows.append((parent, node.kind, node.title, node.level, node.start, node.end, node.nstart,
                     node.nend, dumps(node.flags) if node.flags else "{}"))
        if node.children:
            stack.extend((c, i) for c in reversed(node.children))
    return rows, index


_FIGURE_VALUES = attrgetter(*FIGURE_COLUMNS)
_NOTES = FIGURE_COLUMNS.index("notes")


def _figure_rows(figures: list[Figure], outline: Outline, index: dict[int, int]) -> list[tuple]:
    """Rows for the figures, each tied to the innermost non-sentence node holding it."""
    rows = []
    dumps = json.dumps
    for fig in figures:
        path = outline.path_at(fig.nstart)
        values = _FIGURE_VALUES(fig)
        rows.append((index.get(id(path[-1])) if path else None, *values[:_NOTES], dumps(values[_NOTES]),
                     *values[_NOTES + 1:]))
    return rows


def prepare(path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None, *,
            source: str | None = None) -> Prepared:
    """Read, outline and extract one file (the slow, pure part of an import).

    Raises InputError for a file that is not a readable report.
    """
    p = Path(path)
    doc: Document = read(p)
    sha = doc.sha256 or hashlib.sha256(p.read_bytes()).hexdigest()  # the bytes parsed, read once
    # the figures read the report's region and years from the outline: it is built in the ones
    # the report is filed under (flags, manifest, file name), or a report whose header does not
    # name its region would have figures of no region, invisible to comparisons across regions
    outline = build_outline(doc, Given(dict(overrides or {}), {}, p.name))
    figures = extract_figures(doc, outline)  # linked: canonical set by luoshi.link
    return assemble(doc, outline, figures, source=source or p.name, sha256=sha, relabel=bool(overrides))


def assemble(doc: Document, outline: Outline, figures: list[Figure], *, source: str, sha256: str,
             relabel: bool = False) -> Prepared:
    """The rows of a report read into ``doc``, ``outline`` and ``figures``: what an import
    writes, and what ``track.reread`` writes over a stored report's derived rows."""
    meta = _metadata(outline.metadata, None)
    nodes, index = _node_rows(outline)
    return Prepared(source=source, sha256=sha256, key=doc_key(meta, doc.id), meta=meta,
                    doc=doc.id, format=doc.format, encoding=doc.encoding, original=doc.original,
                    nodes=nodes, figures=_figure_rows(figures, outline, index),
                    entries=search.entries_for(doc, outline, figures, index), relabel=relabel,
                    qualitative=qualitative_rows(doc, outline))


def qualitative_rows(doc: Document, outline: Outline) -> list[tuple]:
    """The report's qualitative targets as rows in QUALITATIVE_COLUMNS order (the normalised
    text is what the rules read)."""
    return [(q.start, q.end, q.text, doc.text[doc.to_normalised(q.start):doc.to_normalised(q.end)], q.rule_id)
            for q in qualitative_targets(doc, outline)]


def allocate_ids(session: Session, table: str, n: int) -> list[int]:
    """``n`` fresh primary keys of ``table``, allocated before the insert.

    PostgreSQL: one ``nextval`` per row from the table's sequence, in one statement (safe with
    concurrent writers). SQLite: max(id)+1…, safe because write_transaction holds the database's
    write lock (BEGIN IMMEDIATE) until commit. Chosen over inserting level by level with
    RETURNING because it costs one round trip whatever the depth, and the ids also serve the
    figures' node_id and the search index's ref_id.
    """
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        q = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
        return [int(x) for x in session.scalars(q, {"t": table, "n": n})]
    # the next free id of each table, asked once per transaction: every insert into these
    # tables allocates here, so the rest of a batch of reports needs no query
    conn, tx = session.connection(), session.get_transaction()
    held = session.info.get(_NEXT_IDS)
    if held is None or held[0] is not tx:
        held = session.info[_NEXT_IDS] = (tx, {})
    top = held[1].get(table)
    if top is None:
        top = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar() or 0
    held[1][table] = top + n
    return list(range(top + 1, top + 1 + n))


_NEXT_IDS = "luoshi_next_ids"  # session.info: (transaction, {table: last id allocated})


def executemany(session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) in one go: no per-row work in SQLAlchemy,
    which otherwise costs more than the database's own. SQLite: the driver's executemany.
    PostgreSQL: COPY, one stream instead of a statement per row — the server's work per
    statement was most of the cost of an import there (a report is ~1,800 rows)."""
    if not rows:
        return
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(map(quote, columns))
    if conn.dialect.name == "postgresql":
        with conn.connection.dbapi_connection.cursor() as cur, \
                cur.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})", list(rows))


def numbered(ids: Sequence[int], report_id: int, rows: Sequence[tuple], refs: Sequence[int]) -> list[tuple]:
    """Rows ``(ref index, *values)`` as written: ``(id, report_id, refs[ref index] or None,
    ord, *values)``. Built by zip and map, in C: a Python loop making these tuples was a tenth
    of the single writer's work in a bulk import (some 1,200 rows a report)."""
    if not rows:
        return []
    first, *rest = zip(*rows)
    return list(zip(ids, repeat(report_id), map(dict(enumerate(refs)).get, first), range(len(rows)), *rest))


def _insert_outline(session: Session, report_id: int, p: Prepared) -> list[int]:
    ids = allocate_ids(session, "outline_nodes", len(p.nodes))
    executemany(session, "outline_nodes", ("id", "report_id", "parent_id", "ord", *NODE_COLUMNS),
                numbered(ids, report_id, p.nodes, ids))
    return ids


def insert_figures(session: Session, report_id: int, p: Prepared, node_ids: Sequence[int],
                   ids: Sequence[int]) -> None:
    """The prepared report's figures with these ``ids``, tied to the nodes of ``node_ids``."""
    executemany(session, "figures", ("id", "report_id", "node_id", "ord", *FIGURE_COLUMNS),
                numbered(ids, report_id, p.figures, node_ids))


def _insert_figures(session: Session, report_id: int, p: Prepared, node_ids: list[int]) -> list[int]:
    ids = allocate_ids(session, "figures", len(p.figures))
    insert_figures(session, report_id, p, node_ids, ids)
    return ids


def _unchanged(session: Session, r: Any) -> ImportResult:
    n = session.scalar(select(func.count()).select_from(ReportFigure).where(ReportFigure.report_id == r.id)) or 0
    return ImportResult("unchanged", r.id, n, r.version, r.doc_key, r.region, r.plan_year)


# the statements of every report's write, built once: Core on the session's connection, not
# the ORM, whose per-statement work (compiling, bulk-insert bookkeeping) cost more than the
# database's own in a bulk import
_REPORTS = Report.__table__
_VERSIONS = (select(_REPORTS.c.id, _REPORTS.c.version, _REPORTS.c.sha256, _REPORTS.c.is_current)
             .where(_REPORTS.c.doc_key == bindparam("key")))
_FILED = (select(_REPORTS.c.id, _REPORTS.c.version, _REPORTS.c.doc_key, _REPORTS.c.is_current,
                 *(_REPORTS.c[k] for k in METADATA))
          .where(_REPORTS.c.sha256 == bindparam("sha")))
_NOT_CURRENT = update(_REPORTS).where(_REPORTS.c.id == bindparam("rid")).values(is_current=False)
_INSERT_REPORT = insert(_REPORTS).returning(_REPORTS.c.id)


def _store(session: Session, p: Prepared) -> ImportResult:
    lock(session, f"report:{p.key}")  # concurrent imports of one report take turns
    conn = session.connection()
    versions = conn.execute(_VERSIONS, {"key": p.key}).all()  # a few rows: one query
    # these bytes as filed before (any key), this key's newest first, then current filings
    filed = sorted(conn.execute(_FILED, {"sha": p.sha256}).all(),
                   key=lambda r: (r.doc_key != p.key, not r.is_current, -r.version))
    if filed and not p.relabel and (filed[0].doc_key == p.key or filed[0].is_current):
        return _unchanged(session, filed[0])  # the same document again
    if p.relabel and any(r.is_current and r.doc_key == p.key and all(getattr(r, k) == p.meta[k] for k in METADATA)
                         for r in filed):
        return _unchanged(session, filed[0])  # filed as these flags say already
    for old in filed:  # filed anew by explicit metadata: the old filing stops being current
        if old.is_current and old.doc_key != p.key:
            conn.execute(_NOT_CURRENT, {"rid": old.id})
    current = next((v.id for v in versions if v.is_current), None)
    last = max((v.version for v in versions), default=0)
    if current is not None:  # before the insert: at most one current version per key
        conn.execute(_NOT_CURRENT, {"rid": current})
    report_id = conn.execute(_INSERT_REPORT, {
        "doc_key": p.key, "doc": p.doc, **p.meta, "source": p.source, "format": p.format,
        "encoding": p.encoding, "sha256": p.sha256, "original": p.original, "version": last + 1,
        "is_current": True, "imported_at": dt.datetime.now(dt.UTC)}).scalar_one()
    node_ids = _insert_outline(session, report_id, p)
    figure_ids = _insert_figures(session, report_id, p, node_ids)
    search.add_entries(session, report_id, p.entries, node_ids, figure_ids)
    executemany(session, "qualitative_targets", ("report_id", "ord", *QUALITATIVE_COLUMNS),
                [(report_id, i, *q) for i, q in enumerate(p.qualitative)])
    # no index_tasks here: a new report row has no tasks yet; they are indexed when made
    status: Status = ("relabelled" if filed and p.relabel else "replaced" if current is not None else "imported")
    applied = followed = None
    if p.meta.get("kind") == "division":  # its items are tasks with its own units (issue 17)
        from ..track.division import on_import

        applied = on_import(session, report_id)  # the tasks of its earlier versions follow there too
    elif versions:  # a new version of a tracked report: its tasks take over (issue 18)
        from ..track.versions import on_import as follow_on_import

        followed = follow_on_import(session, report_id)
    return ImportResult(status, report_id, len(p.figures), last + 1, p.key, p.meta["region"],
                        p.meta["plan_year"], warning(p.source, p.meta), applied, followed,
                        warning_zh(p.source, p.meta))


Then = Callable[[Session, ImportResult], Any]


def write(session_factory: sessionmaker[Session], prepared: Prepared, *,
          then: Then | None = None, before: Callable[[Session], Any] | None = None) -> ImportResult:
    """Store a prepared report in one transaction (see the module docstring).

    ``then(session, result)`` runs in that same transaction after the report is stored — for
    what must stand or fall with the import, such as its audit entry or the tasks drafted from
    it — unless the bytes were already stored (status ``unchanged``). ``before(session)`` runs
    in it first, always — for what the import itself must see, such as the departments
    catalogue supplied with it (a 分工方案's units are resolved while it is stored).
    """
    with write_transaction(session_factory) as session:
        if before is not None:
            before(session)
        result = _store(session, prepared)
        if then is not None and result.status != "unchanged":
            then(session, result)
        return result


def write_many(session_factory: sessionmaker[Session], prepared: Sequence[Prepared]) -> list[ImportResult]:
    """Store several prepared reports in one transaction: all of them or, on any error, none.

    Why: on SQLite a commit and, above all, the FTS5 index's flush of its pending terms cost
    about as much as writing a report's rows; one flush for a batch of reports (the index rows
    inserted last, in one statement) halves the cost of a bulk import. Callers that need a
    failure pinned to one file retry the batch one report at a time (see services.bulk).
    """
    with write_transaction(session_factory, bulk=True) as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        with search.deferred_index(session):
            return [_store(session, p) for p in prepared]


# SQLite's page cache on a connection that writes batches (KiB; SQLite's default is 2,000): the
# pages a batch touches again — the tables' and indexes' right edges, the search index's
# segments being merged — stay in it instead of being read back from the OS each time (the
# writer's system CPU a report fell by a third at 300 reports, more as the library grows). Memory
# is taken only as pages are read, and the setting stays with that pooled connection.
BULK_CACHE_KIB = 64 * 1024


def import_file(session_factory: sessionmaker[Session], path: str | os.PathLike[str], *,
                overrides: Mapping[str, Any] | None = None, then: Then | None = None,
                before: Callable[[Session], Any] | None = None) -> ImportResult:
    """Import one report file; see the module docstring for the versioning rules.

    ``overrides`` replaces metadata read from the text or the file name (keys: title, region,
    level, kind, review_year, plan_year, date, speaker), e.g. when the header does not name the
    region. ``then`` and ``before`` run in the import's transaction (see ``write``). Raises
    InputError for a file that is not a readable report, before touching the database.
    """
    return write(session_factory, prepare(path, overrides), then=then, before=before)
