"""The device's side of a scan transaction: opened in one statement, closed in two.

The opening statement locks the device's session row and brings, as scalar subqueries,
the stored answer of this ``scan_id`` (if it is a replay), the settings' version (the
newest ``setting_changes`` id: every settings write records one), so the settings are
read again only when they changed, and the device's own scan profile and station (for
the gateway's interpretation and the pushes after the scan).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from tracking_core.context import Ctx
from tracking_core.errors import IdempotencyConflict
from tracking_core.models import Device, DeviceSession, ScanResult, SettingChange
from tracking_core.scan.state import SessionState
from tracking_core.settings import Settings


@dataclass
class SettingsCache:
    """The settings as last read, and the version they were read at (per process)."""

    version: int | None = None
    settings: Settings | None = None

    def use(self, ctx: Ctx, version: int | None) -> None:
        """Give ``ctx`` the settings of ``version``, read only if the cache is older."""
        if self.settings is None or version != self.version:
            self.settings, self.version = Settings.load(ctx.session), version
        ctx.use_settings(self.settings)


@dataclass
class Opened:
    row: DeviceSession | None
    state: SessionState
    stored: Any  # the stored answer of a replayed scan, else None
    profile: dict[str, Any] | None  # the device's own scan profile overrides, if any
    station: str | None  # the device's own station, if any


def open_scan(
    ctx: Ctx, device: str, scan_id: str, digest: str, settings: SettingsCache
) -> Opened:
    """Lock the device's session; the stored answer of ``scan_id``; fresh settings.

    A stored answer for other content under the same ``scan_id`` raises
    ``IdempotencyConflict``.
    """
    mine = (ScanResult.device == device) & (ScanResult.scan_id == scan_id)
    extra = (
        select(ScanResult.request_hash).where(mine).scalar_subquery(),
        select(ScanResult.result).where(mine).scalar_subquery(),
        select(func.max(SettingChange.id)).scalar_subquery(),
        select(Device.profile).where(Device.name == device).scalar_subquery(),
        select(Device.station).where(Device.name == device).scalar_subquery(),
    )
    found = ctx.session.execute(
        select(DeviceSession, *extra)
        .where(DeviceSession.device == device)
        .with_for_update(of=DeviceSession)
    ).first()
    if found is None:  # the device's first scan: no session row yet
        row = None
        stored_hash, stored, version, profile, station = ctx.session.execute(
            select(*extra)
        ).one()
    else:
        row, stored_hash, stored, version, profile, station = found
    settings.use(ctx, version)
    if stored_hash is not None and stored_hash != digest:
        raise IdempotencyConflict(device=device, scan_id=scan_id)
    state = SessionState.from_json(dict(row.state) if row is not None else {})
    stored = stored if stored_hash is not None else None
    return Opened(row, state, stored, dict(profile) if profile else None, station)


def close_scan(
    ctx: Ctx, opened: Opened, device: str, scan_id: str, digest: str, state: SessionState,
    answer: dict[str, Any],
) -> None:
    """Store the device's new session and this scan's answer."""
    store_state(ctx, opened.row, device, state)
    ctx.session.add(
        ScanResult(
            device=device, scan_id=scan_id, request_hash=digest, result=answer, created_at=ctx.now
        )
    )
    ctx.session.flush()


def locked_state(ctx: Ctx, device: str) -> tuple[DeviceSession | None, SessionState]:
    """A device's session row, locked for this transaction, and its state."""
    row = ctx.session.get(DeviceSession, device, with_for_update=True)
    return row, SessionState.from_json(dict(row.state) if row else {})


def store_state(ctx: Ctx, row: DeviceSession | None, device: str, state: SessionState) -> None:
    if row is None:
        ctx.session.add(DeviceSession(device=device, state=state.to_json(), updated_at=ctx.now))
    else:
        row.state, row.updated_at = state.to_json(), ctx.now


def read_state(ctx: Ctx, device: str) -> SessionState:
    row = ctx.session.get(DeviceSession, device)
    return SessionState.from_json(dict(row.state) if row else {})


def device_station(ctx: Ctx, device: str) -> str | None:
    """An added device's own station (None: it has none, or it is not an added device)."""
    return ctx.session.execute(select(Device.station).where(Device.name == device)).scalar()
