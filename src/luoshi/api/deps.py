"""Who is calling, and sessions: the dependencies every route uses.

``current_actor(request)`` — the web session's actor (``request.state.actor``, set by a
middleware of ``luoshi.web``) first, then the bearer token, then (public read-only mode, GET and
HEAD only) the anonymous viewer; otherwise 401. The role rules themselves are the track
services' (``track.actor.require`` and each service's own check), so they hold for the CLI, the
API and the web alike; ``require_role`` is for the few reads that are not open to every role.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from .. import store
from ..store import User
from ..track.actor import Actor, require
from ..track.users import check_token, touch_token
from .errors import unauthorized
from .settings import Settings

# The anonymous reader of public read-only mode: a viewer without an account. It can pass no
# write check (role viewer) and routes refuse it anything but GET/HEAD before reaching a service.
ANONYMOUS = Actor(None, "anonymous", "viewer")
READ_METHODS = ("GET", "HEAD")


def sessions_of(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def _bearer(request: Request) -> str | None:
    raw = request.headers.get("authorization", "")
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def optional_actor(request: Request) -> Actor | None:
    """The caller, or None when no credentials were sent (see the module docstring). A bad or
    revoked token is 401, not anonymous."""
    pre = getattr(request.state, "actor", None)
    if isinstance(pre, Actor):
        if pre.id is not None:
            with sessions_of(request)() as s:  # a session outlives a disabled account: not its access
                user = s.get(User, pre.id)
                if user is None or not user.active:
                    raise unauthorized("this account is disabled")
                return Actor.of(user)
        return pre
    token = _bearer(request)
    if token is not None:
        with sessions_of(request)() as s:  # a read: no write lock for every request
            found = check_token(s, token)
        if found is None:
            raise unauthorized("the token is unknown, revoked, or its account disabled")
        actor, stale = found
        if stale:  # last_used_at, at most once a minute
            with store.write_transaction(sessions_of(request)) as s:
                touch_token(s, token)
        request.state.actor = actor
        return actor
    if request.headers.get("authorization"):
        raise unauthorized("only Bearer tokens are accepted")
    if settings_of(request).public_read and request.method in READ_METHODS:
        return ANONYMOUS
    return None


def current_actor(request: Request) -> Actor:
    """The caller; 401 without valid credentials."""
    actor = optional_actor(request)
    if actor is None:
        raise unauthorized()
    return actor


def read_session(request: Request) -> Iterator[Session]:
    with sessions_of(request)() as s:
        yield s


def require_role(session: Session, actor: Actor, *roles: str) -> Actor:
    """``track.actor.require`` for the API: the anonymous reader has no account to re-read."""
    if actor is ANONYMOUS:
        from ..track.errors import Forbidden

        if "viewer" not in roles:
            raise Forbidden(f"anonymous readers may not do this; needs {' or '.join(roles)}")
        return actor
    return require(session, actor, *roles)
