"""The costing model on every path: each record's cost, and ledger value == value on hand.

Serials carry their own cost (specific identification); a lot carries one unit cost,
weighed over what is received into it. After every step ``check_ledger`` finds no drift.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.core.test_state_machine import snapshot
from tracking_core.core import Tracking
from tracking_core.errors import CannotReverse, DomainError, InvalidInput, PriceNotCost
from tracking_core.values import LineSpec, Movement

D = Decimal


def balanced(core: Tracking) -> Decimal:
    """The value on hand, after checking the ledger has no drift."""
    r = core.check_ledger()
    assert r.drifts == (), r.drifts
    return r.value


def serial_moves(core: Tracking, serial: str) -> list[tuple[str, str | None, str | None, Any]]:
    return [
        (m.doc_type, m.from_location, m.to_location, m.cost)
        for m in core.serial(serial, item="LAP").history
    ]


def lot_moves(core: Tracking, lot: str, since: int = 0) -> list[tuple[Any, ...]]:
    history = core.lot(lot, item="MILK").history[since:]
    return [(m.doc_type, m.from_location, m.to_location, m.quantity, m.cost) for m in history]


def lot_cost(core: Tracking, lot: str) -> Decimal:
    """The lot's unit cost, from its value on hand at its one location."""
    (row,) = core.stock(item="MILK", lot=lot)
    return row.value / row.on_hand


def unchanged(core: Tracking, fn: Any, code: str, field: str | None = None) -> DomainError:
    before = core.db.run(snapshot, readonly=True)
    with pytest.raises(DomainError) as e:
        fn()
    assert e.value.code == code
    if field is not None:
        assert e.value.field == field  # type: ignore[attr-defined]
    assert core.db.run(snapshot, readonly=True) == before
    return e.value


# --- serials ---------------------------------------------------------------------------


def test_a_serial_keeps_its_receipt_cost_on_every_later_record(wh: Tracking) -> None:
    wh.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["S1"], unit_cost="190")
    wh.receive(
        partner="V1", item="LAP", location="A1", quantity=1, serials=["S2"]
    )  # no cost: standard 500
    assert (wh.serial("S1").cost, wh.serial("S2").cost) == (190, 500)
    wh.ship(
        item="LAP", location="A1", quantity=1, serials=["S1"], doc_type="transfer", to_location="A2"
    )
    wh.ship(item="LAP", location="A2", quantity=1, serials=["S1"], partner="C1")
    wh.ship(
        item="LAP",
        location="A1",
        quantity=1,
        serials=["S2"],
        doc_type="vendor_return",
        partner="V1",
    )
    assert serial_moves(wh, "S1") == [
        ("receipt", None, "A1", 190),
        ("transfer", "A1", "A2", 190),
        ("shipment", "A2", None, 190),
    ]
    assert serial_moves(wh, "S2")[-1] == ("vendor_return", "A1", None, 500)
    assert balanced(wh) == 0


def test_a_customer_return_comes_back_at_the_cost_it_left_at(wh: Tracking) -> None:
    """The trial: standard cost 199 (here 500), the unit left at 190 after a revaluation."""
    wh.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["S1"], unit_cost="180")
    wh.adjust_cost(item="LAP", serial="S1", unit_cost="190")
    wh.ship(item="LAP", location="A1", quantity=1, serials=["S1"], partner="C1")
    # the return line's cost is not the unit's: it is ignored for a unit that left
    doc = wh.create_document(
        "customer_return", partner="C1", lines=[LineSpec("LAP", 1, "A2", unit_cost=D("199"))]
    )
    wh.generate_serials(doc.number, line=1, serials=["S1"])
    wh.post(doc.number)
    assert serial_moves(wh, "S1")[-2:] == [
        ("shipment", "A1", None, 190),
        ("customer_return", None, "A2", 190),
    ]
    assert wh.serial("S1").cost == 190
    assert balanced(wh) == 190
    # and it leaves again at that cost
    wh.scrap_serial(item="LAP", serial="S1")
    assert serial_moves(wh, "S1")[-1] == ("adjustment", "A2", None, 190)
    assert balanced(wh) == 0


