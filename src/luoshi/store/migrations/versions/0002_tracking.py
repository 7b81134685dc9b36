"""Delivery tracking: departments, tasks (with revisions, assignments, milestones), progress
updates, ratings, users, API tokens and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _now(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, **kw) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), **kw)


def _task_fk(table: str) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    return sa.Column("task_id", sa.Integer(), nullable=False), _fk(table, "task_id", "tasks")


def upgrade() -> None:
    op.create_table(
        "departments", _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("short", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("remit", sa.JSON(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("region", "name", name=op.f("uq_departments_region_name")),
    )
    op.create_table(
        "users", _id(),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _now(),
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'reporter', 'viewer')", name=op.f("ck_users_role")),
        _fk("users", "department_id", "departments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens", _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _now(),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        _fk("api_tokens", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_table(
        "audit_log", _id(),
        _now("at"),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        _fk("audit_log", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])
    op.create_table(
        "tasks", _id(),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("nstart", sa.Integer(), nullable=False),
        sa.Column("nend", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_text", sa.Text(), nullable=False),
        sa.Column("figure_ids", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("figure_id", sa.Integer(), nullable=True),
        sa.Column("indicator", sa.Text(), nullable=True),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.Column("measure", sa.String(length=20), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("comparator", sa.String(length=10), nullable=True),
        sa.Column("baseline", sa.Double(), nullable=True),
        sa.Column("draft_confidence", sa.Double(), nullable=True),
        sa.Column("draft_reasons", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _now(),
        _fk("tasks", "figure_id", "figures", ondelete="SET NULL"),
        _fk("tasks", "report_id", "reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("report_id", "key", name=op.f("uq_tasks_report_id_key")),
        sa.UniqueConstraint("report_id", "number", name=op.f("uq_tasks_report_id_number")),
    )
    op.create_index(op.f("ix_tasks_report_id"), "tasks", ["report_id"])
    op.create_table(
        "assignments", _id(), *_task_fk("assignments"),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("leader", sa.Text(), nullable=False),
        _now(),
        sa.CheckConstraint("role IN ('lead', 'responsible')", name=op.f("ck_assignments_role")),
        _fk("assignments", "department_id", "departments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("task_id", "department_id", "role",
                            name=op.f("uq_assignments_task_id_department_id_role")),
    )
    op.create_index(op.f("ix_assignments_department_id"), "assignments", ["department_id"])
    op.create_index(op.f("ix_assignments_task_id"), "assignments", ["task_id"])
    op.create_table(
        "milestones", _id(), *_task_fk("milestones"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("expected", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("task_id", "date", name=op.f("uq_milestones_task_id_date")),
    )
    op.create_index(op.f("ix_milestones_task_id"), "milestones", ["task_id"])
    op.create_table(
        "progress_updates", _id(), *_task_fk("progress_updates"),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("percent", sa.Double(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("task_version", sa.Integer(), nullable=False),
        _now(),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'completed')",
                           name=op.f("ck_progress_updates_status")),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)",
                           name=op.f("ck_progress_updates_percent")),
        _fk("progress_updates", "department_id", "departments"),
        _fk("progress_updates", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_updates")),
    )
    op.create_index("ix_progress_updates_task_id_reported_on", "progress_updates", ["task_id", "reported_on"])
    op.create_table(
        "ratings", _id(), *_task_fk("ratings"),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("scale", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _now(),
        sa.CheckConstraint("scale IN ('five', 'three')", name=op.f("ck_ratings_scale")),
        _fk("ratings", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
    )
    op.create_index(op.f("ix_ratings_task_id"), "ratings", ["task_id"])
    op.create_table(
        "task_revisions", _id(), *_task_fk("task_revisions"),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _now(),
        _fk("task_revisions", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_revisions")),
    )
    op.create_index(op.f("ix_task_revisions_task_id"), "task_revisions", ["task_id"])


def downgrade() -> None:
    for table in ("task_revisions", "ratings", "progress_updates", "milestones", "assignments",
                  "tasks", "audit_log", "api_tokens", "users", "departments"):
        op.drop_table(table)
