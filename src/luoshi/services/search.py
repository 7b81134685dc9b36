"""Chinese full-text search over the library: report sentences, figures and tasks.

A query is words separated by spaces, all of which must occur (AND); each word is a substring
match, so no word segmentation is needed. Query and text are normalised alike (full-width
folded, traditional → simplified, lowercased — so matching ignores case and plain LIKE serves on
both backends: PostgreSQL's ILIKE is several times slower). SQLite uses its FTS5 trigram index
for words of three characters or more and LIKE for shorter ones; PostgreSQL uses LIKE, served by
a pg_trgm GIN index. Both are exact substring tests, so both backends give the same hits, in the same order
(newest plan year first, then report, then position), from current report versions only.

The index is filled inside the import transaction (``add_entries``); tasks, owned by the
tracking side, are (re)indexed with ``index_tasks(session, report_id)``.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import and_, case, delete, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from ..errors import LuoshiError
from ..extract.model import Figure
from ..ingest.document import Document
from ..ingest.normalize import normalize
from ..outline.model import Outline
from ..store.models import Report, SearchEntry
from ..store.models.search import FTS_TABLE

KINDS = ("sentence", "figure", "task")
SNIPPET = 60  # characters of context around the first match, on each side at most


@dataclass(frozen=True)
class Hit:
    """One match: where it is (``report_id`` and ``start``/``end`` offsets into the report's
    original text, for the reader), what it is (``kind``, ``ref_id`` of the outline node, figure
    or task) and the snippet with the matched words marked."""

    kind: str
    report_id: int
    ref_id: int | None
    start: int
    end: int
    text: str
    snippet: str  # matches in 【】
    snippet_html: str  # HTML-escaped, matches in <mark>
    section: str
    region: str | None
    year: int | None
    level: str | None
    title: str | None

    def reader_path(self) -> str:
        """Where the web reader shows the hit in its report: a figure or task marked as the reader
        marks them, a sentence highlighted (``hit=start-end``, offsets into the original)."""
        if self.kind == "figure" and self.ref_id is not None:
            return f"/reports/{self.report_id}?fig={self.ref_id}#f-{self.ref_id}"
        if self.kind == "task" and self.ref_id is not None:
            return f"/reports/{self.report_id}?task={self.ref_id}#t-{self.ref_id}"
        return f"/reports/{self.report_id}?hit={self.start}-{self.end}#hit"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reader": self.reader_path()}


def _tags(values: Iterable[str | None]) -> str:
    vals = sorted({v for v in values if v})
    return f" {' '.join(vals)} " if vals else ""


ENTRY_COLUMNS = ("kind", "text", "section", "start", "end", "roles", "indicators")


def entries_for(doc: Document, outline: Outline, figures: Sequence[Figure],
                index: dict[int, int]) -> list[tuple]:
    """Search rows of one parsed report: a row per sentence (with the roles and indicators of
    the figures in it) and per figure, each ``(ref, *ENTRY_COLUMNS)``. ``ref`` is the node's
    index (``index`` maps ``id(Node)`` to it) or the figure's position; the writer turns both
    into ids. One walk with a stack and the text lowercased once: this runs in every import's
    parse, for every sentence."""
    rows: list[tuple] = []
    starts = [f.nstart for f in figures]  # figures come in text order
    low = doc.text.lower()
    if len(low) != len(doc.text):  # a character whose lowercase is longer: lowercase span by span
        low = None
    labelled = ("part", "section", "paragraph")
    stack: list[tuple[Any, tuple[str, ...], str]] = [(outline.root, (), "")]
    while stack:
        node, path, label = stack.pop()
        if node.kind == "sentence":
            lo, hi = bisect_right(starts, node.nstart - 1), bisect_right(starts, node.nend - 1)
            text = low[node.nstart:node.nend] if low is not None else doc.text[node.nstart:node.nend].lower()
            if lo == hi:
                rows.append((index[id(node)], "sentence", text, label, node.start, node.end, "", ""))
            else:
                inside = figures[lo:hi]
                rows.append((index[id(node)], "sentence", text, label, node.start, node.end,
                             _tags(f.role for f in inside), _tags(f.canonical for f in inside)))
            continue
        if node.title and node.kind in labelled:
            path = (*path, node.title)
            label = " / ".join(path)
        stack.extend((c, path, label) for c in reversed(node.children))
    for i, f in enumerate(figures):
        t = doc.text[f.nstart:f.nend]
        rows.append((i, "figure", (t if f.indicator in t else f"{f.indicator} {t}").lower(), f.section, f.start,
                     f.end, _tags([f.role]), _tags([f.canonical])))
    return rows


def add_entries(session: Session, report_id: int, entries: Sequence[tuple],
                node_ids: Sequence[int], figure_ids: Sequence[int]) -> None:
    """Insert a report's rows (from ``entries_for``: its sentences, then its figures) in the
    caller's transaction."""
    if not entries:
        return
    refs, kinds, *rest = zip(*entries)
    n = kinds.count("sentence")
    if kinds[:n].count("sentence") == n:  # as entries_for makes them: ids mapped in C, no loop
        ref_ids = [*map(dict(enumerate(node_ids)).get, refs[:n]), *map(dict(enumerate(figure_ids)).get, refs[n:])]
    else:
        ref_ids = [(node_ids if k == "sentence" else figure_ids)[r] for r, k in zip(refs, kinds)]
    _insert_columns(session, len(entries), report_id, ref_ids, [kinds, *rest])


