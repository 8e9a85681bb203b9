"""Posting, cancelling and reversing documents: the only writers of the ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, case, func, insert, literal, null, select, update
from sqlalchemy.orm import Session

from tracking_core import (
    container_moves,
    costing,
    events,
    ledger_seq,
    progress,
    receiving_containers,
    validate,
)
from tracking_core.catalog import item_row
from tracking_core.context import Ctx
from tracking_core.documents import (
    create_document,
    document_info,
    document_row,
    open_document,
)
from tracking_core.errors import (
    AlreadyReversed,
    CannotReverse,
    DocumentNotPosted,
    InvalidInput,
    LineIncomplete,
    SerialNotAvailable,
    UnknownLot,
    UnknownSerial,
)
from tracking_core.lots import lot_row, release_line_lot
from tracking_core.models import (
    ContainerSerial,
    Document,
    DocumentLine,
    Item,
    LineLot,
    Location,
    Lot,
    LotStock,
    LotTransaction,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.partners import check_partner
from tracking_core.serials import allocate_serials, release_serials
from tracking_core.values import DocumentInfo, LineSpec, PostResult
from tracking_core.vocabulary import Direction, TrackingKind

WHO = ("operator", "operator_id", "token", "device")


def who(ctx: Ctx) -> dict[str, Any]:
    """The ledger's who-columns: the signed-in operator (badge and row), token, device."""
    return ctx.who()


def _who_columns(ctx: Ctx) -> list[Any]:
    return [literal(v) if v is not None else null() for v in who(ctx).values()]


OUT_STATUS = {
    "shipment": "shipped",
    "vendor_return": "returned_to_vendor",
    "adjustment": "scrapped",
}
_MONEY = Numeric(18, 4)


def post(ctx: Ctx, number: str) -> PostResult:
    """Turn an open document's assignments into stock movements and transaction records."""
    s = ctx.session
    doc = open_document(s, number)
    check_partner(ctx, doc)
    # lines, items and assigned counts in one statement, however many lines
    lines = progress.document_lines(s, doc)
    if not ctx.settings.allow_different_quantities:
        for ln, it, done in lines:
            if it.tracking != "none" and done != ln.quantity:
                raise LineIncomplete(
                    document=doc.number,
                    line=ln.line_no,
                    item=it.sku,
                    quantity=ln.quantity,
                    assigned=done,
                )
    serial_lines = [(ln, n) for ln, it, n in lines if it.tracking == "serial"]
    directions = {ln.direction for ln, _ in serial_lines}
    serial_records = sum(n for _, n in serial_lines)
    if serial_records:
        _lock_serials(ctx, doc, directions)
    lots = _post_lots(ctx, doc, lines)
    if serial_records + len(lots):
        # the ledger's numbers last, once every other lock is held (tracking_core/ledger_seq.py)
        first = ledger_seq.take(s, serial_records + len(lots))
        if serial_records:
            _post_serials(ctx, doc, directions, serial_records, first)
        ledger_seq.place(lots, first + serial_records)
        s.add_all(lots)
    lot_records = len(lots)
    container_moves.after_posting(ctx, doc)
    receiving_containers.after_posting(ctx, doc)
    doc.status = "posted"
    doc.posted_at = ctx.now
    doc.posted_by = ctx.operator or ctx.token
    s.flush()
    events.document_events(
        s,
        ctx.now,
        "document.posted",
        doc,
        {"serial_records": serial_records, "lot_records": lot_records},
    )
    return PostResult(
        document=doc.number,
        doc_type=doc.doc_type,
        posted_at=ctx.now,
        serial_records=serial_records,
        lot_records=lot_records,
    )


def _lock_serials(ctx: Ctx, doc: Document, directions: set[Direction]) -> None:
    if "out" in directions and ctx.session.get_bind().dialect.name != "sqlite":
        # The records read each serial's cost: hold the rows, so a cost adjustment cannot
        # land between the records and the status change (SQLite has one writer anyway).
        ctx.session.execute(
            select(SerialNumber.id)
            .where(SerialNumber.reserved_line_id.in_(_tracked_lines(doc, "serial", {"out"})))
            .with_for_update()
        )


