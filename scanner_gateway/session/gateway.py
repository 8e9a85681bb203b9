"""The gateway: a raw scan in, a Feedback out, the same for every kind of device.

The double-read window (a scanner that reads one label twice in a moment) counts a
repeated scan once. It never applies to commands: two ``CMD:UNDO`` undo two steps. Own
labels (``LOC:``, ``DOC:``, ``OP:``) stay in it: a repeat would only set the same thing
again, and in count mode a repeated ``LOC:`` would restart the count.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from scanner_gateway.interpret.profile import DEFAULT_PROFILE, ScanProfile
from scanner_gateway.session import feedback as fb
from scanner_gateway.session.executor import execute, progress, prompt
from scanner_gateway.session.feedback import Feedback
from scanner_gateway.session.planner import (
    Ask,
    ItemRef,
    Refuse,
    ScanData,
    Step,
    choice,
    plan,
)
from scanner_gateway.session.state import SessionState
from tracking_core import catalog, documents
from tracking_core.context import Ctx
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError, PartnerRequired

log = logging.getLogger(__name__)


class Interpreter(Protocol):
    """``scanner_gateway.interpret.interpret``, or anything called like it."""

    def __call__(self, raw: str, *, profile: ScanProfile) -> ScanData: ...


@dataclass(frozen=True)
class ScanRequest:
    device: str
    scan_id: str
    raw: str
    symbology: str | None = None


# Who scans when the caller does not say: the headless stations, with an operator's rights.
STATIONS = Actor(token="gateway", role="operator")


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
        raw = (
            req.raw if req.symbology is None or req.raw.startswith("]") else req.symbology + req.raw
        )
        try:
            barcode = self.interpret(raw, profile=profile or self.profile)
        except Exception:  # interpret is total; this is a defect, not a bad scan
            log.exception("interpret raised on %r", raw)
            return fb.error("internal_error", "The scan could not be interpreted")
        return self._handle(req.device, req.scan_id, raw, barcode, caller or self.caller)

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
        cmd = CommandScan(command=name, argument=None if argument is None else str(argument))
        return self._handle(device, scan_id, cmd.value, cmd, caller or self.caller)

    def _handle(
        self, device: str, scan_id: str, raw: str, barcode: ScanData, caller: Actor
    ) -> Feedback:
        def handler(ctx: Ctx, data: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
            state = SessionState.from_json(data)
            command = barcode.kind == "command"
            if not command and state.is_double_read(raw, ctx.now, self.double_read_window):
                dup = Feedback(
                    "warn",
                    "duplicate_read",
                    "Same label read twice: counted once",
                    prompt=prompt(ctx, state),
                )
                return dup.to_json(), state.seen(raw, ctx.now).to_json()
            state, step, dropped, barcode_warnings = _plan(ctx, state, barcode)
            # With a question to drop, a refused step still drops it: run it in a
            # savepoint so its error rolls back the step, not the dropping.
            guard = ctx.session.begin_nested() if dropped else contextlib.nullcontext()
            try:
                with guard:
                    out, new = execute(ctx, state, step)
            except DomainError as err:
                if dropped is None:
                    raise
                out, new = fb.from_error(err, prompt=prompt(ctx, state)), state
            if dropped is not None:
                out = Feedback(
                    "warn" if out.status == "ok" else out.status,
                    out.code,
                    f"{out.message}; the question about {dropped} was dropped "
                    "(nothing stored for it)",
                    out.prompt,
                    {**out.data, "dropped_question": dropped},
                )
            if isinstance(step, Refuse) or out.status == "error":
                return out.to_json(), state.to_json()  # a refused scan changes nothing
            if barcode_warnings and out.status == "ok":
                out = Feedback(
                    "warn",
                    out.code,
                    out.message + "; " + "; ".join(barcode_warnings),
                    out.prompt,
                    {**out.data, "barcode_warnings": list(barcode_warnings)},
                )
            return out.to_json(), new.seen(raw, ctx.now).to_json()

        try:
            result, _replayed = self.core.run_scan(
                device=device,
                scan_id=scan_id,
                request={"raw": raw},
                handler=handler,
                caller=caller,
            )
        except PartnerRequired as err:
            return fb.from_error(err, prompt=f"Scan the {err.kind}")
        except DomainError as err:
            return fb.from_error(err, prompt=self._prompt(device))
        except Exception:
            log.exception("scan %s of %s failed", scan_id, device)
            return fb.error("internal_error", "Internal error: the scan changed nothing")
        return Feedback.from_json(result)

    def _prompt(self, device: str) -> str:
        try:
            state = SessionState.from_json(self.core.device_state(device))
            return self.core._run(lambda ctx: prompt(ctx, state))
        except DomainError:
            return ""

    def state(self, device: str) -> SessionState:
        return SessionState.from_json(self.core.device_state(device))

    def screen(self, device: str) -> dict[str, Any]:
        """What the device's screen shows now: mode, document, location, operator, the
        next expected scan (``prompt``) and the document's progress (None without one)."""
        state = self.state(device)

        def read(ctx: Ctx) -> tuple[str, dict[str, Any] | None]:
            if state.document is None:
                return prompt(ctx, state), None
            s = ctx.session
            info = documents.document_info(s, documents.document_row(s, state.document))
            return prompt(ctx, state, info), progress(info)

        try:
            next_scan, done = self.core._run(read)
        except DomainError:  # e.g. the document is gone: the screen still shows the rest
            next_scan, done = "", None
        return {
            "mode": state.mode,
            "document": state.document,
            "location": state.location,
            "operator": state.operator,
            "prompt": next_scan,
            "progress": done,
        }


@dataclass(frozen=True)
class CommandScan:
    """A command given by a button: shaped like an interpreted command label."""

    command: str
    argument: str | None = None
    kind: str = "command"
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None
    quantity: int | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def value(self) -> str:
        return f"command {self.command}" + (f" {self.argument}" if self.argument else "")


def _plan(
    ctx: Ctx, state: SessionState, barcode: ScanData
) -> tuple[SessionState, Step, str | None, tuple[str, ...]]:
    """(state, step, the raw of a question this scan drops, the barcode's warnings).

    ``CMD:CHOOSE`` plans the pending question's chosen reading, as if scanned now; any
    other scan drops the question.
    """

    def lookup(key: str) -> ItemRef | None:
        return _lookup(ctx, key)

    if barcode.kind == "command" and getattr(barcode, "command", None) == "choose":
        chosen = choice(state, barcode)
        if isinstance(chosen, Refuse):
            return state, chosen, None, ()
        state = state.with_(pending=None)
        return state, plan(state, chosen, lookup), None, tuple(chosen.warnings)
    dropped = None
    if state.pending is not None:
        dropped = state.pending["raw"]
        state = state.with_(pending=None)
    step = plan(state, barcode, lookup)
    if isinstance(step, Ask) and step.barcode.value == dropped:
        dropped = None  # the same label again: the same question, asked again
    return state, step, dropped, tuple(getattr(barcode, "warnings", ()) or ())


def _lookup(ctx: Ctx, key: str | None) -> ItemRef | None:
    if not key:
        return None
    try:
        it = catalog.item_row(ctx.session, key)
    except DomainError:
        return None
    return ItemRef(sku=it.sku, tracking=it.tracking)