def _insert(session: Session, rows: list[tuple]) -> None:
    """Rows ``(report_id, ref_id, *ENTRY_COLUMNS)`` into the index (see ``_insert_columns``)."""
    if rows:
        _, ref_ids, *columns = zip(*rows)
        _insert_columns(session, len(rows), rows[0][0], ref_ids, columns)


def _insert_columns(session: Session, n: int, report_id: int, ref_ids: Sequence[int | None],
                    columns: Sequence[Sequence[Any]]) -> None:
    """``n`` entries of one report, given column by column (ENTRY_COLUMNS), into search_entries
    and, on SQLite, into the FTS5 index: explicitly, because an FTS5 insert from a per-row
    trigger costs several times more than one executemany."""
    from .importer import allocate_ids, executemany

    if not n:
        return
    ids = allocate_ids(session, "search_entries", n)
    executemany(session, "search_entries", ("id", "report_id", "ref_id", *ENTRY_COLUMNS),
                list(zip(ids, repeat(report_id), ref_ids, *columns)))
    if session.get_bind().dialect.name == "sqlite":
        fts = zip(ids, columns[ENTRY_COLUMNS.index("text")])
        pending = session.info.get(_PENDING)
        if pending is not None:
            pending.extend(fts)
        else:
            executemany(session, FTS_TABLE, ("rowid", "text"), list(fts))


_PENDING = "luoshi_fts_pending"


@contextmanager
def deferred_index(session: Session) -> Iterator[None]:
    """Within the block, collect the FTS5 rows of every insert and index them in one statement
    at its end (in the same transaction). FTS5 flushes its pending terms at the start of each
    later statement, so indexing a batch of reports last costs one flush instead of one each."""
    if session.info.get(_PENDING) is not None:  # nested: the outer block indexes
        yield
        return
    pending: list[tuple[int, str]] = []
    session.info[_PENDING] = pending
    try:
        yield
    finally:
        del session.info[_PENDING]
    from .importer import executemany

    executemany(session, FTS_TABLE, ("rowid", "text"), pending)


