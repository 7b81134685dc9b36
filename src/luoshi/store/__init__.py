"""The luoshi database: SQLAlchemy models, Alembic migrations shipped in the package, queries.

Public surface: ``open(url) -> sessionmaker`` (creates the engine and upgrades the schema to
head), ``write_transaction`` (a session that will write: commit or roll back), ``lock``, ``close``,
``engine_of``, ``resolve_url`` (argument, else env LUOSHI_DATABASE_URL, else
``sqlite:///luoshi.db``), the models ``Report``, ``ReportNode``, ``ReportFigure``, the tracking
models (``Department``, ``DepartmentCatalogue``, ``Task``, ``TaskRevision``, ``Assignment``, ``Milestone``,
``ProgressUpdate``, ``Rating``, ``User``, ``ApiToken``, ``AuditEntry``), the search index
(``SearchEntry``) and the queries
``current_reports``, ``current_figures``, ``report_versions``. SQLite and PostgreSQL.
"""

from __future__ import annotations

from .db import DEFAULT_URL, ENV_URL, close, create, engine_of, lock, open, resolve_url, upgrade, write_transaction
from .models import (ApiToken, AppendOnlyError, Assignment, AuditEntry, Base, Department, DepartmentCatalogue,
                     Milestone,
                     ProgressUpdate, QualitativeTargetRow, Rating, Report, ReportFigure, ReportNode,
                     SearchEntry, Task, TaskRevision, User)
from .queries import current_figures, current_reports, report_versions

__all__ = ["open", "close", "create", "upgrade", "engine_of", "resolve_url", "DEFAULT_URL",
           "ENV_URL", "write_transaction", "lock", "Base", "Report", "ReportNode", "ReportFigure",
           "current_reports", "current_figures", "report_versions", "Department", "DepartmentCatalogue", "Task",
           "TaskRevision", "Assignment", "Milestone", "ProgressUpdate", "Rating", "User",
           "ApiToken", "AuditEntry", "AppendOnlyError", "SearchEntry", "QualitativeTargetRow"]
