"""Devices: handhelds and station displays, enrolled with a one-time code.

A supervisor creates a device and gets a code (shown as a QR code); the handheld trades
the code for its own token once, within ``ENROL_MINUTES``. The token is an ordinary API
token (role ``operator``, named after the device), so the device scans and reads with
an operator's rights. Revoking a device revokes its token; enrolling it again makes a
new one. Codes and tokens are stored only as SHA-256.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core import auth, validate
from tracking_core.context import Ctx
from tracking_core.errors import (
    DuplicateKey,
    EnrolmentCodeInvalid,
    InvalidInput,
    UnknownDevice,
)
from tracking_core.models import ApiToken, Device
from tracking_core.vocabulary import Role

ENROL_MINUTES = 10
MAX_PROFILE = 4096  # bytes of JSON: a scan profile is a handful of settings
DEVICE_ROLE: Role = "operator"


@dataclass(frozen=True)
class DeviceInfo:
    name: str
    station: str | None
    profile: dict[str, Any]
    role: Role
    enrolled: bool
    revoked: bool
    created_at: dt.datetime
    enrolled_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    enrol_expires_at: dt.datetime | None = None


def _info(row: Device) -> DeviceInfo:
    return DeviceInfo(
        name=row.name,
        station=row.station,
        profile=dict(row.profile or {}),
        role=DEVICE_ROLE,
        enrolled=row.token_id is not None and row.revoked_at is None,
        revoked=row.revoked_at is not None,
        created_at=row.created_at,
        enrolled_at=row.enrolled_at,
        revoked_at=row.revoked_at,
        enrol_expires_at=row.enrol_expires_at,
    )


def check_profile(profile: object) -> dict[str, Any]:
    """A JSON object of modest size (what is in it, the gateway's ScanProfile checks)."""
    if profile is None:
        return {}
    if not isinstance(profile, dict):
        raise InvalidInput(field="profile", reason="must be an object")
    size = len(json.dumps(profile))
    if size > MAX_PROFILE:
        raise InvalidInput(field="profile", reason=f"larger than {MAX_PROFILE} bytes ({size})")
    return profile


def device_row(s: Session, name: str, *, lock: bool = False) -> Device:
    q = select(Device).where(Device.name == validate.code("device", name))
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise UnknownDevice(key=name)
    return row


def _new_code(row: Device, now: dt.datetime) -> str:
    code = secrets.token_urlsafe(18)
    row.enrol_code_hash = auth.secret_digest(code)
    row.enrol_expires_at = now + dt.timedelta(minutes=ENROL_MINUTES)
    return code


def create_device(
    ctx: Ctx, *, name: str, profile: object = None, station: str | None = None
) -> tuple[str, DeviceInfo]:
    s = ctx.session
    code_name = validate.code("name", name)
    if s.execute(select(Device.id).where(Device.name == code_name)).first():
        raise DuplicateKey(entity="device", key=code_name)
    row = Device(
        name=code_name,
        station=None if station is None else validate.code("station", station),
        profile=check_profile(profile),
        created_at=ctx.now,
    )
    code = _new_code(row, ctx.now)
    s.add(row)
    s.flush()
    return code, _info(row)


def new_enrolment(ctx: Ctx, name: str) -> tuple[str, DeviceInfo]:
    """A fresh code for a device: a revoked or lost one is enrolled again with it."""
    row = device_row(ctx.session, name, lock=True)
    code = _new_code(row, ctx.now)
    ctx.session.flush()
    return code, _info(row)


def enrol(ctx: Ctx, code: object) -> tuple[str, DeviceInfo]:
    s = ctx.session
    if not isinstance(code, str) or not 8 <= len(code) <= 64:
        raise EnrolmentCodeInvalid()
    q = select(Device).where(Device.enrol_code_hash == auth.secret_digest(code)).with_for_update()
    row = s.execute(q).scalar_one_or_none()
    expires = None if row is None else row.enrol_expires_at
    if row is None or expires is None or ctx.now >= expires:
        raise EnrolmentCodeInvalid()
    if row.token_id is not None:  # enrolled before: that token stops working now
        auth.revoke_token(s, row.token_id, now=ctx.now)
        row.token_id = None
        s.flush()
    token, info = auth.create_token(s, name=row.name, role=DEVICE_ROLE, now=ctx.now)
    row.token_id = info.id
    row.enrol_code_hash, row.enrol_expires_at = None, None  # used up
    row.enrolled_at, row.revoked_at = ctx.now, None
    s.flush()
    return token, _info(row)


def authenticate(s: Session, token: str) -> DeviceInfo | None:
    """The device a token belongs to; None when unknown, revoked, or not a device's."""
    info = auth.authenticate(s, token)
    if info is None:
        return None
    row = s.execute(select(Device).where(Device.token_id == info.id)).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return _info(row)


def revoked_for(s: Session, token: str) -> DeviceInfo | None:
    """The revoked device whose current token this is (to say why a connection is refused)."""
    q = (
        select(Device)
        .join(ApiToken, ApiToken.id == Device.token_id)
        .where(ApiToken.token_hash == auth.secret_digest(token), Device.revoked_at.is_not(None))
    )
    row = s.execute(q).scalar_one_or_none()
    return None if row is None else _info(row)


def revoke(ctx: Ctx, name: str) -> DeviceInfo:
    row = device_row(ctx.session, name, lock=True)
    if row.token_id is not None:
        auth.revoke_token(ctx.session, row.token_id, now=ctx.now)
    row.revoked_at = row.revoked_at or ctx.now
    row.enrol_code_hash, row.enrol_expires_at = None, None
    ctx.session.flush()
    return _info(row)


def set_profile(ctx: Ctx, name: str, profile: object) -> DeviceInfo:
    row = device_row(ctx.session, name, lock=True)
    row.profile = check_profile(profile)
    ctx.session.flush()
    return _info(row)


def list_devices(s: Session) -> list[DeviceInfo]:
    return [_info(r) for r in s.execute(select(Device).order_by(Device.name)).scalars()]
