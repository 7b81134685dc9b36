"""Full-text search over report sentences, figures and tasks (Chinese, trigram).

SQLite: an FTS5 table with the trigram tokenizer over ``search_entries.text`` (external
content, so the text is stored once); needs SQLite >= 3.34. Inserts are indexed by the code that
inserts (luoshi.services.search: far cheaper than a per-row trigger); deletes — including ON
DELETE CASCADE from reports — and updates by triggers.
PostgreSQL: the pg_trgm extension and a GIN trigram index, which serves LIKE '%…%'.
Reports imported before this revision are indexed here from their stored outline and figures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FTS = "search_fts"
TRGM = "ix_search_entries_text_trgm"


def _sqlite_fts(bind: sa.Connection) -> None:
    import sqlite3

    if sqlite3.sqlite_version_info < (3, 34):
        raise RuntimeError(f"luoshi search needs SQLite >= 3.34 (FTS5 trigram tokenizer); this Python "
                           f"has {sqlite3.sqlite_version}: use PostgreSQL or a newer Python/SQLite")
    try:
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='search_entries', "
                   "content_rowid='id', tokenize='trigram')")
    except sa.exc.OperationalError as e:
        raise RuntimeError(f"luoshi search needs SQLite's FTS5 with the trigram tokenizer: {e.orig}") from e
    op.execute(f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); END")
    op.execute(f"CREATE TRIGGER search_entries_au AFTER UPDATE OF text ON search_entries BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); "
               f"INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END")


def _pg_trgm(bind: sa.Connection) -> str:
    """Create pg_trgm if missing (a clear error if the server lacks it); the schema it is in."""
    have = bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar()
    if have:
        return have
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if not available:
        raise RuntimeError("luoshi search needs the PostgreSQL extension pg_trgm, which this server "
                           "does not have: install its contrib modules (Debian: part of the "
                           "postgresql package; elsewhere postgresql-contrib)")
    try:
        with bind.begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as e:
        reason = str(e.orig).strip().splitlines()[0]
        raise RuntimeError(f"luoshi search needs the PostgreSQL extension pg_trgm and could not "
                           f"create it ({reason}): ask the database owner to run "
                           f"CREATE EXTENSION pg_trgm in this database") from e
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar_one()


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    schema = _pg_trgm(bind) if dialect == "postgresql" else None
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE",
                                name=op.f("fk_search_entries_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    op.create_index(op.f("ix_search_entries_report_id"), "search_entries", ["report_id"])
    if dialect == "postgresql":
        op.execute(f'CREATE INDEX {TRGM} ON search_entries USING gin (text "{schema}".gin_trgm_ops)')
    elif dialect == "sqlite":
        _sqlite_fts(bind)
    _backfill(bind)
    if dialect == "sqlite":
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def _backfill(bind: sa.Connection) -> None:
    """Index reports imported before this revision, from their stored sentences and figures."""
    from luoshi.ingest.normalize import normalize

    ids = bind.execute(sa.text("SELECT id, original FROM reports")).all()
    for report_id, original in ids:
        nodes = bind.execute(sa.text(
            'SELECT id, parent_id, kind, title, start, "end", nstart, nend FROM outline_nodes '
            "WHERE report_id = :r ORDER BY ord"), {"r": report_id}).all()
        figs = bind.execute(sa.text(
            'SELECT id, indicator, canonical, role, section, start, "end", nstart, nend FROM figures '
            "WHERE report_id = :r ORDER BY ord"), {"r": report_id}).all()
        by_id = {n.id: n for n in nodes}
        norm = normalize(original)[0]  # the whole text, as the importer saw it

        def section(n) -> str:
            path = []
            p = by_id.get(n.parent_id)
            while p is not None:
                if p.kind in ("part", "section", "paragraph") and p.title:
                    path.append(p.title)
                p = by_id.get(p.parent_id)
            return " / ".join(reversed(path))

        rows = []
        for n in nodes:
            if n.kind != "sentence":
                continue
            inside = [f for f in figs if n.nstart <= f.nstart < n.nend]
            rows.append({"report_id": report_id, "kind": "sentence", "ref_id": n.id,
                         "text": norm[n.nstart:n.nend].lower(), "section": section(n),
                         "start": n.start, "end": n.end,
                         "roles": _tags(f.role for f in inside),
                         "indicators": _tags(f.canonical for f in inside)})
        for f in figs:
            text = norm[f.nstart:f.nend]
            rows.append({"report_id": report_id, "kind": "figure", "ref_id": f.id,
                         "text": (text if f.indicator in text else f"{f.indicator} {text}").lower(),
                         "section": f.section, "start": f.start, "end": f.end,
                         "roles": _tags([f.role]), "indicators": _tags([f.canonical])})
        if rows:
            bind.execute(sa.text('INSERT INTO search_entries (report_id, kind, ref_id, text, section, '
                                 'start, "end", roles, indicators) VALUES (:report_id, :kind, :ref_id, '
                                 ":text, :section, :start, :end, :roles, :indicators)"), rows)


def _tags(values) -> str:
    vals = sorted({v for v in values if v})
    return f" {' '.join(vals)} " if vals else ""


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for t in ("ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_entries_{t}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_table("search_entries")  # pg_trgm stays: other schemas' objects may use it