def _post_serials(
    ctx: Ctx, doc: Document, directions: set[Direction], count: int, first: int
) -> None:
    """Record and move the ``count`` serials reserved on the document's serial lines at once,
    numbered from ``first`` in line and serial order.

    A fixed number of statements however many lines: one INSERT ... SELECT of the records
    (each line's locations and cost joined in), one UPDATE per direction. The counts were
    read with the lines; the lock on the document keeps them so.
    """
    s = ctx.session
    line = DocumentLine
    inbound = line.direction == "in"
    transfer = doc.doc_type == "transfer"
    # costing: a serial received takes the line's cost; one coming back from a customer
    # keeps the cost at which it left; everything else moves at the serial's own cost
    returned = doc.doc_type == "customer_return"
    rows = (
        select(
            SerialNumber.id,
            SerialNumber.item_id,
            literal(doc.id),
            line.id,
            literal(doc.doc_type),
            literal(doc.partner_id) if doc.partner_id else null(),
            case((inbound, null()), else_=line.location_id),
            case((inbound, line.location_id), else_=line.to_location_id if transfer else null()),
            SerialNumber.cost
            if returned
            else case((inbound, line.unit_cost), else_=SerialNumber.cost),
            literal(ctx.now),
            *_who_columns(ctx),
            # the block's numbers, set-based, in the order the records are written
            literal(first - 1) + func.row_number().over(order_by=(line.line_no, SerialNumber.id)),
            ContainerSerial.container_id,
        )
        .join(line, line.id == SerialNumber.reserved_line_id)
        .outerjoin(ContainerSerial, ContainerSerial.serial_id == SerialNumber.id)
        .where(SerialNumber.reserved_line_id.in_(_tracked_lines(doc, "serial", directions)))
        .order_by(line.line_no, SerialNumber.id)
    )
    # Core, not the ORM's insert: its result keeps the cursor's rowcount (when asked to)
    written = (
        s.connection()
        .execute(
            insert(SerialTransaction).from_select(
                [
                    "serial_id",
                    "item_id",
                    "document_id",
                    "line_id",
                    "doc_type",
                    "partner_id",
                    "from_location_id",
                    "to_location_id",
                    "cost",
                    "posted_at",
                    *WHO,
                    "seq",
                    "container_id",
                ],
                rows,
            ),
            execution_options={"preserve_rowcount": True},
        )
        .rowcount
    )
    if written != count:  # a gap or a clash in the block: never commit that
        raise RuntimeError(f"{written} serial records for a block of {count} ledger numbers")

    def of_line(col: Any) -> Any:  # the holding line's column, for each serial updated
        return select(col).where(line.id == SerialNumber.reserved_line_id).scalar_subquery()

    values: dict[str, object]
    for direction in sorted(directions):
        if direction == "in":
            values = {
                "status": "in_stock",
                "location_id": of_line(line.location_id),
                "received_at": ctx.now,
            }
            if not returned:
                values["cost"] = of_line(line.unit_cost)
        elif transfer:
            values = {"status": "in_stock", "location_id": of_line(line.to_location_id)}
        else:
            values = {"status": OUT_STATUS[doc.doc_type], "location_id": None}
        # every SET reads the row as it was, so the line is still known while it is cleared
        s.execute(
            update(SerialNumber)
            .where(SerialNumber.reserved_line_id.in_(_tracked_lines(doc, "serial", {direction})))
            .values(**values, reserved_line_id=None)
            .execution_options(synchronize_session=False)
        )


def _tracked_lines(doc: Document, tracking: TrackingKind, directions: set[Direction]) -> Any:
    """The ids of the document's lines of ``tracking`` items going one of ``directions``
    (a subquery)."""
    return (
        select(DocumentLine.id)
        .join(Item, Item.id == DocumentLine.item_id)
        .where(
            DocumentLine.document_id == doc.id,
            DocumentLine.direction.in_(sorted(directions)),
            Item.tracking == tracking,
        )
    )


