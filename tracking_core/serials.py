"""Generating serials on inbound lines and allocating them on outbound lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from tracking_core import outbox, packing, serial_lots, validate
from tracking_core.catalog import item_row, location_code
from tracking_core.context import Ctx
from tracking_core.documents import open_document
from tracking_core.errors import (
    InsufficientStock,
    InvalidInput,
    NoMask,
    SerialAlreadyAllocated,
    SerialExists,
    SerialNotAvailable,
    SerialNotOnLine,
    SerialNotShipped,
    SerialUsedByOtherItem,
    UnexpectedSerial,
    UnknownSerial,
)
from tracking_core.masks import Mask
from tracking_core.models import (
    Container,
    ContainerSerial,
    Document,
    DocumentLine,
    ExpectedSerial,
    Item,
    ItemGtin,
    Lot,
    SerialNumber,
)
from tracking_core.numbering import next_numbers
from tracking_core.partners import unexpected_returns
from tracking_core.rules import (
    TAKES_BLOCKED,
    agree_lot_dates,
    check_expiry,
    check_quarantine,
    suggest_expired,
)
from tracking_core.step_lines import StepLine, step_line_for, unassigned
from tracking_core.values import Assignment

T = TypeVar("T")
CHUNK = 5000
# What an inbound line may take back, by document type: anything else already exists.
REUSABLE = {
    "receipt": ("returned_to_vendor", "reversed"),
    "customer_return": ("shipped",),
    # not "scrapped": the schema lets no line hold a scrapped serial (reverse the scrap)
    "adjustment": ("reversed", "returned_to_vendor"),
}


def label_item(s: Session, it: Item) -> dict[str, Any]:
    """What a label shows of the item: SKU, description and its first GTIN."""
    gtin = s.execute(
        select(ItemGtin.gtin).where(ItemGtin.item_id == it.id).order_by(ItemGtin.gtin).limit(1)
    ).scalar()
    return {"item": it.sku, "description": it.description, "gtin": gtin}


def chunks(seq: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _holder(s: Session, line_id: int | None) -> str | None:
    if line_id is None:
        return None
    return s.execute(
        select(Document.number)
        .join(DocumentLine, DocumentLine.document_id == Document.id)
        .where(DocumentLine.id == line_id)
    ).scalar_one_or_none()


def _serial_list(serials: Sequence[str], *, new: bool) -> list[str]:
    """Given serials, each once; ``new`` ones (entering stock) must be valid serial numbers."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in serials:
        sn = validate.serial_number(raw) if new else validate.code("serial", raw)
        if sn in seen:
            raise InvalidInput(field="serials", reason=f"serial {sn!r} is listed twice")
        seen.add(sn)
        out.append(sn)
    return out


def _one_of(serials: Sequence[str] | None, count: int | None) -> None:
    if (serials is None) == (count is None):
        raise InvalidInput(field="serials", reason="give either serials or a count")


