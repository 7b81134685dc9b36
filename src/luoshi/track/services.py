"""The tracking services in one place, for interfaces (the CLI now, the HTTP API later).

Conventions: each takes a Session first and, when it writes, the acting user (``Actor``); the
caller owns the transaction (``with store.write_transaction(factory) as s: ...``), and a
service that refuses (NotFound, Forbidden, Conflict, Invalid) has written nothing, so the
transaction may go on or roll back. Results are dataclasses. Every change writes its audit entry
in the same transaction. Dates that decide a status (``today``, ``as_of``) can be passed in.
"""

from __future__ import annotations

from .actor import SYSTEM, Actor
from .audit import entries as audit_entries
from .departments import DepartmentInfo
from .departments import create as create_department
from .departments import list_all as list_departments
from .errors import Conflict, Forbidden, Invalid, NotFound, TrackError
from .progress import ProgressInput, RatingInfo, UpdateInfo, rate, ratings, report_progress, updates
from .tasks import (AssignmentInfo, CreatedTasks, MilestoneInfo, RevisionInfo, TargetInfo, TaskInfo,
                    assign, get_task, list_tasks, revise_target, revisions, set_milestones,
                    tasks_from_report, unassign)
from .users import (NewToken, TokenInfo, UserInfo, authenticate_token, create_token, create_user,
                    disable_user, list_tokens, list_users, revoke_token, verify_password)
from .views import (DepartmentReminders, ReminderItem, Rollup, Rollups, TaskHistory, TaskStatus,
                    history, reminders, rollups, statuses, task_status)
from .versions import Decision, Settled, Unmatched, settle, unmatched

__all__ = [
    "Actor", "SYSTEM", "TrackError", "NotFound", "Forbidden", "Conflict", "Invalid",
    "tasks_from_report", "get_task", "list_tasks", "assign", "unassign", "set_milestones",
    "revise_target", "revisions", "report_progress", "updates", "rate", "ratings", "task_status",
    "statuses", "history", "rollups", "reminders", "create_user", "list_users", "disable_user",
    "verify_password", "create_token", "revoke_token", "list_tokens", "authenticate_token",
    "create_department", "list_departments", "audit_entries", "unmatched", "settle",
    "ProgressInput", "TaskInfo", "TargetInfo", "AssignmentInfo", "MilestoneInfo", "RevisionInfo",
    "CreatedTasks", "UpdateInfo", "RatingInfo", "TaskStatus", "TaskHistory", "Rollup", "Rollups",
    "DepartmentReminders", "ReminderItem", "UserInfo", "TokenInfo", "NewToken", "DepartmentInfo",
    "Decision", "Settled", "Unmatched",
]
