"""plan(state, barcode) -> Step: what a scan means in the session's current context.

Pure apart from ``lookup``, which answers "is this code an item, and how is it tracked?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from scanner_gateway.interpret.barcode import Barcode
from scanner_gateway.interpret.own_labels import READINGS
from scanner_gateway.modes import MODES
from scanner_gateway.session.state import SessionState


class ScanData(Protocol):
    """The parts of an interpreted barcode the session reads."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def gtin(self) -> str | None: ...
    @property
    def serial(self) -> str | None: ...
    @property
    def lot(self) -> str | None: ...
    @property
    def expiry(self) -> dt.date | None: ...
    @property
    def production_date(self) -> dt.date | None: ...
    @property
    def quantity(self) -> int | None: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class ItemRef:
    sku: str
    tracking: str


Lookup = Callable[[str], ItemRef | None]


@dataclass(frozen=True)
class SetMode:
    mode: str


@dataclass(frozen=True)
class SetDocument:
    number: str


@dataclass(frozen=True)
class NewDocument:
    pass


@dataclass(frozen=True)
class SetLocation:
    code: str


@dataclass(frozen=True)
class SetOperator:
    badge: str


@dataclass(frozen=True)
class SetPartner:
    code: str


@dataclass(frozen=True)
class SetItem:
    sku: str


@dataclass(frozen=True)
class SetQuantity:
    quantity: int


@dataclass(frozen=True)
class Assign:
    """A generate step (inbound modes) or an allocate step (outbound modes)."""

    item: ItemRef
    serial: str | None = None
    lot: str | None = None
    quantity: int = 1
    expiry: dt.date | None = None
    production_date: dt.date | None = None


@dataclass(frozen=True)
class SetLot:
    """Receive: a lot label for a serialized item, kept for the serials that follow it."""

    item: ItemRef
    lot: str
    expiry: dt.date | None = None
    production_date: dt.date | None = None


@dataclass(frozen=True)
class GenerateN:
    count: int


@dataclass(frozen=True)
class Verify:
    """Ship mode: a packer checks a scanned serial is on the document."""

    item: ItemRef
    serial: str
    lot: str | None = None  # the lot on the label, checked against the serial's


@dataclass(frozen=True)
class CountSerial:
    serial: str


@dataclass(frozen=True)
class Inquire:
    barcode: Any


@dataclass(frozen=True)
class Confirm:
    pass


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass(frozen=True)
class Ask:
    """A plain code that also reads as GS1 (``21SN3``): apply nothing, ask which is meant.

    ``number`` says what the literal text would be for ``item``: ``serial`` or ``lot``.
    """

    barcode: Any
    item: ItemRef
    number: str


@dataclass(frozen=True)
class Refuse:
    code: str
    message: str


Step = (
    SetMode
    | SetDocument
    | NewDocument
    | SetLocation
    | SetOperator
    | SetPartner
    | SetItem
    | SetQuantity
    | Assign
    | SetLot
    | GenerateN
    | Verify
    | CountSerial
    | Inquire
    | Confirm
    | Undo
    | Cancel
    | Ask
    | Refuse
)


def _command(b: ScanData) -> Step:
    name = (getattr(b, "command", None) or "").lower()
    arg = getattr(b, "argument", None)
    if name == "mode":
        mode = str(arg or "").lower()
        if mode not in MODES:
            return Refuse("unknown_mode", f"Unknown mode {arg!r}; modes: {', '.join(MODES)}")
        return SetMode(mode)
    if name in MODES:  # CMD:RECEIVE style labels
        return SetMode(name)
    if name == "confirm":
        return Confirm()
    if name == "undo":
        return Undo()
    if name == "cancel":
        return Cancel()
    if name == "new":
        return NewDocument()
    if name == "choose":  # the gateway answers a pending question before planning
        return Refuse("no_question", "There is no question to answer: scan the label again")
    if name in ("generate", "quantity", "qty"):
        try:
            n = int(str(arg))
        except ValueError:
            return Refuse(
                "invalid_quantity", f"{name.capitalize()} needs a whole number, got {arg!r}"
            )
        if n <= 0:
            return Refuse(
                "invalid_quantity", f"{name.capitalize()} needs a number above zero, got {n}"
            )
        return GenerateN(n) if name == "generate" else SetQuantity(n)
    return Refuse("unknown_command", f"Unknown command {name or b.value!r}")


