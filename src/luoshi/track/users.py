"""Users and API tokens: accounts with a role (admin, supervisor, reporter, viewer) and, for
reporters, a department; argon2 password hashes; tokens shown once and stored as a hash.

Managing accounts is for admins (``SYSTEM``, the shell, is one); anyone may make and revoke
their own tokens. Every change is audited, never with a password or a token in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..store import ApiToken, Department, User
from . import audit, departments
from .actor import ROLES, Actor, current, require
from .errors import Forbidden, Invalid, NotFound

MIN_PASSWORD = 8
TOKEN_PREFIX = "ls_"
_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
_dummies: dict[int, str] = {}


def _dummy() -> str:
    """A hash to verify against when the user does not exist, so that a wrong name takes as
    long as a wrong password (made on first use: hashing is slow on purpose)."""
    return _dummies.setdefault(id(_hasher), _hasher.hash("luoshi-no-such-user"))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    department: str | None
    active: bool
    created_at: dt.datetime | None


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    username: str
    name: str
    created_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


@dataclass(frozen=True)
class NewToken:
    """The plain ``token`` exists only here: it is not stored and cannot be shown again."""

    token: str
    info: TokenInfo


def _info(session: Session, u: User) -> UserInfo:
    dep = session.get(Department, u.department_id) if u.department_id else None
    return UserInfo(u.id, u.username, u.display_name, u.role, u.department_id,
                    dep.short if dep else None, u.active, u.created_at)


def _row(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "department_id": u.department_id, "active": u.active}


def _token_info(t: ApiToken, username: str) -> TokenInfo:
    return TokenInfo(t.id, t.user_id, username, t.name, t.created_at, t.revoked_at, t.last_used_at)


def _get(session: Session, username: str) -> User:
    u = session.scalars(select(User).where(User.username == username)).first()
    if u is None:
        raise NotFound(f"no user {username!r}")
    return u


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str, actor: Actor, *,
                display_name: str = "", department: int | str | None = None) -> UserInfo:
    """A new account. A reporter must belong to a department (it reports for that department)."""
    actor = require(session, actor, "admin")
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise Invalid("a username is 1 to 80 characters without spaces")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise Invalid(f"user {username!r} exists already")
    if role == "reporter" and department is None:
        raise Invalid("a reporter needs a department")
    dep = departments.ensure(session, department, actor) if department is not None else None
    u = User(username=username, display_name=display_name, role=role,
             department_id=dep.id if dep else None, password_hash=hash_password(password),
             active=True, created_at=dt.datetime.now(dt.UTC))
    session.add(u)
    session.flush()
    audit.record(session, actor, "create", "user", u.id, None, _row(u))
    return _info(session, u)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(session, u) for u in session.scalars(select(User).order_by(User.id))]


def disable_user(session: Session, username: str, actor: Actor) -> UserInfo:
    """Disable an account (kept, for its history); its tokens stop working with it."""
    actor = require(session, actor, "admin")
    u = _get(session, username)
    if u.active:
        before = _row(u)
        u.active = False
        session.flush()
        audit.record(session, actor, "disable", "user", u.id, before, _row(u))
    return _info(session, u)


def verify_password(session: Session, username: str, password: str) -> Actor | None:
    """The actor for a right username and password of an active account, else None. An old
    hash is upgraded to the current parameters on the way."""
    u = session.scalars(select(User).where(User.username == username)).first()
    try:
        _hasher.verify(u.password_hash if u else _dummy(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if u is None or not u.active:
        return None
    if _hasher.check_needs_rehash(u.password_hash):
        u.password_hash = _hasher.hash(password)
        session.flush()
    return Actor.of(u)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, username: str, name: str, actor: Actor) -> NewToken:
    """A new API token for ``username`` (an admin's, or one's own): the plain token is in the
    result and nowhere else."""
    actor = current(session, actor)
    u = _get(session, username)
    if actor.role != "admin" and actor.id != u.id:
        raise Forbidden(f"{actor.username} may not make tokens for {username}")
    if not u.active:
        raise Invalid(f"user {username} is disabled")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    t = ApiToken(user_id=u.id, name=name, token_hash=_digest(plain), created_at=dt.datetime.now(dt.UTC))
    session.add(t)
    session.flush()
    audit.record(session, actor, "create", "api_token", t.id, None, {"user": u.username, "name": name})
    return NewToken(plain, _token_info(t, u.username))


def revoke_token(session: Session, token_id: int, actor: Actor) -> TokenInfo:
    actor = current(session, actor)
    t = session.get(ApiToken, token_id)
    if t is None:
        raise NotFound(f"no token {token_id}")
    owner = session.get(User, t.user_id)
    if actor.role != "admin" and actor.id != t.user_id:
        raise Forbidden(f"{actor.username} may not revoke token {token_id}")
    if t.revoked_at is None:
        t.revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
        audit.record(session, actor, "revoke", "api_token", t.id, {"revoked": False},
                     {"revoked": True, "user": owner.username, "name": t.name})
    return _token_info(t, owner.username)


def list_tokens(session: Session, username: str | None = None) -> list[TokenInfo]:
    q = select(ApiToken, User.username).join(User, ApiToken.user_id == User.id)
    if username is not None:
        q = q.where(User.username == username)
    return [_token_info(t, name) for t, name in session.execute(q.order_by(ApiToken.id))]


# last_used_at is bookkeeping: recorded at most this often, so that a read does not need the
# database's write lock (on SQLite every request would otherwise queue behind the writers)
TOUCH_EVERY = dt.timedelta(minutes=1)


def check_token(session: Session, token: str) -> tuple[Actor, bool] | None:
    """Read only: the actor a token stands for — if it is known, not revoked, and its user
    active — and whether its ``last_used_at`` is older than TOUCH_EVERY (then ``touch_token``)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    t = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if t is None or t.revoked_at is not None:
        return None
    u = session.get(User, t.user_id)
    if u is None or not u.active:
        return None
    last = t.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite gives naive UTC back
        last = last.replace(tzinfo=dt.UTC)
    return Actor.of(u), last is None or dt.datetime.now(dt.UTC) - last >= TOUCH_EVERY


def touch_token(session: Session, token: str) -> None:
    """Record that a token was used now (bookkeeping, not audited)."""
    session.execute(update(ApiToken).where(ApiToken.token_hash == _digest(token))
                    .values(last_used_at=dt.datetime.now(dt.UTC)))


def authenticate_token(session: Session, token: str) -> Actor | None:
    """``check_token`` and, when due, ``touch_token`` in the caller's (write) transaction."""
    found = check_token(session, token)
    if found is None:
        return None
    actor, stale = found
    if stale:
        touch_token(session, token)
    return actor
