"""Operator PINs: how they are kept, checked, slowed down after failures, and audited.

A PIN is 4 to 8 digits, kept only as scrypt with its own salt. The first two wrong PINs
in a row cost nothing; from the third, the next try is not checked before a delay that
doubles with each failure (1 s, 2 s, 4 s, ... up to 15 min), so ten wrong PINs in a row
leave the badge waiting 2 min and guessing 10,000 PINs takes months. Every attempt, good
or bad, is a row in ``operator_signins``.

>>> delay(1), delay(2), delay(3), delay(4), delay(10), delay(40)
(0, 0, 1, 2, 128, 900)
>>> check_pin("12a4")
Traceback (most recent call last):
...
tracking_core.errors.InvalidInput: Invalid pin: must be 4 to 8 digits
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core.context import Ctx
from tracking_core.errors import (
    DomainError,
    InvalidInput,
    NoPin,
    OperatorInactive,
    SignInLocked,
    WrongPin,
)
from tracking_core.models import Operator, OperatorSignIn
from tracking_core.operators import check_badge, operator_row
from tracking_core.vocabulary import Role, SignInResult

FREE_FAILURES = 2
MAX_DELAY = 900  # seconds
_N, _R, _P = 2**14, 8, 1  # scrypt: about 16 MiB and a few tens of ms per check


@dataclass(frozen=True)
class SignInRecord:
    badge: str
    device: str | None
    result: SignInResult
    at: dt.datetime


@dataclass(frozen=True)
class OperatorSignInInfo:
    """A successful sign-in: who, with which role, until when (None: no expiry)."""

    badge: str
    name: str
    role: Role
    expires_at: dt.datetime | None = None


def delay(failures: int) -> int:
    """Seconds to wait before the next try after ``failures`` wrong PINs in a row."""
    if failures <= FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES - 1), MAX_DELAY))


def check_pin(value: object) -> str:
    # isascii: str.isdigit also takes other scripts' digits ("١٢٣٤")
    if not isinstance(value, str) or not (
        4 <= len(value) <= 8 and value.isascii() and value.isdigit()
    ):
        raise InvalidInput(field="pin", reason="must be 4 to 8 digits")
    return value


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def set_pin(ctx: Ctx, badge: str, pin: str | None) -> None:
    """Set (or with None, clear) an operator's PIN; a new PIN also lifts a lock-out."""
    row = operator_row(ctx.session, badge, lock=True)
    row.pin_hash = None if pin is None else hash_pin(check_pin(pin))
    row.failed_pins, row.locked_until = 0, None
    ctx.session.flush()


def attempt(ctx: Ctx, badge: str, pin: object, *, device: str | None) -> Operator | DomainError:
    """Check a PIN and record the attempt; the error is returned, not raised, so the
    caller can commit the audit row and the failure count before refusing."""
    s = ctx.session
    code = check_badge(badge)
    if not isinstance(pin, str) or not pin:
        raise InvalidInput(field="pin", reason="must be 4 to 8 digits")
    row = s.execute(select(Operator).where(Operator.badge == code).with_for_update()).scalar()

    def audit(result: SignInResult) -> None:
        s.add(
            OperatorSignIn(
                badge=code,
                operator_id=None if row is None else row.id,
                device=device,
                result=result,
                at=ctx.now,
            )
        )

    if row is None:
        audit("unknown")
        # the same answer as a wrong PIN: a sign-in screen does not confirm badges
        return WrongPin(badge=code, failures=1, retry_after=0)
    if row.locked_until is not None and ctx.now < row.locked_until:
        audit("locked")
        wait = int((row.locked_until - ctx.now).total_seconds() + 0.999)
        return SignInLocked(badge=code, retry_after=max(wait, 1))
    if not row.active:
        audit("inactive")
        return OperatorInactive(badge=row.badge, name=row.name)
    if row.pin_hash is None:
        audit("no_pin")
        return NoPin(badge=row.badge)
    if not pin_matches(pin, row.pin_hash):
        row.failed_pins += 1
        wait = delay(row.failed_pins)
        row.locked_until = ctx.now + dt.timedelta(seconds=wait) if wait else None
        audit("wrong_pin")
        return WrongPin(badge=row.badge, failures=row.failed_pins, retry_after=wait)
    row.failed_pins, row.locked_until = 0, None
    audit("ok")
    return row


def list_signins(s: Session, *, badge: str | None, limit: int) -> list[SignInRecord]:
    q = select(OperatorSignIn).order_by(OperatorSignIn.id.desc()).limit(limit)
    if badge is not None:
        q = q.where(OperatorSignIn.badge == check_badge(badge))
    return [SignInRecord(r.badge, r.device, r.result, r.at) for r in s.execute(q).scalars()]
