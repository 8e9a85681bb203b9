"""API tokens, roles, and what each role may do.

Tokens are random, shown once, and stored only as SHA-256. ``PERMISSIONS`` is the one
table of who may do what: the REST routes take their roles from it, and the scan path
(``/scans``, ``/commands``, devices) asks :func:`require` before every step.

>>> allowed("operator", "scan"), allowed("operator", "scan_adhoc")
(True, False)
>>> allowed("operator", "scan_adhoc", {"operator_adhoc_documents": True})
True
>>> require("operator", "documents")
Traceback (most recent call last):
...
tracking_core.errors.PermissionDenied: Documents needs the admin or setup or integration role (you have operator)
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.errors import InvalidInput, NotFound, PermissionDenied
from tracking_core.models import ApiToken
from tracking_core.vocabulary import ROLES, Role, one_of

# Who may do what. Actions, not endpoints: one action covers REST, scans and commands.
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "read": ROLES,  # inquiry, listings, documents' progress, settings
    "master_data": ("admin", "setup", "integration"),  # items, locations, partners, stock control
    "documents": ("admin", "setup", "integration"),  # create, add lines, post, cancel, reverse
    # Scans against an existing document (assign, generate, check, count, undo) and their
    # confirm (posting that document); session commands; inquiry.
    "scan": ("admin", "setup", "operator", "integration"),
    # Ad-hoc documents made from scans: creating one, assigning or generating on it, and
    # confirming (posting) it. Stock from nothing needs more than a badge.
    "scan_adhoc": ("admin", "setup", "integration"),
    # Reprinting a job: whoever may scan (a torn label at the dock, an ERP re-issuing one);
    # each reprint records who and why.
    "labels": ("admin", "setup", "operator", "integration"),
    # Settling an unconfirmed job (printed, resend, cancel) needs someone who can look at the
    # printer: an ERP guessing "printed" would leave a number without a label.
    "label_decisions": ("admin", "setup", "operator"),
    "settings": ("admin", "setup"),
    "operators": ("admin", "setup"),
    "devices": ("admin", "setup"),  # add, enrol, revoke devices and set their scan profiles
    "tokens": ("admin",),
}
# A setting that grants an action to one more role.
GRANTS: dict[str, tuple[str, Role]] = {"scan_adhoc": ("operator_adhoc_documents", "operator")}


def roles_for(action: str) -> tuple[Role, ...]:
    """The roles that may always do ``action`` (settings may grant it to more)."""
    return PERMISSIONS[action]


def allowed(role: str | None, action: str, settings: Any = None) -> bool:
    """May ``role`` do ``action``, given the settings (an object or a mapping)?"""
    if role in PERMISSIONS[action]:
        return True
    grant = GRANTS.get(action)
    if grant is None or role != grant[1] or settings is None:
        return False
    key = grant[0]
    value = settings.get(key) if isinstance(settings, Mapping) else getattr(settings, key, False)
    return value is True


def require(role: str | None, action: str, settings: Any = None, *, what: str = "") -> None:
    """Raise ``PermissionDenied`` unless ``role`` may do ``action``."""
    if not allowed(role, action, settings):
        needed = " or ".join(PERMISSIONS[action])
        raise PermissionDenied(action=what or action, role=role, needed=needed)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    role: Role
    created_at: dt.datetime
    revoked: bool


def secret_digest(token: str) -> str:
    """How tokens and enrolment codes are stored: SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    s: Session, *, name: str, role: Role, now: dt.datetime, token: str | None = None
) -> tuple[str, TokenInfo]:
    role = one_of("role", role, ROLES)
    name = validate.code("name", name)
    if token is None:
        token = "st_" + secrets.token_urlsafe(32)
    elif len(token) < 16:
        raise InvalidInput(field="token", reason="must be at least 16 characters")
    q = select(ApiToken).where(ApiToken.token_hash == secret_digest(token))
    existing = s.execute(q).scalar()
    if existing is not None:  # the bootstrap token on every start: keep the row
        return token, _info(existing)
    row = ApiToken(name=name, role=role, token_hash=secret_digest(token), created_at=now)
    s.add(row)
    s.flush()
    return token, _info(row)


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.id, row.name, row.role, row.created_at, row.revoked_at is not None)


def authenticate(s: Session, token: str) -> TokenInfo | None:
    row = s.execute(select(ApiToken).where(ApiToken.token_hash == secret_digest(token))).scalar()
    if row is None or row.revoked_at is not None:
        return None
    return _info(row)


def list_tokens(s: Session) -> list[TokenInfo]:
    return [_info(r) for r in s.execute(select(ApiToken).order_by(ApiToken.id)).scalars()]


def revoke_token(s: Session, token_id: int, *, now: dt.datetime) -> TokenInfo:
    row = s.get(ApiToken, token_id)
    if row is None:
        raise NotFound(entity="token", key=str(token_id))
    row.revoked_at = row.revoked_at or now
    s.flush()
    return _info(row)
