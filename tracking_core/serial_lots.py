"""The lot of a serialized unit (a phone of batch B): one ``lots`` row the serials name.

A serialized item's lot is a real lot row (expiry, production date, status, recall),
made on first use in the transaction that generates its first serial, and referenced by
``serial_numbers.lot_id``; ``lot_number`` keeps the text as printed. It has no
``lot_stock`` and no lot ledger rows: its quantity is the count of its serials and the
serial ledger is its record, so nothing is counted twice. A serial's expiry follows its
label; the lot's expiry is set by its first serial and a label with another expiry for
the same lot is refused (``lot_conflict``), as for lot-tracked items. Recall and
quarantine of the lot block allocating its serials with the same policies as lots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tracking_core import validate
from tracking_core.context import Ctx
from tracking_core.errors import LotRecalled, SerialLotMismatch, UnknownLot
from tracking_core.models import Document, Item, Lot, SerialNumber
from tracking_core.rules import agree_lot_dates, check_lot_blocked

__all__ = [
    "check_label_lot",
    "check_lot_status",
    "label_lot_row",
    "lot_not_blocked",
    "lot_row",
    "resolve",
]


def lot_row(s: Session, item: Item, lot: str, *, lock: bool = False) -> Lot | None:
    """The lot row of an item (lot-tracked or serialized), locked if asked."""
    q = select(Lot).where(Lot.item_id == item.id, Lot.lot == lot)
    if lock:
        q = q.with_for_update()
    return s.execute(q).scalar_one_or_none()


def _shelf_life(ctx: Ctx, it: Item, production_date: dt.date | None) -> dt.date | None:
    if it.shelf_life_days is None:
        return None
    return (production_date or ctx.today) + dt.timedelta(days=it.shelf_life_days)


def resolve(
    ctx: Ctx,
    it: Item,
    doc: Document,
    lot: str | None,
    *,
    expiry: dt.date | None,
    production_date: dt.date | None,
    warnings: list[str],
) -> tuple[Lot | None, dt.date | None]:
    """(the lot row, the serials' expiry) for serials generated with ``lot``.

    Without a lot: no row, the given expiry or the shelf life's. With one: its row, made
    now if new (expiry and production date from this label); an existing row's dates must
    agree with the label's, and a recalled lot takes nothing but customer returns.
    """
    if lot is None:
        return None, expiry or _shelf_life(ctx, it, production_date)
    s = ctx.session
    number = validate.lot_number(lot)
    row = lot_row(s, it, number, lock=True)
    if row is None:
        expiry = expiry or _shelf_life(ctx, it, production_date)
        row = Lot(
            item_id=it.id,
            lot=number,
            # receipt quarantine is kept per serial (their own flags), not on the lot
            status="available",
            expiry_date=expiry,
            production_date=production_date,
            created_at=ctx.now,
        )
        s.add(row)
        s.flush()
        return row, expiry
    agree_lot_dates(row, item=it.sku, expiry=expiry, production_date=production_date)
    if row.status == "recalled":
        if doc.doc_type != "customer_return":
            raise LotRecalled(item=it.sku, lot=number, recall_number=row.recall_number)
        warnings.append(f"lot {number} is recalled ({row.recall_number})")
    return row, expiry or row.expiry_date or _shelf_life(ctx, it, production_date)


def check_label_lot(
    it: Item, rows: Iterable[SerialNumber], label_lot: str | None, warnings: list[str]
) -> None:
    """A scanned label's lot against the lot stored for each serial: another one is refused.

    A serial stored without a lot (received before lots were kept on serials) is not
    given one by an outbound scan; the operator is told.
    """
    if label_lot is None:
        return
    for row in rows:
        if row.lot_number is None:
            warnings.append(f"serial {row.serial} has no lot on record; its label says {label_lot}")
        elif row.lot_number != label_lot:
            raise SerialLotMismatch(
                item=it.sku, serial=row.serial, lot=row.lot_number, label_lot=label_lot
            )


def check_lot_status(ctx: Ctx, doc: Document, it: Item, row: SerialNumber) -> None:
    """Recall and quarantine of a serial's lot, with the same policies as for lot stock."""
    if row.lot_id is None:
        return
    lot = ctx.session.get(Lot, row.lot_id)
    if lot is not None:
        check_lot_blocked(doc_type=doc.doc_type, item=it.sku, row=lot, today=ctx.today)


def lot_not_blocked(ctx: Ctx, it: Item) -> ColumnElement[bool]:
    """A condition on SerialNumber: its lot (if any) is neither recalled nor quarantined."""
    blocked = select(Lot.id).where(
        Lot.item_id == it.id,
        or_(
            Lot.status == "recalled",
            and_(
                Lot.status == "quarantine",
                or_(Lot.quarantine_until.is_(None), Lot.quarantine_until > ctx.today),
            ),
        ),
    )
    return or_(SerialNumber.lot_id.is_(None), SerialNumber.lot_id.not_in(blocked))


def label_lot_row(ctx: Ctx, it: Item, lot: str) -> Lot:
    """The lot row a count-based allocation asks for: it must exist."""
    number = validate.code("lot", lot)
    row = lot_row(ctx.session, it, number)
    if row is None:
        raise UnknownLot(item=it.sku, lot=number)
    return row
