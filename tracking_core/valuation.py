"""Stock and its value at a date, from the ledger alone; and today's reconciliation with
the stock tables.

A record moves its quantity and its cost out of ``from`` and into ``to``; a revaluation
(from = to: a cost adjustment, a lot's re-weighing) moves no quantity and adds its cost
there. So the sums over the records posted up to the end of a date (UTC) are what was on
hand there then and its value, per item, location and lot (serials: counted and valued
per the lot printed on them). For today the same sums are held against the stock tables:
the serials in stock or allocated with their costs, and each lot's on hand x unit cost
(``tracking_core/costing.py`` says why they must agree, ``check_ledger`` per serial too).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from tracking_core.catalog import item_row, location_row
from tracking_core.costing import CENT, IN_STOCK, money_sum, money_value
from tracking_core.models import (
    Item,
    Location,
    Lot,
    LotStock,
    LotTransaction,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.values import Reconciliation, Valuation, ValuationDiff, ValuationRow
from tracking_core.vocabulary import TrackingKind

ZERO = Decimal("0.0000")

# (tracking, item id, location id, lot: its name for serials, its id for lots)
Key = tuple[TrackingKind, int, int, Any]
Amounts = dict[Key, tuple[int, Decimal]]


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` (UTC): records posted before it count for the day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), dt.UTC)


def valuation(
    s: Session,
    *,
    at: dt.date,
    today: dt.date,
    item: str | None = None,
    location: str | None = None,
) -> Valuation:
    """On hand and value per item, location and lot at the end of ``at``, by the ledger;
    with the reconciliation against the stock tables when ``at`` is ``today``."""
    where: dict[str, int] = {}
    if item:
        where["item_id"] = item_row(s, item).id
    if location:
        where["location_id"] = location_row(s, location).id
    ledger = _ledger_amounts(s, end_of(at), where)
    names = _Names(s)
    rows = tuple(
        sorted(
            (names.row(k, n, v) for k, (n, v) in ledger.items() if n or v),
            key=lambda r: (r.item, r.location, r.lot or "", r.tracking),
        )
    )
    reconciliation = None
    if at == today:
        held = _stock_amounts(s, where)
        diffs = [
            names.diff(k, ledger.get(k, (0, ZERO)), held.get(k, (0, ZERO)))
            for k in set(ledger) | set(held)
            if ledger.get(k, (0, ZERO)) != held.get(k, (0, ZERO))
        ]
        reconciliation = Reconciliation(
            ledger_value=sum((v for _, v in ledger.values()), ZERO),
            stock_value=sum((v for _, v in held.values()), ZERO),
            differences=tuple(sorted(diffs, key=lambda d: (d.item, d.location, d.lot or ""))),
        )
    return Valuation(
        at=at,
        rows=rows,
        on_hand=sum(r.on_hand for r in rows),
        value=sum((r.value for r in rows), ZERO),
        reconciliation=reconciliation,
    )


def _ledger_amounts(s: Session, before: dt.datetime, where: dict[str, int]) -> Amounts:
    out: Amounts = {}
    printed = SerialNumber.lot_number  # a serial counts for the lot printed on it
    _add_sums(s, out, "serial", SerialTransaction, literal(1), printed, before, where)
    qty, lot = LotTransaction.quantity, LotTransaction.lot_id
    _add_sums(s, out, "lot", LotTransaction, qty, lot, before, where)
    return out


def _add_sums(
    s: Session,
    out: Amounts,
    tracking: TrackingKind,
    tx: Any,
    qty: Any,
    lot_col: Any,
    before: dt.datetime,
    where: dict[str, int],
) -> None:
    """Into ``out``: per key, what ``tx``'s records posted before ``before`` brought in
    minus what they took out (quantity and value)."""
    moves = or_(
        tx.from_location_id.is_(None),
        tx.to_location_id.is_(None),
        tx.from_location_id != tx.to_location_id,
    )
    moved = func.sum(case((moves, qty), else_=0))
    for sign, loc, only in ((1, tx.to_location_id, None), (-1, tx.from_location_id, moves)):
        q: Select[Any] = select(tx.item_id, loc, lot_col, moved, money_sum(tx.cost)).where(
            loc.is_not(None), tx.posted_at < before
        )
        if tracking == "serial":
            q = q.join(SerialNumber, SerialNumber.id == tx.serial_id)
        if only is not None:  # a revaluation's cost counts once, where it stays
            q = q.where(only)
        if "item_id" in where:
            q = q.where(tx.item_id == where["item_id"])
        if "location_id" in where:
            q = q.where(loc == where["location_id"])
        for item_id, loc_id, lot, n, units in s.execute(q.group_by(tx.item_id, loc, lot_col)):
            key: Key = (tracking, int(item_id), int(loc_id), lot)
            have_n, have_v = out.get(key, (0, ZERO))
            out[key] = (have_n + sign * int(n or 0), have_v + sign * money_value(units))


def _stock_amounts(s: Session, where: dict[str, int]) -> Amounts:
    out: Amounts = {}
    sq = (
        select(
            SerialNumber.item_id,
            SerialNumber.location_id,
            SerialNumber.lot_number,
            func.count(),
            money_sum(SerialNumber.cost),
        )
        .where(SerialNumber.status.in_(IN_STOCK))
        .group_by(SerialNumber.item_id, SerialNumber.location_id, SerialNumber.lot_number)
    )
    lq = (
        select(Lot.item_id, LotStock.location_id, Lot.id, LotStock.on_hand, Lot.unit_cost)
        .join(Lot, Lot.id == LotStock.lot_id)
        .join(Item, and_(Item.id == Lot.item_id, Item.tracking == "lot"))
        .where(LotStock.on_hand > 0)
    )
    if "item_id" in where:
        sq = sq.where(SerialNumber.item_id == where["item_id"])
        lq = lq.where(Lot.item_id == where["item_id"])
    if "location_id" in where:
        sq = sq.where(SerialNumber.location_id == where["location_id"])
        lq = lq.where(LotStock.location_id == where["location_id"])
    for item_id, loc_id, lot, n, units in s.execute(sq):
        out[("serial", int(item_id), int(loc_id), lot)] = (int(n), money_value(units))
    for item_id, loc_id, lot_id, n, unit in s.execute(lq):
        value = (int(n) * Decimal(unit)).quantize(CENT)
        out[("lot", int(item_id), int(loc_id), int(lot_id))] = (int(n), value)
    return out


class _Names:
    """Codes for the ids of a key, read once."""

    def __init__(self, s: Session) -> None:
        self.items = {int(i): str(c) for i, c in s.execute(select(Item.id, Item.sku))}
        self.places = {int(i): str(c) for i, c in s.execute(select(Location.id, Location.code))}
        self.lots = {int(i): str(n) for i, n in s.execute(select(Lot.id, Lot.lot))}

    def _lot(self, key: Key) -> str | None:
        tracking, _, _, lot = key
        return self.lots[int(lot)] if tracking == "lot" else lot

    def row(self, key: Key, n: int, value: Decimal) -> ValuationRow:
        tracking, item_id, loc_id, _ = key
        return ValuationRow(
            item=self.items[item_id],
            location=self.places[loc_id],
            lot=self._lot(key),
            tracking=tracking,
            on_hand=n,
            value=value,
        )

    def diff(
        self, key: Key, ledger: tuple[int, Decimal], held: tuple[int, Decimal]
    ) -> ValuationDiff:
        _, item_id, loc_id, _ = key
        return ValuationDiff(
            item=self.items[item_id],
            location=self.places[loc_id],
            lot=self._lot(key),
            ledger_on_hand=ledger[0],
            ledger_value=ledger[1],
            stock_on_hand=held[0],
            stock_value=held[1],
        )
