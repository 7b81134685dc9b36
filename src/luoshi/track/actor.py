"""Who is acting: the user a service works for. Interfaces build one from a login or a token
(``users.authenticate_*``); ``SYSTEM`` is the operator at the server's shell (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..store import User
from .errors import Forbidden

ROLES = ("admin", "supervisor", "reporter", "viewer")
MANAGERS = ("admin", "supervisor")  # may create tasks, assign, rate, revise


@dataclass(frozen=True)
class Actor:
    id: int | None
    username: str
    role: str
    department_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role, user.department_id)


# Whoever runs the command line on the server can open the database anyway: an admin. Never
# build it from a request.
SYSTEM = Actor(None, "system", "admin")


def current(session: Session, actor: Actor) -> Actor:
    """The actor as stored now: a disabled or deleted account is refused, and a role or
    department changed since the login takes effect at once."""
    if actor.id is None:
        return actor
    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise Forbidden(f"user {actor.username} is disabled or unknown")
    return Actor.of(user)


def require(session: Session, actor: Actor, *roles: str) -> Actor:
    """The current actor, if its role is one of ``roles``; else Forbidden."""
    a = current(session, actor)
    if a.role not in roles:
        raise Forbidden(f"{a.username} ({a.role}) may not do this; needs {' or '.join(roles)}")
    return a
