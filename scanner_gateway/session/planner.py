"""plan(state, barcode) -> Step: what a scan means in the session's current context.

Pure apart from ``lookup``, which answers "is this code an item, and how is it tracked?".
:func:`plan_scan` is the whole plan the core's scan unit of work calls back for one scan:
the answer to a pending question first, then the step.
"""

from __future__ import annotations

from typing import Any

from scanner_gateway.interpret.barcode import Barcode
from scanner_gateway.interpret.own_labels import READINGS
from tracking_core.scan import (
    MODES,
    Ask,
    Assign,
    Cancel,
    Confirm,
    CountSerial,
    GenerateN,
    Inquire,
    ItemLookup,
    ItemRef,
    Label,
    NewDocument,
    OpenContainer,
    Pack,
    Planned,
    ReceiveSscc,
    Refuse,
    SessionState,
    SetDocument,
    SetItem,
    SetLocation,
    SetLot,
    SetMode,
    SetOperator,
    SetPartner,
    SetQuantity,
    Step,
    TakeContainer,
    Undo,
    Verify,
    VerifyContainer,
    box_name,
)

# The modes where a scanned SSCC takes its container whole onto the document.
TAKES_WHOLE = ("pick", "vendor_return", "transfer")
SSCC_DIGITS = 18


def _command(b: Barcode) -> Step:
    name = (b.command or "").lower()
    arg = b.argument
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


def choice(state: SessionState, b: Barcode) -> Barcode | Refuse:
    """The reading ``CMD:CHOOSE:GS1``/``:LITERAL`` picks from the pending question."""
    arg = str(b.argument or "").lower()
    if arg not in READINGS:
        return Refuse("unknown_reading", f"Choose one of {', '.join(READINGS)}, got {b.argument!r}")
    if state.pending is None:
        return Refuse("no_question", "There is no question to answer: scan the label again")
    return Barcode.from_dict(state.pending[arg])


def plan(state: SessionState, b: Barcode, lookup: ItemLookup) -> Step:
    """The step a scan makes in this state; a Refuse says why a scan makes no sense here."""
    kind = b.kind
    if kind == "invalid":
        return Refuse("invalid_barcode", b.error or "The barcode could not be read")
    if kind == "command":
        step = _command(b)
        if isinstance(step, NewDocument) and state.mode == "pack":  # CMD:NEW: a new SSCC
            return OpenContainer() if state.container is None else _still_open(state.container)
        return step
    if kind == "operator":
        return SetOperator(b.operator or b.value)
    if kind == "partner":
        return SetPartner(b.partner or b.value)
    if state.mode == "inquiry":
        return Inquire(_label(b))
    if kind == "location":
        if state.mode == "pack" and state.container is not None:
            return _still_open(state.container)
        return SetLocation(b.location or b.value)
    if kind == "document":
        if state.mode == "pack":
            return Refuse(
                "unexpected_document", "Pack mode packs at a location: scan a location label"
            )
        return SetDocument(b.document or b.value)
    code = container_code(state.mode, b)
    if code is not None:
        return _container_step(state, code)
    if b.sscc and not b.gtin:  # a pallet or case label, not a unit
        return Refuse("unexpected_sscc", "An SSCC was scanned; scan the item or unit label")

    item: ItemRef | None = None
    if b.gtin:
        item = lookup(b.gtin)
        if item is None:
            return Refuse("unknown_item", f"No item has the GTIN {b.gtin}")
    elif sku := b.item:  # a vendor rule may name the item by SKU
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
        if current is None and state.mode == "pack" and b.gs1_reading is None:
            # a serial known by itself: the core finds its item (or says it is ambiguous)
            return _pack(state, Pack(serial=b.value))
        if current is None:
            return Refuse("item_expected", f"{b.value!r} is not an item; scan an item first")
        item = current
        if current.tracking not in ("serial", "lot"):
            return Refuse("not_tracked", f"{current.sku} is not tracked by serial or lot")
        if b.gs1_reading is not None:  # never store such a number silently
            return _ask(b, b.gs1_reading, current)
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
    if state.mode == "pack":
        if item.tracking == "serial":
            return _pack(state, Pack(item, serial=serial, lot=lot))
        return _pack(state, Pack(item, lot=lot, quantity=quantity))
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


