"""Departments catalogues supplied by users (``department_catalogues``): a catalogue uploaded
with an import is kept for its region and level, so every later draft of that region's reports
(tasks from a report, a 分工方案's units, ``luoshi assign --db``) names its units. The newest row
of a (region, level) is in force; older rows stay as its history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_catalogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_department_catalogues_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_catalogues")),
    )
    op.create_index("ix_department_catalogues_region_level", "department_catalogues", ["region", "level"])


def downgrade() -> None:
    op.drop_index("ix_department_catalogues_region_level", table_name="department_catalogues")
    op.drop_table("department_catalogues")