def test_an_unknown_customer_return_takes_the_line_cost(wh: Tracking) -> None:
    wh.update_settings({"allow_unknown_returns": True}, actor="t", role="admin")
    wh.receive(
        item="LAP",
        location="A1",
        quantity=1,
        serials=["NEW-1"],
        partner="C1",
        doc_type="customer_return",
        unit_cost="75",
    )
    assert serial_moves(wh, "NEW-1") == [("customer_return", None, "A1", 75)]
    assert balanced(wh) == 75


def test_a_serial_cost_adjustment_is_recorded_and_its_reversal_undoes_it(wh: Tracking) -> None:
    wh.receive(
        partner="V1", item="LAP", location="A1", quantity=2, serials=["S1", "S2"], unit_cost="100"
    )
    adj = wh.adjust_cost(item="LAP", serial="S1", unit_cost="130")
    assert serial_moves(wh, "S1")[-1] == ("adjustment", "A1", "A1", 30)
    assert balanced(wh) == 230
    wh.reverse(adj.document)
    assert serial_moves(wh, "S1")[-1] == ("adjustment", "A1", "A1", -30)
    assert wh.serial("S1").cost == 100
    assert balanced(wh) == 200


def test_a_movement_cannot_be_reversed_over_a_later_cost_adjustment(wh: Tracking) -> None:
    """Else the reversal would carry the old cost back while the serial keeps the new one."""
    doc = wh.receive(
        partner="V1", item="LAP", location="A1", quantity=1, serials=["S1"], unit_cost="100"
    )
    moved = wh.ship(
        item="LAP", location="A1", quantity=1, serials=["S1"], doc_type="transfer", to_location="A2"
    )
    adj = wh.adjust_cost(item="LAP", serial="S1", unit_cost="120")
    for number in (doc.number, moved.number):
        unchanged(wh, lambda n=number: wh.reverse(n), CannotReverse.code)
    wh.reverse(adj.document)
    wh.reverse(moved.number)
    wh.reverse(doc.number)
    assert [c for *_, c in serial_moves(wh, "S1")] == [100, 100, 20, -20, 100, 100]
    assert balanced(wh) == 0


@pytest.mark.parametrize(
    ("doc_type", "extra"),
    [
        ("shipment", {"partner": "C1"}),
        ("vendor_return", {"partner": "V1"}),
        ("transfer", {"to_location": "A2"}),
        ("adjustment", {}),  # scrap
    ],
)
def test_each_serial_movement_and_its_reversal_carry_the_serials_cost(
    wh: Tracking, doc_type: str, extra: dict[str, str]
) -> None:
    wh.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=2,
        serials=["S1", "S2"],
        unit_cost="111.11",
    )
    wh.adjust_cost(item="LAP", serial="S2", unit_cost="222.22")
    out = wh.ship(
        item="LAP", location="A1", quantity=2, serials=["S1", "S2"], doc_type=doc_type, **extra
    )
    assert [m[3] for m in serial_moves(wh, "S2")][-1] == D("222.22")
    balanced(wh)
    wh.reverse(out.number)
    assert [m[3] for m in serial_moves(wh, "S1")][-2:] == [D("111.11"), D("111.11")]
    assert [m[3] for m in serial_moves(wh, "S2")][-2:] == [D("222.22"), D("222.22")]
    assert balanced(wh) == D("333.33")


