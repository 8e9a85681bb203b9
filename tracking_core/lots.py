"""Generating and allocating lot quantities; quarantine, recall and release of stock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from tracking_core import events, outbox, validate
from tracking_core.catalog import item_row
from tracking_core.context import Ctx
from tracking_core.documents import open_document
from tracking_core.errors import (
    InsufficientLotQuantity,
    InsufficientStock,
    InvalidInput,
    LotNotOnLine,
    LotRecalled,
    NoMask,
    UnknownLot,
    UnknownSerial,
)
from tracking_core.masks import Mask
from tracking_core.models import (
    Container,
    ContainerLot,
    Document,
    DocumentLine,
    Item,
    LineLot,
    Lot,
    LotStock,
    SerialNumber,
)
from tracking_core.numbering import next_numbers
from tracking_core.rules import (
    TAKES_BLOCKED,
    agree_lot_dates,
    check_expiry,
    check_lot_blocked,
    quarantined,
    suggest_expired,
)
from tracking_core.serial_lots import lot_row as lot_row  # re-exported: lots and serial lots alike
from tracking_core.serials import label_item
from tracking_core.step_lines import step_line_for, unassigned
from tracking_core.values import Assignment
from tracking_core.vocabulary import LotStatus


def _add_to_line(s: Session, line_id: int, lot_id: int, qty: int) -> None:
    row = s.get(LineLot, (line_id, lot_id), with_for_update=True)
    if row is None:
        s.add(LineLot(line_id=line_id, lot_id=lot_id, quantity=qty))
    else:
        row.quantity += qty
    s.flush()


def generate_lot(
    ctx: Ctx,
    number: str,
    *,
    quantity: int,
    line: int | None = None,
    item: str | None = None,
    lot: str | None = None,
    expiry: dt.date | None = None,
    production_date: dt.date | None = None,
) -> Assignment:
    """Receive lot quantity on an inbound line: a given lot (new or existing) or a new one."""
    s, settings = ctx.session, ctx.settings
    target = step_line_for(ctx, number, line=line, item=item, tracking="lot", direction="in")
    doc, ln, it = target.doc, target.line, target.item
    qty = validate.quantity(quantity)
    assigned = target.room_for(qty)
    warnings: list[str] = []
    if lot is None:
        text = it.lot_mask or settings.default_lot_mask
        if not text:
            raise NoMask(item=it.sku, kind="lot")
        lot_number = next_numbers(
            s,
            Mask.parse(text),
            1,
            ctx.today,
            lambda batch: set(
                s.execute(select(Lot.lot).where(Lot.item_id == it.id, Lot.lot.in_(batch))).scalars()
            ),
        )[0]
        row = None
    else:
        lot_number = validate.lot_number(lot)
        row = lot_row(s, it, lot_number, lock=True)
    if row is None:
        if doc.doc_type == "customer_return" and not settings.allow_unknown_returns:
            raise UnknownLot(item=it.sku, lot=lot_number)
        if expiry is None and it.shelf_life_days is not None:
            expiry = (production_date or ctx.today) + dt.timedelta(days=it.shelf_life_days)
        qdays = settings.quarantine_days_on_receipt
        row = Lot(
            item_id=it.id,
            lot=lot_number,
            status="quarantine" if qdays else "available",
            expiry_date=expiry,
            production_date=production_date,
            quarantine_until=ctx.today + dt.timedelta(days=qdays) if qdays else None,
            created_at=ctx.now,
        )
        s.add(row)
        s.flush()
        if row.quarantine_until is not None:  # born in quarantine: a status an ERP must know
            until = row.quarantine_until.isoformat()
            events.emit(
                ctx,
                "lot.quarantined",
                document=doc.number,
                item=it.sku,
                data={"lot": lot_number, "until": until},
            )
    else:
        agree_lot_dates(row, item=it.sku, expiry=expiry, production_date=production_date)
        if row.status == "recalled":
            if doc.doc_type != "customer_return":
                raise LotRecalled(item=it.sku, lot=lot_number, recall_number=row.recall_number)
            warnings.append(f"lot {lot_number} is recalled ({row.recall_number})")
    _add_to_line(s, ln.id, row.id, qty)
    if lot is None:  # a lot we numbered needs its label
        outbox.enqueue(
            ctx,
            kind="lot",
            payload={
                **label_item(s, it),
                "lot": lot_number,
                "quantity": qty,
                "expiry": row.expiry_date.isoformat() if row.expiry_date else None,
                "production_date": (
                    row.production_date.isoformat() if row.production_date else None
                ),
            },
            labels=1,
            document=doc.number,
        )
    return Assignment(
        document=doc.number,
        line=ln.line_no,
        item=it.sku,
        action="generate",
        location=target.location,
        lots=((lot_number, qty),),
        expiry=row.expiry_date,
        assigned=assigned + qty,
        line_quantity=ln.quantity,
        warnings=tuple(warnings),
        progress=target.after(qty),
    )


def _check_lot(ctx: Ctx, doc: Document, it: Item, row: Lot) -> str | None:
    check_lot_blocked(doc_type=doc.doc_type, item=it.sku, row=row, today=ctx.today)
    return check_expiry(
        settings=ctx.settings,
        doc_type=doc.doc_type,
        item=it.sku,
        number=row.lot,
        expiry=row.expiry_date,
        today=ctx.today,
    )


def _reserve(s: Session, lot_id: int, location_id: int, qty: int) -> None:
    # The WHERE makes over-allocation impossible even without the lock; the check
    # constraint (allocated <= on_hand) is the last line.
    done = s.execute(
        update(LotStock)
        .where(
            LotStock.lot_id == lot_id,
            LotStock.location_id == location_id,
            LotStock.on_hand - LotStock.allocated - LotStock.packed >= qty,
        )
        .values(allocated=LotStock.allocated + qty)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise AssertionError("lot stock changed under a lock")


def allocate_lot(
    ctx: Ctx,
    number: str,
    *,
    quantity: int,
    line: int | None = None,
    item: str | None = None,
    lot: str | None = None,
) -> Assignment:
    """Reserve lot quantity at the line's location: the scanned lot, or by allocation order."""
    s = ctx.session
    target = step_line_for(ctx, number, line=line, item=item, tracking="lot", direction="out")
    doc, ln, it = target.doc, target.line, target.item
    qty = validate.quantity(quantity)
    assigned = target.room_for(qty)
    warnings: list[str] = []
    taken: list[tuple[str, int]] = []
    if lot is not None:
        lot_number = validate.code("lot", lot)
        row = lot_row(s, it, lot_number, lock=True)
        if row is None:
            raise UnknownLot(item=it.sku, lot=lot_number)
        warn = _check_lot(ctx, doc, it, row)
        if warn:
            warnings.append(warn)
        stock = s.get(LotStock, (row.id, ln.location_id), with_for_update=True)
        # packed units are not loose: a case is taken whole (or unpacked first)
        available = stock.on_hand - stock.allocated - stock.packed if stock else 0
        if available < qty:
            raise InsufficientLotQuantity(
                item=it.sku,
                lot=lot_number,
                location=target.location,
                requested=qty,
                available=available,
            )
        _reserve(s, row.id, ln.location_id, qty)
        _add_to_line(s, ln.id, row.id, qty)
        taken.append((lot_number, qty))
    else:
        left = qty
        for lot_id, lot_number, available in suggest_lots(ctx, doc, ln, it):
            take = min(left, available)
            _reserve(s, lot_id, ln.location_id, take)
            _add_to_line(s, ln.id, lot_id, take)
            taken.append((lot_number, take))
            left -= take
            if left == 0:
                break
        if left:
            raise InsufficientStock(
                item=it.sku,
                location=target.location,
                requested=qty,
                available=qty - left,
            )
    return Assignment(
        document=doc.number,
        line=ln.line_no,
        item=it.sku,
        action="allocate",
        location=target.location,
        lots=tuple(taken),
        assigned=assigned + qty,
        line_quantity=ln.quantity,
        warnings=tuple(warnings),
        progress=target.after(qty),
    )