def generate_serials(
    ctx: Ctx,
    number: str,
    *,
    line: int | None = None,
    item: str | None = None,
    serials: Sequence[str] | None = None,
    count: int | None = None,
    lot: str | None = None,
    expiry: dt.date | None = None,
    production_date: dt.date | None = None,
) -> Assignment:
    """Serials given (scanned) or made from the mask, assigned to an inbound line."""
    s, settings = ctx.session, ctx.settings
    _one_of(serials, count)
    target = step_line_for(ctx, number, line=line, item=item, tracking="serial", direction="in")
    doc, ln, it = target.doc, target.line, target.item
    wanted = _serial_list(serials, new=True) if serials is not None else None
    n = len(wanted) if wanted is not None else validate.quantity(count)
    if n == 0:
        raise InvalidInput(field="serials", reason="no serials given")
    assigned = target.room_for(n)
    warnings: list[str] = []
    lot_row, expiry = serial_lots.resolve(
        ctx, it, doc, lot, expiry=expiry, production_date=production_date, warnings=warnings
    )
    lot_number = lot_row.lot if lot_row else None
    qdays = settings.quarantine_days_on_receipt
    reuse: list[int] = []
    if wanted is None:
        mask = Mask.parse(it.serial_mask or settings.default_serial_mask or "")
        if not (it.serial_mask or settings.default_serial_mask):
            raise NoMask(item=it.sku, kind="serial")
        new = next_numbers(s, mask, n, ctx.today, lambda batch: _taken(ctx, it, batch))
    else:
        new, reuse = _check_given(ctx, doc, ln, it, wanted, warnings, lot_row)
    rows: list[dict[str, Any]] = [
        {
            "item_id": it.id,
            "serial": sn,
            "unique_serial": None if settings.allow_duplicate_serials else sn,
            "status": "pending",
            "location_id": None,
            "reserved_line_id": ln.id,
            "lot_id": lot_row.id if lot_row else None,
            "lot_number": lot_number,
            "expiry_date": expiry,
            "production_date": production_date,
            "quarantine": qdays > 0,
            "quarantine_until": ctx.today + dt.timedelta(days=qdays) if qdays else None,
            "cost": ln.unit_cost,
        }
        for sn in new
    ]
    s.flush()  # what the rows point at is written first (the connection does not autoflush)
    for part in chunks(rows):
        # on the connection (Core), not the ORM's bulk insert: the same rows, without its
        # per-row bookkeeping (nothing in the session holds these rows yet)
        s.connection().execute(insert(SerialNumber), list(part))
    back: dict[str, Any] = {"reserved_line_id": ln.id}
    if lot_row is not None:  # a unit back without a lot on record takes its label's
        back.update(lot_id=lot_row.id, lot_number=lot_number)
    if qdays:
        back.update(quarantine=True, quarantine_until=ctx.today + dt.timedelta(days=qdays))
    for ids in chunks(reuse):
        s.execute(
            update(SerialNumber)
            .where(SerialNumber.id.in_(ids), SerialNumber.reserved_line_id.is_(None))
            .values(**back)
            .execution_options(synchronize_session=False)
        )
    # a unit coming back alone is out of the case it left in (a shipped container)
    packing.unpack_picked(ctx, doc, reuse, statuses=("shipped",))
    done = tuple(new) if wanted is None else tuple(wanted)
    if wanted is None:  # numbers we made need labels; scanned ones are on the goods already
        outbox.enqueue(
            ctx,
            kind="serial",
            payload={
                **label_item(s, it),
                "serials": list(new),
                "lot": lot_number,
                "expiry": expiry.isoformat() if expiry else None,
            },
            labels=len(new),
            document=doc.number,
        )
    return Assignment(
        document=doc.number,
        line=ln.line_no,
        item=it.sku,
        action="generate",
        location=target.location,
        serials=done,
        expiry=expiry,
        assigned=assigned + n,
        line_quantity=ln.quantity,
        warnings=tuple(warnings),
        progress=target.after(n),
    )


def _taken(ctx: Ctx, it: Item, batch: list[str]) -> set[str]:
    """Which of a batch of mask numbers exist already (a range scan: they sort in order)."""
    if not batch:
        return set()
    lo, hi = min(batch), max(batch)
    col = SerialNumber.unique_serial if not ctx.settings.allow_duplicate_serials else None
    q = select(SerialNumber.serial)
    if col is not None:
        q = q.where(col.between(lo, hi))
    else:
        q = q.where(SerialNumber.item_id == it.id, SerialNumber.serial.between(lo, hi))
    found = set(ctx.session.execute(q).scalars())
    return found.intersection(batch) if found else set()


def _check_given(
    ctx: Ctx,
    doc: Document,
    ln: DocumentLine,
    it: Item,
    wanted: list[str],
    warnings: list[str],
    lot: Lot | None = None,
) -> tuple[list[str], list[int]]:
    """Split scanned serials into new ones and existing ones this document may take back.

    A serial that comes back keeps its lot: a label naming another lot is refused. One
    without a lot on record takes its label's, if their expiry dates agree.
    """
    s, settings = ctx.session, ctx.settings
    existing: dict[str, SerialNumber] = {}
    for part in chunks(wanted):
        q = select(SerialNumber).where(SerialNumber.serial.in_(part))
        if settings.allow_duplicate_serials:
            q = q.where(SerialNumber.item_id == it.id)
        for row in s.execute(q.with_for_update()).scalars():
            if row.item_id != it.id:
                other = s.get(Item, row.item_id)
                raise SerialUsedByOtherItem(
                    item=it.sku, serial=row.serial, other_item=other.sku if other else "?"
                )
            existing[row.serial] = row
    reusable = REUSABLE.get(doc.doc_type, ())
    reuse: list[int] = []
    for sn, row in existing.items():
        if row.reserved_line_id is not None:
            raise SerialAlreadyAllocated(
                item=it.sku, serial=sn, document=_holder(s, row.reserved_line_id)
            )
        if row.status not in reusable:
            raise SerialExists(item=it.sku, serial=sn, status=row.status)
        reuse.append(row.id)
    if lot is not None:
        for row in existing.values():
            if row.lot_number is not None:
                serial_lots.check_label_lot(it, [row], lot.lot, warnings)
            else:
                agree_lot_dates(lot, item=it.sku, expiry=row.expiry_date, production_date=None)
    new = [sn for sn in wanted if sn not in existing]
    unexpected_returns(ctx, doc, list(existing.values()), warnings)
    if doc.doc_type == "customer_return" and new and not settings.allow_unknown_returns:
        raise SerialNotShipped(item=it.sku, serial=new[0], status="unknown")
    expected = set(
        s.execute(select(ExpectedSerial.serial).where(ExpectedSerial.line_id == ln.id)).scalars()
    )
    if expected:
        unexpected = [sn for sn in wanted if sn not in expected]
        if unexpected:
            if settings.unexpected_serial_policy == "refuse":
                raise UnexpectedSerial(item=it.sku, serial=unexpected[0], document=doc.number)
            if settings.unexpected_serial_policy == "warn":
                warnings.extend(
                    f"serial {sn} was not expected on {doc.number}" for sn in unexpected[:20]
                )
    return new, reuse