def _add_on_hand(s: Session, lot_id: int, location_id: int, qty: int) -> None:
    stock = s.get(LotStock, (lot_id, location_id), with_for_update=True)
    if stock is None:
        s.add(LotStock(lot_id=lot_id, location_id=location_id, on_hand=qty, allocated=0))
    else:
        stock.on_hand += qty
    s.flush()


def _post_lots(
    ctx: Ctx, doc: Document, lines: list[tuple[DocumentLine, Item, int]]
) -> list[LotTransaction]:
    """Post the lot lines in line order, their lots read (and locked) in one statement.

    Returns their records, to be numbered and written by the caller."""
    lot_lines = [ln for ln, it, _ in lines if it.tracking == "lot"]
    if not lot_lines:
        return []
    on_lines: dict[int, list[tuple[LineLot, Lot]]] = {ln.id: [] for ln in lot_lines}
    for ll, lot in ctx.session.execute(
        select(LineLot, Lot)
        .join(Lot, Lot.id == LineLot.lot_id)
        .where(LineLot.line_id.in_(_tracked_lines(doc, "lot", {"in", "out"})))
        .order_by(LineLot.line_id, LineLot.lot_id)
        .with_for_update(of=Lot)  # their unit costs are read and weighed
    ):
        on_lines[ll.line_id].append((ll, lot))
    return [r for ln in lot_lines for r in _post_lot_line(ctx, doc, ln, on_lines[ln.id])]


def _post_lot_line(
    ctx: Ctx, doc: Document, ln: DocumentLine, on_line: list[tuple[LineLot, Lot]]
) -> list[LotTransaction]:
    s = ctx.session
    records: list[LotTransaction] = []
    for ll, lot in on_line:
        qty = ll.quantity
        src: int | None
        dst: int | None
        if ln.direction == "in":
            unit = ln.unit_cost
            if doc.doc_type == "customer_return":
                left = costing.lot_return_cost(s, lot.id, doc.partner_id)
                unit = ln.unit_cost if left is None else left
            before = _lot_on_hand(s, lot.id)
            _add_on_hand(s, ll.lot_id, ln.location_id, qty)
            src, dst = None, ln.location_id
        else:
            unit = lot.unit_cost
            s.execute(
                update(LotStock)
                .where(LotStock.lot_id == ll.lot_id, LotStock.location_id == ln.location_id)
                .values(on_hand=LotStock.on_hand - qty, allocated=LotStock.allocated - qty)
                .execution_options(synchronize_session=False)
            )
            src, dst = ln.location_id, ln.to_location_id
            if dst is not None:
                _add_on_hand(s, ll.lot_id, dst, qty)
        # one record per container the quantity moved in (then the loose rest)
        portions: list[tuple[int | None, int]] = [(None, qty)]
        if ln.direction == "out":
            portions = container_moves.lot_portions(s, doc, ll.lot_id, ln.location_id, qty)
        else:  # a receipt's lot quantities that came in announced containers
            portions = receiving_containers.lot_portions(s, doc, ln.id, ll.lot_id, qty)
        cost = Decimal(0)
        for container_id, part in portions:
            part_cost = (unit * part).quantize(costing.CENT)
            cost += part_cost
            records.append(
                LotTransaction(
                    lot_id=ll.lot_id,
                    item_id=ln.item_id,
                    document_id=doc.id,
                    line_id=ln.id,
                    doc_type=doc.doc_type,
                    partner_id=doc.partner_id,
                    from_location_id=src,
                    to_location_id=dst,
                    quantity=part,
                    cost=part_cost,
                    posted_at=ctx.now,
                    container_id=container_id,
                    **who(ctx),
                )
            )
        if ln.direction == "in":
            records += _reweigh_lot(ctx, doc, ln.id, lot, before, {ln.location_id: (qty, cost)})
    s.flush()
    return records


def _lot_on_hand(s: Session, lot_id: int) -> dict[int, int]:
    q = select(LotStock.location_id, LotStock.on_hand).where(LotStock.lot_id == lot_id)
    return {int(loc): int(n) for loc, n in s.execute(q)}


