"""Bearer tokens with roles: who is calling, and may they."""

from __future__ import annotations

from flask import current_app, g, request

from tracking_core.auth import TokenInfo
from tracking_core.core import Actor, Tracking
from tracking_core.errors import PermissionDenied
from web_mobile.api.errors import ApiError


def core() -> Tracking:
    tracking: Tracking = current_app.extensions["scantrack"]
    return tracking


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def authenticate(roles: tuple[str, ...], action: str) -> TokenInfo:
    """The caller's token; 401 without a valid one, 403 when its role may not ``action``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Send Authorization: Bearer TOKEN")
    info = core().authenticate(token)
    if info is None:
        raise _unauthorized("Unknown or revoked token")
    if info.role not in roles:
        # the core's own error, so 403s look the same whichever layer refuses
        raise PermissionDenied(action=action, role=info.role, needed=" or ".join(roles))
    g.scantrack_token = info
    return info


def current_token() -> TokenInfo:
    info: TokenInfo = g.scantrack_token
    return info


def actor(device: str | None = None) -> Actor:
    """Who the ledger records: the token's name (and role), and the device of a scan step."""
    token = current_token()
    return Actor(token=token.name, role=token.role, device=device)
