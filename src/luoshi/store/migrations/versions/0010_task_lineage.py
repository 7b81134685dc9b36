"""Tasks follow a new version of their report (issue 18, item 4): ``task_lineage`` says which
task of a newer version continues which task of an earlier one, or that a person closed the
earlier one as dropped. Nothing to fill: no task was settled before this revision.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_lineage",
        sa.Column("old_task_id", sa.Integer(), nullable=False),
        sa.Column("new_task_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("how IN ('key', 'similar', 'person', 'dropped')", name=op.f("ck_task_lineage_how")),
        sa.CheckConstraint("(how = 'dropped') = (new_task_id IS NULL)", name=op.f("ck_task_lineage_dropped")),
        sa.ForeignKeyConstraint(["old_task_id"], ["tasks.id"], name=op.f("fk_task_lineage_old_task_id_tasks")),
        sa.ForeignKeyConstraint(["new_task_id"], ["tasks.id"], name=op.f("fk_task_lineage_new_task_id_tasks")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_task_lineage_report_id_reports")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_task_lineage_user_id_users")),
        sa.PrimaryKeyConstraint("old_task_id", name=op.f("pk_task_lineage")),
        sa.UniqueConstraint("new_task_id", name=op.f("uq_task_lineage_new_task_id")),
    )
    op.create_index(op.f("ix_task_lineage_report_id"), "task_lineage", ["report_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_lineage_report_id"), table_name="task_lineage")
    op.drop_table("task_lineage")
