"""The tables of the tracking core, as typed SQLAlchemy 2 declarative models.

Invariants are declared here so the database enforces them as well as the services:
unique serials (per item, and across items through ``unique_serial`` when duplicate
serials are not allowed), one open reservation per serial (a single
``reserved_line_id`` column), lot quantities that never go negative or over-allocate,
and an append-only ledger (triggers in the migration).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from tracking_core.errors import LedgerImmutable
from tracking_core.vocabulary import (
    CONTAINER_SCHEMES,
    CONTAINER_STATUSES,
    CONTAINERS_HELD,
    CONTAINERS_LOCATED,
    DIRECTIONS,
    DOC_STATUSES,
    DOC_TYPES,
    JOB_STATUSES,
    LABEL_KINDS,
    LOCATION_KINDS,
    LOT_STATUSES,
    PACK_ACTIONS,
    PARTNER_KINDS,
    ROLES,
    SERIAL_STATUSES,
    SERIALS_ON_HAND,
    SIGNIN_RESULTS,
    TRACKING,
    ContainerScheme,
    ContainerStatus,
    Direction,
    DocStatus,
    DocType,
    JobStatus,
    LabelKind,
    LocationKind,
    LotStatus,
    PackAction,
    PartnerKind,
    Role,
    SerialStatus,
    SignInResult,
    TrackingKind,
)

# Stable constraint names: Alembic needs them, and errors are mapped from them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(18, 4, asdecimal=True)
# SQLite's INTEGER is 64-bit already; BigInteger keeps PostgreSQL ids wide enough.
Id = BigInteger().with_variant(Integer(), "sqlite")

MAX_BADGE = 32


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every database (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint(_in("tracking", TRACKING), name="tracking"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days >= 0", name="shelf_life"),
        CheckConstraint("warranty_days IS NULL OR warranty_days >= 0", name="warranty"),
        CheckConstraint("standard_cost >= 0", name="cost"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    tracking: Mapped[TrackingKind] = mapped_column(String(8))
    uom: Mapped[str] = mapped_column(String(16), default="EA")
    serial_mask: Mapped[str | None] = mapped_column(String(64))
    lot_mask: Mapped[str | None] = mapped_column(String(64))
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    warranty_days: Mapped[int | None] = mapped_column(Integer)
    standard_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class ItemGtin(Base):
    __tablename__ = "item_gtins"
    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint(_in("kind", LOCATION_KINDS), name="kind"),
        CheckConstraint("gln IS NULL OR length(gln) = 13", name="gln"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[LocationKind] = mapped_column(String(16), default="bin")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    # its GS1 GLN (13 digits, check digit checked by catalog): EPCIS read point, business
    # location (tracking_core/epcis/identifiers.py)
    gln: Mapped[str | None] = mapped_column(String(13))


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = (CheckConstraint(_in("kind", PARTNER_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[PartnerKind] = mapped_column(String(16))


class Operator(Base):
    """A person who scans: signs in on a device with an ``OP:BADGE`` label."""

    __tablename__ = "operators"
    __table_args__ = (
        CheckConstraint(f"length(badge) BETWEEN 1 AND {MAX_BADGE}", name="badge"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name"),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("failed_pins >= 0", name="failed_pins"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    badge: Mapped[str] = mapped_column(String(MAX_BADGE), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # What the operator may do when signed in on the supervisor pages (a token's roles).
    role: Mapped[Role] = mapped_column(String(16), default="operator")
    # scrypt of the PIN; None: the badge alone signs in on a scanner (no handheld PIN)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)  # since the last success
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class OperatorSignIn(Base):
    """Every PIN sign-in attempt, good or bad: who, on which device, what came of it."""

    __tablename__ = "operator_signins"
    __table_args__ = (
        CheckConstraint(_in("result", SIGNIN_RESULTS), name="result"),
        Index("ix_operator_signins_badge", "badge", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    badge: Mapped[str] = mapped_column(String(MAX_BADGE))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    device: Mapped[str | None] = mapped_column(String(64))  # None: the supervisor pages
    result: Mapped[SignInResult] = mapped_column(String(12))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Device(Base):
    """A handheld or station display enrolled with a one-time code; its token is an API token."""

    __tablename__ = "devices"
    __table_args__ = (CheckConstraint("length(name) BETWEEN 1 AND 64", name="name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    station: Mapped[str | None] = mapped_column(String(64))
    profile: Mapped[Any] = mapped_column(JSON)  # the scan profile's overrides (a mapping)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), unique=True)
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_in("doc_type", DOC_TYPES), name="doc_type"),
        CheckConstraint(_in("status", DOC_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    doc_type: Mapped[DocType] = mapped_column(String(20))
    status: Mapped[DocStatus] = mapped_column(String(12), default="open")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    reference: Mapped[str | None] = mapped_column(String(100))
    # One reversal per posted document: the unique constraint says so.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    posted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    posted_by: Mapped[str | None] = mapped_column(String(64))


class DocumentLine(Base):
    __tablename__ = "document_lines"
    __table_args__ = (
        UniqueConstraint("document_id", "line_no"),
        CheckConstraint("quantity >= 0", name="quantity"),
        CheckConstraint("unit_cost >= 0", name="unit_cost"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    # 'in' generates numbers at location_id, 'out' allocates them there; a transfer is
    # 'out' at location_id and arrives at to_location_id on posting.
    direction: Mapped[Direction] = mapped_column(String(3))
    quantity: Mapped[int] = mapped_column(Integer)
    # the cost of what an inbound line brings in (see tracking_core.costing); outbound
    # lines carry 0: their records take the cost of the stock they move
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    unit_price: Mapped[Decimal | None] = mapped_column(Money)  # a sales price, never a cost
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))


class ExpectedSerial(Base):
    """An advance ship notice: serials a receipt line expects."""

    __tablename__ = "expected_serials"
    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), primary_key=True)


class SerialNumber(Base):
    __tablename__ = "serial_numbers"
    __table_args__ = (
        UniqueConstraint("item_id", "serial"),
        # NULL when duplicates across items are allowed; NULLs never collide.
        UniqueConstraint("unique_serial"),
        CheckConstraint(_in("status", SERIAL_STATUSES), name="status"),
        CheckConstraint(
            "(status IN ('pending', 'allocated') AND reserved_line_id IS NOT NULL)"
            " OR (status IN ('in_stock', 'scrapped') AND reserved_line_id IS NULL)"
            # shipped, returned or reversed serials may be held by an inbound line
            " OR status IN ('shipped', 'returned_to_vendor', 'reversed')",
            name="reservation",
        ),
        CheckConstraint(
            "status NOT IN ('in_stock', 'allocated') OR location_id IS NOT NULL",
            name="located",
        ),
        Index("ix_serial_numbers_pick", "item_id", "location_id", "status"),
        # stock on hand (GET /stock): the serials in stock or allocated alone, cost included
        Index(
            "ix_serial_numbers_on_hand",
            "item_id",
            "location_id",
            "status",
            "cost",
            sqlite_where=text(_in("status", SERIALS_ON_HAND)),
            postgresql_where=text(_in("status", SERIALS_ON_HAND)),
        ),
        Index("ix_serial_numbers_serial", "serial"),  # inquiry by serial alone
        # the parent key of container_serials' (serial, location): contents where they are
        Index("ux_serial_numbers_id_location", "id", "location_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    serial: Mapped[str] = mapped_column(String(64))
    unique_serial: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[SerialStatus] = mapped_column(String(20))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    # The open document line holding this serial: a pending receipt, an allocation, or
    # a customer return on its way in. One column, so never two holders.
    reserved_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_lines.id"), index=True
    )
    # A unit with both numbers: ``lot_id`` is the lot row (recall, quarantine, trace),
    # ``lot_number`` the lot as printed on its label. A serialized item's lot has no
    # lot_stock or lot ledger rows: its quantity is the count of its serials.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    lot_number: Mapped[str | None] = mapped_column(String(64))
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    production_date: Mapped[dt.date | None] = mapped_column(Date)
    quarantine: Mapped[bool] = mapped_column(Boolean, default=False)
    quarantine_until: Mapped[dt.date | None] = mapped_column(Date)
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    received_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("item_id", "lot"),
        CheckConstraint(_in("status", LOT_STATUSES), name="status"),
        CheckConstraint("unit_cost >= 0", name="unit_cost"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(64))
    status: Mapped[LotStatus] = mapped_column(String(12), default="available")
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    production_date: Mapped[dt.date | None] = mapped_column(Date)
    quarantine_until: Mapped[dt.date | None] = mapped_column(Date)
    recall_number: Mapped[str | None] = mapped_column(String(64))
    recall_date: Mapped[dt.date | None] = mapped_column(Date)
    recall_reason: Mapped[str | None] = mapped_column(String(200))
    released_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # one unit cost for the lot at every location: weighed by tracking_core.costing
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class LotStock(Base):
    __tablename__ = "lot_stock"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand"),
        CheckConstraint("allocated >= 0 AND allocated <= on_hand", name="allocated"),
        CheckConstraint("packed >= 0 AND allocated + packed <= on_hand", name="packed"),
    )

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    # units in containers not held by a document (tracking_core/containers.py): a loose
    # allocation takes only on_hand - allocated - packed
    packed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LineLot(Base):
    """A lot quantity assigned to an open document line (generated or allocated)."""

    __tablename__ = "line_lots"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class SerialTransaction(Base):
    """One record per serial per posted movement. Append-only."""

    __tablename__ = "serial_transactions"
    __table_args__ = (
        Index("ix_serial_tx_serial", "serial_id", "id"),
        Index("ix_serial_transactions_seq", "seq", unique=True),
        CheckConstraint("seq > 0", name="seq"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # The ledger's one number across serial and lot records, in commit order
    # (tracking_core/ledger_seq.py); a trigger keeps it unique across both tables.
    seq: Mapped[int] = mapped_column(BigInteger)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serial_numbers.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"))
    doc_type: Mapped[DocType] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    cost: Mapped[Decimal] = mapped_column(Money)
    posted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str | None] = mapped_column(String(64))  # the badge, as signed in
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    token: Mapped[str | None] = mapped_column(String(64))  # the API token's name, or the CLI's
    device: Mapped[str | None] = mapped_column(String(64))
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("serial_transactions.id"))
    # the case or pallet the serial moved in (its own container at posting), if any
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))


class LotTransaction(Base):
    """One record per lot per location per posted movement. Append-only."""

    __tablename__ = "lot_transactions"
    __table_args__ = (
        Index("ix_lot_tx_lot", "lot_id", "id"),
        Index("ix_lot_transactions_seq", "seq", unique=True),
        CheckConstraint("quantity >= 0", name="quantity"),
        CheckConstraint("seq > 0", name="seq"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)  # see SerialTransaction.seq
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"))
    doc_type: Mapped[DocType] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    cost: Mapped[Decimal] = mapped_column(Money)  # unit cost x quantity
    posted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str | None] = mapped_column(String(64))  # the badge, as signed in
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    token: Mapped[str | None] = mapped_column(String(64))  # the API token's name, or the CLI's
    device: Mapped[str | None] = mapped_column(String(64))
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("lot_transactions.id"))
    # the case or pallet this quantity moved in, if any (one record per lot and container)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))


# Checked at commit, so one transaction may move a container and its contents in any
# order; a commit that leaves contents elsewhere than their container is refused.
DEFERRED: dict[str, Any] = {"deferrable": True, "initially": "DEFERRED"}


class Container(Base):
    """A case or pallet (an SSCC or a licence plate) that holds serials, lot quantities and
    other containers, at a location.

    The database keeps the tree sound: ``parent_id`` is one column (one parent), and
    ``height`` (0 for a container of no containers, else above its children's) must be
    below ``parent_height``, its parent's, so no container can end up inside itself. The
    (parent, location) key says a child is where its parent is.
    """

    __tablename__ = "containers"
    __table_args__ = (
        CheckConstraint(_in("scheme", CONTAINER_SCHEMES), name="scheme"),
        CheckConstraint(_in("status", CONTAINER_STATUSES), name="status"),
        CheckConstraint("height >= 0", name="height"),
        CheckConstraint(
            "(parent_id IS NULL AND parent_height IS NULL)"
            " OR (parent_id IS NOT NULL AND parent_height > height)",
            name="tree",
        ),
        CheckConstraint(
            f"({_in('status', CONTAINERS_LOCATED)}) = (location_id IS NOT NULL)",
            name="located",
        ),
        CheckConstraint(
            f"({_in('status', CONTAINERS_HELD)}) = (document_id IS NOT NULL)", name="held"
        ),
        UniqueConstraint("id", "location_id"),
        UniqueConstraint("id", "height"),
        ForeignKeyConstraint(
            ["parent_id", "parent_height"],
            ["containers.id", "containers.height"],
            name="fk_containers_parent_height",
            **DEFERRED,
        ),
        ForeignKeyConstraint(
            ["parent_id", "location_id"],
            ["containers.id", "containers.location_id"],
            name="fk_containers_parent_location",
            **DEFERRED,
        ),
        Index("ix_containers_parent", "parent_id"),
        Index("ix_containers_document", "document_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[ContainerScheme] = mapped_column(String(8))
    status: Mapped[ContainerStatus] = mapped_column(String(12))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    # the open document that holds it: the receipt that expects it, or the outbound
    # document that moves it whole
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    height: Mapped[int] = mapped_column(Integer, default=0)
    parent_height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ContainerSerial(Base):
    """A serial packed in a container: one row per serial (its key), so one container.

    ``location_id`` must be the serial's and the container's at once (two keys, checked
    at commit); it is NULL where they are nowhere (on their way in, or shipped).
    """

    __tablename__ = "container_serials"
    __table_args__ = (
        ForeignKeyConstraint(
            ["container_id", "location_id"],
            ["containers.id", "containers.location_id"],
            name="fk_container_serials_container_location",
            **DEFERRED,
        ),
        ForeignKeyConstraint(
            ["serial_id", "location_id"],
            ["serial_numbers.id", "serial_numbers.location_id"],
            name="fk_container_serials_serial_location",
            **DEFERRED,
        ),
        Index("ix_container_serials_container", "container_id", "location_id"),
    )

    serial_id: Mapped[int] = mapped_column(ForeignKey("serial_numbers.id"), primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"))
    location_id: Mapped[int | None] = mapped_column(Integer)


class ContainerLot(Base):
    """A lot quantity packed in a container, at the container's location (where the lot's
    stock row must be); counted in ``lot_stock.packed`` while no document holds it."""

    __tablename__ = "container_lots"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        ForeignKeyConstraint(
            ["container_id", "location_id"],
            ["containers.id", "containers.location_id"],
            name="fk_container_lots_container_location",
            **DEFERRED,
        ),
        ForeignKeyConstraint(
            ["lot_id", "location_id"],
            ["lot_stock.lot_id", "lot_stock.location_id"],
            name="fk_container_lots_stock",
            **DEFERRED,
        ),
        Index("ix_container_lots_lot", "lot_id", "location_id"),
    )

    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    location_id: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)


class ExpectedContent(Base):
    """What a ship notice says a container holds: a serial, or a lot (or untracked) quantity,
    for a line of the receipt that expects the container."""

    __tablename__ = "expected_contents"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("serial IS NULL OR quantity = 1", name="serial_one"),
        Index("ix_expected_contents_container", "container_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"), index=True)
    serial: Mapped[str | None] = mapped_column(String(64))
    lot: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)


class PackOperation(Base):
    """One packing step: things put into (``pack``) or taken out of (``unpack``) one
    container, by whom, when and where. Append-only, like the ledger; ``reverses_id``
    names the step a reversal undoes (once)."""

    __tablename__ = "pack_operations"
    __table_args__ = (
        CheckConstraint(_in("action", PACK_ACTIONS), name="action"),
        Index("ix_pack_operations_container", "container_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    action: Mapped[PackAction] = mapped_column(String(8))
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    # the document whose step packed or unpacked it (a receipt by SSCC, a partial pick)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("pack_operations.id"), unique=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str | None] = mapped_column(String(64))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    token: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))


class PackOperationLine(Base):
    """What one packing step moved: a serial, a lot quantity or a child container."""

    __tablename__ = "pack_operation_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint(
            "(serial_id IS NOT NULL AND lot_id IS NULL AND child_id IS NULL)"
            " OR (serial_id IS NULL AND lot_id IS NOT NULL AND child_id IS NULL)"
            " OR (serial_id IS NULL AND lot_id IS NULL AND child_id IS NOT NULL)",
            name="one_thing",
        ),
        CheckConstraint("lot_id IS NOT NULL OR quantity = 1", name="unit"),
    )

    operation_id: Mapped[int] = mapped_column(ForeignKey("pack_operations.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial_numbers.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)


class Counter(Base):
    """Number counters, keyed by mask text and period; bumped inside the generating transaction."""

    __tablename__ = "counters"
    __table_args__ = (CheckConstraint("value >= 0", name="value"),)

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class SettingChange(Base):
    __tablename__ = "setting_changes"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[object] = mapped_column(JSON, nullable=True)
    new_value: Mapped[object] = mapped_column(JSON, nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ScanResult(Base):
    """Idempotency: what a (device, scan_id) did, stored with the step it made."""

    __tablename__ = "scan_results"
    device: Mapped[str] = mapped_column(String(64), primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[object] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class RefusedScan(Base):
    """A scan refused by a domain error stores no result (its retry is evaluated afresh);
    this key says its ``scan.refused`` event was written, so a retry writes no second one."""

    __tablename__ = "refused_scans"
    device: Mapped[str] = mapped_column(String(64), primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class LabelJob(Base):
    """The label outbox: written in the transaction that generated the numbers.

    ``sending`` marks a claim; a job found ``sending`` without a live worker has an
    unknown outcome and becomes ``unconfirmed`` (never resent silently).
    """

    __tablename__ = "label_jobs"
    __table_args__ = (
        CheckConstraint(_in("kind", LABEL_KINDS), name="kind"),
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint("copies >= 1", name="copies"),
        Index("ix_label_jobs_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[LabelKind] = mapped_column(String(12))
    payload: Mapped[Any] = mapped_column(JSON)
    labels: Mapped[int] = mapped_column(Integer)  # how many labels the payload makes
    copies: Mapped[int] = mapped_column(Integer, default=1)
    document: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))  # routes to the station's printer
    printer: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[JobStatus] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_labels: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class LabelJobEvent(Base):
    """Who did what to a label job and why (reprints, operator decisions)."""

    __tablename__ = "label_job_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("label_jobs.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class DeviceSession(Base):
    """A scanning device's session state, so a restart or another process carries on."""

    __tablename__ = "device_sessions"
    device: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


