"""The JSON bodies the API accepts, as ``TypedDict`` types: what a route reads from them.

Each is named as its schema in ``openapi.SCHEMAS`` and says the same: the same fields,
the same required ones, the same enums (``openapi`` takes them from the ``Literal`` types
here and in the core), dates already parsed (``inputs`` checks a body against its schema
before the route sees it). ``tests/web/test_bodies.py`` holds the two against each other.
"""

# No ``from __future__ import annotations``: Python 3.11 reads NotRequired only from
# evaluated annotations, and tests/web/test_bodies.py reads the required keys.
import datetime as dt
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

from scanner_gateway.interpret import CommandName
from tracking_core import Direction, DocType, LocationKind, PartnerKind, Role, TrackingKind
from tracking_core.events import EventKind
from tracking_core.settings import AllocationOrder, Policy

#: Money in a body: a JSON number, or a decimal string that keeps every digit.
Decimalish: TypeAlias = float | str
StepAction = Literal["generate", "allocate"]
Outcome = Literal["printed", "resend", "cancel"]  # what an operator saw the printer do
SsccUnit = Literal["case", "pallet"]


class ItemCreate(TypedDict):
    sku: str
    tracking: TrackingKind
    description: NotRequired[str]
    uom: NotRequired[str]
    gtins: NotRequired[list[str]]
    serial_mask: NotRequired[str]
    lot_mask: NotRequired[str]
    shelf_life_days: NotRequired[int]
    warranty_days: NotRequired[int]
    standard_cost: NotRequired[Decimalish]


class ItemPatch(TypedDict, total=False):
    description: str
    uom: str
    gtins: list[str]
    serial_mask: str | None  # None: the default mask
    lot_mask: str | None
    shelf_life_days: int | None
    warranty_days: int | None
    standard_cost: Decimalish


class LocationCreate(TypedDict):
    code: str
    name: NotRequired[str]
    kind: NotRequired[LocationKind]
    parent: NotRequired[str]
    gln: NotRequired[str]


class LocationPatch(TypedDict):
    name: NotRequired[str]
    gln: NotRequired[str | None]


class PartnerCreate(TypedDict):
    code: str
    kind: PartnerKind
    name: NotRequired[str]


class OperatorCreate(TypedDict):
    badge: str
    name: str
    role: NotRequired[Role]
    pin: NotRequired[str]


class SettingsPatch(TypedDict, total=False):
    use_serials: bool
    use_lots: bool
    allow_duplicate_serials: bool
    allow_different_quantities: bool
    allocation_order: AllocationOrder
    expired_stock_policy: Policy
    unexpected_serial_policy: Policy
    allow_unknown_returns: bool
    unexpected_return_policy: Policy
    require_partners: bool
    operator_adhoc_documents: bool
    quarantine_days_on_receipt: int
    operator_idle_minutes: int
    default_serial_mask: str
    default_lot_mask: str
    sscc_company_prefix: str
    sscc_extension: int
    scan_refused_events: bool
    epcis_private_base: str


class OperatorPin(TypedDict):
    pin: str | None  # None clears the PIN


class OperatorRole(TypedDict):
    role: Role


class DeviceCreate(TypedDict):
    name: str
    station: NotRequired[str]
    profile: NotRequired[dict[str, Any]]  # checked by ScanProfile, not by the schema


class DeviceProfile(TypedDict):
    profile: dict[str, Any]


class Enrol(TypedDict):
    code: str


class TokenCreate(TypedDict):
    name: str
    role: Role


class Line(TypedDict):
    item: str
    quantity: int
    location: str
    unit_cost: NotRequired[Decimalish]
    unit_price: NotRequired[Decimalish]
    to_location: NotRequired[str]
    direction: NotRequired[Direction]
    expected_serials: NotRequired[list[str]]


class DocumentCreate(TypedDict):
    type: DocType
    number: NotRequired[str]
    partner: NotRequired[str]
    reference: NotRequired[str]
    lines: NotRequired[list[Line]]


class Reverse(TypedDict, total=False):
    number: str


