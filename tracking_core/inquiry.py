"""Inquiry and trace as plain data, read from the ledger and the stock tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from tracking_core import validate
from tracking_core.catalog import item_row, location_row
from tracking_core.costing import CENT, money_sum, money_value
from tracking_core.errors import InvalidInput, SerialAmbiguous, UnknownLot, UnknownSerial
from tracking_core.lots import effective_status, lot_row
from tracking_core.models import (
    Container,
    Document,
    DocumentLine,
    Item,
    Location,
    Lot,
    LotStock,
    LotTransaction,
    Partner,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.values import (
    LotInfo,
    LotSerial,
    Movement,
    SerialInfo,
    StockRow,
    Trace,
    TraceHit,
)
from tracking_core.vocabulary import SERIALS_ON_HAND, LedgerKind

FromLoc = aliased(Location)
ToLoc = aliased(Location)
Box = aliased(Container)  # the case or pallet a record names


def stock(
    s: Session, *, item: str | None = None, location: str | None = None, lot: str | None = None
) -> list[StockRow]:
    """On hand and allocated per item, location and lot (serials counted per item and location)."""
    lq = (
        select(
            Item.sku,
            Location.code,
            Lot.lot,
            LotStock.on_hand,
            LotStock.allocated,
            Lot.expiry_date,
            Lot.unit_cost,
        )
        .join(Lot, Lot.item_id == Item.id)
        .join(LotStock, LotStock.lot_id == Lot.id)
        .join(Location, Location.id == LotStock.location_id)
        .where(LotStock.on_hand > 0)
    )
    # the serials on hand summed per item and location first, through the partial index of
    # the serials on hand (ix_serial_numbers_on_hand: its condition must be in the SQL text,
    # not bound), and only then named: a join per serial cost more than the sums themselves
    allocated = func.sum(case((SerialNumber.status == "allocated", 1), else_=0))
    on_hand = (
        select(
            SerialNumber.item_id,
            SerialNumber.location_id,
            func.count().label("on_hand"),
            allocated.label("allocated"),
            money_sum(SerialNumber.cost).label("value"),
        )
        .where(SerialNumber.status.in_(bindparam("on_hand", SERIALS_ON_HAND, literal_execute=True)))
        .group_by(SerialNumber.item_id, SerialNumber.location_id)
    )
    if item:
        it = item_row(s, item)
        lq, on_hand = lq.where(Item.id == it.id), on_hand.where(SerialNumber.item_id == it.id)
    if location:
        loc = location_row(s, location)
        lq = lq.where(Location.id == loc.id)
        on_hand = on_hand.where(SerialNumber.location_id == loc.id)
    rows: list[StockRow] = []
    if lot is not None:
        lq = lq.where(Lot.lot == lot)
        # a serialized item's lot: its serials there
        on_hand = on_hand.join(Lot, Lot.id == SerialNumber.lot_id).where(Lot.lot == lot)
    sums = on_hand.subquery()
    sq = (
        select(Item.sku, Location.code, sums.c.on_hand, sums.c.allocated, sums.c.value)
        .join(Item, Item.id == sums.c.item_id)
        .join(Location, Location.id == sums.c.location_id)
    )
    rows.extend(
        StockRow(
            item=i,
            location=c,
            lot=lot,
            on_hand=int(n),
            allocated=int(a or 0),
            value=money_value(v),
        )
        for i, c, n, a, v in s.execute(sq)
    )
    rows.extend(
        StockRow(
            item=i,
            location=c,
            lot=ln,
            on_hand=int(n),
            allocated=int(a),
            expiry=e,
            value=(n * unit).quantize(CENT),
        )
        for i, c, ln, n, a, e, unit in s.execute(lq)
    )
    return sorted(rows, key=lambda r: (r.item, r.location, r.lot or ""))


def _movement_query(tx: Any, number_col: Any) -> Select[Any]:
    qty = tx.quantity if hasattr(tx, "quantity") else literal(1)
    return (
        select(
            tx.id,
            tx.seq,
            tx.posted_at,
            Document.number,
            tx.doc_type,
            Partner.code,
            FromLoc.code,
            ToLoc.code,
            qty,
            tx.cost,
            tx.operator,
            tx.token,
            tx.device,
            Box.code,
            number_col,
            tx.reversal_of_id,
            Item.sku,
            DocumentLine.unit_price,
        )
        .join(Document, Document.id == tx.document_id)
        .join(DocumentLine, DocumentLine.id == tx.line_id)
        .outerjoin(Partner, Partner.id == tx.partner_id)
        .outerjoin(FromLoc, FromLoc.id == tx.from_location_id)
        .outerjoin(ToLoc, ToLoc.id == tx.to_location_id)
        .join(Item, Item.id == tx.item_id)
        .outerjoin(Box, Box.id == tx.container_id)
    )


def serial_movements() -> Select[Any]:
    """Serial records with the serial and the lot printed on the unit (for ``movements``)."""
    return (
        _movement_query(SerialTransaction, SerialNumber.serial)
        .join(SerialNumber, SerialNumber.id == SerialTransaction.serial_id)
        .add_columns(SerialNumber.lot_number)
    )


def lot_movements() -> Select[Any]:
    """Lot records with their lot (for ``movements``)."""
    return _movement_query(LotTransaction, Lot.lot).join(Lot, Lot.id == LotTransaction.lot_id)


def movements(s: Session, q: Select[Any], kind: LedgerKind) -> tuple[Movement, ...]:
    """The rows of ``serial_movements`` or ``lot_movements`` (filtered, ordered) as values."""
    out = []
    for row in s.execute(q):
        # a serial's query adds its lot as printed: the unit's lot on each of its records
        (
            id_,
            seq,
            at,
            doc,
            typ,
            partner,
            frm,
            to,
            qty,
            cost,
            op,
            tok,
            dev,
            box,
            num,
            rev,
            sku,
            price,
            *lot,
        ) = row
        out.append(
            Movement(
                id=int(id_),
                seq=int(seq),
                kind=kind,
                posted_at=at,
                document=doc,
                doc_type=typ,
                partner=partner,
                from_location=frm,
                to_location=to,
                quantity=int(qty),
                cost=cost,
                operator=op,
                token=tok,
                device=dev,
                serial=num if kind == "serial" else None,
                lot=num if kind == "lot" else (lot[0] if lot else None),
                reversal_of=rev,
                item=sku,
                unit_price=price,
                container=box,
            )
        )
    return tuple(out)


def serial_info(s: Session, *, item: str | None, serial: str, history: bool = True) -> SerialInfo:
    sn = validate.code("serial", serial)
    q = select(SerialNumber).where(SerialNumber.serial == sn)
    if item:
        q = q.where(SerialNumber.item_id == item_row(s, item).id)
    rows = s.execute(q.order_by(SerialNumber.id)).scalars().all()
    if not rows:
        raise UnknownSerial(item=item, serial=sn)
    if len(rows) > 1:  # never answer for one item what may be another's
        skus = s.execute(
            select(Item.sku).where(Item.id.in_([r.item_id for r in rows])).order_by(Item.sku)
        )
        raise SerialAmbiguous(serial=sn, items=list(skus.scalars()))
    row = rows[0]
    it = s.get(Item, row.item_id)
    assert it is not None
    loc = s.get(Location, row.location_id) if row.location_id else None
    holder = None
    if row.reserved_line_id:
        holder = s.execute(
            select(Document.number)
            .join(DocumentLine, DocumentLine.document_id == Document.id)
            .where(DocumentLine.id == row.reserved_line_id)
        ).scalar_one()
    moves: tuple[Movement, ...] = ()
    if history:
        q2 = (
            serial_movements()
            .where(SerialTransaction.serial_id == row.id)
            .order_by(SerialTransaction.id)
        )
        moves = movements(s, q2, "serial")
    warranty = None
    if it.warranty_days is not None and row.received_at is not None:
        shipped = next((m.posted_at for m in reversed(moves) if m.doc_type == "shipment"), None)
        start = (shipped or row.received_at).date()
        warranty = start + dt.timedelta(days=it.warranty_days)
    return SerialInfo(
        item=it.sku,
        serial=row.serial,
        status=row.status,
        location=loc.code if loc else None,
        held_by=holder,
        lot=row.lot_number,
        expiry=row.expiry_date,
        production_date=row.production_date,
        quarantine=row.quarantine,
        quarantine_until=row.quarantine_until,
        cost=row.cost,
        received_at=row.received_at,
        warranty_until=warranty,
        history=moves,
    )


def lot_info(s: Session, *, item: str, lot: str, today: dt.date, history: bool = True) -> LotInfo:
    it = item_row(s, item)
    ln = validate.code("lot", lot)
    row = lot_row(s, it, ln)
    if row is None:
        raise UnknownLot(item=it.sku, lot=ln)
    if it.tracking == "serial":
        places, moves, units = _serial_lot_parts(s, row, history)
    else:
        places = [
            (c, int(n), int(a), (n * row.unit_cost).quantize(CENT))
            for c, n, a in s.execute(
                select(Location.code, LotStock.on_hand, LotStock.allocated)
                .join(Location, Location.id == LotStock.location_id)
                .where(LotStock.lot_id == row.id, LotStock.on_hand > 0)
                .order_by(Location.code)
            )
        ]
        moves, units = (), ()
        if history:
            q = lot_movements().where(LotTransaction.lot_id == row.id).order_by(LotTransaction.id)
            moves = movements(s, q, "lot")
    return LotInfo(
        item=it.sku,
        lot=row.lot,
        status=effective_status(row, today),
        expiry=row.expiry_date,
        production_date=row.production_date,
        quarantine_until=row.quarantine_until,
        recall_number=row.recall_number,
        recall_date=row.recall_date,
        recall_reason=row.recall_reason,
        stock=tuple(
            StockRow(
                item=it.sku,
                location=c,
                lot=row.lot,
                on_hand=n,
                allocated=a,
                expiry=row.expiry_date,
                value=v,
            )
            for c, n, a, v in places
        ),
        history=moves,
        serials=units,
    )


def _serial_lot_parts(
    s: Session, row: Lot, history: bool
) -> tuple[list[tuple[str, int, int, Decimal]], tuple[Movement, ...], tuple[LotSerial, ...]]:
    """A serialized item's lot: its serials are its stock, their records its history."""
    rows = s.execute(
        select(
            SerialNumber.serial,
            SerialNumber.status,
            Location.code,
            SerialNumber.expiry_date,
            SerialNumber.cost,
        )
        .outerjoin(Location, Location.id == SerialNumber.location_id)
        .where(SerialNumber.lot_id == row.id, SerialNumber.status != "pending")
        .order_by(SerialNumber.serial)
    ).all()
    units = tuple(
        LotSerial(serial=sn, status=st, location=loc, expiry=exp) for sn, st, loc, exp, _ in rows
    )
    per_loc: dict[str, tuple[int, int, Decimal]] = {}
    for _sn, status, loc, _exp, cost in rows:
        if status in ("in_stock", "allocated") and loc is not None:
            n, a, v = per_loc.get(loc, (0, 0, Decimal(0)))
            per_loc[loc] = (n + 1, a + (status == "allocated"), v + cost)
    moves: tuple[Movement, ...] = ()
    if history:
        q = serial_movements().where(SerialNumber.lot_id == row.id).order_by(SerialTransaction.id)
        moves = movements(s, q, "serial")
    return [(c, n, a, v.quantize(CENT)) for c, (n, a, v) in sorted(per_loc.items())], moves, units