def index_tasks(session: Session, report_id: int) -> int:
    """(Re)index the tasks of one report, in the caller's transaction; returns how many.

    For whoever writes tasks: call it after creating or editing a report's tasks. A task with a
    target counts as role ``target`` for ``search(role=...)``.
    """
    from ..store.models import Task

    old = select(SearchEntry.id).where(SearchEntry.report_id == report_id, SearchEntry.kind == "task")
    if session.scalar(old.limit(1)) is not None:  # a DELETE touches the FTS5 table even for no rows
        session.execute(delete(SearchEntry).where(SearchEntry.id.in_(old)))
    tasks = session.execute(select(Task.id, Task.text, Task.section, Task.start, Task.end, Task.canonical,
                                   Task.value).where(Task.report_id == report_id)).all()
    # a task's verbatim text is one item of a paragraph: a line break inside it is a wrapped line
    # of text copied out of a PDF (the reader joins those), so its words are indexed as one run
    _insert(session, [(report_id, t.id, "task", _one_line(t.text), t.section or "", t.start, t.end,
                       _tags(["target"] if t.value is not None else []), _tags([t.canonical]))
                      for t in tasks])
    return len(tasks)


def _one_line(text: str) -> str:
    return normalize(text.strip())[0].replace("\n", "").lower()


MAX_WORDS = 8  # a query's words at most: each is a condition on every row a query reads
MAX_QUERY = 200  # characters


class QueryError(LuoshiError):
    """A query the search refuses (too long), with the reason."""


def terms(query: str) -> list[str]:
    """The words of a query, normalised and lowercased like the indexed text (always converted
    to simplified: a few characters are too few to tell the script); duplicates dropped."""
    words = normalize(query, simplify=True)[0].lower().split() if query.strip() else []
    return list(dict.fromkeys(words))