class _Step(TypedDict):
    """The fields a serial step and a lot step share."""

    action: StepAction
    line: NotRequired[int]
    item: NotRequired[str]
    lot: NotRequired[str]
    expiry: NotRequired[dt.date]
    production_date: NotRequired[dt.date]
    device: NotRequired[str]  # with scan_id: an idempotent step
    scan_id: NotRequired[str]


class SerialStep(_Step):
    serials: NotRequired[list[str]]
    count: NotRequired[int]


class LotStep(_Step):
    quantity: int


class Scan(TypedDict):
    device: str
    scan_id: str
    raw: str
    symbology: NotRequired[str]


class Command(TypedDict):
    device: str
    scan_id: str
    command: CommandName
    argument: NotRequired[str]


class Recall(TypedDict):
    recall_number: str
    reason: NotRequired[str]


class Quarantine(TypedDict):
    item: str
    on: bool
    serial: NotRequired[str]
    lot: NotRequired[str]
    until: NotRequired[dt.date]


class Scrap(TypedDict):
    item: str
    reason: NotRequired[str]


class Reprint(TypedDict):
    reason: str
    copies: NotRequired[int]
    printer: NotRequired[str]


class Decision(TypedDict):
    outcome: Outcome
    reason: str


class SsccRequest(TypedDict):
    count: int
    kind: NotRequired[SsccUnit]
    printer: NotRequired[str]


# "from" is a keyword: the functional syntax
LocationLabelsRequest = TypedDict(
    "LocationLabelsRequest",
    {"codes": list[str], "from": str, "to": str, "printer": str},
    total=False,
)


class SubscriptionCreate(TypedDict):
    name: str
    channel: Literal["webhook", "mqtt"]
    url: str
    kinds: NotRequired[list[EventKind]]
    topic_prefix: NotRequired[str]


class SubscriptionUpdate(TypedDict):
    url: NotRequired[str]
    kinds: NotRequired[list[EventKind]]
    topic_prefix: NotRequired[str]


# --- containers -----------------------------------------------------------------------


class ContainerCreate(TypedDict):
    location: str
    code: NotRequired[str]
    label: NotRequired[bool]
    printer: NotRequired[str]


class PackedSerialRef(TypedDict):
    serial: str
    item: NotRequired[str]


class PackedLotRef(TypedDict):
    item: str
    lot: str
    quantity: int


class _Packing(TypedDict):
    serials: NotRequired[list[PackedSerialRef]]
    lots: NotRequired[list[PackedLotRef]]
    containers: NotRequired[list[str]]
    device: NotRequired[str]
    scan_id: NotRequired[str]


class Pack(_Packing):
    repack: NotRequired[bool]


class Unpack(_Packing):
    all: NotRequired[bool]


class ScanKeyBody(TypedDict):
    device: NotRequired[str]
    scan_id: NotRequired[str]


class ContainerOnDocument(TypedDict):
    container: str
    device: NotRequired[str]
    scan_id: NotRequired[str]


class ContainerLabelBody(TypedDict):
    printer: NotRequired[str]
    copies: NotRequired[int]


# --- receiving by SSCC (docs/receiving-by-sscc.md) ------------------------------------------


class NoticeContentIn(TypedDict):
    line: NotRequired[int]
    item: NotRequired[str]
    serials: NotRequired[list[str]]
    lot: NotRequired[str]
    quantity: NotRequired[int]
    expiry: NotRequired[dt.date]


class NoticeContainerIn(TypedDict):
    sscc: str
    parent: NotRequired[str]
    contents: NotRequired[list[NoticeContentIn]]
    children: NotRequired[list["NoticeContainerIn"]]


class ShipNoticeContainers(TypedDict):
    containers: list[NoticeContainerIn]
    device: NotRequired[str]
    scan_id: NotRequired[str]


class ShipNoticeCsv(TypedDict):
    csv: str
    device: NotRequired[str]
    scan_id: NotRequired[str]


class CheckedLotRef(TypedDict):
    lot: str
    quantity: int
    item: NotRequired[str]


class CountedRef(TypedDict):
    item: str
    quantity: int


class ContainerCheckBody(TypedDict):
    container: str
    serials: NotRequired[list[PackedSerialRef]]
    lots: NotRequired[list[CheckedLotRef]]
    quantities: NotRequired[list[CountedRef]]
    device: NotRequired[str]
    scan_id: NotRequired[str]
