"""The pages: each view parses the request, calls one function of ``luoshi.web.pages`` (or a
service), and renders a template. State-changing forms carry the session's CSRF token; every
write goes through the tracking services, which refuse what the actor's role may not do.

One module per feature, each with its own router: ``auth`` (login, logout), ``overview``,
``reader`` (report reader, figure, report search, library, full-text search), ``tasks`` (board,
task page, progress, rating, my tasks, bulk assignment), ``compare``, ``imports``, ``exports``
(downloads, bulletin), ``public`` (public pages, status legend, health check); ``common`` holds
what they share. ``router`` includes them in this order; a literal path that a parametrised one
would also match (``/reports/find``, ``/tasks/export.xlsx``, ``/exports/plan.{fmt}``) comes
first within its module."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, compare, exports, imports, overview, public, reader, tasks
from .common import install_error_pages

__all__ = ["router", "install_error_pages"]

router = APIRouter(include_in_schema=False)
for _feature in (auth, overview, reader, tasks, compare, imports, exports, public):
    router.include_router(_feature.router)
