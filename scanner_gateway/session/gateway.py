"""The gateway: a raw scan in, a Feedback out, the same for every kind of device."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scanner_gateway.session import feedback as fb
from scanner_gateway.session.executor import execute, prompt
from scanner_gateway.session.feedback import Feedback
from scanner_gateway.session.planner import ItemRef, Refuse, ScanData, plan
from scanner_gateway.session.state import SessionState
from tracking_core import catalog
from tracking_core.context import Ctx
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError, PartnerRequired

log = logging.getLogger(__name__)
Interpreter = Callable[[str], ScanData]


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
        caller: Actor = STATIONS,
    ) -> None:
        self.core = core
        self.interpret = interpret
        self.double_read_window = double_read_window
        self.caller = caller

    def scan(self, req: ScanRequest, *, caller: Actor | None = None) -> Feedback:
        raw = (
            req.raw if req.symbology is None or req.raw.startswith("]") else req.symbology + req.raw
        )
        try:
            barcode = self.interpret(raw)
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
            if state.is_double_read(raw, ctx.now, self.double_read_window):
                dup = Feedback(
                    "warn",
                    "duplicate_read",
                    "Same label read twice: counted once",
                    prompt=prompt(ctx, state),
                )
                return dup.to_json(), state.seen(raw, ctx.now).to_json()
            step = plan(state, barcode, lambda key: _lookup(ctx, key))
            out, new = execute(ctx, state, step)
            if isinstance(step, Refuse):
                return out.to_json(), state.to_json()  # a refused scan changes nothing
            warnings = tuple(getattr(barcode, "warnings", ()) or ())
            if warnings and out.status == "ok":
                out = Feedback(
                    "warn",
                    out.code,
                    out.message + "; " + "; ".join(warnings),
                    out.prompt,
                    {**out.data, "barcode_warnings": list(warnings)},
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


def _lookup(ctx: Ctx, key: str | None) -> ItemRef | None:
    if not key:
        return None
    try:
        it = catalog.item_row(ctx.session, key)
    except DomainError:
        return None
    return ItemRef(sku=it.sku, tracking=it.tracking)