def container_code(mode: str, b: Barcode) -> str | None:
    """The container a scan names in a mode that takes containers, else None.

    An SSCC label (GS1 AI 00) names one in pack, receive, the outbound modes, ship and
    inquiry. In
    pack mode and inquiry a plain code of 18 digits (or 20 with the AI's ``00``) is one
    too: typed from a label, or read with a bad check digit, which the core then names.
    """
    if mode not in ("pack", "ship", "inquiry", "receive", *TAKES_WHOLE):
        return None
    if b.sscc:
        return b.sscc
    value = b.value
    if mode in ("pack", "inquiry") and b.kind == "plain" and value.isascii() and value.isdigit():
        if len(value) == SSCC_DIGITS:
            return value
        if len(value) == SSCC_DIGITS + 2 and value.startswith("00"):
            return value[2:]
    return None


def _container_step(state: SessionState, code: str) -> Step:
    if state.mode == "ship":
        return VerifyContainer(code)
    if state.mode == "receive":
        return ReceiveSscc(code)
    if state.mode in TAKES_WHOLE:
        return TakeContainer(code)
    if state.container is None:
        return OpenContainer(code)
    if code == state.container:
        return Refuse(
            "container_open",
            f"{box_name(code)} is the open container: scan what goes into it, or confirm",
        )
    return Pack(container=code)  # a case scanned while a pallet is open goes in it


def _pack(state: SessionState, step: Pack) -> Step:
    if state.container is None:
        return Refuse(
            "container_expected",
            "No container is open: scan its SSCC, or CMD:NEW for a new one, first",
        )
    return step


def _still_open(code: str) -> Refuse:
    return Refuse(
        "container_open", f"Container {box_name(code)} is open: confirm or cancel it first"
    )


_READ = ("serial", "lot", "expiry", "best_before", "production_date", "quantity")


def _reading(b: Barcode) -> dict[str, Any]:
    """What a GS1 reading says, named: serial, lot, dates, quantity (else its AIs)."""
    out: dict[str, Any] = {}
    for name in _READ:
        v = getattr(b, name)
        if v is not None:
            out[name] = v if isinstance(v, str | int) else v.isoformat()
    return out or {"fields": dict(b.fields)}


def _ask(b: Barcode, gs1: Barcode, item: ItemRef) -> Ask:
    choices = {"gs1": gs1.to_dict(), "literal": {**b.to_dict(), "gs1_reading": None}}
    return Ask(b.value, item, item.tracking, _reading(gs1), choices)


def _label(b: Barcode) -> Label:
    sscc = container_code("inquiry", b)
    return Label(b.kind, b.value, b.gtin, b.serial, b.lot, b.location, b.document, sscc)


def plan_scan(state: SessionState, barcode: Barcode, lookup: ItemLookup) -> Planned:
    """The plan of one scan: ``CMD:CHOOSE`` plans the pending question's chosen reading,
    as if scanned now; any other scan drops the question (``Planned.dropped``)."""
    command = barcode.kind == "command"
    if command and barcode.command == "choose":
        chosen = choice(state, barcode)
        if isinstance(chosen, Refuse):
            return Planned(state, chosen, command=True)
        state = state.with_(pending=None)
        return Planned(state, plan(state, chosen, lookup), None, chosen.warnings, command=True)
    dropped = None
    if state.pending is not None:
        dropped = state.pending["raw"]
        state = state.with_(pending=None)
    step = plan(state, barcode, lookup)
    if isinstance(step, Ask) and step.raw == dropped:
        dropped = None  # the same label again: the same question, asked again
    warnings = barcode.warnings
    if barcode.kind == "plain" and _names_container(step):
        warnings = ()  # "not GS1" is no news about an SSCC typed without its AI
    return Planned(state, step, dropped, warnings, command=command)


def _names_container(step: Step) -> bool:
    match step:
        case OpenContainer() | TakeContainer() | VerifyContainer() | ReceiveSscc():
            return True
        case Pack(container=str()):
            return True
        case Inquire(label=Label(sscc=str())):
            return True
        case _:
            return False
