"""The routes of ``/api/v1``, one module per area; each route parses its input, calls one
service function in one transaction and renders the result."""

from __future__ import annotations

from fastapi import APIRouter

from . import catalogues, meta, publication, reads, reports, tasks, users, versions

router = APIRouter()
for _m in (meta, reports, publication, versions, tasks, reads, users, catalogues):
    router.include_router(_m.router)