def _reweigh_lot(
    ctx: Ctx,
    doc: Document,
    line_id: int,
    lot: Lot,
    before: dict[int, int],
    moves: dict[int, tuple[int, Decimal]],
) -> list[LotTransaction]:
    """Weigh the lot's unit cost after records that moved value in or out at another cost;
    each location whose value changes gets a revaluation record (quantity 0, from = to)."""
    new, revalue = costing.reweigh(lot.unit_cost, before, moves)
    lot.unit_cost = new
    return [
        LotTransaction(
            lot_id=lot.id,
            item_id=lot.item_id,
            document_id=doc.id,
            line_id=line_id,
            doc_type=doc.doc_type,
            partner_id=doc.partner_id,
            from_location_id=loc,
            to_location_id=loc,
            quantity=0,
            cost=delta,
            posted_at=ctx.now,
            **who(ctx),
        )
        for loc, delta in revalue.items()
    ]


def cancel(ctx: Ctx, number: str) -> DocumentInfo:
    """Cancel an open document: every reservation and pending number is released."""
    s = ctx.session
    doc = open_document(s, number)
    # announced containers first: their rows hold the pending serials released below
    receiving_containers.drop_announced(ctx, doc)
    lines = list(
        s.execute(select(DocumentLine).where(DocumentLine.document_id == doc.id)).scalars()
    )
    for ln in lines:
        ids = list(
            s.execute(
                select(SerialNumber.id).where(SerialNumber.reserved_line_id == ln.id)
            ).scalars()
        )
        release_serials(s, ids)
        for ll in s.execute(select(LineLot).where(LineLot.line_id == ln.id)).scalars().all():
            release_line_lot(s, ln, ll, ll.quantity)
    container_moves.release_document(ctx, doc)
    doc.status = "cancelled"
    s.flush()
    events.document_events(s, ctx.now, "document.cancelled", doc, {})
    return document_info(s, doc)


def reverse(ctx: Ctx, number: str, *, reversal_number: str | None = None) -> PostResult:
    """Post a reversal document that undoes every movement of a posted document."""
    s = ctx.session
    doc = document_row(s, number, lock=True)
    if doc.status != "posted":
        raise DocumentNotPosted(document=doc.number, status=doc.status)
    if doc.reverses_id is not None:
        raise CannotReverse(document=doc.number, reason="it is itself a reversal")
    existing = s.execute(
        select(Document).where(Document.reverses_id == doc.id)
    ).scalar_one_or_none()
    if existing is not None:
        raise AlreadyReversed(document=doc.number, reversal=existing.number)
    container_moves.check_reversible(s, doc)
    info = create_document(ctx, doc.doc_type, number=reversal_number)
    rev = document_row(s, info.number)
    rev.reverses_id = doc.id
    rev.partner_id = doc.partner_id
    rev.reference = f"reversal of {doc.number}"
    lines = _copy_lines(s, doc, rev)
    serials = _reverse_serials(ctx, doc, rev, lines)
    lots = _reverse_lots(ctx, doc, rev, lines)
    ledger_seq.append(s, [*serials, *lots])  # numbered last (tracking_core/ledger_seq.py)
    serial_records, lot_records = len(serials), len(lots)
    rev.status = "posted"
    rev.posted_at = ctx.now
    rev.posted_by = ctx.operator or ctx.token
    s.flush()
    events.document_events(
        s,
        ctx.now,
        "document.reversed",
        rev,
        {"reverses": doc.number, "serial_records": serial_records, "lot_records": lot_records},
    )
    return PostResult(
        document=rev.number,
        doc_type=rev.doc_type,
        posted_at=ctx.now,
        serial_records=serial_records,
        lot_records=lot_records,
        reverses=doc.number,
    )


def _copy_lines(s: Session, doc: Document, rev: Document) -> dict[int, int]:
    """The reversal gets the original's lines (so its records point at real lines).

    Returns original line id -> the reversal's line id.
    """
    mapping: dict[int, int] = {}
    for ln in s.execute(select(DocumentLine).where(DocumentLine.document_id == doc.id)).scalars():
        copy = DocumentLine(
            document_id=rev.id,
            line_no=ln.line_no,
            item_id=ln.item_id,
            direction="out" if ln.direction == "in" else "in",
            quantity=ln.quantity,
            unit_cost=ln.unit_cost,
            unit_price=ln.unit_price,
            location_id=ln.to_location_id or ln.location_id,
            to_location_id=ln.location_id if ln.to_location_id else None,
        )
        s.add(copy)
        s.flush()
        mapping[ln.id] = copy.id
    return mapping


