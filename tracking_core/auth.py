"""API tokens and roles. Tokens are random, shown once, and stored only as SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.errors import InvalidInput, NotFound
from tracking_core.models import ROLES, ApiToken


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    role: str
    created_at: dt.datetime
    revoked: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    s: Session, *, name: str, role: str, now: dt.datetime, token: str | None = None
) -> tuple[str, TokenInfo]:
    if role not in ROLES:
        raise InvalidInput(field="role", reason=f"must be one of {', '.join(ROLES)}")
    name = validate.code("name", name)
    if token is None:
        token = "st_" + secrets.token_urlsafe(32)
    elif len(token) < 16:
        raise InvalidInput(field="token", reason="must be at least 16 characters")
    existing = s.execute(select(ApiToken).where(ApiToken.token_hash == _hash(token))).scalar()
    if existing is not None:  # the bootstrap token on every start: keep the row
        return token, _info(existing)
    row = ApiToken(name=name, role=role, token_hash=_hash(token), created_at=now)
    s.add(row)
    s.flush()
    return token, _info(row)


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.id, row.name, row.role, row.created_at, row.revoked_at is not None)


def authenticate(s: Session, token: str) -> TokenInfo | None:
    row = s.execute(select(ApiToken).where(ApiToken.token_hash == _hash(token))).scalar()
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
