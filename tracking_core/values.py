"""Plain frozen values the core's services return (never ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from tracking_core.vocabulary import (
    ContainerScheme,
    ContainerStatus,
    Direction,
    DocStatus,
    DocType,
    LedgerKind,
    LocationKind,
    LotStatus,
    PackAction,
    PartnerKind,
    SerialStatus,
    TrackingKind,
)


@dataclass(frozen=True)
class ItemInfo:
    sku: str
    description: str
    tracking: TrackingKind
    uom: str
    gtins: tuple[str, ...]
    serial_mask: str | None
    lot_mask: str | None
    shelf_life_days: int | None
    warranty_days: int | None
    standard_cost: Decimal


@dataclass(frozen=True)
class LocationInfo:
    code: str
    name: str
    kind: LocationKind
    parent: str | None
    gln: str | None = None  # its GS1 GLN: the EPCIS read point (docs/epcis.md)


@dataclass(frozen=True)
class PartnerInfo:
    code: str
    name: str
    kind: PartnerKind


@dataclass(frozen=True)
class LineSpec:
    """A document line as the ERP or a scanner creates it."""

    item: str
    quantity: int
    location: str
    unit_cost: Decimal | None = None
    to_location: str | None = None
    direction: Direction | None = None  # adjustments only; others follow the type
    expected_serials: tuple[str, ...] = ()
    unit_price: Decimal | None = None  # shipments: the sales price, never a cost


@dataclass(frozen=True)
class LineInfo:
    line: int
    item: str
    tracking: TrackingKind
    direction: Direction
    quantity: int
    assigned: int
    open: int
    unit_cost: Decimal
    location: str
    to_location: str | None
    expected: int
    serials: tuple[str, ...] = ()
    lots: tuple[tuple[str, int], ...] = ()
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class DocumentInfo:
    number: str
    doc_type: DocType
    status: DocStatus
    partner: str | None
    reference: str | None
    created_at: dt.datetime
    posted_at: dt.datetime | None
    reverses: str | None
    lines: tuple[LineInfo, ...]

    @property
    def quantity(self) -> int:
        return sum(ln.quantity for ln in self.lines)

    @property
    def assigned(self) -> int:
        return sum(ln.assigned for ln in self.lines)


@dataclass(frozen=True)
class Assignment:
    """What one generate/allocate/unassign step did to a document line."""

    document: str
    line: int
    item: str
    action: Literal["generate", "allocate", "unassign"]
    location: str
    serials: tuple[str, ...] = ()
    lots: tuple[tuple[str, int], ...] = ()  # (lot, quantity)
    expiry: dt.date | None = None
    assigned: int = 0
    line_quantity: int = 0
    warnings: tuple[str, ...] = ()
    # the line as the step left it (as the document view shows it): no re-read needed
    progress: LineInfo | None = None

    @property
    def quantity(self) -> int:
        return len(self.serials) + sum(q for _, q in self.lots)


@dataclass(frozen=True)
class PostResult:
    document: str
    doc_type: DocType
    posted_at: dt.datetime
    serial_records: int
    lot_records: int
    reverses: str | None = None


@dataclass(frozen=True)
class StockRow:
    item: str
    location: str
    lot: str | None
    on_hand: int
    allocated: int
    expiry: dt.date | None = None
    value: Decimal = Decimal(0)  # serials: their costs; a lot: on hand x its unit cost

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


@dataclass(frozen=True)
class Movement:
    """One transaction record, as inquiry and trace show it.

    ``seq`` is the ledger's one number across serial and lot records, in commit order (the
    feed's cursor); ``id`` numbers each kind apart (the old cursor, with ``kind``)."""

    id: int
    seq: int
    kind: LedgerKind
    posted_at: dt.datetime
    document: str
    doc_type: DocType
    partner: str | None
    from_location: str | None
    to_location: str | None
    quantity: int
    cost: Decimal
    operator: str | None  # the signed-in operator's badge
    device: str | None
    serial: str | None = None
    lot: str | None = None
    reversal_of: int | None = None
    item: str | None = None
    unit_price: Decimal | None = None  # the line's sales price (shipments), not a cost
    token: str | None = None  # the API token's name, or the CLI's actor
    container: str | None = None  # the case or pallet (SSCC or plate) it moved in