def suggest_lots(ctx: Ctx, doc: Document, ln: DocumentLine, it: Item) -> list[tuple[int, str, int]]:
    """(lot id, lot, available) at the line's location, in allocation order."""
    s, settings = ctx.session, ctx.settings
    q = (
        select(Lot.id, Lot.lot, LotStock.on_hand - LotStock.allocated - LotStock.packed)
        .join(LotStock, LotStock.lot_id == Lot.id)
        .where(
            Lot.item_id == it.id,
            LotStock.location_id == ln.location_id,
            LotStock.on_hand - LotStock.allocated - LotStock.packed > 0,
        )
    )
    if doc.doc_type not in TAKES_BLOCKED:
        q = q.where(
            or_(
                Lot.status == "available",
                and_(
                    Lot.status == "quarantine",
                    Lot.quarantine_until.is_not(None),
                    Lot.quarantine_until <= ctx.today,
                ),
            )
        )
    if not suggest_expired(settings, doc.doc_type):
        q = q.where(or_(Lot.expiry_date.is_(None), Lot.expiry_date >= ctx.today))
    order = settings.allocation_order
    if order == "fefo":
        q = q.order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Lot.id)
    elif order == "lifo":
        q = q.order_by(Lot.id.desc())
    elif order == "by_number":
        q = q.order_by(Lot.lot)
    else:
        q = q.order_by(Lot.id)
    q = q.with_for_update(of=LotStock)
    return [(int(i), str(n), int(a)) for i, n, a in s.execute(q)]


