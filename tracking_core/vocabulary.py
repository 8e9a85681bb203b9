"""The domain's words: the kinds, roles and statuses there are, as ``Literal`` types.

Each type comes with the tuple of its values, in order, for listings, choices and the
database's check constraints (``models`` builds them from these tuples, so the schema and
the types agree). Text from outside becomes one of them through :func:`one_of`, which
refuses anything else with the core's ``InvalidInput``:

>>> one_of("doc_type", "receipt", DOC_TYPES)
'receipt'
>>> try:
...     one_of("tracking", "batch", TRACKING)
... except InvalidInput as e:
...     print(e.code, "-", e)
invalid_input - Invalid tracking: must be one of none, lot, serial
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

from tracking_core.errors import InvalidInput

__all__ = [
    "CONTAINERS_HELD",
    "CONTAINERS_LOCATED",
    "CONTAINER_SCHEMES",
    "CONTAINER_STATUSES",
    "DIRECTIONS",
    "DOC_STATUSES",
    "DOC_TYPES",
    "JOB_STATUSES",
    "LABEL_KINDS",
    "LEDGER_KINDS",
    "LOCATION_KINDS",
    "LOT_STATUSES",
    "PACK_ACTIONS",
    "PARTNER_KINDS",
    "ROLES",
    "SERIALS_ON_HAND",
    "SERIAL_STATUSES",
    "SIGNIN_RESULTS",
    "TRACKING",
    "ContainerScheme",
    "ContainerStatus",
    "Direction",
    "DocStatus",
    "DocType",
    "JobStatus",
    "LabelKind",
    "LedgerKind",
    "LocationKind",
    "LotStatus",
    "PackAction",
    "PartnerKind",
    "Role",
    "SerialStatus",
    "SignInResult",
    "TrackingKind",
    "one_of",
]

TrackingKind = Literal["none", "lot", "serial"]
TRACKING: tuple[TrackingKind, ...] = get_args(TrackingKind)

LocationKind = Literal["dock", "bin", "staging", "shipping", "quarantine"]
LOCATION_KINDS: tuple[LocationKind, ...] = get_args(LocationKind)

PartnerKind = Literal["vendor", "customer", "both"]
PARTNER_KINDS: tuple[PartnerKind, ...] = get_args(PartnerKind)

SerialStatus = Literal[
    "pending",  # generated on an open inbound document, not yet posted
    "in_stock",
    "allocated",
    "shipped",
    "returned_to_vendor",
    "scrapped",
    "reversed",  # its receipt was reversed
]
SERIAL_STATUSES: tuple[SerialStatus, ...] = get_args(SerialStatus)
# the serials counted as stock on hand (and the condition of their partial index)
SERIALS_ON_HAND: tuple[SerialStatus, ...] = ("in_stock", "allocated")

LotStatus = Literal["available", "quarantine", "recalled"]
LOT_STATUSES: tuple[LotStatus, ...] = get_args(LotStatus)

DocType = Literal[
    "receipt", "shipment", "customer_return", "vendor_return", "transfer", "adjustment"
]
DOC_TYPES: tuple[DocType, ...] = get_args(DocType)

DocStatus = Literal["open", "posted", "cancelled"]
DOC_STATUSES: tuple[DocStatus, ...] = get_args(DocStatus)

# 'in' generates numbers, 'out' allocates them; only adjustments choose, per line
Direction = Literal["in", "out"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)

# a case or pallet: an SSCC (18 digits) or an internal licence plate from a mask
ContainerScheme = Literal["sscc", "plate"]
CONTAINER_SCHEMES: tuple[ContainerScheme, ...] = get_args(ContainerScheme)

ContainerStatus = Literal[
    "expected",  # announced by a receipt's ship notice, not yet at the dock
    "pending",  # scanned in on an open inbound document: its contents arrive on posting
    "in_stock",  # at a location, held by no document
    "allocated",  # held by an open outbound document that moves it whole
    "shipped",  # left with a shipment or a return to the vendor
]
CONTAINER_STATUSES: tuple[ContainerStatus, ...] = get_args(ContainerStatus)
# the statuses in which a container (and so its contents) is at a location
CONTAINERS_LOCATED: tuple[ContainerStatus, ...] = ("in_stock", "allocated")
# the statuses in which an open document holds it
CONTAINERS_HELD: tuple[ContainerStatus, ...] = ("expected", "pending", "allocated")

PackAction = Literal["pack", "unpack"]
PACK_ACTIONS: tuple[PackAction, ...] = get_args(PackAction)

Role = Literal["admin", "setup", "operator", "integration"]
ROLES: tuple[Role, ...] = get_args(Role)

SignInResult = Literal["ok", "wrong_pin", "locked", "unknown", "inactive", "no_pin"]
SIGNIN_RESULTS: tuple[SignInResult, ...] = get_args(SignInResult)

# a ledger record: one serial's movement, or one lot's at one location
LedgerKind = Literal["serial", "lot"]
LEDGER_KINDS: tuple[LedgerKind, ...] = get_args(LedgerKind)

LabelKind = Literal["serial", "lot", "sscc", "location"]
LABEL_KINDS: tuple[LabelKind, ...] = get_args(LabelKind)

# ``sending`` is a worker's claim; ``unconfirmed`` an unknown outcome (see outbox)
JobStatus = Literal["pending", "sending", "printed", "unconfirmed", "cancelled"]
JOB_STATUSES: tuple[JobStatus, ...] = get_args(JobStatus)

Word = TypeVar("Word", bound=str)


def one_of(field: str, value: object, words: tuple[Word, ...], reason: str = "") -> Word:
    """``value`` as one of ``words`` (typed as their ``Literal``), else ``InvalidInput``
    with ``reason`` (default: the words it must be)."""
    for word in words:
        if value == word:
            return word
    raise InvalidInput(field=field, reason=reason or f"must be one of {', '.join(words)}")