APPEND_ONLY = (SerialTransaction, LotTransaction, PackOperation, PackOperationLine)


@event.listens_for(Session, "before_flush")
def _ledger_append_only(session: Session, _ctx: object, _instances: object) -> None:
    """The code has no path that changes a transaction record; this makes sure of it."""
    for obj in session.deleted:
        if isinstance(obj, APPEND_ONLY):
            raise LedgerImmutable(table=obj.__tablename__)
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj):
            raise LedgerImmutable(table=obj.__tablename__)


class OutboxEvent(Base):
    """The event outbox: written in the transaction whose change it reports.

    ``seq`` comes from the ``event_outbox.seq`` row of ``counters``, bumped (and so locked)
    inside the writing transaction: sequence numbers are handed out in commit order, so a
    reader that has seen N never later finds a committed event below N.
    """

    __tablename__ = "event_outbox"
    __table_args__ = (
        CheckConstraint("seq >= 1", name="seq"),
        Index("ix_event_outbox_document", "document", "seq"),
    )

    seq: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    document: Mapped[str | None] = mapped_column(String(64))
    item: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[Any] = mapped_column(JSON)


class Subscription(Base):
    """Where events go: a webhook URL (signed with ``secret``) or an MQTT broker.

    ``cursor``: the last event seq fanned out into ``event_deliveries`` for it.
    """

    __tablename__ = "event_subscriptions"
    __table_args__ = (
        CheckConstraint("channel IN ('webhook', 'mqtt')", name="channel"),
        CheckConstraint("cursor >= 0", name="cursor"),
        UniqueConstraint("name"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(64))
    topic_prefix: Mapped[str | None] = mapped_column(String(200))
    kinds: Mapped[Any] = mapped_column(JSON, nullable=True)  # event kinds, or null for all
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


# partial index conditions, repeated word for word in the claim's queries (SQLite uses a
# partial index only when the query's WHERE holds the same terms)
OPEN = "status != 'delivered'"
BLOCKING = "status != 'delivered' AND (status != 'pending' OR not_before IS NOT NULL)"


class EventDelivery(Base):
    """One event for one subscription: pending, sending (claimed), delivered or dead.

    An undelivered event holds back the later events of its document for that
    subscription (the claim checks for an earlier undelivered one).
    """

    __tablename__ = "event_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'delivered', 'dead')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        # the claim walks pending rows in seq order; recovery looks up sending ones
        Index("ix_event_deliveries_claim", "status", "seq"),
        # a document's undelivered rows: the claim's check that a batch is its prefix
        Index(
            "ix_event_deliveries_open",
            "subscription_id",
            "document",
            "seq",
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        # the rows that can hold a document back (sending, dead, backing off): few, so the
        # claim's "held" check is one index probe even at 10^5 pending rows
        Index(
            "ix_event_deliveries_blocking",
            "subscription_id",
            "document",
            "seq",
            sqlite_where=text(BLOCKING),
            postgresql_where=text(BLOCKING),
        ),
    )

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("event_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(
        ForeignKey("event_outbox.seq"), primary_key=True, autoincrement=False
    )
    document: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class ContainerCheck(Base):
    """An "open and check" at the dock: an operator scanned what one expected container
    holds (tracking_core/container_checks.py). The latest check of a container is what
    receiving it brings in; its lines are in ``checked_contents`` (none: found empty)."""

    __tablename__ = "container_checks"
    __table_args__ = (Index("ix_container_checks_container", "container_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str | None] = mapped_column(String(64))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    token: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))


class CheckedContent(Base):
    """One thing a check found in the container: a serial, or a lot (or untracked)
    quantity, for a line of the receipt."""

    __tablename__ = "checked_contents"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("serial IS NULL OR quantity = 1", name="serial_one"),
        Index("ix_checked_contents_check", "check_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("container_checks.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"))
    serial: Mapped[str | None] = mapped_column(String(64))
    lot: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