@dataclass(frozen=True)
class SerialInfo:
    item: str
    serial: str
    status: SerialStatus
    location: str | None
    held_by: str | None  # the open document holding it
    lot: str | None
    expiry: dt.date | None
    production_date: dt.date | None
    quarantine: bool
    quarantine_until: dt.date | None
    cost: Decimal
    received_at: dt.datetime | None
    warranty_until: dt.date | None
    history: tuple[Movement, ...] = ()


@dataclass(frozen=True)
class LotSerial:
    """A serial of a serialized item's lot, where it is now."""

    serial: str
    status: SerialStatus
    location: str | None
    expiry: dt.date | None


@dataclass(frozen=True)
class LotInfo:
    item: str
    lot: str
    status: LotStatus
    expiry: dt.date | None
    production_date: dt.date | None
    quarantine_until: dt.date | None
    recall_number: str | None
    recall_date: dt.date | None
    recall_reason: str | None
    stock: tuple[StockRow, ...] = ()
    history: tuple[Movement, ...] = ()
    serials: tuple[LotSerial, ...] = ()  # a serialized item's lot: every serial of it

    @property
    def on_hand(self) -> int:
        return sum(r.on_hand for r in self.stock)


@dataclass(frozen=True)
class TraceHit:
    """Where a traced unit went (forward) or came from (backward)."""

    item: str
    serial: str | None
    lot: str | None
    document: str
    doc_type: DocType
    partner: str | None
    partner_kind: PartnerKind | None
    quantity: int
    posted_at: dt.datetime
    location: str | None


@dataclass(frozen=True)
class Trace:
    item: str
    number: str
    direction: Literal["forward", "backward"]
    hits: tuple[TraceHit, ...] = field(default_factory=tuple)
    movements: tuple[Movement, ...] = field(default_factory=tuple)

    @property
    def partners(self) -> tuple[str, ...]:
        return tuple(sorted({h.partner for h in self.hits if h.partner}))


@dataclass(frozen=True)
class ExpectedSerialState:
    """One serial of an advance ship notice and what became of it."""

    serial: str
    state: Literal["received", "missing", "unexpected"]


@dataclass(frozen=True)
class ExpectedLine:
    """A line's advance ship notice against what was generated on it."""

    line: int
    item: str
    quantity: int
    expected: int
    received: int
    missing: int
    unexpected: int
    serials: tuple[ExpectedSerialState, ...] = ()


@dataclass(frozen=True)
class ShipNotice:
    """The expected serials of a document's lines: received, missing, unexpected."""

    document: str
    doc_type: DocType
    status: DocStatus
    partner: str | None
    complete: bool  # nothing missing, nothing unexpected
    lines: tuple[ExpectedLine, ...] = ()

    def only(self, state: str | None) -> ShipNotice:
        """The same notice listing only the serials in ``state`` (the counts stay whole)."""
        if state is None:
            return self
        lines = tuple(
            replace(ln, serials=tuple(x for x in ln.serials if x.state == state))
            for ln in self.lines
        )
        return replace(self, lines=lines)


@dataclass(frozen=True)
class ValueDrift:
    """An item, location (and lot, or serial) whose ledger value is not the value on hand."""

    item: str
    location: str
    lot: str | None
    ledger_value: Decimal
    on_hand_value: Decimal
    serial: str | None = None  # set for a serial's own drift


