"""Sign-in (API token, or operator badge + PIN) and sign-out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for

from tracking_core.errors import Category, DomainError
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import session as sv


def _safe_next(target: str | None) -> str:
    """Only a path on this site under /supervisor/: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/supervisor/"):
            return target
    return url_for("supervisor.documents")


def operator_sign_in(c: Any, badge: str, pin: str) -> Any:
    """The operator of a badge and PIN (the core's delay rules and audit apply)."""
    if not hasattr(c, "authenticate_operator"):  # a core without operator PINs
        raise OperatorSignInUnavailable()
    return c.authenticate_operator(badge, pin)


@dataclass(eq=False)
class OperatorSignInUnavailable(DomainError):
    code: ClassVar[str] = "operator_signin_unavailable"
    category: ClassVar[Category] = "unavailable"
    template: ClassVar[str] = "Operators have no PINs here yet: sign in with an API token"


@bp.get("/")
def home() -> Any:
    return redirect(url_for("supervisor.documents"))


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    nxt = request.values.get("next")
    if request.method == "GET":
        return render_template("supervisor/signin.html", next=nxt, error=None)
    c = sv.core()
    error: tuple[str, str] | None = None
    if request.form.get("method") == "operator":
        badge, pin = request.form.get("badge", "").strip(), request.form.get("pin", "")
        try:
            op = operator_sign_in(c, badge, pin)
        except DomainError as err:
            error = (err.code, str(err))
        else:
            sv.sign_in(sv.Viewer("operator", op.badge, op.name, op.role), c.clock())
            return redirect(_safe_next(nxt))
    else:
        info = c.authenticate(request.form.get("token", "").strip())
        if info is None:
            error = ("token_unknown", "Unknown or revoked token.")
        else:
            sv.sign_in(sv.Viewer("token", str(info.id), info.name, info.role), c.clock())
            return redirect(_safe_next(nxt))
    page = render_template("supervisor/signin.html", next=nxt, error=error)
    return page, 401


@bp.post("/signout")
def signout() -> Any:
    sv.sign_out()
    return redirect(url_for("supervisor.signin"))