def test_reversals_of_a_receipt_and_a_customer_return_carry_their_costs(wh: Tracking) -> None:
    rc = wh.receive(
        partner="V1", item="LAP", location="A1", quantity=2, serials=["S1", "S2"], unit_cost="90"
    )
    wh.ship(item="LAP", location="A1", quantity=1, serials=["S1"], partner="C1")
    back = wh.receive(
        item="LAP",
        location="A2",
        quantity=1,
        serials=["S1"],
        partner="C1",
        doc_type="customer_return",
    )
    wh.reverse(back.number)
    assert serial_moves(wh, "S1")[-1] == ("customer_return", "A2", None, 90)
    assert balanced(wh) == 90
    wh.ship(item="LAP", location="A1", quantity=1, serials=["S2"], partner="C1")
    with pytest.raises(CannotReverse):
        wh.reverse(rc.number)  # S1 and S2 are with the customer
    assert balanced(wh) == 0


# --- lots ------------------------------------------------------------------------------


def test_a_lot_received_at_two_costs_has_their_weighted_unit_cost(wh: Tracking) -> None:
    """The trial: 60 x 2.40 = 144.00, then transfer and shipment at the lot's cost."""
    wh.update_item("MILK", standard_cost="2.50")
    wh.receive(partner="V1", item="MILK", location="A1", quantity=60, lot="L1", unit_cost="2.40")
    assert lot_cost(wh, "L1") == D("2.40")
    unchanged(
        wh,
        lambda: wh.create_document(
            "transfer", lines=[LineSpec("MILK", 60, "A1", to_location="A2", unit_cost=D(150))]
        ),
        InvalidInput.code,
        "unit_cost",
    )
    wh.ship(
        item="MILK", location="A1", quantity=20, lot="L1", doc_type="transfer", to_location="A2"
    )
    wh.receive(partner="V1", item="MILK", location="A1", quantity=40, lot="L1", unit_cost="3.00")
    # (40 x 2.40 + 20 x 2.40 + 40 x 3.00) / 100 = 2.64; A2 is revalued too
    assert lot_moves(wh, "L1") == [
        ("receipt", None, "A1", 60, D("144.00")),
        ("transfer", "A1", "A2", 20, D("48.00")),
        ("receipt", None, "A1", 40, D("120.00")),
        ("receipt", "A1", "A1", 0, D("-4.80")),
        ("receipt", "A2", "A2", 0, D("4.80")),
    ]
    assert [r.value for r in wh.stock(item="MILK")] == [D("211.20"), D("52.80")]
    assert balanced(wh) == D("264.00")
    wh.ship(item="MILK", location="A2", quantity=20, lot="L1", partner="C1")
    assert lot_moves(wh, "L1")[-1] == ("shipment", "A2", None, 20, D("52.80"))
    assert balanced(wh) == D("211.20")


def test_weighing_rounds_half_even_and_books_the_rounding(wh: Tracking) -> None:
    wh.receive(partner="V1", item="MILK", location="A1", quantity=2, lot="L1", unit_cost="1.00")
    wh.ship(item="MILK", location="A1", quantity=1, lot="L1", doc_type="transfer", to_location="A2")
    wh.receive(partner="V1", item="MILK", location="A1", quantity=1, lot="L1", unit_cost="2.00")
    # 4.00 / 3 = 1.3333...: every location's value is on hand x 1.3333 exactly
    assert [r.value for r in wh.stock(item="MILK")] == [D("2.6666"), D("1.3333")]
    revaluations = [m for m in lot_moves(wh, "L1") if m[3] == 0]
    assert revaluations == [
        ("receipt", "A1", "A1", 0, D("-0.3334")),
        ("receipt", "A2", "A2", 0, D("0.3333")),
    ]
    assert balanced(wh) == D("3.9999")