def unassign_lot(
    ctx: Ctx, number: str, *, lot: str, item: str | None = None, quantity: int | None = None
) -> Assignment:
    """Take a lot quantity (all of it by default) off an open document."""
    s = ctx.session
    doc = open_document(s, number)
    lot_number = validate.code("lot", lot)
    q = (
        select(LineLot, DocumentLine, Lot)
        .join(DocumentLine, DocumentLine.id == LineLot.line_id)
        .join(Lot, Lot.id == LineLot.lot_id)
        .where(DocumentLine.document_id == doc.id, Lot.lot == lot_number)
        .order_by(DocumentLine.line_no.desc())
    )
    if item:
        q = q.where(Lot.item_id == item_row(s, item).id)
    found = s.execute(q.with_for_update(of=LineLot)).first()
    if found is None:
        raise LotNotOnLine(lot=lot_number, line=0)
    ll, ln, _lot = found
    qty = ll.quantity if quantity is None else validate.quantity(quantity)
    if qty > ll.quantity:
        raise InvalidInput(
            field="quantity", reason=f"only {ll.quantity} of lot {lot_number} on the line"
        )
    _keep_packed(s, doc, ll.lot_id, lot_number, qty)
    release_line_lot(s, ln, ll, qty)
    return unassigned(s, doc, ln.line_no, lots=((lot_number, qty),))


def _keep_packed(s: Session, doc: Document, lot_id: int, lot: str, qty: int) -> None:
    """What came with a container the document holds comes off with the container only."""
    held = s.execute(
        select(func.coalesce(func.sum(ContainerLot.quantity), 0))
        .join(Container, Container.id == ContainerLot.container_id)
        .where(Container.document_id == doc.id, ContainerLot.lot_id == lot_id)
    ).scalar_one()
    on_doc = s.execute(
        select(func.coalesce(func.sum(LineLot.quantity), 0))
        .join(DocumentLine, DocumentLine.id == LineLot.line_id)
        .where(DocumentLine.document_id == doc.id, LineLot.lot_id == lot_id)
    ).scalar_one()
    if int(held) and int(on_doc) - qty < int(held):
        raise InvalidInput(
            field="quantity",
            reason=f"{held} of lot {lot} came with containers on {doc.number}:"
            " take those off instead",
        )


