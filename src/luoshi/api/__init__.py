"""The HTTP API of the delivery tracker: FastAPI, JSON, versioned under ``/api/v1``.

Stable surface (the web UI, ``luoshi.web``, builds on it):

``luoshi.api.app.create_app(db_url=None, *, settings=None) -> FastAPI``
    Opens (and migrates) the database at ``db_url`` (see ``luoshi.store.resolve_url``) and
    returns the app. ``settings`` is a ``luoshi.api.settings.Settings`` (public read-only mode,
    upload limit, ``include_web``). The OpenAPI document is ``/api/v1/openapi.json``, the docs
    page ``/api/v1/docs`` (self-contained HTML, no script, no CDN: the routes of the schema
    as a table). ``create_app(sessions=factory)`` uses a sessionmaker the caller owns instead.

``app.state.sessions``
    The SQLAlchemy ``sessionmaker`` of that database (read with ``with sessions() as s``, write
    with ``with luoshi.store.write_transaction(sessions) as s``). ``app.state.settings`` is the
    Settings.

The web hook
    When ``settings.include_web`` is true (the default) and the module ``luoshi.web`` exists,
    ``create_app`` calls ``luoshi.web.mount(app)`` once, after the API routes and error handlers
    are installed. ``mount`` may add routes outside ``/api/v1`` (server-rendered pages at ``/``),
    static files and middleware (e.g. a session middleware). Routes it adds under ``/`` must not
    shadow ``/api/v1``.

``luoshi.api.deps.current_actor(request) -> luoshi.track.Actor``
    Who is calling. First ``request.state.actor`` if a middleware (the web session) set it to an
    ``Actor``; else the ``Authorization: Bearer <token>`` header (``track.users.authenticate_token``);
    else, in public read-only mode and for GET/HEAD only, an anonymous viewer
    (``deps.ANONYMOUS``); else 401. ``optional_actor(request)`` is the same without the 401
    (returns None). Both are plain functions usable as FastAPI dependencies.

Errors: ONE JSON shape for every failure, API or framework (validation, unknown route, wrong
method, 401, 413, 500)::

    {"error": {"code": "not_found" | "forbidden" | "conflict" | "invalid" | "unauthorized"
                        | "too_large" | "bad_file" | "method_not_allowed" | "internal" | …,
               "message": "one human-readable line (English)",
               "zh": "the same for a person, in Chinese (data/labels.toml: the message's own
                      words where known, else the code's)",
               "detail": <anything JSON, or null>}}

with the HTTP status 404, 403, 409, 422, 401, 413, 400, 405, 500. ``luoshi.api.errors.error_response``
builds it; ``ApiError(status, code, message, detail)`` raised anywhere is rendered as it. A
409 from a stale ``expected_version`` carries ``detail = {"task_id", "expected", "actual",
"rejected": <what this write submitted, so no text is lost>, "current": <the latest state>}``.
The track services' typed errors map to it directly (NotFound → 404, Forbidden → 403,
Conflict → 409, Invalid → 422); a report file the reader refuses is 400 ``bad_file`` with
``detail = {"file", "reason"}``; a body over the upload limit is 413 ``too_large``.

Endpoints (all under ``/api/v1``; JSON; "any" = any signed-in role, or anonymous in public
read-only mode; writes are authorised by the track services, so the rules are the CLI's):

=========================================  =====================================================
GET  /health, /me                          liveness (no auth); the caller
GET  /reports · POST /reports              current reports (any) · upload a file, multipart
                                           ``file`` (+ region, level, year, kind — a bad
                                           one → 422 ``invalid``, detail {field, zh} — and
                                           ``departments``: a catalogue kept for the region;
                                           a bad one → 422 ``bad_catalogue``, detail.zh) →
                                           import (admin, supervisor); ``warning_zh`` beside
                                           ``warning`` when no region or plan year was found
GET  /reports/{id}, /reports/{id}/outline  metadata; outline tree (``?sentences=true``)
GET  /figures                              indicator|canonical, role, year, region, section,
                                           report; limit/offset → {total, limit, offset, items}
POST /reports/{id}/tasks                   tasks from the report's plan (admin, supervisor)
GET  /reports/{id}/plan?format=xlsx|docx   the 分工方案 as a download (tracked tasks, else draft)
GET  /reports/{id}/rollups?today=          counts per status value: report, sections, departments
GET  /tasks                                report, section, department, reported/evidence/
                                           schedule/confidence (repeatable), kind, deadline_from/
                                           _to, q, sort (``-`` = descending), limit/offset, today
GET  /tasks/{id}?today=                    task, status axes, definitions, latest update, rating,
                                           history {revisions, updates, ratings}
POST|PUT|DELETE /tasks/{id}/assignments    add · set the whole set · remove (admin, supervisor)
PUT  /tasks/{id}/milestones                replace milestones (admin, supervisor)
POST /tasks/{id}/progress                  ``expected_version`` required (null = unchecked);
                                           reporters of an assigned department, admin, supervisor
POST /tasks/{id}/ratings, /revisions       admin, supervisor
GET  /reminders, /compare, /search         per department; targets vs actuals (``format=csv|
                                           xlsx`` downloads; JSON rows carry ``verdict_zh``
                                           beside ``verdict``); full-text search
GET  /departments · GET /audit             any · admin, supervisor
GET|POST /users · POST /users/{u}/disable  admin
GET|POST /tokens · DELETE /tokens/{id}     own (admin: anyone's); the token is shown once
=========================================  =====================================================
"""

from __future__ import annotations

API_PREFIX = "/api/v1"

__all__ = ["API_PREFIX", "create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'luoshi.api' has no attribute {name!r}")