def _like(word: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def search(session: Session, query: str, *, region: str | None = None, year: int | None = None,
           level: str | None = None, role: str | None = None, indicator: str | None = None,
           kind: str | None = None, limit: int = 20) -> list[Hit]:
    """Hits for ``query`` (space = AND) in current reports, narrowed by the report's region
    (辽宁 or 辽宁省), plan year and level, by a figure role (target, actual …) or canonical
    indicator (figures, and sentences or tasks that hold one) and by kind."""
    words = terms(query)
    if not words:
        return []
    if len(query) > MAX_QUERY or len(words) > MAX_WORDS:
        raise QueryError(f"query too long: at most {MAX_WORDS} words and {MAX_QUERY} characters "
                         f"(got {len(words)} words, {len(query)} characters)")
    e, r = SearchEntry, Report
    sqlite = session.get_bind().dialect.name == "sqlite"
    report_conds = [r.is_current]
    if region is not None:
        from .compare import region_key

        report_conds.append(or_(r.region == region, r.region == region_key(region)))
    for col, val in ((r.plan_year, year), (r.level, level)):
        if val is not None:
            report_conds.append(col == val)
    conds = []
    if kind is not None:
        conds.append(e.kind == kind)
    for col, val in ((e.roles, role), (e.indicators, indicator)):
        if val is not None:
            conds.append(col.like(_like(f" {val} "), escape="\\"))
    likes = [e.text.like(_like(w), escape="\\") for w in words]
    long = " AND ".join(_fts_phrase(w) for w in words if len(w) >= 3) if sqlite else ""
    order = case({k: i for i, k in enumerate(KINDS)}, value=e.kind, else_=len(KINDS))
    # Reports in result order, then their entries a growing chunk of reports at a time until
    # ``limit`` hits: a frequent word fills the page from the newest reports without touching
    # the rest of the library. Within a chunk every word is a LIKE on its rows; past the first
    # chunk, on SQLite, words of three characters or more go to the FTS5 trigram index in one
    # query over the rest (a word that did not fill the first chunk is rare enough for the
    # index to list cheaply). A word of one or two characters has no index to narrow it.
    reports = session.execute(select(r.id).where(and_(*report_conds))
                              .order_by(r.plan_year.desc().nulls_last(), r.id)).scalars().all()
    rows: list[Any] = []
    pos, size = 0, FIRST_CHUNK
    while pos < len(reports) and len(rows) < limit:
        if long and pos:
            match = text(f"{FTS_TABLE} MATCH :q").bindparams(q=long)
            fts = e.id.in_(select(literal_column("rowid")).select_from(text(FTS_TABLE)).where(match))
            # current reports by their covering index: is_current sits after the text in the
            # row, and reading it per hit would read each report's text
            rest = [e.report_id.in_(select(r.id).where(and_(*report_conds))),
                    e.report_id.not_in(reports[:pos]), fts,
                    *(like for w, like in zip(words, likes) if len(w) < 3)]
            rows += _page(session, rest, conds, order, limit - len(rows))
            break
        chunk = reports[pos:pos + size]
        pos, size = pos + len(chunk), min(size * 4, MAX_CHUNK)
        rows += _page(session, [e.report_id.in_(chunk), *likes], conds, order, limit - len(rows))
    hits = []
    for row in rows:
        # show the original (traditional stays traditional) where it maps 1:1 onto the indexed
        # text, which normalisation guarantees unless it dropped debris inside the span
        shown = row.original if len(row.original) == len(row.text) else row.text
        plain, marked = snippet(shown, words, _spans(row.text, words))
        hits.append(Hit(row.kind, row.report_id, row.ref_id, row.start, row.end, shown, plain, marked,
                        row.section, row.region, row.plan_year, row.level, row.title))
    return hits


FIRST_CHUNK = 16  # reports searched by the first query; each next one takes 4 times more
MAX_CHUNK = 4096


def _page(session: Session, where: list[Any], conds: list[Any], order: Any, limit: int) -> list[Any]:
    """Up to ``limit`` entries meeting ``where`` and ``conds``, in result order, with the
    original's span (read for the hits kept only: reading a report's text is the costly part)."""
    e, r = SearchEntry, Report
    top = (select(e.id, e.kind, e.report_id, e.ref_id, e.start, e.end, e.text, e.section, r.region,
                  r.plan_year, r.level, r.title, order.label("kind_order"))
           .join(r, r.id == e.report_id).where(*where, *conds)
           .order_by(r.plan_year.desc().nulls_last(), e.report_id, e.start, order, e.id).limit(limit)
           .subquery())
    original = func.substr(r.original, top.c.start + 1, top.c.end - top.c.start).label("original")
    q = (select(top, original).join(r, r.id == top.c.report_id)
         .order_by(top.c.plan_year.desc().nulls_last(), top.c.report_id, top.c.start, top.c.kind_order, top.c.id))
    return list(session.execute(q))


def _spans(s: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words occur in ``s`` (case-insensitive), overlapping ones merged."""
    low = s.lower()
    found = []
    for w in words:
        wl, i = w.lower(), 0
        while (i := low.find(wl, i)) >= 0:
            found.append((i, i + len(wl)))
            i += 1
    merged: list[tuple[int, int]] = []
    for a, b in sorted(found):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def snippet(s: str, words: Sequence[str], spans: list[tuple[int, int]] | None = None,
            width: int = SNIPPET) -> tuple[str, str]:
    """(text with matches in 【】, HTML-escaped text with matches in <mark>), cut to ``width``
    characters either side of the first match with … where cut. ``spans`` (default: where the
    words occur in ``s``) may come from the normalised twin of ``s``."""
    spans = _spans(s, words) if spans is None else spans
    lo = max(0, spans[0][0] - width) if spans else 0
    hi = min(len(s), (spans[0][1] if spans else 0) + width)
    hi = max(hi, min(len(s), lo + 2 * width))
    plain, marked, pos = [], [], lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        plain += [s[pos:a], "【", s[a:b], "】"]
        marked += [html.escape(s[pos:a]), "<mark>", html.escape(s[a:b]), "</mark>"]
        pos = b
    plain.append(s[pos:hi])
    marked.append(html.escape(s[pos:hi]))
    pre, post = ("…" if lo > 0 else ""), ("…" if hi < len(s) else "")
    return pre + "".join(plain) + post, pre + "".join(marked) + post
