"""The publication decision: per report, whether the public view shows the supervision office's
ratings (with their reasons) and the departments' progress notes. No row: neither is shown.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_publications",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE",
                                name=op.f("fk_report_publications_report_id_reports")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_report_publications_user_id_users")),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_publications")),
    )


def downgrade() -> None:
    op.drop_table("report_publications")