def test_a_lot_customer_return_comes_back_at_the_cost_it_left_at(wh: Tracking) -> None:
    wh.receive(partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="2.00")
    wh.ship(item="MILK", location="A1", quantity=4, lot="L1", partner="C1")
    wh.adjust_cost(item="MILK", lot="L1", unit_cost="3.00")
    assert lot_moves(wh, "L1")[-1] == ("adjustment", "A1", "A1", 0, D("6.00"))
    assert wh.item("MILK").standard_cost == 0  # the lot's cost changed, not the item's
    balanced(wh)
    n = len(wh.lot("L1", item="MILK").history)
    wh.receive(
        item="MILK",
        location="A1",
        quantity=4,
        lot="L1",
        partner="C1",
        doc_type="customer_return",
        unit_cost="9.99",
    )
    # back at 2.00 (as it left), weighed: (6 x 3.00 + 4 x 2.00) / 10 = 2.60
    assert lot_moves(wh, "L1", n)[0] == ("customer_return", None, "A1", 4, D("8.00"))
    assert lot_cost(wh, "L1") == D("2.60")
    assert balanced(wh) == D("26.00")


@pytest.mark.parametrize(
    ("doc_type", "extra"),
    [
        ("shipment", {"partner": "C1"}),
        ("vendor_return", {"partner": "V1"}),
        ("transfer", {"to_location": "A2"}),
        ("adjustment", {}),
    ],
)
def test_each_lot_movement_and_its_reversal_carry_quantity_times_unit_cost(
    wh: Tracking, doc_type: str, extra: dict[str, str]
) -> None:
    wh.receive(partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="1.25")
    out = wh.ship(item="MILK", location="A1", quantity=4, lot="L1", doc_type=doc_type, **extra)
    assert lot_moves(wh, "L1")[-1][3:] == (4, D("5.00"))
    balanced(wh)
    # the lot is revalued in between: the reversal carries what left, then is weighed
    wh.adjust_cost(item="MILK", lot="L1", unit_cost="2.00")
    balanced(wh)
    wh.reverse(out.number)
    (undo,) = [m for m in wh.lot("L1", item="MILK").history if m.reversal_of is not None]
    assert (undo.quantity, undo.cost) == (4, D("5.00"))
    assert balanced(wh) == D("6") * 2 + D("4") * D("1.25") + (
        D("3.00") if doc_type == "transfer" else 0  # A2's 4 were revalued to 2.00 too
    )


def test_reversing_receipts_and_cost_adjustments_of_a_lot(wh: Tracking) -> None:
    a = wh.receive(
        partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="1.00"
    )
    b = wh.receive(
        partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="2.00"
    )
    assert lot_cost(wh, "L1") == D("1.50")
    adj = wh.adjust_cost(item="MILK", lot="L1", unit_cost="1.80")
    assert balanced(wh) == 36
    wh.reverse(adj.document)
    assert lot_moves(wh, "L1")[-1] == ("adjustment", "A1", "A1", 0, D("-6.00"))
    assert (lot_cost(wh, "L1"), balanced(wh)) == (D("1.50"), 30)
    wh.reverse(b.number)
    assert lot_moves(wh, "L1")[-1] == ("receipt", "A1", None, 10, D("20.00"))
    assert (lot_cost(wh, "L1"), balanced(wh)) == (D("1.00"), 10)
    wh.reverse(a.number)
    assert balanced(wh) == 0


def test_a_receipt_reversed_after_the_lot_moved_on_leaves_no_drift(wh: Tracking) -> None:
    wh.receive(partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="1.00")
    b = wh.receive(
        partner="V1", item="MILK", location="A1", quantity=10, lot="L1", unit_cost="100.00"
    )
    wh.ship(item="MILK", location="A1", quantity=5, lot="L1", partner="C1")
    # 15 left at 50.50; taking 10 x 100.00 out would leave less than nothing: 0, booked
    wh.reverse(b.number)
    assert lot_cost(wh, "L1") == 0
    assert balanced(wh) == 0


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN", "Infinity", "1e20", True])
def test_negative_or_non_numeric_costs_are_refused(wh: Tracking, bad: object) -> None:
    wh.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["S1"], unit_cost="10")
    wh.receive(partner="V1", item="MILK", location="A1", quantity=1, lot="L1", unit_cost="10")
    unchanged(
        wh,
        lambda: wh.receive(
            partner="V1", item="LAP", location="A1", quantity=1, serials=["S2"], unit_cost=bad
        ),
        InvalidInput.code,
        "unit_cost",
    )
    for what in ({"serial": "S1"}, {"lot": "L1"}):
        item = "LAP" if "serial" in what else "MILK"
        unchanged(
            wh,
            lambda w=what, i=item: wh.adjust_cost(item=i, unit_cost=bad, **w),
            InvalidInput.code,
            "unit_cost",
        )
    unchanged(
        wh,
        lambda: wh.ship(partner="C1", item="LAP", location="A1", quantity=1, unit_price=bad),
        InvalidInput.code,
        "unit_price",
    )
    balanced(wh)


