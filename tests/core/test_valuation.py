"""Stock and value at a date from the ledger alone, and today's reconciliation: four days of
receipts, shipments, transfers, returns, a reversal, a cost adjustment and a scrap, every
figure worked out by hand below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.errors import UnknownItem, UnknownLocation
from tracking_core.values import Valuation

DAY1 = dt.date(2026, 11, 24)  # the test clock's first day
DAY = [DAY1 + dt.timedelta(days=i) for i in range(-1, 4)]  # DAY[1] is the first day


def rows(v: Valuation) -> list[tuple[Any, ...]]:
    return [(r.item, r.location, r.lot, r.on_hand, r.value) for r in v.rows]


@pytest.fixture
def four_days(wh: Tracking, clock: Clock) -> Tracking:
    # day 1: 3 laptops of lot B1 at 100.00 each; 10 of milk lot LA at 2.00
    wh.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=3,
        serials=["S1", "S2", "S3"],
        lot="B1",
        unit_cost="100",
    )
    wh.receive(partner="V1", item="MILK", location="A1", quantity=10, lot="LA", unit_cost="2.00")
    clock.advance(days=1)
    # day 2: S1 and 4 milk shipped; S2 and 2 milk moved to A2
    wh.ship(item="LAP", location="A1", quantity=1, serials=["S1"], partner="C1")
    wh.ship(item="MILK", location="A1", quantity=4, lot="LA", partner="C1")
    moved = wh.ship(
        item="LAP", location="A1", quantity=1, serials=["S2"], doc_type="transfer", to_location="A2"
    )
    wh.ship(item="MILK", location="A1", quantity=2, lot="LA", doc_type="transfer", to_location="A2")
    clock.advance(days=1)
    # day 3: S1 and 2 milk come back at the cost they left at (100.00, 2.00); S2's move is
    # reversed; 4 milk at 3.50 arrive at A2 with 6 at A1 and 2 at A2 on hand:
    # (8 x 2.00 + 4 x 3.50) / 12 = 2.50, so A1 is revalued +3.00 and A2 -3.00
    wh.receive(
        item="LAP",
        location="A1",
        quantity=1,
        serials=["S1"],
        partner="C1",
        doc_type="customer_return",
    )
    wh.receive(
        item="MILK", location="A1", quantity=2, lot="LA", partner="C1", doc_type="customer_return"
    )
    wh.reverse(moved.number)
    wh.receive(partner="V1", item="MILK", location="A2", quantity=4, lot="LA", unit_cost="3.50")
    clock.advance(days=1)
    # day 4: S3 revalued to 130.00, S2 scrapped, the 6 milk at A2 shipped (6 x 2.50)
    wh.adjust_cost(item="LAP", serial="S3", unit_cost="130")
    wh.scrap_serial(item="LAP", serial="S2")
    wh.ship(item="MILK", location="A2", quantity=6, lot="LA", partner="C1")
    return wh


def test_each_day_from_the_ledger(four_days: Tracking) -> None:
    wh = four_days
    before = wh.valuation(at=DAY[0])
    assert (rows(before), before.on_hand, before.value) == ([], 0, 0)
    day1 = wh.valuation(at=DAY[1])
    assert rows(day1) == [
        ("LAP", "A1", "B1", 3, D("300.00")),  # 3 x 100.00
        ("MILK", "A1", "LA", 10, D("20.00")),  # 10 x 2.00
    ]
    assert (day1.on_hand, day1.value, day1.reconciliation) == (13, D("320.00"), None)
    day2 = wh.valuation(at=DAY[2])
    assert rows(day2) == [
        ("LAP", "A1", "B1", 1, D("100.00")),  # S3 (S1 shipped, S2 moved)
        ("LAP", "A2", "B1", 1, D("100.00")),  # S2
        ("MILK", "A1", "LA", 4, D("8.00")),  # 10 - 4 shipped - 2 moved
        ("MILK", "A2", "LA", 2, D("4.00")),
    ]
    assert (day2.on_hand, day2.value) == (8, D("212.00"))
    day3 = wh.valuation(at=DAY[3])
    assert rows(day3) == [
        ("LAP", "A1", "B1", 3, D("300.00")),  # S1 back, S2 back, S3; A2 is empty again
        ("MILK", "A1", "LA", 6, D("15.00")),  # 4 + 2 returned, at 2.50 after the receipt
        ("MILK", "A2", "LA", 6, D("15.00")),  # 2 + 4 received, at 2.50
    ]
    assert (day3.on_hand, day3.value) == (15, D("330.00"))
    today = wh.valuation()
    assert today.at == DAY[4]
    assert rows(today) == [
        ("LAP", "A1", "B1", 2, D("230.00")),  # S1 100.00 + S3 130.00 (S2 scrapped)
        ("MILK", "A1", "LA", 6, D("15.00")),  # A2 shipped out: a zero row is left out
    ]
    assert (today.on_hand, today.value) == (8, D("245.00"))
    assert today.reconciliation is not None and today.reconciliation.ok
    assert today.reconciliation.ledger_value == today.reconciliation.stock_value == D("245.00")
    assert wh.check_ledger().value == D("245.00")  # the stock tables' own figure


def test_filters_by_item_and_location(four_days: Tracking) -> None:
    milk = four_days.valuation(at=DAY[2], item="MILK")
    assert rows(milk) == [("MILK", "A1", "LA", 4, D("8.00")), ("MILK", "A2", "LA", 2, D("4.00"))]
    assert (milk.on_hand, milk.value) == (6, D("12.00"))
    at_a2 = four_days.valuation(at=DAY[2], location="A2")
    assert (at_a2.on_hand, at_a2.value) == (3, D("104.00"))
    assert rows(four_days.valuation(item="LAP", location="A2")) == []
    with pytest.raises(UnknownItem):
        four_days.valuation(item="NOPE")
    with pytest.raises(UnknownLocation):
        four_days.valuation(location="NOPE")


def test_the_reconciliation_lists_what_the_stock_tables_hold_otherwise(four_days: Tracking) -> None:
    def tamper(s: Any) -> None:  # behind the ledger's back
        s.execute(text("UPDATE serial_numbers SET cost = 150 WHERE serial = 'S3'"))
        s.execute(
            text(
                "UPDATE lot_stock SET on_hand = 5 WHERE lot_id = (SELECT id FROM lots"
                " WHERE lot = 'LA') AND on_hand = 6"
            )
        )

    four_days.db.run(tamper)
    rec = four_days.valuation().reconciliation
    assert rec is not None and not rec.ok
    assert [
        (
            d.item,
            d.location,
            d.lot,
            d.ledger_on_hand,
            d.ledger_value,
            d.stock_on_hand,
            d.stock_value,
        )
        for d in rec.differences
    ] == [
        ("LAP", "A1", "B1", 2, D("230.00"), 2, D("250.00")),
        ("MILK", "A1", "LA", 6, D("15.00"), 5, D("12.50")),
    ]
    assert (rec.ledger_value, rec.stock_value) == (D("245.00"), D("262.50"))
    # a past day is the ledger's alone
    assert four_days.valuation(at=DAY[3]).reconciliation is None