def allocate_serials(
    ctx: Ctx,
    number: str,
    *,
    line: int | None = None,
    item: str | None = None,
    serials: Sequence[str] | None = None,
    count: int | None = None,
    lot: str | None = None,
) -> Assignment:
    """Reserve in-stock serials at the line's location for an outbound line.

    ``lot``: the lot on the scanned labels (each serial must be of it), or with ``count``
    the lot to take serials from.
    """
    s = ctx.session
    _one_of(serials, count)
    target = step_line_for(ctx, number, line=line, item=item, tracking="serial", direction="out")
    doc, ln, it = target.doc, target.line, target.item
    wanted = _serial_list(serials, new=False) if serials is not None else None
    n = len(wanted) if wanted is not None else validate.quantity(count)
    if n == 0:
        raise InvalidInput(field="serials", reason="no serials given")
    assigned = target.room_for(n)
    warnings: list[str] = []
    label_lot = validate.code("lot", lot) if lot is not None else None
    if wanted is None:
        lot_id = serial_lots.label_lot_row(ctx, it, label_lot).id if label_lot else None
        picked = suggest_serials(ctx, doc, ln, it, n, lot_id=lot_id)
        if len(picked) < n:
            raise InsufficientStock(
                item=it.sku,
                location=target.location,
                requested=n,
                available=len(picked),
            )
        ids = [i for i, _ in picked]
        done = tuple(sn for _, sn in picked)
    else:
        ids = _check_allocatable(ctx, target, wanted, warnings, label_lot)
        done = tuple(wanted)
    changed = 0
    for part in chunks(ids):
        result = s.execute(
            update(SerialNumber)
            .where(
                SerialNumber.id.in_(part),
                SerialNumber.status == "in_stock",
                SerialNumber.reserved_line_id.is_(None),
            )
            .values(status="allocated", reserved_line_id=ln.id)
            .execution_options(synchronize_session=False)
        )
        changed += result.rowcount  # type: ignore[attr-defined]
    if changed != len(ids):
        # Row locks make this unreachable; if it happens, refuse rather than half-allocate.
        raise SerialAlreadyAllocated(item=it.sku, serial=done[0], document=None)
    if wanted is not None:  # scanned serials taken out of a case: a partial pick
        packing.unpack_picked(ctx, doc, ids)
    return Assignment(
        document=doc.number,
        line=ln.line_no,
        item=it.sku,
        action="allocate",
        location=target.location,
        serials=done,
        assigned=assigned + n,
        line_quantity=ln.quantity,
        warnings=tuple(warnings),
        progress=target.after(n),
    )


def _check_allocatable(
    ctx: Ctx,
    target: StepLine,
    wanted: list[str],
    warnings: list[str],
    label_lot: str | None = None,
) -> list[int]:
    s = ctx.session
    doc, ln, it = target.doc, target.line, target.item
    rows: dict[str, SerialNumber] = {}
    for part in chunks(wanted):
        q = (
            select(SerialNumber)
            .where(SerialNumber.item_id == it.id, SerialNumber.serial.in_(part))
            .order_by(SerialNumber.id)
            .with_for_update()
        )
        rows.update((r.serial, r) for r in s.execute(q).scalars())
    ids: list[int] = []
    wanted_loc = target.location
    for sn in wanted:
        row = rows.get(sn)
        if row is None:
            raise UnknownSerial(item=it.sku, serial=sn)
        if row.status == "allocated" and row.reserved_line_id is not None:
            raise SerialAlreadyAllocated(
                item=it.sku, serial=sn, document=_holder(s, row.reserved_line_id)
            )
        if (
            row.status != "in_stock"
            or row.location_id != ln.location_id
            or row.reserved_line_id is not None
        ):
            raise SerialNotAvailable(
                item=it.sku,
                serial=sn,
                status=row.status,
                location=location_code(s, row.location_id),
                wanted_location=wanted_loc,
            )
        serial_lots.check_label_lot(it, [row], label_lot, warnings)
        check_quarantine(
            doc_type=doc.doc_type,
            item=it.sku,
            number=sn,
            flag=row.quarantine,
            until=row.quarantine_until,
            today=ctx.today,
        )
        serial_lots.check_lot_status(ctx, doc, it, row)
        warn = check_expiry(
            settings=ctx.settings,
            doc_type=doc.doc_type,
            item=it.sku,
            number=sn,
            expiry=row.expiry_date,
            today=ctx.today,
        )
        if warn:
            warnings.append(warn)
        ids.append(row.id)
    return ids


