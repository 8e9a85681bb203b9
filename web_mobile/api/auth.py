"""Bearer tokens with roles."""

from __future__ import annotations

from flask import current_app, request

from tracking_core.auth import TokenInfo
from tracking_core.core import Tracking
from web_mobile.api.errors import ApiError


def core() -> Tracking:
    tracking: Tracking = current_app.extensions["scantrack"]
    return tracking


def authenticate(roles: tuple[str, ...]) -> TokenInfo:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send Authorization: Bearer TOKEN", {})
    info = core().authenticate(token.strip())
    if info is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token", {})
    if info.role not in roles:
        raise ApiError(
            403,
            "permission_denied",
            f"this needs one of the roles {', '.join(roles)}",
            {"role": info.role, "needed": list(roles)},
        )
    return info