def test_a_shipment_line_has_a_price_not_a_cost(wh: Tracking) -> None:
    wh.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["S1"], unit_cost="190")
    err = unchanged(
        wh,
        lambda: wh.create_document(
            "shipment", lines=[LineSpec("LAP", 1, "A1", unit_cost=D("249.00"))]
        ),
        PriceNotCost.code,
        "unit_cost",
    )
    assert isinstance(err, PriceNotCost) and err.use == "unit_price"
    unchanged(
        wh,
        lambda: wh.create_document(
            "receipt", lines=[LineSpec("LAP", 1, "A1", unit_price=D("249.00"))]
        ),
        InvalidInput.code,
        "unit_price",
    )
    doc = wh.ship(
        item="LAP", location="A1", quantity=1, serials=["S1"], partner="C1", unit_price="249.00"
    )
    line = wh.document(doc.number).lines[0]
    assert (line.unit_price, line.unit_cost) == (D("249.00"), 0)
    (record,) = [m for m in wh.ledger() if m.document == doc.number]
    ledger_row: Movement = record
    assert (ledger_row.cost, ledger_row.unit_price) == (190, D("249.00"))
    assert balanced(wh) == 0


def test_revaluation_records_are_no_trace_hits(wh: Tracking) -> None:
    """A lot weighed on a receipt gets zero-quantity records: not receipts for a recall."""
    wh.receive(item="MILK", location="A1", quantity=3, lot="L1", partner="V1", unit_cost="1")
    wh.ship(item="MILK", location="A1", quantity=1, lot="L1", doc_type="transfer", to_location="A2")
    wh.receive(item="MILK", location="A1", quantity=3, lot="L1", partner="V1", unit_cost="2")
    assert [m[1:] for m in lot_moves(wh, "L1") if m[3] == 0] == [
        ("A1", "A1", 0, D("-0.5")),
        ("A2", "A2", 0, D("0.5")),
    ]
    back = wh.trace(item="MILK", lot="L1", forward=False)
    assert [(h.doc_type, h.quantity, h.location) for h in back.hits] == [
        ("receipt", 3, "A1"),
        ("receipt", 3, "A1"),
    ]
    assert balanced(wh) == 9


def test_check_finds_serial_drifts_that_cancel_out_at_their_location(wh: Tracking) -> None:
    from sqlalchemy import text

    wh.receive(
        partner="V1", item="LAP", location="A1", quantity=2, serials=["S1", "S2"], unit_cost="100"
    )

    def swap(s):  # type: ignore[no-untyped-def]
        s.execute(text("UPDATE serial_numbers SET cost = 90 WHERE serial = 'S1'"))
        s.execute(text("UPDATE serial_numbers SET cost = 110 WHERE serial = 'S2'"))

    wh.db.run(swap)
    check = wh.check_ledger()
    assert [(d.serial, d.ledger_value, d.on_hand_value) for d in check.drifts] == [
        ("S1", 100, 90),
        ("S2", 100, 110),
    ]
    assert (check.items, check.locations, check.lots, check.value) == (1, 1, 0, 200)
