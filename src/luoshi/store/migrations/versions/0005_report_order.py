"""An index that answers "the current reports, in library order" without reading the rows.

``reports.is_current`` comes after ``original`` (the whole text) in the row, so on SQLite every
filter on it read each report's text through its overflow pages: tens of milliseconds per
search or listing at 2,000 reports. The index holds what those queries read (current flag,
plan year, id, region, level), so they never touch the table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["is_current", "plan_year", "id", "region", "level"]


def upgrade() -> None:
    op.create_index("ix_reports_current_order", "reports", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_reports_current_order", table_name="reports")
