"""The scan unit of work: one scan, one transaction, one answer.

Inside the transaction ``Tracking.scan`` opens: the stored answer of a replayed
``scan_id``; the device's session, locked; the double-read check; the gateway's plan
(pure: the state and a catalog lookup in, a step out); the step; the answer with the
document's progress and the next prompt, read once; the new session and the stored
answer. A domain error rolls all of it back and the caller answers it with
:func:`refused`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tracking_core import catalog
from tracking_core.context import Ctx
from tracking_core.errors import DomainError, IdempotencyConflict, PartnerRequired
from tracking_core.scan import pack_steps, refusals
from tracking_core.scan.answer import Feedback, ScanReply, from_error
from tracking_core.scan.dispatch import execute
from tracking_core.scan.prompt import document, progress, prompt
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import ItemRef, Refuse, ScanInput
from tracking_core.scan.store import (
    SettingsCache,
    close_scan,
    device_station,
    open_scan,
    read_state,
)


def run(ctx: Ctx, scan: ScanInput, digest: str, settings: SettingsCache) -> ScanReply:
    """One scan inside the caller's transaction (see the module's docstring)."""
    opened = open_scan(ctx, scan.device, scan.scan_id, digest, settings)
    if opened.stored is not None:
        stored = Feedback.from_json(opened.stored)
        return ScanReply(stored, opened.state, station=opened.station)  # a replay: nothing ran
    out, new = _step(ctx, scan, opened.state, opened.profile)
    refusals.report(ctx, scan, out, document=new.document, stored=True)
    close_scan(ctx, opened, scan.device, scan.scan_id, digest, new, out.to_json())
    return ScanReply(out, new, station=opened.station)


def _step(
    ctx: Ctx, scan: ScanInput, state: SessionState, profile: dict[str, Any] | None
) -> tuple[Feedback, SessionState]:
    raw = scan.raw
    # The plan is pure: made first, so a command (never a double read) is known.
    planned = scan.plan(state, lambda key: _lookup(ctx, key), profile)
    if not planned.command and state.is_double_read(raw, ctx.now, scan.double_read_window):
        dup = Feedback(
            "warn", "duplicate_read", "Same label read twice: counted once", prompt(ctx, state)
        )
        return dup, state.seen(raw, ctx.now)
    state, step, dropped = planned.state, planned.step, planned.dropped
    if isinstance(step, Refuse):
        refused = Feedback("error", step.code, step.message, prompt(ctx, state))
        return _with_dropped(refused, dropped), state
    # With a question to drop, a refused step still drops it: run it in a savepoint so
    # its error rolls back the step, not the dropping.
    guard = ctx.session.begin_nested() if dropped else contextlib.nullcontext()
    try:
        with guard:
            out, new = execute(ctx, state, step)
            out = _answer(ctx, new, out)
    except DomainError as err:
        if dropped is None:
            raise
        out, new = from_error(err, prompt=prompt(ctx, state)), state
    out = _with_dropped(out, dropped)
    if out.status == "error":
        return out, state  # a refused scan changes nothing
    if planned.warnings and out.status == "ok":
        out = Feedback(
            "warn",
            out.code,
            out.message + "; " + "; ".join(planned.warnings),
            out.prompt,
            {**out.data, "barcode_warnings": list(planned.warnings)},
        )
    return out, new.seen(raw, ctx.now)


def _with_dropped(out: Feedback, dropped: str | None) -> Feedback:
    if dropped is None:
        return out
    return Feedback(
        "warn" if out.status == "ok" else out.status,
        out.code,
        f"{out.message}; the question about {dropped} was dropped (nothing stored for it)",
        out.prompt,
        {**out.data, "dropped_question": dropped},
    )


def _answer(ctx: Ctx, state: SessionState, fb: Feedback) -> Feedback:
    """The step's feedback with the mode, the document's progress and the next prompt."""
    data = dict(fb.data)
    data.setdefault("mode", state.mode)
    info = document(ctx, state.document) if state.document else None
    if info is not None and "document" not in data:
        data["progress"] = progress(info)
    return Feedback(fb.status, fb.code, fb.message, prompt(ctx, state, info), data)


def _lookup(ctx: Ctx, key: str) -> ItemRef | None:
    if not key:
        return None
    try:
        it = catalog.item_row(ctx.session, key)
    except DomainError:
        return None
    return ItemRef(sku=it.sku, tracking=it.tracking)


def refused(ctx: Ctx, scan: ScanInput | None, device: str, err: DomainError) -> ScanReply:
    """A scan a domain error rolled back: the error, and the prompt of the state as it is.

    ``scan``: the scan with its checked key, None when the key itself was refused.
    """
    state, station = read_state(ctx, device), device_station(ctx, device)
    if isinstance(err, PartnerRequired):
        reply = ScanReply(from_error(err, prompt=f"Scan the {err.kind}"), state, station=station)
    else:
        try:
            with ctx.session.begin_nested():
                text = prompt(ctx, state)
        except DomainError:
            text = ""
        reply = ScanReply(from_error(err, prompt=text), state, station=station)
    # a conflicting replay is not this scan's refusal: the key belongs to another scan
    if scan is not None and not isinstance(err, IdempotencyConflict):
        refusals.report(ctx, scan, reply.feedback, document=state.document, stored=False)
    return reply


def screen(ctx: Ctx, device: str) -> dict[str, Any]:
    """What the device's screen shows now: mode, document, location, operator, the next
    expected scan (``prompt``) and the document's progress (None without one)."""
    state = read_state(ctx, device)
    box = None
    try:
        with ctx.session.begin_nested():
            if state.container is not None:
                box = pack_steps.summary(ctx, state.container)
            if state.document is None:
                next_scan, done = prompt(ctx, state), None
            else:
                info = document(ctx, state.document)
                next_scan, done = prompt(ctx, state, info), progress(info)
    except DomainError:  # e.g. the document is gone: the screen still shows the rest
        next_scan, done = "", None
    return {
        "mode": state.mode,
        "document": state.document,
        "location": state.location,
        "operator": state.operator,
        "prompt": next_scan,
        "progress": done,
        "container": box,  # pack mode's open container: its code and what it holds
    }
