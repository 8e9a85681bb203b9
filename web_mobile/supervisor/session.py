"""Who is signed in to the supervisor pages, CSRF tokens, and the role checks.

The session cookie (signed by Flask, HttpOnly, SameSite=Lax, Secure over HTTPS) holds
only who signed in: a token's id or an operator's badge. Every request looks them up
again, so a revoked token or a deactivated operator is out at once, and a role change
applies at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from tracking_core import Role
from tracking_core.auth import PERMISSIONS, TokenInfo, allowed
from tracking_core.core import Actor, Tracking
from web_mobile.supervisor import secret

KEY = "supervisor"
CSRF_KEY = "csrf"
MAX_AGE = dt.timedelta(hours=12)  # a signed-in browser left at a desk signs out by itself

F = TypeVar("F", bound=Callable[..., Any])


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, with the key loaded on first use and Secure over HTTPS."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            app.secret_key = _secret_key(app)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _secret_key(app: Flask) -> str:
    from_env = os.environ.get("SCANTRACK_SECRET_KEY")
    if from_env:
        return from_env
    return secret.load_or_create(secret.key_dir(app.config["DATABASE_URL"]))


def install(app: Flask) -> None:
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionInterface()


def core() -> Tracking:
    tracking: Tracking = current_app.extensions["scantrack"]
    return tracking


@dataclass(frozen=True)
class Viewer:
    """Who is signed in: an API token (``kind="token"``) or an operator (``"operator"``)."""

    kind: str
    key: str  # the token's id, or the badge
    name: str
    role: Role

    @property
    def actor_name(self) -> str:
        """What audits record: the token's name, or the badge."""
        return self.name if self.kind == "token" else self.key

    @property
    def token_name(self) -> str:
        """The token name its writes are recorded with: the token's, or ``op-BADGE``."""
        return self.name if self.kind == "token" else f"op-{self.key}"

    def actor(self) -> Actor:
        return Actor(token=self.token_name, role=self.role)


def sign_in(viewer: Viewer, now: dt.datetime) -> None:
    session.clear()  # a fresh session (and CSRF token) on every sign-in: no fixation
    session[KEY] = {"kind": viewer.kind, "key": viewer.key, "at": now.timestamp()}
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def sign_out() -> None:
    session.clear()


def _lookup(kind: str, key: str) -> Viewer | None:
    c = core()
    if kind == "token":
        tok = next((t for t in c.tokens() if str(t.id) == key), None)
        if tok is None or tok.revoked:
            return None
        return Viewer("token", key, tok.name, tok.role)
    op = next((o for o in c.operators() if o.badge == key), None)
    if op is None or not op.active:
        return None
    return Viewer("operator", key, op.name, op.role)


def viewer() -> Viewer | None:
    """The signed-in viewer of this request, looked up once."""
    if "sv_viewer" in g:
        found: Viewer | None = g.sv_viewer
        return found
    data = session.get(KEY)
    found = None
    if isinstance(data, dict):
        at = dt.datetime.fromtimestamp(float(data.get("at", 0)), dt.UTC)
        if core().clock() - at <= MAX_AGE:
            found = _lookup(str(data.get("kind")), str(data.get("key")))
    if found is None and data is not None:
        session.pop(KEY, None)
    g.sv_viewer = found
    return found


class Forbidden(Exception):
    """The signed-in role may not do this; the page names the roles that may."""

    def __init__(self, action: str, role: str) -> None:
        super().__init__(action)
        self.action, self.role = action, role
        self.needed = PERMISSIONS[action]


def can(action: str) -> bool:
    """For templates: may the viewer do ``action``? (buttons they may not use are hidden)"""
    v = viewer()
    return v is not None and allowed(v.role, action)


def requires(action: str) -> Callable[[F], F]:
    """A view for signed-in viewers whose role may ``action`` (tracking_core.auth)."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def view(*args: Any, **kwargs: Any) -> Any:
            v = viewer()
            if v is None:
                if request.method == "GET" and not request.path.endswith(".json"):
                    return redirect(
                        url_for("supervisor.signin", next=request.full_path.rstrip("?"))
                    )
                abort(401)
            if not allowed(v.role, action):
                raise Forbidden(action, v.role)
            return fn(*args, **kwargs)

        return view  # type: ignore[return-value]

    return wrap


def csrf_token() -> str:
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


class CsrfRefused(Exception):
    """A POST without this session's CSRF token."""


def check_csrf() -> None:
    """Every POST carries the session's token (a form field, or X-CSRF-Token for scripts)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()


def monitor_identity() -> TokenInfo | None:
    """Who the session cookie signs in, as the TokenInfo the ``/scan`` namespace's monitor
    room takes (the cookie holds no raw token); None when nobody is signed in. Works
    wherever a request context has the Flask session (e.g. a Socket.IO connect)."""
    v = viewer()
    if v is None:
        return None
    if v.kind == "token":
        return next((t for t in core().tokens() if str(t.id) == v.key), None)
    return TokenInfo(id=0, name=v.token_name, role=v.role, created_at=core().clock(), revoked=False)
