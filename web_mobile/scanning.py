"""The one scan path of the web layer: ``POST /api/v1/scans`` and the ``/scan`` namespace.

Both hand a scan (or a button's command) to the same ``Gateway`` call (the core reads
it with the device's own scan profile, else its station's), and answer its ``Feedback``
unchanged. After each step the
listeners registered with :func:`after_step` hear what it did (the handheld protocol
pushes ``session``, ``label`` and ``feedback`` from there); a failing listener is logged
and never changes the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from scanner_gateway.interpret.profile import ScanProfile
from scanner_gateway.session import Feedback, Gateway, SessionState
from scanner_gateway.session.gateway import ScanRequest, command_barcode
from tracking_core.core import Actor
from tracking_core.errors import IdempotencyConflict
from tracking_core.scan import ScanReply

log = logging.getLogger(__name__)

AFTER_STEP = "scantrack.after_step"
PROFILES = "scantrack.device_profiles"


@dataclass(frozen=True)
class StepDone:
    """What one scan or command did, for the listeners."""

    device: str
    scan_id: str
    raw: str  # what was scanned; a command as its label, e.g. ``CMD:MODE:receive``
    feedback: Feedback
    caller: Actor
    reply: ScanReply | None = None  # the session after the step and the device's station

    @property
    def state(self) -> SessionState | None:
        return None if self.reply is None else self.reply.state


Listener = Callable[[StepDone], None]
ProfileLookup = Callable[[str], ScanProfile | None]


def gateway(app: Flask | None = None) -> Gateway:
    gw: Gateway = (app or current_app).extensions["scantrack.gateway"]
    return gw


def after_step(app: Flask, listener: Listener) -> None:
    app.extensions.setdefault(AFTER_STEP, []).append(listener)


def set_fallback_profile(app: Flask, lookup: ProfileLookup) -> None:
    """How the profile of a device without one of its own is found (its station's; None:
    the gateway's default). A device's own profile comes with the scan, from the core."""
    app.extensions[PROFILES] = lookup


def fallback_profile(device: str, app: Flask | None = None) -> ScanProfile | None:
    lookup: ProfileLookup | None = (app or current_app).extensions.get(PROFILES)
    return None if lookup is None else lookup(device)


def scan(device: str, scan_id: str, raw: str, symbology: str | None, *, caller: Actor) -> Feedback:
    req = ScanRequest(device, scan_id, raw, symbology)
    out = gateway().reply(req, profile=fallback_profile(device), caller=caller)
    seen = raw if symbology is None or raw.startswith("]") else symbology + raw
    return _notify(StepDone(device, scan_id, seen, out.feedback, caller, out))


def command(device: str, scan_id: str, name: str, argument: Any, *, caller: Actor) -> Feedback:
    out: ScanReply = gateway().command_reply(device, scan_id, name, argument, caller=caller)
    raw = command_barcode(name, argument).value
    return _notify(StepDone(device, scan_id, raw, out.feedback, caller, out))


def _notify(step: StepDone) -> Feedback:
    """Tell the listeners what the step did; answers its feedback."""
    if step.feedback.code == IdempotencyConflict.code:
        return step.feedback  # the scan id was used for other content: nothing happened
    for listener in current_app.extensions.get(AFTER_STEP, []):
        try:
            listener(step)
        except Exception:
            log.exception("after-step listener %r failed for %s", listener, step.scan_id)
    return step.feedback
