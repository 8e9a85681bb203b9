"""What the routes answer: the route and the OpenAPI document share these types.

A TypedDict for an answer a route builds by hand; ``Shown`` for a dataclass answered
with some of its properties (``present`` encodes it by the same declaration).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, TypedDict

from tracking_core.auth import TokenInfo
from tracking_core.delivery import DeliveryInfo, SubscriptionInfo
from tracking_core.devices import DeviceInfo
from tracking_core.operators import OperatorInfo
from tracking_core.outbox import JobInfo
from tracking_core.scan import Feedback
from tracking_core.settings import SettingChangeInfo
from tracking_core.signin import SignInRecord
from tracking_core.values import (
    Assignment,
    ContainerAssignment,
    ContainerInfo,
    DocumentInfo,
    ItemInfo,
    LocationInfo,
    LotInfo,
    Movement,
    PackRecord,
    PartnerInfo,
    Reconciliation,
    SerialInfo,
    StockRow,
    Trace,
    Valuation,
)
from web_mobile.api.response_schema import Shown


class ItemList(TypedDict):
    items: list[ItemInfo]


class LocationList(TypedDict):
    locations: list[LocationInfo]


class PartnerList(TypedDict):
    partners: list[PartnerInfo]


# --- settings, tokens, operators, devices ---------------------------------------------


class SettingChanges(TypedDict):
    changes: list[SettingChangeInfo]


class TokenList(TypedDict):
    tokens: list[TokenInfo]


class TokenSecret(TypedDict):
    token: str  # the secret: this answer is the only time it is shown


NewToken = Annotated[TokenInfo, Shown("NewToken", extra=TokenSecret)]


class OperatorList(TypedDict):
    operators: list[OperatorInfo]


class SignIns(TypedDict):
    signins: list[SignInRecord]


class DeviceList(TypedDict):
    devices: list[DeviceInfo]


class Enrolment(TypedDict):
    """A one-time enrolment code, the link its QR code carries, and until when it works."""

    code: str
    url: str
    expires_at: dt.datetime


class WithEnrolment(TypedDict):
    enrolment: Enrolment


DeviceEnrolment = Annotated[DeviceInfo, Shown("DeviceEnrolment", extra=WithEnrolment)]


class EnrolledDevice(TypedDict):
    device: DeviceInfo
    token: str  # the device's own token, shown this once


# --- documents and scan steps ------------------------------------------------------------

Document = Annotated[DocumentInfo, Shown("Document", add=("quantity", "assigned"))]


class DocumentList(TypedDict):
    documents: list[Document]


# the scan path's progress stays out: the API answers with the fields it always had
StepResult = Annotated[Assignment, Shown("Assignment", add=("quantity",), drop=("progress",))]

FeedbackAnswer = Annotated[Feedback, Shown("Feedback", add=("sound",))]

# --- inquiry -----------------------------------------------------------------------------

StockLevel = Annotated[StockRow, Shown("StockLevel", add=("available",))]


class Stock(TypedDict):
    stock: list[StockLevel]
    value: Decimal  # the sum of the rows' values


# one component for every ledger record answered: the feed's, a serial's or lot's history
LedgerRecord = Annotated[Movement, Shown("LedgerRecord")]
_HISTORY = (("history", tuple[LedgerRecord, ...]),)
Serial = Annotated[SerialInfo, Shown("SerialInfo", types=_HISTORY)]
Lot = Annotated[LotInfo, Shown("Lot", add=("on_hand",), types=_HISTORY)]
TraceAnswer = Annotated[
    Trace, Shown("Trace", add=("partners",), types=(("movements", tuple[LedgerRecord, ...]),))
]


class LedgerPage(TypedDict):
    records: list[LedgerRecord]
    since: int
    next_since: int
    last: int
    more: bool


class LedgerRecordsById(TypedDict):
    records: list[LedgerRecord]


ReconciliationAnswer = Annotated[Reconciliation, Shown("Reconciliation", add=("ok",))]
ValuationAnswer = Annotated[
    Valuation, Shown("Valuation", types=(("reconciliation", ReconciliationAnswer | None),))
]

# --- labels ------------------------------------------------------------------------------

LabelJob = Annotated[JobInfo, Shown("LabelJob")]


class LabelJobEvent(TypedDict):
    event: str
    job: int | None  # reprinted_as: the new job; reprint_of: the original
    actor: str | None
    reason: str | None
    at: dt.datetime


class LabelJobList(TypedDict):
    jobs: list[LabelJob]
    next: int | None  # pass as after for the next page; null: no more


class LabelJobDetail(TypedDict):
    job: LabelJob
    events: list[LabelJobEvent]


class SsccLabels(TypedDict):
    ssccs: list[str]
    job: LabelJob


# --- event subscriptions -------------------------------------------------------------------

Subscription = Annotated[SubscriptionInfo, Shown("Subscription")]
Delivery = Annotated[DeliveryInfo, Shown("Delivery")]


class SubscriptionList(TypedDict):
    subscriptions: list[Subscription]


class SubscriptionCreated(TypedDict):
    subscription: Subscription
    secret: str | None  # webhook: the signing secret, shown this once; MQTT: null


class DeliveryList(TypedDict):
    deliveries: list[Delivery]


class Replay(TypedDict):
    delivery: Delivery
    replayed: bool  # false: it was not dead (replayed already or delivered)


class Deleted(TypedDict):
    deleted: int


# --- containers -----------------------------------------------------------------------


class ContainerList(TypedDict):
    containers: list[ContainerInfo]


class PackRecordList(TypedDict):
    records: list[PackRecord]


ContainerStep = Annotated[
    ContainerAssignment,
    Shown("ContainerStep", add=("quantity",), types=(("assignments", tuple[StepResult, ...]),)),
]


class ContainerLabel(TypedDict):
    job: int
    container: str
