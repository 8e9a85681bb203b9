"""Count mode: serials scanned at a location, compared with what the ledger says is there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracking_core import catalog
from tracking_core.context import Ctx
from tracking_core.errors import InvalidInput
from tracking_core.models import SerialNumber
from tracking_core.scan.answer import Feedback, Status, ok
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import CountSerial


def count(ctx: Ctx, state: SessionState, step: CountSerial) -> tuple[Feedback, SessionState]:
    if state.location is None:
        raise InvalidInput(field="location", reason="scan the location you are counting")
    if step.serial in state.counted:
        return Feedback("warn", "counted_twice", f"{step.serial} was counted already"), state
    new = state.with_(counted=(*state.counted, step.serial))
    return ok("counted", f"{step.serial} counted ({len(new.counted)})"), new


def _count_report(ctx: Ctx, state: SessionState) -> dict[str, Any]:
    loc = catalog.location_row(ctx.session, state.location or "")
    expected = set(
        ctx.session.execute(
            select(SerialNumber.serial).where(
                SerialNumber.location_id == loc.id,
                SerialNumber.status.in_(("in_stock", "allocated")),
            )
        ).scalars()
    )
    seen = set(state.counted)
    return {
        "location": loc.code,
        "counted": len(seen),
        "expected": len(expected),
        "missing": sorted(expected - seen),
        "unexpected": sorted(seen - expected),
    }


def report(ctx: Ctx, state: SessionState) -> tuple[Feedback, SessionState]:
    """Confirm in count mode: what was counted against what should be there."""
    found = _count_report(ctx, state)
    status: Status = "ok" if not (found["missing"] or found["unexpected"]) else "warn"
    msg = (
        f"Count at {found['location']}: {found['counted']} counted, "
        f"{len(found['missing'])} missing, {len(found['unexpected'])} unexpected"
    )
    return Feedback(status, "count_result", msg, data={"count": found}), state.with_(counted=())
