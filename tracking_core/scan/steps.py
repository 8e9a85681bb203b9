"""The steps a scan can make, as the gateway plans them and the core executes them.

Each is a frozen value; ``tracking_core.scan.dispatch`` runs them with ``match`` and an
exhaustiveness check, so a new step without its handler fails the type check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracking_core.scan.state import SessionState


@dataclass(frozen=True)
class ItemRef:
    """An item as the planner needs it: its SKU and how it is tracked."""

    sku: str
    tracking: str


ItemLookup = Callable[[str], ItemRef | None]
"""Is this code (SKU or GTIN) an item? The core answers from its catalog."""


@dataclass(frozen=True)
class Label:
    """What inquiry mode needs of a scanned label."""

    kind: str
    value: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    location: str | None = None
    document: str | None = None
    # an SSCC: from GS1 AI 00, or a plain 18-digit code that may be one (kind "plain")
    sscc: str | None = None


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
class OpenContainer:
    """Pack mode: open a container to pack into; ``code`` None: a new SSCC, label printed.

    A scanned code names an existing container (in stock, where the session packs), or a
    new one from a pre-printed label, made at the session's location."""

    code: str | None = None


@dataclass(frozen=True)
class Pack:
    """Pack mode: one thing into the open container: a serial (``item`` None: known by the
    serial alone), a lot quantity, or a container (``container``: a case onto a pallet)."""

    item: ItemRef | None = None
    serial: str | None = None
    lot: str | None = None  # a serialized unit's label lot, checked against its record
    quantity: int = 1
    container: str | None = None


@dataclass(frozen=True)
class TakeContainer:
    """An outbound mode: a scanned case or pallet, allocated whole on the document."""

    code: str


@dataclass(frozen=True)
class ReceiveSscc:
    """Receive mode: a pallet or case of the receipt's ship notice, received whole."""

    code: str


@dataclass(frozen=True)
class VerifyContainer:
    """Ship mode: a packer checks a scanned case or pallet is on the document."""

    code: str


@dataclass(frozen=True)
class CountSerial:
    serial: str


@dataclass(frozen=True)
class Inquire:
    label: Label


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

    ``number`` says what the literal text would be for ``item``: ``serial`` or ``lot``;
    ``gs1`` names what the GS1 reading says (serial, lot, dates); ``choices`` holds both
    readings as the gateway will plan them again on ``CMD:CHOOSE``.
    """

    raw: str
    item: ItemRef
    number: str
    gs1: Mapping[str, Any]
    choices: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


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
    | OpenContainer
    | Pack
    | TakeContainer
    | VerifyContainer
    | ReceiveSscc
    | CountSerial
    | Inquire
    | Confirm
    | Undo
    | Cancel
    | Ask
    | Refuse
)


@dataclass(frozen=True)
class Planned:
    """What the gateway made of a scan: the step, in the state it applies to.

    ``dropped``: the raw text of a pending question this scan drops; ``warnings``: the
    barcode's own (a possibly missing separator), added to an ok answer; ``command``: a
    command is never a double read (two ``CMD:UNDO`` undo two steps).
    """

    state: SessionState
    step: Step
    dropped: str | None = None
    warnings: tuple[str, ...] = ()
    command: bool = False


Plan = Callable[[SessionState, ItemLookup, Mapping[str, Any] | None], Planned]
"""The gateway's planner for one scan: pure, given the session's state, the catalog and
the device's own scan profile (its overrides as stored, None without any)."""


@dataclass(frozen=True)
class ScanInput:
    """One scan for the core's scan unit of work (``Tracking.scan``).

    ``raw`` is what was read (a command as its label text): the idempotency key's
    content and the double-read check's subject.
    """

    device: str
    scan_id: str
    raw: str
    plan: Plan
    double_read_window: float = 1.0
