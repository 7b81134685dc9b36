"""Table models, one module per concern (reports + outline, figures; departments and the
catalogues users supplied; tasks and their revisions, assignments and milestones; progress and
ratings; users and tokens; the audit log; the search index; what is published; qualitative
targets). Importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from .appendonly import AppendOnlyError
from .audit import AuditEntry
from .base import Base
from .departments import Department, DepartmentCatalogue
from .figures import ReportFigure
from .progress import ProgressUpdate, Rating
from .publication import ReportPublication
from .qualitative import QualitativeTargetRow
from .reports import Report, ReportNode
from .search import SearchEntry
from .tasks import Assignment, Milestone, Task, TaskRevision
from .users import ApiToken, User

__all__ = ["Base", "Report", "ReportNode", "ReportFigure", "Department", "DepartmentCatalogue", "Task", "TaskRevision",
           "Assignment", "Milestone", "ProgressUpdate", "Rating", "User", "ApiToken", "AuditEntry",
           "AppendOnlyError", "SearchEntry", "ReportPublication", "QualitativeTargetRow"]
