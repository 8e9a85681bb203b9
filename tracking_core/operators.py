"""Operators: the people who sign in on a device with an ``OP:BADGE`` label.

A badge is checked before it is looked up: 1 to 32 letters, digits, ``.``, ``_`` or
``-``, so bidi, zero-width and control characters never reach the ledger.

>>> check_badge("0042")
'0042'
>>> check_badge("00\\u200b42")
Traceback (most recent call last):
...
tracking_core.errors.InvalidInput: Invalid badge: format character U+200B not allowed
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.context import Ctx
from tracking_core.errors import DuplicateKey, InvalidInput, OperatorInactive, UnknownOperator
from tracking_core.models import MAX_BADGE, Operator
from tracking_core.vocabulary import ROLES, Role, one_of

BADGE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_BADGE - 1}}}")


@dataclass(frozen=True)
class OperatorInfo:
    badge: str
    name: str
    active: bool
    created_at: dt.datetime
    deactivated_at: dt.datetime | None = None
    role: Role = "operator"
    has_pin: bool = False


def check_badge(value: object) -> str:
    """The badge, or ``InvalidInput(field="badge")`` saying what is wrong with it."""
    if not isinstance(value, str):
        raise InvalidInput(field="badge", reason=f"must be text, got {type(value).__name__}")
    for c in value:
        cat = unicodedata.category(c)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            what = "format" if cat == "Cf" else "control"
            raise InvalidInput(field="badge", reason=f"{what} character U+{ord(c):04X} not allowed")
    if not value:
        raise InvalidInput(field="badge", reason="must not be empty")
    if len(value) > MAX_BADGE:
        raise InvalidInput(
            field="badge", reason=f"longer than {MAX_BADGE} characters ({len(value)})"
        )
    if not BADGE.fullmatch(value):
        raise InvalidInput(
            field="badge",
            reason="only letters, digits, '.', '_' and '-' (starting with one of the first two)",
        )
    return value


def _info(row: Operator) -> OperatorInfo:
    return OperatorInfo(
        row.badge,
        row.name,
        row.active,
        row.created_at,
        row.deactivated_at,
        row.role,
        row.pin_hash is not None,
    )


def operator_row(s: Session, badge: str, *, lock: bool = False) -> Operator:
    q = select(Operator).where(Operator.badge == check_badge(badge))
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise UnknownOperator(key=badge)
    return row


def signed_in(s: Session, badge: str) -> Operator:
    """The operator a badge signs in, if known and active."""
    row = operator_row(s, badge)
    if not row.active:
        raise OperatorInactive(badge=row.badge, name=row.name)
    return row


def create_operator(
    ctx: Ctx, *, badge: str, name: str, role: Role = "operator", pin_hash: str | None = None
) -> OperatorInfo:
    s = ctx.session
    code = check_badge(badge)
    person = validate.text("name", name).strip()
    if not person:
        raise InvalidInput(field="name", reason="must not be empty")
    if s.execute(select(Operator.id).where(Operator.badge == code)).first():
        raise DuplicateKey(entity="operator", key=code)
    role = one_of("role", role, ROLES)
    row = Operator(
        badge=code, name=person, active=True, created_at=ctx.now, role=role, pin_hash=pin_hash
    )
    s.add(row)
    s.flush()
    return _info(row)


def set_active(ctx: Ctx, badge: str, *, active: bool) -> OperatorInfo:
    row = operator_row(ctx.session, badge, lock=True)
    if row.active != active:
        row.active = active
        row.deactivated_at = None if active else ctx.now
        ctx.session.flush()
    return _info(row)


def list_operators(s: Session) -> list[OperatorInfo]:
    return [_info(r) for r in s.execute(select(Operator).order_by(Operator.badge)).scalars()]


def set_role(ctx: Ctx, badge: str, role: Role) -> OperatorInfo:
    role = one_of("role", role, ROLES)
    row = operator_row(ctx.session, badge, lock=True)
    row.role = role
    ctx.session.flush()
    return _info(row)