def _moved_on(s: Session, txs: list[SerialTransaction]) -> tuple[set[int], set[int]]:
    """Serials with a movement, and serials with a cost adjustment, after the given records
    that has not been undone since.

    A serial shipped, returned and shipped again has its first shipment's status, but
    not its place: reversing that shipment would shelve a unit a customer holds. A cost
    adjustment (from = to) moves nothing, but a movement reversed after it would carry the
    old cost back while the serial keeps the new one.
    """
    after = {t.serial_id: t.id for t in txs}
    moved: set[int] = set()
    revalued: set[int] = set()
    ids = list(after)
    for i in range(0, len(ids), 5000):
        part = ids[i : i + 5000]
        later = s.execute(
            select(
                SerialTransaction.id,
                SerialTransaction.serial_id,
                SerialTransaction.reversal_of_id,
                SerialTransaction.from_location_id,
                SerialTransaction.to_location_id,
            ).where(
                SerialTransaction.serial_id.in_(part),
                SerialTransaction.id > min(after[x] for x in part),
            )
        ).all()
        undone = {r.reversal_of_id for r in later if r.reversal_of_id is not None}
        for r in later:
            revalue = r.from_location_id is not None and r.from_location_id == r.to_location_id
            undone_since = r.reversal_of_id is not None or r.id in undone
            if r.id > after[r.serial_id] and not undone_since:
                (revalued if revalue else moved).add(r.serial_id)
    return moved, revalued


def _reverse_serials(
    ctx: Ctx, doc: Document, rev: Document, lines: dict[int, int]
) -> list[SerialTransaction]:
    """Move the serials back; returns the reversal's records, to be numbered and written."""
    s = ctx.session
    txs = list(
        s.execute(
            select(SerialTransaction)
            .where(SerialTransaction.document_id == doc.id)
            .order_by(SerialTransaction.serial_id)
        ).scalars()
    )
    if not txs:
        return []
    serials = {
        r.id: r
        for r in s.execute(
            select(SerialNumber)
            .where(SerialNumber.id.in_([t.serial_id for t in txs]))
            .with_for_update()
        ).scalars()
    }
    moved, revalued = _moved_on(s, txs)
    records: list[SerialTransaction] = []
    for t in txs:
        sn = serials[t.serial_id]
        revalue = t.from_location_id is not None and t.from_location_id == t.to_location_id
        if revalue:  # a cost adjustment: the serial only has to be where it was revalued
            here = sn.location_id == t.to_location_id
        elif t.serial_id in revalued:
            raise CannotReverse(
                document=doc.number,
                reason=f"serial {sn.serial} was revalued since: reverse that cost adjustment first",
            )
        else:  # the serial must still be where this document left it, and held by nobody
            here = (
                sn.reserved_line_id is None
                and t.serial_id not in moved
                and (
                    sn.status == "in_stock" and sn.location_id == t.to_location_id
                    if t.to_location_id is not None
                    else sn.status == OUT_STATUS.get(doc.doc_type)
                )
            )
        if not here:
            raise CannotReverse(
                document=doc.number,
                reason=f"serial {sn.serial} has moved on since (now {sn.status})",
            )
        if revalue:
            sn.cost -= t.cost
        elif t.from_location_id is not None:
            sn.status, sn.location_id = "in_stock", t.from_location_id
        elif doc.doc_type == "customer_return":
            sn.status, sn.location_id = "shipped", None
        else:
            sn.status, sn.location_id = "reversed", None
        records.append(
            SerialTransaction(
                serial_id=t.serial_id,
                item_id=t.item_id,
                document_id=rev.id,
                line_id=lines[t.line_id],
                doc_type=rev.doc_type,
                partner_id=t.partner_id,
                from_location_id=t.to_location_id,
                to_location_id=t.from_location_id,
                cost=-t.cost if revalue else t.cost,  # a revaluation is undone by its opposite
                posted_at=ctx.now,
                **who(ctx),
                reversal_of_id=t.id,
            )
        )
    s.flush()
    return records