_OUT_TO_PARTNER = ("shipment", "vendor_return")
_IN_FROM_PARTNER = ("receipt", "customer_return")


def trace(
    s: Session, *, item: str, serial: str | None = None, lot: str | None = None, forward: bool
) -> Trace:
    """Forward: every shipment and customer a lot or serial reached, through transfers and
    returns. Backward: the receipts and vendors it came from.

    A serial keeps its identity through every movement and a lot keeps its number through
    transfers and splits, so the trace is the set of the number's own records filtered by
    direction; reversed movements and their reversals cancel out and are left off. A
    serialized item's lot is traced through the records of its serials, each hit naming
    the serial and its lot.
    """
    it = item_row(s, item)
    if (serial is None) == (lot is None):
        raise InvalidInput(field="serial", reason="give a serial or a lot")
    if serial is not None:
        info = serial_info(s, item=it.sku, serial=serial)
        moves = info.history
        number = info.serial
    else:
        linfo = lot_info(s, item=it.sku, lot=lot or "", today=dt.date.today())
        moves = linfo.history
        number = linfo.lot
    reversed_ids = {m.reversal_of for m in moves if m.reversal_of is not None}
    live = [m for m in moves if m.reversal_of is None and m.id not in reversed_ids]
    wanted = _OUT_TO_PARTNER if forward else _IN_FROM_PARTNER
    kinds = dict(s.execute(select(Partner.code, Partner.kind)).all()) if live else {}
    hits = tuple(
        TraceHit(
            item=it.sku,
            serial=m.serial,
            lot=m.lot,
            document=m.document,
            doc_type=m.doc_type,
            partner=m.partner,
            partner_kind=kinds.get(m.partner) if m.partner else None,
            quantity=m.quantity,
            posted_at=m.posted_at,
            location=m.from_location if forward else m.to_location,
        )
        for m in live
        # a revaluation (from = to: a cost adjustment, a lot's re-weighing) moves nothing
        if m.doc_type in wanted and not (m.from_location and m.from_location == m.to_location)
    )
    return Trace(
        item=it.sku,
        number=number,
        direction="forward" if forward else "backward",
        hits=hits,
        movements=tuple(live),
    )


def ledger_rows(s: Session, *, since_id: int = 0, limit: int | None = None) -> list[Movement]:
    """The old way to page the ledger: records with an id above ``since_id``, serials then
    lots, each kind numbered apart (``limit`` per kind). ``ledger_feed.page`` pages by seq."""
    q1 = serial_movements().where(SerialTransaction.id > since_id).order_by(SerialTransaction.id)
    q2 = lot_movements().where(LotTransaction.id > since_id).order_by(LotTransaction.id)
    if limit:
        q1, q2 = q1.limit(limit), q2.limit(limit)
    return list(movements(s, q1, "serial")) + list(movements(s, q2, "lot"))
