"""Typed domain errors: each names the violated fact, carries its data and a stable code.

The web layer maps ``category`` to an HTTP status and the gateway maps errors to
operator feedback; nothing else inspects messages.

>>> e = SerialAlreadyAllocated(item="LAPTOP-14", serial="SN1", document="SO-1")
>>> e.code, e.details()["serial"]
('serial_already_allocated', 'SN1')
>>> str(e)
'Serial SN1 of LAPTOP-14 is already allocated to SO-1'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Category = Literal["invalid", "not_found", "conflict", "forbidden", "unavailable", "throttled"]


@dataclass(eq=False)
class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code: ClassVar[str] = "domain_error"
    category: ClassVar[Category] = "conflict"
    template: ClassVar[str] = "Domain rule violated"

    def __str__(self) -> str:
        """The template filled in; ``{Field}`` is the value of ``field`` capitalized, a list
        comma-separated."""
        data = {k: ", ".join(v) if isinstance(v, list) else v for k, v in self.details().items()}
        data.update({k.capitalize(): _capital(v) for k, v in data.items()})
        return self.sentence().format(**data)

    def sentence(self) -> str:
        """The template for this error's data (one without the parts its data lacks)."""
        return self.template

    @property
    def message(self) -> str:
        return str(self)

    def details(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _capital(value: Any) -> Any:
    return value[:1].upper() + value[1:] if isinstance(value, str) else value


# --- invalid input -------------------------------------------------------------------


@dataclass(eq=False)
class InvalidInput(DomainError):
    field: str
    reason: str
    code: ClassVar[str] = "invalid_input"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Invalid {field}: {reason}"


@dataclass(eq=False)
class InvalidNumber(InvalidInput):
    """A serial or lot number outside the number character set or length (validate)."""

    value: str
    position: int | None = None
    character: str | None = None
    template: ClassVar[str] = "Invalid {field} {value!r}: {reason}"


class InvalidSerialNumber(InvalidNumber):
    code: ClassVar[str] = "invalid_serial"


class InvalidLotNumber(InvalidNumber):
    code: ClassVar[str] = "invalid_lot"


@dataclass(eq=False)
class PriceNotCost(InvalidInput):
    """A cost given for a shipment line: what the ERP means is the sales price."""

    use: str = "unit_price"
    code: ClassVar[str] = "price_not_cost"
    template: ClassVar[str] = "Invalid {field}: {reason}; send it as {use}"


@dataclass(eq=False)
class InvalidQuantity(DomainError):
    quantity: object
    reason: str
    code: ClassVar[str] = "invalid_quantity"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Invalid quantity {quantity!r}: {reason}"


@dataclass(eq=False)
class InvalidMask(DomainError):
    mask: str
    reason: str
    code: ClassVar[str] = "invalid_mask"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Invalid mask {mask!r}: {reason}"


@dataclass(eq=False)
class LabelJobNotUnconfirmed(DomainError):
    """Only a job whose outcome is unknown waits for an operator's decision."""

    job: int
    status: str
    code: ClassVar[str] = "label_job_not_unconfirmed"
    category: ClassVar[Category] = "conflict"
    template: ClassVar[str] = "Label job {job} is {status}, not unconfirmed: nothing to decide"


@dataclass(eq=False)
class MaskExhausted(DomainError):
    mask: str
    capacity: int
    code: ClassVar[str] = "mask_exhausted"
    category: ClassVar[Category] = "conflict"
    template: ClassVar[str] = "Mask {mask!r} cannot generate more numbers (capacity {capacity})"


@dataclass(eq=False)
class MaskCollision(DomainError):
    mask: str
    item: str
    other_item: str
    other_mask: str
    code: ClassVar[str] = "mask_collision"
    category: ClassVar[Category] = "conflict"
    template: ClassVar[str] = (
        "Mask {mask!r} of {item} could generate the same numbers as {other_mask!r} of "
        "{other_item}, and duplicate serials are not allowed"
    )


@dataclass(eq=False)
class NoMask(DomainError):
    item: str
    kind: str
    code: ClassVar[str] = "no_mask"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Item {item} has no {kind} mask and no default {kind} mask is set"


@dataclass(eq=False)
class TrackingMismatch(DomainError):
    item: str
    tracking: str
    expected: str
    code: ClassVar[str] = "tracking_mismatch"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Item {item} is tracked by {tracking}, not by {expected}"


@dataclass(eq=False)
class TrackingDisabled(DomainError):
    tracking: str
    code: ClassVar[str] = "tracking_disabled"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Tracking by {tracking} is turned off in the settings"


# --- not found -----------------------------------------------------------------------


@dataclass(eq=False)
class NotFound(DomainError):
    entity: str
    key: str
    code: ClassVar[str] = "not_found"
    category: ClassVar[Category] = "not_found"
    template: ClassVar[str] = "Unknown {entity} {key!r}"


@dataclass(eq=False)
class UnknownItem(NotFound):
    entity: str = "item"
    key: str = ""
    code: ClassVar[str] = "unknown_item"


@dataclass(eq=False)
class UnknownLocation(NotFound):
    entity: str = "location"
    key: str = ""
    code: ClassVar[str] = "unknown_location"


@dataclass(eq=False)
class UnknownPartner(NotFound):
    entity: str = "partner"
    key: str = ""
    code: ClassVar[str] = "unknown_partner"


@dataclass(eq=False)
class UnknownDocument(NotFound):
    entity: str = "document"
    key: str = ""
    code: ClassVar[str] = "unknown_document"


@dataclass(eq=False)
class UnknownLine(NotFound):
    entity: str = "document line"
    key: str = ""
    code: ClassVar[str] = "unknown_line"


@dataclass(eq=False)
class UnknownSerial(DomainError):
    item: str | None  # None: looked up by the serial alone
    serial: str
    code: ClassVar[str] = "unknown_serial"
    category: ClassVar[Category] = "not_found"
    template: ClassVar[str] = "Serial {serial} of {item} is not known"

    def sentence(self) -> str:
        return self.template if self.item else "Serial {serial} is not known"


@dataclass(eq=False)
class SerialAmbiguous(DomainError):
    """Several items have this serial (``allow_duplicate_serials``): which one is meant."""

    serial: str
    items: list[str]
    code: ClassVar[str] = "serial_ambiguous"
    template: ClassVar[str] = "Serial {serial} belongs to several items ({items}): name the item"


@dataclass(eq=False)
class UnknownLot(DomainError):
    item: str
    lot: str
    code: ClassVar[str] = "unknown_lot"
    category: ClassVar[Category] = "not_found"
    template: ClassVar[str] = "Lot {lot} of {item} is not known"


@dataclass(eq=False)
class UnknownOperator(NotFound):
    entity: str = "operator badge"
    key: str = ""
    code: ClassVar[str] = "unknown_operator"


@dataclass(eq=False)
class OperatorInactive(DomainError):
    badge: str
    name: str
    code: ClassVar[str] = "operator_inactive"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "Operator {badge} ({name}) is deactivated and cannot sign in"


@dataclass(eq=False)
class WrongPin(DomainError):
    """A PIN that does not match; after a few, each try waits longer (``retry_after``)."""

    badge: str
    failures: int
    retry_after: int  # seconds before the next try is checked at all
    code: ClassVar[str] = "wrong_pin"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "Wrong PIN for operator {badge} ({failures} in a row)"

    def sentence(self) -> str:
        if self.retry_after:
            return self.template + "; try again in {retry_after} s"
        return self.template


@dataclass(eq=False)
class SignInLocked(DomainError):
    """Too many wrong PINs: this try was not even checked."""

    badge: str
    retry_after: int
    code: ClassVar[str] = "signin_locked"
    category: ClassVar[Category] = "throttled"
    template: ClassVar[str] = (
        "Too many wrong PINs for operator {badge}: try again in {retry_after} s"
    )


@dataclass(eq=False)
class PinRequired(DomainError):
    """An operator with a PIN signs in on the handheld with it, not with the badge alone."""

    badge: str
    code: ClassVar[str] = "pin_required"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "Operator {badge} signs in with badge and PIN on the handheld"


@dataclass(eq=False)
class NoPin(DomainError):
    badge: str
    code: ClassVar[str] = "no_pin"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "Operator {badge} has no PIN yet: a supervisor sets one"


@dataclass(eq=False)
class SignInExpired(DomainError):
    """The operator's sign-in on this device lapsed (idle too long)."""

    badge: str
    device: str
    code: ClassVar[str] = "signin_expired"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = (
        "The sign-in of operator {badge} on {device} has expired: sign in again"
    )


@dataclass(eq=False)
class UnknownDevice(NotFound):
    entity: str = "device"
    key: str = ""
    code: ClassVar[str] = "unknown_device"


@dataclass(eq=False)
class EnrolmentCodeInvalid(DomainError):
    """An enrolment code that is unknown, used up or expired (we do not say which)."""

    code: ClassVar[str] = "enrolment_code_invalid"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = (
        "This enrolment code is unknown, used or expired: ask a supervisor for a new one"
    )


@dataclass(eq=False)
class DeviceRevoked(DomainError):
    device: str
    code: ClassVar[str] = "device_revoked"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "Device {device} is revoked: enrol it again"


# --- conflicts with the state of stock ---------------------------------------------


@dataclass(eq=False)
class DuplicateKey(DomainError):
    entity: str
    key: str
    code: ClassVar[str] = "duplicate"
    template: ClassVar[str] = "{Entity} {key!r} already exists"


@dataclass(eq=False)
class SerialExists(DomainError):
    item: str
    serial: str
    status: str
    code: ClassVar[str] = "serial_exists"
    template: ClassVar[str] = "Serial {serial} of {item} already exists ({status})"


@dataclass(eq=False)
class SerialUsedByOtherItem(DomainError):
    item: str
    serial: str
    other_item: str
    code: ClassVar[str] = "serial_used_by_other_item"
    template: ClassVar[str] = (
        "Serial {serial} is already used by item {other_item}; duplicate serials across "
        "items are not allowed"
    )


@dataclass(eq=False)
class SerialAlreadyAllocated(DomainError):
    item: str
    serial: str
    document: str | None
    code: ClassVar[str] = "serial_already_allocated"
    template: ClassVar[str] = "Serial {serial} of {item} is already allocated to {document}"

    def sentence(self) -> str:
        return self.template if self.document else "Serial {serial} of {item} is already allocated"


@dataclass(eq=False)
class SerialNotAvailable(DomainError):
    item: str
    serial: str
    status: str
    location: str | None
    wanted_location: str | None = None
    code: ClassVar[str] = "serial_not_available"
    template: ClassVar[str] = (
        "Serial {serial} of {item} is {status} at {location}, not in stock at {wanted_location}"
    )

    def sentence(self) -> str:
        where = " at {location}" if self.location else ""
        wanted = " at {wanted_location}" if self.wanted_location else ""
        return "Serial {serial} of {item} is {status}" + where + ", not in stock" + wanted


@dataclass(eq=False)
class SerialNotShipped(DomainError):
    item: str
    serial: str
    status: str
    code: ClassVar[str] = "serial_not_shipped"
    template: ClassVar[str] = (
        "Serial {serial} of {item} is {status}; only a shipped serial can come back from a customer"
    )


@dataclass(eq=False)
class SerialNotOnLine(DomainError):
    serial: str
    line: int
    code: ClassVar[str] = "serial_not_on_line"
    template: ClassVar[str] = "Serial {serial} is not assigned to line {line}"


@dataclass(eq=False)
class UnexpectedSerial(DomainError):
    item: str
    serial: str
    document: str
    code: ClassVar[str] = "unexpected_serial"
    template: ClassVar[str] = "Serial {serial} of {item} is not expected on {document}"


@dataclass(eq=False)
class InsufficientLotQuantity(DomainError):
    item: str
    lot: str
    location: str
    requested: int
    available: int
    code: ClassVar[str] = "insufficient_lot_quantity"
    template: ClassVar[str] = (
        "Lot {lot} of {item} at {location}: {requested} requested, {available} available"
    )


@dataclass(eq=False)
class InsufficientStock(DomainError):
    item: str
    location: str
    requested: int
    available: int
    code: ClassVar[str] = "insufficient_stock"
    template: ClassVar[str] = (
        "{item} at {location}: {requested} requested, {available} available to allocate"
    )


@dataclass(eq=False)
class LotNotOnLine(DomainError):
    lot: str
    line: int
    code: ClassVar[str] = "lot_not_on_line"
    template: ClassVar[str] = "Lot {lot} is not assigned to line {line}"


@dataclass(eq=False)
class StockExpired(DomainError):
    item: str
    number: str
    expiry: str
    code: ClassVar[str] = "stock_expired"
    template: ClassVar[str] = "{item} {number} expired on {expiry}"


@dataclass(eq=False)
class StockQuarantined(DomainError):
    item: str
    number: str
    until: str | None
    code: ClassVar[str] = "stock_quarantined"
    template: ClassVar[str] = "{item} {number} is in quarantine until {until}"

    def sentence(self) -> str:
        return self.template if self.until else "{item} {number} is in quarantine"


@dataclass(eq=False)
class LotRecalled(DomainError):
    item: str
    lot: str
    recall_number: str | None
    code: ClassVar[str] = "lot_recalled"
    template: ClassVar[str] = "Lot {lot} of {item} is recalled (recall {recall_number})"

    def sentence(self) -> str:
        return self.template if self.recall_number else "Lot {lot} of {item} is recalled"


@dataclass(eq=False)
class SerialLotMismatch(DomainError):
    """A serial's label names another lot than the one its unit was received with."""

    item: str
    serial: str
    lot: str
    label_lot: str
    code: ClassVar[str] = "serial_lot_mismatch"
    template: ClassVar[str] = (
        "Serial {serial} of {item} belongs to lot {lot}, but its label says lot {label_lot}"
    )


@dataclass(eq=False)
class LotConflict(DomainError):
    item: str
    lot: str
    field: str
    existing: str
    given: str
    code: ClassVar[str] = "lot_conflict"
    template: ClassVar[str] = (
        "Lot {lot} of {item} already has {field} {existing}, the label says {given}"
    )


# --- documents -------------------------------------------------------------------------


@dataclass(eq=False)
class DocumentNotOpen(DomainError):
    document: str
    status: str
    code: ClassVar[str] = "document_not_open"
    template: ClassVar[str] = "Document {document} is {status}, not open"


@dataclass(eq=False)
class DocumentNotPosted(DomainError):
    document: str
    status: str
    code: ClassVar[str] = "document_not_posted"
    template: ClassVar[str] = (
        "Document {document} is {status}; only a posted document can be reversed"
    )


@dataclass(eq=False)
class WrongDocumentType(DomainError):
    document: str
    doc_type: str
    expected: str
    code: ClassVar[str] = "wrong_document_type"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Document {document} is a {doc_type}, expected {expected}"


@dataclass(eq=False)
class PartnerRequired(DomainError):
    document: str
    doc_type: str
    kind: str  # the partner kind the document needs: customer or vendor
    code: ClassVar[str] = "partner_required"
    template: ClassVar[str] = "The {doc_type} {document} needs a {kind} before it can be posted"


@dataclass(eq=False)
class WrongPartnerKind(DomainError):
    partner: str
    partner_kind: str
    doc_type: str
    expected: str
    code: ClassVar[str] = "wrong_partner_kind"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = (
        "Partner {partner} is a {partner_kind}; a {doc_type} needs a {expected}"
    )


@dataclass(eq=False)
class UnexpectedReturn(DomainError):
    item: str
    serial: str
    partner: str
    shipped_to: str | None
    code: ClassVar[str] = "unexpected_return"
    template: ClassVar[str] = (
        "Serial {serial} of {item} was never shipped to {partner} (last shipped to {shipped_to})"
    )

    def sentence(self) -> str:
        if self.shipped_to:
            return self.template
        return "Serial {serial} of {item} was never shipped to {partner}"


@dataclass(eq=False)
class LineQuantityExceeded(DomainError):
    document: str
    line: int
    quantity: int
    assigned: int
    requested: int
    code: ClassVar[str] = "line_quantity_exceeded"
    template: ClassVar[str] = (
        "Line {line} of {document} is for {quantity}; {assigned} assigned, "
        "{requested} more requested"
    )


@dataclass(eq=False)
class LineIncomplete(DomainError):
    document: str
    line: int
    item: str
    quantity: int
    assigned: int
    code: ClassVar[str] = "line_incomplete"
    template: ClassVar[str] = (
        "Line {line} of {document} ({item}) has {assigned} of {quantity} serial/lot numbers; "
        "different quantities are not allowed"
    )


@dataclass(eq=False)
class AlreadyReversed(DomainError):
    document: str
    reversal: str
    code: ClassVar[str] = "already_reversed"
    template: ClassVar[str] = "Document {document} is already reversed by {reversal}"


@dataclass(eq=False)
class CannotReverse(DomainError):
    document: str
    reason: str
    code: ClassVar[str] = "cannot_reverse"
    template: ClassVar[str] = "Document {document} cannot be reversed: {reason}"


@dataclass(eq=False)
class LedgerImmutable(DomainError):
    table: str
    code: ClassVar[str] = "ledger_immutable"
    template: ClassVar[str] = "Transaction records in {table} are never updated or deleted"


# --- containers ------------------------------------------------------------------------


@dataclass(eq=False)
class UnknownContainer(NotFound):
    entity: str = "container"
    key: str = ""
    code: ClassVar[str] = "unknown_container"


@dataclass(eq=False)
class InvalidContainerCode(DomainError):
    """Not an SSCC (18 digits with a good check digit) nor a licence plate."""

    value: str
    reason: str
    code: ClassVar[str] = "invalid_container_code"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Invalid container code {value!r}: {reason}"


@dataclass(eq=False)
class ContainerExists(DomainError):
    container: str
    code: ClassVar[str] = "container_exists"
    template: ClassVar[str] = "Container {container} already exists"


@dataclass(eq=False)
class ContainerNotAvailable(DomainError):
    """A container that is not in stock, free, where the step needs it."""

    container: str
    status: str
    reason: str
    code: ClassVar[str] = "container_not_available"
    template: ClassVar[str] = "Container {container} is {status}: {reason}"


@dataclass(eq=False)
class AlreadyPacked(DomainError):
    """A serial, or a container, is in another container already (unpack or repack it)."""

    what: str  # "serial SN-1 of LAPTOP-14", "case 0061..."
    container: str
    code: ClassVar[str] = "already_packed"
    template: ClassVar[str] = "{What} is already packed in {container}"


@dataclass(eq=False)
class ContainerCycle(DomainError):
    container: str
    into: str
    code: ClassVar[str] = "container_cycle"
    template: ClassVar[str] = "Container {container} cannot go into {into}: {into} is inside it"


@dataclass(eq=False)
class NotPacked(DomainError):
    """Unpacking what is not (or not so much) in the container."""

    what: str
    container: str
    code: ClassVar[str] = "not_packed"
    template: ClassVar[str] = "{What} is not in container {container}"


@dataclass(eq=False)
class NotPackable(DomainError):
    """What cannot be packed where the container is, as it is."""

    what: str
    container: str
    reason: str
    code: ClassVar[str] = "not_packable"
    template: ClassVar[str] = "{What} cannot be packed into {container}: {reason}"


@dataclass(eq=False)
class ContainerContentRefused(DomainError):
    """Moving a container whole was refused because of something inside it."""

    container: str
    reason: str  # the refusal of the content, as its own error said it
    cause: str  # that error's code
    code: ClassVar[str] = "container_content_refused"
    template: ClassVar[str] = "Container {container} cannot be taken: {reason}"


@dataclass(eq=False)
class PackAlreadyReversed(DomainError):
    operation: int
    reversal: int
    code: ClassVar[str] = "pack_already_reversed"
    template: ClassVar[str] = "Packing step {operation} is already reversed by step {reversal}"


@dataclass(eq=False)
class UnknownPackOperation(NotFound):
    entity: str = "packing step"
    key: str = ""
    code: ClassVar[str] = "unknown_pack_operation"


# --- idempotency, auth, storage --------------------------------------------------------


@dataclass(eq=False)
class IdempotencyConflict(DomainError):
    device: str
    scan_id: str
    code: ClassVar[str] = "idempotency_conflict"
    template: ClassVar[str] = (
        "Scan {scan_id} of device {device} was already used for a different request"
    )


@dataclass(eq=False)
class PermissionDenied(DomainError):
    action: str
    role: str | None
    needed: str
    code: ClassVar[str] = "permission_denied"
    category: ClassVar[Category] = "forbidden"
    template: ClassVar[str] = "{Action} needs the {needed} role (you have {role})"

    def sentence(self) -> str:
        return self.template if self.role else "{Action} needs the {needed} role"


@dataclass(eq=False)
class StorageError(DomainError):
    reason: str
    code: ClassVar[str] = "storage_error"
    category: ClassVar[Category] = "unavailable"
    template: ClassVar[str] = "The database could not complete the request: {reason}"


@dataclass(eq=False)
class InvalidConfiguration(DomainError):
    variable: str
    value: str
    expected: str
    code: ClassVar[str] = "invalid_configuration"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "{variable} is {value!r}: it must be {expected}"


@dataclass(eq=False)
class DatabaseDirectoryMissing(DomainError):
    path: str
    directory: str
    code: ClassVar[str] = "database_directory_missing"
    category: ClassVar[Category] = "unavailable"
    template: ClassVar[str] = (
        "There is no directory {directory} for the database file {path}: create it, or name "
        "another database with --database-url or SCANTRACK_DATABASE_URL"
    )


# --- receiving by SSCC (tracking_core/receiving_containers.py) -------------------------


@dataclass(eq=False)
class ContainerAlreadyReceived(DomainError):
    """An announced container scanned in again (alone, or with the pallet it is on)."""

    container: str
    document: str
    pallet: str | None = None
    code: ClassVar[str] = "container_already_received"
    template: ClassVar[str] = (
        "Container {container} was already received on {document} with {pallet}"
    )

    def sentence(self) -> str:
        if self.pallet:
            return self.template
        return "Container {container} was already received on {document}"


@dataclass(eq=False)
class ContainerSpansLocations(DomainError):
    """A container whose contents are on receipt lines for different locations: it
    arrives whole, at one place."""

    container: str
    locations: list[str]
    code: ClassVar[str] = "container_spans_locations"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = (
        "Container {container} holds contents for {locations}: a container arrives at one location"
    )


@dataclass(eq=False)
class SerialAnnouncedTwice(DomainError):
    serial: str
    container: str
    other: str  # the container it was announced in first (may be the same)
    code: ClassVar[str] = "serial_announced_twice"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "Serial {serial} is announced in {other} and again in {container}"


@dataclass(eq=False)
class NoticeExceedsLine(DomainError):
    """A ship notice announcing more in containers than a receipt line is for."""

    document: str
    line: int
    quantity: int
    announced: int
    requested: int
    code: ClassVar[str] = "notice_exceeds_line"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = (
        "Line {line} of {document} is for {quantity}; {announced} announced already, "
        "{requested} more announced"
    )