def _reverse_lots(
    ctx: Ctx, doc: Document, rev: Document, lines: dict[int, int]
) -> list[LotTransaction]:
    """Move the lots back and weigh them; returns the records, to be numbered and written."""
    s = ctx.session
    txs = list(
        s.execute(
            select(LotTransaction)
            .where(LotTransaction.document_id == doc.id)
            .order_by(LotTransaction.id)
        ).scalars()
    )
    # per lot: its stock before, and what the reversal records move (to weigh its cost)
    weigh: dict[int, tuple[Lot, int, dict[int, int], dict[int, tuple[int, Decimal]]]] = {}
    records: list[LotTransaction] = []
    for t in txs:
        if t.lot_id not in weigh:
            lot = s.get(Lot, t.lot_id, with_for_update=True)
            assert lot is not None
            weigh[t.lot_id] = (lot, lines[t.line_id], _lot_on_hand(s, t.lot_id), {})
        lot, _, _, moves = weigh[t.lot_id]
        revalue = t.from_location_id is not None and t.from_location_id == t.to_location_id
        cost = -t.cost if revalue else t.cost
        if t.to_location_id is not None:
            stock = s.get(LotStock, (t.lot_id, t.to_location_id), with_for_update=True)
            # packed units are not free either: unpack them first
            free = stock.on_hand - stock.allocated - stock.packed if stock else 0
            if free < t.quantity:
                raise CannotReverse(
                    document=doc.number,
                    reason=f"lot {lot.lot} has only {free} free (loose) at the destination",
                )
            assert stock is not None
            stock.on_hand -= t.quantity
            n, v = moves.get(t.to_location_id, (0, Decimal(0)))
            moves[t.to_location_id] = (n - t.quantity, v - (0 if revalue else cost))
        if t.from_location_id is not None:
            _add_on_hand(s, t.lot_id, t.from_location_id, t.quantity)
            n, v = moves.get(t.from_location_id, (0, Decimal(0)))
            moves[t.from_location_id] = (n + t.quantity, v + cost)
        records.append(
            LotTransaction(
                lot_id=t.lot_id,
                item_id=t.item_id,
                document_id=rev.id,
                line_id=lines[t.line_id],
                doc_type=rev.doc_type,
                partner_id=t.partner_id,
                from_location_id=t.to_location_id,
                to_location_id=t.from_location_id,
                quantity=t.quantity,
                cost=cost,
                posted_at=ctx.now,
                **who(ctx),
                reversal_of_id=t.id,
            )
        )
    for lot, line_id, before, moves in weigh.values():
        records += _reweigh_lot(ctx, rev, line_id, lot, before, moves)
    s.flush()
    return records


def scrap_serial(ctx: Ctx, *, item: str, serial: str, reason: str = "") -> PostResult:
    """Write a serial off: an adjustment-out document, allocated and posted at once."""
    s = ctx.session
    it = item_row(s, item)
    row = s.execute(
        select(SerialNumber).where(SerialNumber.item_id == it.id, SerialNumber.serial == serial)
    ).scalar_one_or_none()
    if row is None:
        raise UnknownSerial(item=it.sku, serial=serial)
    loc = s.get(Location, row.location_id) if row.location_id else None
    if loc is None or row.status != "in_stock":
        raise SerialNotAvailable(
            item=it.sku, serial=serial, status=row.status, location=None, wanted_location=None
        )
    doc = create_document(
        ctx,
        "adjustment",
        reference=(reason or "scrap")[:100],
        lines=[LineSpec(item=it.sku, quantity=1, location=loc.code, direction="out")],
    )
    allocate_serials(ctx, doc.number, line=1, serials=[serial])
    return post(ctx, doc.number)


