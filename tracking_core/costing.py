"""The costing model: what every ledger record is worth, and the check that it holds.

Money is ``Decimal`` with 4 decimals (the ledger's ``Numeric(18, 4)``); nothing is float.

Serials: specific identification.

- A serial gets its cost when it is received (receipt or adjustment in): the line's
  ``unit_cost``; a line created without one takes the item's standard cost at that moment.
- Every later record of the serial (transfer, shipment, vendor return, adjustment out,
  scrap) carries that cost. A customer return brings it back at the cost at which it left:
  its cost, which is its last outbound record's cost (nothing revalues a unit that is out).
  The return line's unit cost counts only for a unit that never left (an unknown return).
- A cost adjustment sets a new cost; its record (from = to = the location) carries new - old.
- A reversal record carries the reversed record's cost the other way; the reversal of a cost
  adjustment carries minus its change. A movement cannot be reversed while a later cost
  adjustment of the serial stands: reverse that first.

Lots: one unit cost per lot (``lots.unit_cost``), the same at every location.

- An inbound record carries quantity x its unit cost in: the line's unit cost (receipt,
  adjustment in); for a customer return the unit cost at which the lot left (its latest
  shipment record, to the same customer if there is one; else the line's).
- A reversal record carries the reversed record's cost the other way (a cost adjustment's:
  minus its change), and the lot is weighed as below over what the reversal moved.
- The lot's unit cost is then weighed over what is on hand at all its locations:
  ``(on hand x unit cost + value in) / (on hand + quantity in)``, rounded half-even to 4
  decimals (0 if the value would be negative, unchanged if nothing is left). Each location of
  the lot whose value ``on hand x unit cost`` changes by it gets a revaluation record
  (quantity 0, from = to) carrying the change, the rounding included: so every location's
  ledger is exactly ``on hand x unit cost``, and the rounding is in the ledger, at most
  0.00005 per unit on hand.
- Outbound records (transfer, shipment, vendor return, adjustment out) carry quantity x the
  lot's unit cost; a transfer keeps the unit cost.
- A lot cost adjustment sets the lot's unit cost (not the item's standard cost) and records
  ``on hand x (new - old)`` at each location with stock.

A shipment line's ``unit_price`` is a sales price: it is kept and exported, never a cost.

The invariant (``check_ledger``, ``scantrack check``): for every serialized item and
location, and for every serial, the ledger's values (records in, minus records out, plus
revaluations) sum to the cost of the serials in stock or allocated there; for every
lot-tracked lot and location, to ``on hand x unit cost``, exactly.

>>> reweigh(Decimal("2.40"), {1: 40, 2: 20}, {1: (40, Decimal("120.00"))})  # 40 at 3.00
(Decimal('2.6400'), {1: Decimal('-4.8000'), 2: Decimal('4.8000')})
>>> reweigh(Decimal("1"), {1: 2, 2: 1}, {1: (0, Decimal("1"))})  # 4 / 3, rounded
(Decimal('1.3333'), {1: Decimal('-0.3334'), 2: Decimal('0.3333')})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import BigInteger, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from tracking_core.models import (
    Item,
    Location,
    Lot,
    LotStock,
    LotTransaction,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.values import LedgerCheck, ValueDrift

__all__ = ["CENT", "check_ledger", "lot_return_cost", "money_sum", "money_value", "reweigh"]

CENT = Decimal("0.0001")  # the ledger's precision
ZERO = Decimal(0)
IN_STOCK = ("in_stock", "allocated")


def reweigh(
    unit: Decimal, before: Mapping[int, int], moves: Mapping[int, tuple[int, Decimal]]
) -> tuple[Decimal, dict[int, Decimal]]:
    """A lot's new unit cost, and the revaluation each location needs (non-zero ones).

    ``before``: on hand per location, each worth on hand x ``unit``; ``moves``: what the new
    records did per location, as (quantity, value), in positive and out negative.
    """
    places = set(before) | set(moves)
    value = {loc: before.get(loc, 0) * unit + moves.get(loc, (0, ZERO))[1] for loc in places}
    after = {loc: before.get(loc, 0) + moves.get(loc, (0, ZERO))[0] for loc in places}
    total_qty = sum(after.values())
    total = sum(value.values(), ZERO)
    new = unit
    if total_qty > 0:
        new = max(ZERO, (total / total_qty).quantize(CENT, rounding=ROUND_HALF_EVEN))
    revalue = {loc: (after[loc] * new - value[loc]).quantize(CENT) for loc in sorted(places)}
    return new, {loc: v for loc, v in revalue.items() if v != 0}


def lot_return_cost(s: Session, lot_id: int, partner_id: int | None) -> Decimal | None:
    """The unit cost at which a lot left: its latest shipment record (this partner's first)."""
    q = (
        select(LotTransaction.cost, LotTransaction.quantity)
        .where(
            LotTransaction.lot_id == lot_id,
            LotTransaction.doc_type == "shipment",
            LotTransaction.reversal_of_id.is_(None),
            LotTransaction.to_location_id.is_(None),
            LotTransaction.quantity > 0,
        )
        .order_by(LotTransaction.id.desc())
    )
    row = None
    if partner_id is not None:
        row = s.execute(q.where(LotTransaction.partner_id == partner_id).limit(1)).first()
    if row is None:
        row = s.execute(q.limit(1)).first()
    if row is None:
        return None
    cost, quantity = Decimal(row[0]), int(row[1])
    return (cost / quantity).quantize(CENT)


def money_sum(column: Any) -> Any:
    """SUM of a money column in whole ten-thousandths: exact on SQLite too (no float sum)."""
    return func.sum(cast(func.round(column * 10000), BigInteger))


def money_value(units: Any) -> Decimal:
    """What ``money_sum`` gave, as money."""
    return (Decimal(int(units or 0)) / 10000).quantize(CENT)


def _ledger_values(
    s: Session, tx: Any, key: Any, where: Iterable[Any]
) -> dict[tuple[int, int], Decimal]:
    """Per (key, location): records in (revaluations too) minus records out."""
    out: dict[tuple[int, int], Decimal] = {}
    into = select(key, tx.to_location_id, money_sum(tx.cost)).where(
        tx.to_location_id.is_not(None), *where
    )
    away = select(key, tx.from_location_id, money_sum(tx.cost)).where(
        tx.from_location_id.is_not(None),
        or_(tx.to_location_id.is_(None), tx.to_location_id != tx.from_location_id),
        *where,
    )
    for sign, q, loc_col in ((1, into, tx.to_location_id), (-1, away, tx.from_location_id)):
        for k, loc, units in s.execute(q.group_by(key, loc_col)):
            out[(int(k), int(loc))] = out.get((int(k), int(loc)), ZERO) + sign * money_value(units)
    return out


def _serial_values(s: Session, key: Any) -> dict[tuple[int, int], Decimal]:
    """Per (key, location): the cost of the serials in stock or allocated there."""
    q = (
        select(key, SerialNumber.location_id, money_sum(SerialNumber.cost))
        .where(SerialNumber.status.in_(IN_STOCK))
        .group_by(key, SerialNumber.location_id)
    )
    return {(int(k), int(loc)): money_value(units) for k, loc, units in s.execute(q)}


def _differ(
    ledger: dict[tuple[int, int], Decimal], held: dict[tuple[int, int], Decimal]
) -> list[tuple[int, int, Decimal, Decimal]]:
    keys = sorted(set(ledger) | set(held))
    pairs = [(k, ledger.get(k, ZERO), held.get(k, ZERO)) for k in keys]
    return [(k[0], k[1], a, b) for k, a, b in pairs if a != b]


def check_ledger(s: Session) -> LedgerCheck:
    """Every (item, location) and serial of serials, every (lot, location) of lot-tracked
    lots: the ledger's value == the value on hand. Drifts are listed, never repaired."""
    serial_ledger = _ledger_values(s, SerialTransaction, SerialTransaction.item_id, ())
    serial_stock = _serial_values(s, SerialNumber.item_id)
    lot_item = select(Lot.id).join(Item, Item.id == Lot.item_id).where(Item.tracking == "lot")
    lot_ledger = _ledger_values(
        s, LotTransaction, LotTransaction.lot_id, (LotTransaction.lot_id.in_(lot_item),)
    )
    lot_stock = {
        (int(lot_id), int(loc)): (n * Decimal(unit)).quantize(CENT)
        for lot_id, loc, n, unit in s.execute(
            select(LotStock.lot_id, LotStock.location_id, LotStock.on_hand, Lot.unit_cost)
            .join(Lot, Lot.id == LotStock.lot_id)
            .join(Item, and_(Item.id == Lot.item_id, Item.tracking == "lot"))
        )
    }
    names = {int(i): str(sku) for i, sku in s.execute(select(Item.id, Item.sku))}
    codes = {int(i): str(c) for i, c in s.execute(select(Location.id, Location.code))}
    lots = {
        int(i): (int(item), str(n))
        for i, item, n in s.execute(select(Lot.id, Lot.item_id, Lot.lot))
    }
    drifts = [
        ValueDrift(names[i], codes[loc], None, a, b)
        for i, loc, a, b in _differ(serial_ledger, serial_stock)
    ]
    drifts += [
        ValueDrift(names[lots[lot][0]], codes[loc], lots[lot][1], a, b)
        for lot, loc, a, b in _differ(lot_ledger, lot_stock)
    ]
    # per serial too: two serials drifting apart at one place would cancel out above
    per_serial = _differ(
        _ledger_values(s, SerialTransaction, SerialTransaction.serial_id, ()),
        _serial_values(s, SerialNumber.id),
    )
    if per_serial:
        found = {
            int(i): (int(item), str(sn))
            for i, item, sn in s.execute(
                select(SerialNumber.id, SerialNumber.item_id, SerialNumber.serial).where(
                    SerialNumber.id.in_([x[0] for x in per_serial])
                )
            )
        }
        drifts += [
            ValueDrift(names[found[sid][0]], codes[loc], None, a, b, serial=found[sid][1])
            for sid, loc, a, b in per_serial
        ]
    items = {k[0] for k in (*serial_ledger, *serial_stock)}
    items |= {lots[k[0]][0] for k in (*lot_ledger, *lot_stock)}
    places = {k[1] for k in (*serial_ledger, *serial_stock, *lot_ledger, *lot_stock)}
    return LedgerCheck(
        items=len(items),
        locations=len(places),
        lots=len({k[0] for k in (*lot_ledger, *lot_stock)}),
        value=sum(serial_stock.values(), ZERO) + sum(lot_stock.values(), ZERO),
        drifts=tuple(
            sorted(drifts, key=lambda d: (d.item, d.location, d.lot or "", d.serial or ""))
        ),
    )
