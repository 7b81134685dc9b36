"""The web app's guards: a signed cookie session that carries the logged-in actor, CSRF tokens,
security headers, the secret key, and a rate limit on logins.

The session is a JSON dict signed with itsdangerous (HttpOnly, SameSite=Lax, Secure when the
request came over HTTPS). The middleware puts the actor in ``request.state.actor`` for the API's
``current_actor``: on a state-changing request outside the web's own form routes (which check
the form's token themselves) only when the ``X-CSRF-Token`` header matches the session's token,
so a cross-site form cannot borrow the cookie to call the API.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..track.actor import Actor

COOKIE = "luoshi_session"
MAX_AGE = 8 * 3600  # a login lasts eight hours from the last change of the session
SAFE = ("GET", "HEAD", "OPTIONS")
ENV_SECRET = "LUOSHI_SECRET_KEY"
ENV_INSTANCE = "LUOSHI_INSTANCE_DIR"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
           "x-frame-options": "DENY", "referrer-policy": "same-origin"}


def instance_dir(db_url: str | None = None) -> Path:
    """Where the app keeps its files (secret key, uploads): env LUOSHI_INSTANCE_DIR, else beside
    a SQLite database file, else ~/.local/share/luoshi."""
    if os.environ.get(ENV_INSTANCE):
        return Path(os.environ[ENV_INSTANCE])
    if db_url:
        from sqlalchemy.engine import make_url

        u = make_url(str(db_url))
        if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
            return Path(u.database).resolve().parent / "luoshi-instance"
    return Path.home() / ".local" / "share" / "luoshi"


def secret_key(db_url: str | None = None) -> str:
    """env LUOSHI_SECRET_KEY, else the key stored in the instance dir (made on first use)."""
    if os.environ.get(ENV_SECRET, "").strip():
        return os.environ[ENV_SECRET].strip()
    path = instance_dir(db_url) / "secret_key"
    if path.exists():
        return path.read_text("utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:  # whole or not at all, and the first of several processes starting at once wins
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text("utf-8").strip()
    finally:
        os.unlink(tmp)
    return key


ENV_PROCESSES = "LUOSHI_SERVER_PROCESSES"  # set by ``luoshi serve --workers N`` for its workers


def server_processes() -> int:
    try:
        return max(1, int(os.environ.get(ENV_PROCESSES, "1")))
    except ValueError:
        return 1


def actor_of(session: dict[str, Any]) -> Actor | None:
    if not isinstance(session.get("uid"), int):
        return None
    return Actor(session["uid"], str(session.get("u", "")), str(session.get("r", "viewer")),
                 session.get("d") if isinstance(session.get("d"), int) else None)


def login(session: dict[str, Any], actor: Actor) -> None:
    """Start a fresh session for ``actor`` (a new CSRF token too: no fixation)."""
    session.clear()
    session.update(uid=actor.id, u=actor.username, r=actor.role, d=actor.department_id,
                   csrf=secrets.token_urlsafe(24))


def csrf_token(session: dict[str, Any]) -> str:
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def csrf_ok(session: dict[str, Any], given: str | None) -> bool:
    want = session.get("csrf")
    return bool(want and given) and hmac.compare_digest(str(want), str(given))


class WebMiddleware:
    """Session cookie in and out, the actor into ``scope['state']``, security headers on every
    response (an API response that sets its own keeps them)."""

    def __init__(self, app: ASGIApp, *, secret: str, is_web_path: Callable[[str], bool],
                 max_age: int = MAX_AGE) -> None:
        self.app = app
        self.signer = URLSafeTimedSerializer(secret, salt="luoshi-web-session")
        self.is_web_path = is_web_path
        self.max_age = max_age

    def _load(self, scope: Scope) -> dict[str, Any]:
        for k, v in scope.get("headers", []):
            if k == b"cookie":
                for part in v.decode("latin-1").split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == COOKIE and value:
                        try:
                            data = self.signer.loads(value, max_age=self.max_age)
                        except BadSignature:
                            return {}
                        return data if isinstance(data, dict) else {}
        return {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session
        state = scope.setdefault("state", {})
        actor = actor_of(session)
        if actor is not None and scope["method"] not in SAFE and not self.is_web_path(scope["path"]):
            header = dict(scope.get("headers", [])).get(b"x-csrf-token", b"").decode("latin-1")
            if not csrf_ok(session, header):
                actor = None  # a cookie alone does not authorise an API write
        if actor is not None:
            state["actor"] = actor
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    if k not in headers:
                        headers[k] = v
                if json.dumps(session, sort_keys=True) != before:
                    flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
                    if session:
                        value = self.signer.dumps(session)
                        headers.append("set-cookie", f"{COOKIE}={value}; Max-Age={self.max_age}{flags}")
                    else:
                        headers.append("set-cookie", f"{COOKIE}=; Max-Age=0{flags}")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginLimiter:
    """Failed logins per (client, username) and per client in a sliding window; a client over
    either limit is refused until the window has passed, right password or not."""

    def __init__(self, per_user: int = 5, per_client: int = 20, window: float = 600.0, *,
                 processes: int = 1) -> None:
        # the counts live in this process: with ``processes`` server processes (``luoshi serve
        # --workers N``) each allows its share, so all together allow at most
        # processes × ceil(limit / processes) — the limit plus fewer than N — whichever serves
        share = max(1, processes)
        self.per_user, self.per_client = -(-per_user // share), -(-per_client // share)
        self.window = window
        self.fails: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> int:
        q = self.fails[key]
        while q and q[0] < now - self.window:
            q.popleft()
        return len(q)

    def blocked(self, client: str, username: str) -> bool:
        now = time.monotonic()
        with self.lock:
            return (self._recent((client, username), now) >= self.per_user
                    or self._recent((client, ""), now) >= self.per_client)

    def failed(self, client: str, username: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.fails[(client, username)].append(now)
            self.fails[(client, "")].append(now)

    def succeeded(self, client: str, username: str) -> None:
        with self.lock:
            self.fails.pop((client, username), None)
