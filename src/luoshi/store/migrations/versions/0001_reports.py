"""Reports (one row per version), their outline nodes and figures.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CURRENT = sa.text("is_current")


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_key", sa.Text(), nullable=False),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("review_year", sa.Integer(), nullable=True),
        sa.Column("plan_year", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("doc_key", "version", name=op.f("uq_reports_doc_key_version")),
    )
    op.create_index("ix_reports_region_plan_year", "reports", ["region", "plan_year"])
    op.create_index("ix_reports_sha256", "reports", ["sha256"])
    op.create_index("uq_reports_current_doc_key", "reports", ["doc_key"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)

    op.create_table(
        "outline_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("nstart", sa.Integer(), nullable=False),
        sa.Column("nend", sa.Integer(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["outline_nodes.id"], ondelete="CASCADE",
                                name=op.f("fk_outline_nodes_parent_id_outline_nodes")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE",
                                name=op.f("fk_outline_nodes_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outline_nodes")),
    )
    op.create_index(op.f("ix_outline_nodes_report_id"), "outline_nodes", ["report_id"])

    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("comparator", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("nstart", sa.Integer(), nullable=False),
        sa.Column("nend", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["outline_nodes.id"], ondelete="SET NULL",
                                name=op.f("fk_figures_node_id_outline_nodes")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE",
                                name=op.f("fk_figures_report_id_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    op.create_index("ix_figures_canonical_region_year_role", "figures",
                    ["canonical", "region", "year", "role"])
    op.create_index(op.f("ix_figures_report_id"), "figures", ["report_id"])


def downgrade() -> None:
    op.drop_table("figures")
    op.drop_table("outline_nodes")
    op.drop_table("reports")
