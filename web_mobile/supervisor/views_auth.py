"""Sign-in (API token, or operator badge + PIN) and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for

from tracking_core.errors import DomainError
from web_mobile.api.errors import STATUS
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import session as sv


def _safe_next(target: str | None) -> str:
    """Only a path on this site under /supervisor/: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/supervisor/"):
            return target
    return url_for("supervisor.documents")


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
    status, retry_after = 401, 0
    if request.form.get("method") == "operator":
        badge, pin = request.form.get("badge", "").strip(), request.form.get("pin", "")
        try:  # the core's growing delay after wrong PINs applies, and audits the try
            op = c.authenticate_operator(badge, pin)
        except DomainError as err:
            error, status = (err.code, str(err)), STATUS[err.category]
            retry_after = int(err.details().get("retry_after", 0) or 0)
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
    page = render_template("supervisor/signin.html", next=nxt, error=error, retry_after=retry_after)
    return page, status


@bp.post("/signout")
def signout() -> Any:
    sv.sign_out()
    return redirect(url_for("supervisor.signin"))