def suggest_serials(
    ctx: Ctx, doc: Document, ln: DocumentLine, it: Item, limit: int, *, lot_id: int | None = None
) -> list[tuple[int, str]]:
    """Available serials in allocation order (locked, skipping ones other writers hold)."""
    s, settings = ctx.session, ctx.settings
    q = select(SerialNumber.id, SerialNumber.serial).where(
        SerialNumber.item_id == it.id,
        SerialNumber.location_id == ln.location_id,
        SerialNumber.status == "in_stock",
        SerialNumber.reserved_line_id.is_(None),
        # loose ones only: a suggestion never breaks a case open
        ~select(ContainerSerial.serial_id)
        .where(ContainerSerial.serial_id == SerialNumber.id)
        .exists(),
    )
    if lot_id is not None:
        q = q.where(SerialNumber.lot_id == lot_id)
    if doc.doc_type not in TAKES_BLOCKED:
        q = q.where(
            serial_lots.lot_not_blocked(ctx, it),
            or_(
                SerialNumber.quarantine.is_(False),
                and_(
                    SerialNumber.quarantine_until.is_not(None),
                    SerialNumber.quarantine_until <= ctx.today,
                ),
            ),
        )
    if not suggest_expired(settings, doc.doc_type):
        q = q.where(or_(SerialNumber.expiry_date.is_(None), SerialNumber.expiry_date >= ctx.today))
    order = settings.allocation_order
    if order == "fefo":
        q = q.order_by(
            SerialNumber.expiry_date.is_(None), SerialNumber.expiry_date, SerialNumber.id
        )
    elif order == "lifo":
        q = q.order_by(SerialNumber.received_at.desc(), SerialNumber.id.desc())
    elif order == "by_number":
        q = q.order_by(SerialNumber.serial)
    else:
        q = q.order_by(SerialNumber.received_at, SerialNumber.id)
    q = q.limit(limit).with_for_update(skip_locked=True, of=SerialNumber)
    return [(int(i), str(sn)) for i, sn in s.execute(q)]


def unassign_serial(ctx: Ctx, number: str, *, serial: str, item: str | None = None) -> Assignment:
    """Take a serial off an open document (the undo of a generate or allocate step)."""
    s = ctx.session
    doc = open_document(s, number)
    sn = validate.code("serial", serial)
    q = (
        select(SerialNumber, DocumentLine)
        .join(DocumentLine, DocumentLine.id == SerialNumber.reserved_line_id)
        .where(DocumentLine.document_id == doc.id, SerialNumber.serial == sn)
    )
    if item:
        q = q.where(SerialNumber.item_id == item_row(s, item).id)
    found = s.execute(q.with_for_update(of=SerialNumber)).first()
    if found is None:
        raise SerialNotOnLine(serial=sn, line=0)
    row, ln = found
    box = s.execute(
        select(Container.code)
        .join(ContainerSerial, ContainerSerial.container_id == Container.id)
        .where(ContainerSerial.serial_id == row.id, Container.document_id == doc.id)
    ).scalar()
    if box is not None:  # it came with its case: the case comes off whole
        raise InvalidInput(
            field="serial", reason=f"serial {sn} came with container {box}: take that off instead"
        )
    release_serials(s, [row.id])
    return unassigned(s, doc, ln.line_no, serials=(sn,))


def release_serials(s: Session, ids: Sequence[int]) -> None:
    """Undo reservations: pending serials vanish, allocated go back to stock, others stay."""
    for part in chunks(ids):
        s.execute(
            delete(SerialNumber)
            .where(SerialNumber.id.in_(part), SerialNumber.status == "pending")
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(SerialNumber)
            .where(SerialNumber.id.in_(part), SerialNumber.status == "allocated")
            .values(status="in_stock", reserved_line_id=None)
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(SerialNumber)
            .where(SerialNumber.id.in_(part))
            .values(reserved_line_id=None)
            .execution_options(synchronize_session=False)
        )
