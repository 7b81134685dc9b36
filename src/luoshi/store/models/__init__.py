"""Table models, one module per concern (reports + outline, figures; tasks, progress and users
will get their own modules). Importing this package registers every table on ``Base.metadata``."""

from __future__ import annotations

from .base import Base
from .figures import ReportFigure
from .reports import Report, ReportNode

__all__ = ["Base", "Report", "ReportNode", "ReportFigure"]