@dataclass(frozen=True)
class LedgerCheck:
    """What ``scantrack check`` found: counts, the value on hand, and every drift."""

    items: int
    locations: int
    lots: int
    value: Decimal
    drifts: tuple[ValueDrift, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.drifts


@dataclass(frozen=True)
class LedgerPage:
    """The records with ``since`` < seq <= ``next_since``, in seq order (one kind's only,
    when asked for one). ``last`` is the highest seq committed when the page was read:
    ``more`` says there is more beyond ``next_since``, the cursor to carry on from."""

    records: tuple[Movement, ...]
    since: int
    next_since: int
    last: int

    @property
    def more(self) -> bool:
        return self.next_since < self.last


@dataclass(frozen=True)
class ValuationRow:
    """On hand and value of an item at a location (and lot) by the ledger at a date.

    Serials: their count and the sum of their values, per the lot printed on them (None
    for serials without one); a lot: its quantity and value there."""

    item: str
    location: str
    lot: str | None
    tracking: TrackingKind
    on_hand: int
    value: Decimal


@dataclass(frozen=True)
class ValuationDiff:
    """A place where the ledger and the stock tables disagree (either side may be 0)."""

    item: str
    location: str
    lot: str | None
    ledger_on_hand: int
    ledger_value: Decimal
    stock_on_hand: int
    stock_value: Decimal

    @property
    def stock(self) -> tuple[int, Decimal]:
        return self.stock_on_hand, self.stock_value


@dataclass(frozen=True)
class Reconciliation:
    """Today's ledger against the stock tables (serials' costs, lots' on hand x unit cost)."""

    ledger_value: Decimal
    stock_value: Decimal
    differences: tuple[ValuationDiff, ...]

    @property
    def ok(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class Valuation:
    """Stock and its value at the end of ``at`` (UTC), from the ledger records posted by
    then; for today also the reconciliation with the stock tables."""

    at: dt.date
    rows: tuple[ValuationRow, ...]
    on_hand: int
    value: Decimal
    reconciliation: Reconciliation | None = None


# --- containers (tracking_core/containers.py; docs/containers.md) ----------------------


@dataclass(frozen=True)
class ContainerContent:
    """One thing a container holds itself (not through a child): a serial, or a lot's
    quantity. ``gtin`` and ``description`` are the item's, for labels and packing lists."""

    item: str
    quantity: int
    serial: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None  # the lot's (a serial's own, else its lot's)
    gtin: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ContainerTotal:
    """What a container holds in all, through its children: per item, lot and expiry.

    A GS1 logistic label shows these: content GTIN (AI 02) and count (37) when there is
    one row, with its lot (10) and best before (15)."""

    item: str
    quantity: int
    lot: str | None = None
    expiry: dt.date | None = None
    gtin: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ContainerInfo:
    """A case or pallet with its tree: what it holds itself, its children (each with its
    own tree) and the totals over all of it."""

    code: str  # the SSCC's 18 digits, or the licence plate
    scheme: ContainerScheme
    status: ContainerStatus
    location: str | None
    document: str | None  # the open document that holds it
    parent: str | None
    created_at: dt.datetime
    contents: tuple[ContainerContent, ...] = ()
    children: tuple[ContainerInfo, ...] = ()
    totals: tuple[ContainerTotal, ...] = ()

    @property
    def quantity(self) -> int:
        """Units in all (serials count one each)."""
        return sum(t.quantity for t in self.totals)

    @property
    def empty(self) -> bool:
        return not self.contents and not self.children


@dataclass(frozen=True)
class PackedLot:
    item: str
    lot: str
    quantity: int


@dataclass(frozen=True)
class PackedSerial:
    item: str
    serial: str


@dataclass(frozen=True)
class PackRecord:
    """One packing step as recorded: what went into (``pack``) or out of (``unpack``) a
    container, who did it, when and where. ``reverses``: the step it undoes."""

    id: int
    action: PackAction
    container: str
    location: str | None
    document: str | None
    at: dt.datetime
    operator: str | None
    token: str | None
    device: str | None
    reverses: int | None = None
    serials: tuple[PackedSerial, ...] = ()
    lots: tuple[PackedLot, ...] = ()
    containers: tuple[str, ...] = ()  # child containers moved

    @property
    def quantity(self) -> int:
        return len(self.serials) + sum(x.quantity for x in self.lots) + len(self.containers)


@dataclass(frozen=True)
class ContainerAssignment:
    """What allocating (or taking off) a whole container did: one step per line it touched.

    ``unpacked_from``: the pallet a case was taken from to be picked alone."""

    document: str
    container: str
    action: Literal["allocate", "unassign"]
    assignments: tuple[Assignment, ...] = ()
    unpacked_from: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def quantity(self) -> int:
        return sum(a.quantity for a in self.assignments)