def adjust_cost(
    ctx: Ctx,
    *,
    item: str,
    serial: str | None = None,
    lot: str | None = None,
    unit_cost: Decimal | str | int,
    reason: str = "",
) -> PostResult:
    """A cost adjustment: a posted adjustment whose records move nothing and carry the change.

    A serial's record carries new minus old cost; a lot's unit cost is set, and each location
    it is at gets a record carrying the change of value of the quantity there.
    """
    s = ctx.session
    it = item_row(s, item)
    new = validate.money("unit_cost", unit_cost)
    if (serial is None) == (lot is None):
        raise InvalidInput(field="serial", reason="give a serial or a lot")
    info = create_document(ctx, "adjustment", reference=(reason or "cost adjustment")[:100])
    doc = document_row(s, info.number)
    if serial is not None:
        row = s.execute(
            select(SerialNumber)
            .where(SerialNumber.item_id == it.id, SerialNumber.serial == serial)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise UnknownSerial(item=it.sku, serial=serial)
        if row.status not in ("in_stock", "allocated") or row.location_id is None:
            raise SerialNotAvailable(
                item=it.sku, serial=serial, status=row.status, location=None, wanted_location=None
            )
        line = _cost_line(s, doc, it.id, row.location_id, new)
        records: list[SerialTransaction | LotTransaction] = [
            _serial_record(ctx, doc, line, row, row.location_id, new - row.cost)
        ]
        row.cost = new
        serial_records, lot_records = 1, 0
    else:
        lrow = lot_row(s, it, lot or "", lock=True)
        if lrow is None:
            raise UnknownLot(item=it.sku, lot=lot or "")
        places = (
            s.execute(select(LotStock).where(LotStock.lot_id == lrow.id, LotStock.on_hand > 0))
            .scalars()
            .all()
        )
        if not places:
            raise InvalidInput(field="lot", reason=f"lot {lrow.lot} has no stock to revalue")
        delta = new - lrow.unit_cost
        lrow.unit_cost = new
        records = []
        for place in places:
            line = _cost_line(s, doc, it.id, place.location_id, new)
            records.append(
                LotTransaction(
                    lot_id=lrow.id,
                    item_id=it.id,
                    document_id=doc.id,
                    line_id=line.id,
                    doc_type="adjustment",
                    partner_id=None,
                    from_location_id=place.location_id,
                    to_location_id=place.location_id,
                    quantity=0,
                    cost=(delta * place.on_hand).quantize(costing.CENT),
                    posted_at=ctx.now,
                    **who(ctx),
                )
            )
        serial_records, lot_records = 0, len(places)
    ledger_seq.append(s, records)  # numbered last (tracking_core/ledger_seq.py)
    doc.status, doc.posted_at, doc.posted_by = "posted", ctx.now, ctx.operator or ctx.token
    s.flush()
    counts = {"serial_records": serial_records, "lot_records": lot_records}
    # a revaluation moves nothing: no serial changed status or place
    events.document_events(s, ctx.now, "document.posted", doc, counts, serials=False)
    return PostResult(
        document=doc.number,
        doc_type="adjustment",
        posted_at=ctx.now,
        serial_records=serial_records,
        lot_records=lot_records,
    )


def _cost_line(
    s: Session, doc: Document, item_id: int, location_id: int, cost: Decimal
) -> DocumentLine:
    n = len(s.execute(select(DocumentLine.id).where(DocumentLine.document_id == doc.id)).all())
    line = DocumentLine(
        document_id=doc.id,
        line_no=n + 1,
        item_id=item_id,
        direction="in",
        quantity=0,
        unit_cost=cost,
        location_id=location_id,
    )
    s.add(line)
    s.flush()
    return line


def _serial_record(
    ctx: Ctx, doc: Document, line: DocumentLine, row: SerialNumber, loc: int, cost: Decimal
) -> SerialTransaction:
    return SerialTransaction(
        serial_id=row.id,
        item_id=row.item_id,
        document_id=doc.id,
        line_id=line.id,
        doc_type=doc.doc_type,
        partner_id=None,
        from_location_id=loc,
        to_location_id=loc,
        cost=cost,
        posted_at=ctx.now,
        **who(ctx),
    )
