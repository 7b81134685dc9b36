"""Qualitative targets stored at import (``qualitative_targets``), found once per report.

Comparisons judged them by re-reading and outlining every report's text (~20 ms a report, 40 s
cold for a library of 2,000). This revision creates the table and fills it for the reports
already stored, by reading each one's text once more (a one-off of the same cost).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qualitative_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ntext", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE",
                                name=op.f("fk_qualitative_targets_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualitative_targets")),
    )
    op.create_index(op.f("ix_qualitative_targets_report_id"), "qualitative_targets", ["report_id"])
    _backfill(op.get_bind())


def _backfill(bind: sa.Connection) -> None:
    """The reports stored before this revision, read once more."""
    import luoshi
    from luoshi.services.importer import QUALITATIVE_COLUMNS, qualitative_rows

    table = sa.table("qualitative_targets", *(sa.column(c) for c in ("report_id", "ord", *QUALITATIVE_COLUMNS)))
    ids = bind.execute(sa.text("SELECT id FROM reports ORDER BY id")).scalars().all()
    for report_id in ids:
        original, doc_id = bind.execute(sa.text("SELECT original, doc FROM reports WHERE id = :r"),
                                        {"r": report_id}).one()
        doc = luoshi.read_text(original, doc_id)
        rows = [{"report_id": report_id, "ord": i, **dict(zip(QUALITATIVE_COLUMNS, q))}
                for i, q in enumerate(qualitative_rows(doc, luoshi.build_outline(doc)))]
        if rows:
            op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_qualitative_targets_report_id"), table_name="qualitative_targets")
    op.drop_table("qualitative_targets")
