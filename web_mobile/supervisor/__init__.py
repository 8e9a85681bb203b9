"""Supervisor pages under ``/supervisor/``: server-rendered, a little plain JS for live parts.

``init_app(app)`` mounts them. Sign-in is with an API token or an operator's badge and
PIN (see ``session``); every page checks the signed-in role against
``tracking_core.auth.PERMISSIONS``; every POST carries the session's CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template

from tracking_core.auth import PERMISSIONS
from tracking_core.errors import DomainError
from web_mobile.api.errors import STATUS
from web_mobile.supervisor import session as sv

PREFIX = "/supervisor"
blueprint = Blueprint("supervisor", __name__)


@blueprint.before_request
def _csrf() -> None:
    sv.check_csrf()


@blueprint.context_processor
def _globals() -> dict[str, Any]:
    return {"viewer": sv.viewer(), "csrf_token": sv.csrf_token, "can": sv.can}


def error_page(status: int, code: str, message: str) -> tuple[str, int]:
    return render_template("supervisor/error.html", code=code, message=message), status


@blueprint.errorhandler(sv.Forbidden)
def _forbidden(err: sv.Forbidden) -> tuple[str, int]:
    page = render_template(
        "supervisor/forbidden.html", action=err.action, role=err.role, needed=err.needed
    )
    return page, 403


@blueprint.errorhandler(sv.CsrfRefused)
def _csrf_refused(err: sv.CsrfRefused) -> tuple[str, int]:
    return error_page(
        400, "csrf_failed", "The form was out of date or not sent by this site: reload and retry."
    )


@blueprint.errorhandler(DomainError)
def _domain(err: DomainError) -> tuple[str, int]:
    return error_page(STATUS[err.category], err.code, str(err))


@blueprint.errorhandler(401)
def _unauthorized(err: Exception) -> tuple[str, int]:
    return error_page(401, "unauthorized", "Sign in first.")


# Imported for their routes, after the blueprint exists.
from web_mobile.supervisor import (  # noqa: E402, F401
    views_admin,
    views_auth,
    views_devices,
    views_documents,
    views_inquiry,
    views_labels,
    views_monitor,
)


def init_app(app: Flask) -> None:
    sv.install(app)
    app.register_blueprint(blueprint, url_prefix=PREFIX)


__all__ = ["PERMISSIONS", "PREFIX", "blueprint", "init_app"]