def release_line_lot(s: Session, ln: DocumentLine, ll: LineLot, qty: int) -> None:
    if ln.direction == "out":
        s.execute(
            update(LotStock)
            .where(LotStock.lot_id == ll.lot_id, LotStock.location_id == ln.location_id)
            .values(allocated=LotStock.allocated - qty)
            .execution_options(synchronize_session=False)
        )
    if qty == ll.quantity:
        s.delete(ll)
    else:
        ll.quantity -= qty
    s.flush()


# --- quarantine, recall, release ------------------------------------------------------


def set_quarantine(
    ctx: Ctx,
    *,
    item: str,
    serial: str | None = None,
    lot: str | None = None,
    on: bool,
    until: dt.date | None = None,
) -> None:
    """Put a serial or a lot into quarantine (``on``) or release it."""
    s = ctx.session
    it = item_row(s, validate.code("item", item))
    if (serial is None) == (lot is None):
        raise InvalidInput(field="serial", reason="give a serial or a lot")
    if serial is not None:
        sn = validate.code("serial", serial)
        row = s.execute(
            select(SerialNumber)
            .where(SerialNumber.item_id == it.id, SerialNumber.serial == sn)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise UnknownSerial(item=it.sku, serial=sn)
        row.quarantine, row.quarantine_until = on, (until if on else None)
        data = {"status": row.status, "quarantine": on, "count": 1, "serials": [sn]}
        events.emit(ctx, "serial.status_changed", item=it.sku, data=data)
    else:
        ln_ = validate.code("lot", lot)
        lrow = lot_row(s, it, ln_, lock=True)
        if lrow is None:
            raise UnknownLot(item=it.sku, lot=ln_)
        if lrow.status == "recalled":
            raise LotRecalled(item=it.sku, lot=ln_, recall_number=lrow.recall_number)
        lrow.status = "quarantine" if on else "available"
        lrow.quarantine_until = until if on else None
        if not on:
            lrow.released_at = ctx.now
        kind = "lot.quarantined" if on else "lot.released"
        until_text = lrow.quarantine_until.isoformat() if lrow.quarantine_until else None
        events.emit(ctx, kind, item=it.sku, data={"lot": ln_, "until": until_text})
    s.flush()


def recall_lot(ctx: Ctx, *, item: str, lot: str, recall_number: str, reason: str = "") -> None:
    s = ctx.session
    it = item_row(s, validate.code("item", item))
    ln_ = validate.code("lot", lot)
    row = lot_row(s, it, ln_, lock=True)
    if row is None:
        raise UnknownLot(item=it.sku, lot=ln_)
    row.status = "recalled"
    row.recall_number = validate.code("recall_number", recall_number)
    row.recall_date = ctx.today
    row.recall_reason = validate.text("reason", reason) or None
    row.released_at = None
    events.emit(
        ctx,
        "lot.recalled",
        item=it.sku,
        data={"lot": ln_, "recall_number": row.recall_number, "reason": row.recall_reason},
    )
    s.flush()


def release_lot(ctx: Ctx, *, item: str, lot: str) -> None:
    """Lift a recall or a quarantine: the lot is available again."""
    s = ctx.session
    it = item_row(s, validate.code("item", item))
    ln_ = validate.code("lot", lot)
    row = lot_row(s, it, ln_, lock=True)
    if row is None:
        raise UnknownLot(item=it.sku, lot=ln_)
    row.status = "available"
    row.quarantine_until = None
    row.released_at = ctx.now
    events.emit(ctx, "lot.released", item=it.sku, data={"lot": ln_, "until": None})
    s.flush()


def effective_status(row: Lot, today: dt.date) -> LotStatus:
    if row.status == "quarantine" and not quarantined(True, row.quarantine_until, today):
        return "available"
    return row.status


def lot_available(s: Session, lot_id: int) -> int:
    return int(
        s.execute(
            select(func.coalesce(func.sum(LotStock.on_hand - LotStock.allocated), 0)).where(
                LotStock.lot_id == lot_id
            )
        ).scalar_one()
    )