def choice(state: SessionState, b: ScanData) -> ScanData | Refuse:
    """The reading ``CMD:CHOOSE:GS1``/``:LITERAL`` picks from the pending question."""
    arg = str(getattr(b, "argument", None) or "").lower()
    if arg not in READINGS:
        got = getattr(b, "argument", None)
        return Refuse("unknown_reading", f"Choose one of {', '.join(READINGS)}, got {got!r}")
    if state.pending is None:
        return Refuse("no_question", "There is no question to answer: scan the label again")
    return Barcode.from_dict(state.pending[arg])


def plan(state: SessionState, b: ScanData, lookup: Lookup) -> Step:
    """The step a scan makes in this state; a Refuse says why a scan makes no sense here."""
    kind = b.kind
    if kind == "invalid":
        return Refuse("invalid_barcode", b.error or "The barcode could not be read")
    if kind == "command":
        return _command(b)
    if kind == "operator":
        return SetOperator(str(getattr(b, "operator", None) or b.value))
    if kind == "partner":
        return SetPartner(str(getattr(b, "partner", None) or b.value))
    if state.mode == "inquiry":
        return Inquire(b)
    if kind == "location":
        return SetLocation(str(getattr(b, "location", None) or b.value))
    if kind == "document":
        return SetDocument(str(getattr(b, "document", None) or b.value))
    if getattr(b, "sscc", None) and not b.gtin:  # a pallet or case label, not a unit
        return Refuse("unexpected_sscc", "An SSCC was scanned; scan the item or unit label")

    item: ItemRef | None = None
    if b.gtin:
        item = lookup(b.gtin)
        if item is None:
            return Refuse("unknown_item", f"No item has the GTIN {b.gtin}")
    elif sku := getattr(b, "item", None):  # a vendor rule may name the item by SKU
        item = lookup(str(sku))
        if item is None:
            return Refuse("unknown_item", f"No item {sku!r}")
    serial, lot = b.serial, b.lot
    if kind in ("plain", "vendor", "hibc") and item is None and not (serial or lot):
        # A plain code is an item when one has that SKU, else a number for the current item.
        maybe = lookup(b.value)
        if maybe is not None:
            return SetItem(maybe.sku)
        current = lookup(state.item) if state.item else None
        if current is None:
            return Refuse("item_expected", f"{b.value!r} is not an item; scan an item first")
        item = current
        if current.tracking not in ("serial", "lot"):
            return Refuse("not_tracked", f"{current.sku} is not tracked by serial or lot")
        if getattr(b, "gs1_reading", None) is not None:  # never store such a number silently
            return Ask(b, current, current.tracking)
        if current.tracking == "serial":
            serial = b.value
        else:
            lot = b.value
    if item is None:
        item = lookup(state.item) if state.item else None
        if item is None:
            return Refuse("item_expected", "Scan an item before its serial or lot")
    if state.mode == "count":
        if not serial:
            return Refuse("serial_expected", "Count mode counts serials: scan a serial")
        return CountSerial(serial)
    if item.tracking == "serial" and not serial:
        if lot and state.inbound:  # the lot label of a unit: its serials come next
            return SetLot(item, lot, b.expiry, b.production_date)
        return (
            SetItem(item.sku)
            if kind in ("gtin", "gs1") and not lot
            else Refuse("serial_expected", f"{item.sku} is serialized: scan its serial")
        )
    if item.tracking == "lot" and not lot:
        return (
            SetItem(item.sku)
            if kind in ("gtin", "gs1")
            else Refuse("lot_expected", f"{item.sku} is lot-tracked: scan its lot")
        )
    if item.tracking == "none":
        return SetItem(item.sku)
    if state.mode == "ship" and serial:
        return Verify(item, serial, lot)
    quantity = 1
    expiry, production_date = b.expiry, b.production_date
    if item.tracking == "lot":
        quantity = b.quantity if b.quantity is not None else (state.quantity or 1)
        if quantity <= 0:
            return Refuse("invalid_quantity", f"Quantity must be above zero, got {quantity}")
    elif not lot and (pending := state.lot_for(item.sku)):
        # a serial after its unit's lot label (two barcodes): the lot scanned before
        lot, expiry, production_date = (
            pending[0],
            expiry or pending[1],
            production_date or pending[2],
        )
    # A serialized unit keeps the lot its label names: the core refuses one that does not
    # match what is on record for that serial.
    return Assign(
        item=item,
        serial=serial if item.tracking == "serial" else None,
        lot=lot,
        quantity=quantity,
        expiry=expiry,
        production_date=production_date,
    )
