"""The gateway: a raw scan in, a Feedback out, the same for every kind of device.

The gateway interprets and plans; the core runs the step (``Tracking.scan``). The
double-read window (a scanner that reads one label twice in a moment) counts a repeated
scan once. It never applies to commands: two ``CMD:UNDO`` undo two steps. Own labels
(``LOC:``, ``DOC:``, ``OP:``) stay in it: a repeat would only set the same thing again,
and in count mode a repeated ``LOC:`` would restart the count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from scanner_gateway.interpret.barcode import Barcode
from scanner_gateway.interpret.profile import DEFAULT_PROFILE, ScanProfile
from scanner_gateway.session.planner import plan_scan
from tracking_core.core import Actor, Tracking
from tracking_core.scan import (
    Feedback,
    ItemLookup,
    Planned,
    Refuse,
    ScanInput,
    ScanReply,
    SessionState,
)

log = logging.getLogger(__name__)


class Interpreter(Protocol):
    """``scanner_gateway.interpret.interpret``, or anything called like it."""

    def __call__(self, raw: str, *, profile: ScanProfile) -> Barcode: ...


@dataclass(frozen=True)
class ScanRequest:
    device: str
    scan_id: str
    raw: str
    symbology: str | None = None


# Who scans when the caller does not say: the headless stations, with an operator's rights.
STATIONS = Actor(token="gateway", role="operator")


def command_barcode(name: str, argument: Any = None) -> Barcode:
    """A command given by a button, as the command label it stands for."""
    arg = None if argument is None else str(argument)
    value = f"command {name}" + (f" {arg}" if arg else "")
    return Barcode(kind="command", value=value, command=name, argument=arg)


class Gateway:
    """Turns scans into steps against the core; never raises for a bad scan.

    Every scan runs for a ``caller`` (the token's name and role): the core's permission
    table decides what that role may scan (``tracking_core.auth.PERMISSIONS``).
    """

    def __init__(
        self,
        core: Tracking,
        interpret: Interpreter,
        *,
        double_read_window: float = 1.0,
        profile: ScanProfile = DEFAULT_PROFILE,
        caller: Actor = STATIONS,
    ) -> None:
        self.core = core
        self.interpret = interpret
        self.double_read_window = double_read_window
        self.profile = profile
        """How scans are read unless ``scan`` is given a device's own profile."""
        self.caller = caller

    def scan(
        self,
        req: ScanRequest,
        *,
        profile: ScanProfile | None = None,
        caller: Actor | None = None,
    ) -> Feedback:
        return self.reply(req, profile=profile, caller=caller).feedback

    def reply(
        self,
        req: ScanRequest,
        *,
        profile: ScanProfile | None = None,
        caller: Actor | None = None,
    ) -> ScanReply:
        """The feedback and the device's session after the scan.

        The scan is read with the device's own profile when the core has one for it
        (it comes with the scan's opening statement), else with ``profile`` (e.g. its
        station's), else with the gateway's.
        """
        raw = (
            req.raw if req.symbology is None or req.raw.startswith("]") else req.symbology + req.raw
        )
        fallback = profile or self.profile

        def read(own: Mapping[str, Any] | None) -> Barcode | None:
            try:
                return self.interpret(raw, profile=_own_profile(own) or fallback)
            except Exception:  # interpret is total; this is a defect, not a bad scan
                log.exception("interpret raised on %r", raw)
                return None

        return self._run(req.device, req.scan_id, raw, read, caller or self.caller)

    def command(
        self,
        device: str,
        scan_id: str,
        name: str,
        argument: Any = None,
        *,
        caller: Actor | None = None,
    ) -> Feedback:
        """A command from a button (the handheld's UI) rather than a label."""
        return self.command_reply(device, scan_id, name, argument, caller=caller).feedback

    def command_reply(
        self,
        device: str,
        scan_id: str,
        name: str,
        argument: Any = None,
        *,
        caller: Actor | None = None,
    ) -> ScanReply:
        cmd = command_barcode(name, argument)
        return self._run(device, scan_id, cmd.value, lambda _: cmd, caller or self.caller)

    def _run(
        self,
        device: str,
        scan_id: str,
        raw: str,
        read: Callable[[Mapping[str, Any] | None], Barcode | None],
        caller: Actor,
    ) -> ScanReply:
        def planner(
            state: SessionState, lookup: ItemLookup, own: Mapping[str, Any] | None
        ) -> Planned:
            barcode = read(own)
            if barcode is None:
                return Planned(state, Refuse("internal_error", "The scan could not be interpreted"))
            return plan_scan(state, barcode, lookup)

        scan = ScanInput(
            device=device,
            scan_id=scan_id,
            raw=raw,
            plan=planner,
            double_read_window=self.double_read_window,
        )
        try:
            return self.core.scan(scan, caller=caller)
        except Exception:
            log.exception("scan %s of %s failed", scan_id, device)
            failed = Feedback("error", "internal_error", "Internal error: the scan changed nothing")
            return ScanReply(failed)

    def state(self, device: str) -> SessionState:
        return SessionState.from_json(self.core.device_state(device))

    def screen(self, device: str) -> dict[str, Any]:
        """What the device's screen shows now: mode, document, location, operator, the
        next expected scan (``prompt``) and the document's progress (None without one)."""
        return self.core.scan_screen(device)


def _own_profile(own: Mapping[str, Any] | None) -> ScanProfile | None:
    """A device's stored profile overrides as a ScanProfile (None: none, or refused)."""
    if not own:
        return None
    return _profile_of(json.dumps(own, sort_keys=True))


@lru_cache(maxsize=256)
def _profile_of(text: str) -> ScanProfile | None:
    try:
        return ScanProfile.from_mapping(json.loads(text))
    except (ValueError, TypeError):  # checked when stored; a newer rule may refuse it
        log.warning("stored scan profile %s refused, using the default", text)
        return None
