"""A unit with a serial and a lot keeps both: generation, allocation, recall, trace."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.conftest import PG_URL, Clock
from tracking_core.core import Tracking
from tracking_core.db import make_engine
from tracking_core.errors import (
    DomainError,
    InsufficientStock,
    InvalidInput,
    LotConflict,
    LotRecalled,
    SerialLotMismatch,
    StockQuarantined,
    UnknownLot,
)
from tracking_core.migrate import upgrade
from tracking_core.models import Base, LotStock, LotTransaction, SerialNumber
from tracking_core.values import LineSpec, LotSerial

EXP = dt.date(2027, 6, 30)


def snapshot(core: Tracking) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused step must leave all of them as they were."""

    def read(s: Any) -> dict[str, list[tuple[Any, ...]]]:
        return {
            t.name: sorted((tuple(r) for r in s.execute(select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }

    return core.db.run(read, readonly=True)


def receipt(core: Tracking, qty: int, loc: str = "A1") -> str:
    doc = core.create_document(
        "receipt", partner="V1", lines=[LineSpec("LAP", qty, loc, unit_cost=100)]
    )
    return doc.number


def lotted(core: Tracking, lot: str, serials: list[str], expiry: dt.date | None = EXP) -> None:
    core.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=len(serials),
        serials=serials,
        lot=lot,
        expiry=expiry,
    )


def shipment(core: Tracking, qty: int = 1, doc_type: str = "shipment") -> str:
    partner = "V1" if doc_type == "vendor_return" else "C1"
    return core.create_document(
        doc_type, partner=partner, lines=[LineSpec("LAP", qty, "A1")]
    ).number


def test_received_serials_name_a_real_lot(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1", "P2"])
    info = wh.serial("P1", item="LAP")
    assert (info.lot, info.expiry, info.status) == ("LOT42", EXP, "in_stock")
    lot = wh.lot("LOT42", item="LAP")
    assert (lot.status, lot.expiry, lot.on_hand) == ("available", EXP, 2)
    assert lot.serials == (
        LotSerial("P1", "in_stock", "A1", EXP),
        LotSerial("P2", "in_stock", "A1", EXP),
    )
    assert [(m.serial, m.lot, m.doc_type) for m in lot.history] == [
        ("P1", "LOT42", "receipt"),
        ("P2", "LOT42", "receipt"),
    ]

    # the serial ledger is the lot's record: nothing counted twice in lot stock
    def lot_rows(s: Any) -> tuple[int, int]:
        return (
            s.execute(select(func.count()).select_from(LotStock)).scalar_one(),
            s.execute(select(func.count()).select_from(LotTransaction)).scalar_one(),
        )

    assert wh.db.run(lot_rows, readonly=True) == (0, 0)
    assert [(r.item, r.on_hand) for r in wh.stock(item="LAP")] == [("LAP", 2)]


def test_serials_from_the_mask_carry_the_lot_and_its_label_shows_it(wh: Tracking) -> None:
    n = receipt(wh, 2)
    a = wh.generate_serials(n, line=1, count=2, lot="LOT7", expiry=EXP)
    assert a.expiry == EXP
    for sn in a.serials:
        assert wh.serial(sn).lot == "LOT7"
    job = wh.outbox.jobs()[0]  # newest first
    assert (job.payload["serials"], job.payload["lot"], job.payload["expiry"]) == (
        list(a.serials),
        "LOT7",
        "2027-06-30",
    )


def test_a_later_serial_of_the_lot_takes_its_expiry(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1"])
    lotted(wh, "LOT42", ["P2"], expiry=None)
    assert wh.serial("P2").expiry == EXP
    assert wh.lot("LOT42", item="LAP").on_hand == 2


def test_a_conflicting_expiry_for_the_lot_is_refused_and_changes_nothing(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1"])
    n = receipt(wh, 1)
    before = snapshot(wh)
    with pytest.raises(LotConflict) as e:
        wh.generate_serials(n, line=1, serials=["P2"], lot="LOT42", expiry=dt.date(2027, 7, 1))
    assert (e.value.code, e.value.field, e.value.existing, e.value.given) == (
        "lot_conflict",
        "expiry",
        "2027-06-30",
        "2027-07-01",
    )
    assert snapshot(wh) == before


@pytest.mark.parametrize("bad", ["L" * 65, "LOT\x1d42", "  "])
def test_a_bad_lot_is_refused_before_anything_is_stored(wh: Tracking, bad: str) -> None:
    n = receipt(wh, 1)
    before = snapshot(wh)
    with pytest.raises(InvalidInput) as e:
        wh.generate_serials(n, line=1, serials=["P1"], lot=bad)
    assert e.value.field == "lot"
    assert snapshot(wh) == before


def test_allocating_a_serial_whose_label_names_another_lot_is_refused(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1"])
    s = shipment(wh)
    before = snapshot(wh)
    with pytest.raises(SerialLotMismatch) as e:
        wh.allocate_serials(s, line=1, serials=["P1"], lot="LOT43")
    assert (e.value.code, e.value.serial, e.value.lot, e.value.label_lot) == (
        "serial_lot_mismatch",
        "P1",
        "LOT42",
        "LOT43",
    )
    assert snapshot(wh) == before
    a = wh.allocate_serials(s, line=1, serials=["P1"], lot="LOT42")
    assert (a.serials, a.warnings) == (("P1",), ())


def test_a_serial_without_a_lot_on_record_is_allocated_with_a_warning(wh: Tracking) -> None:
    wh.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["OLD1"])
    s = shipment(wh)
    a = wh.allocate_serials(s, line=1, serials=["OLD1"], lot="LOT42")
    assert a.warnings == ("serial OLD1 has no lot on record; its label says LOT42",)
    assert wh.serial("OLD1").lot is None  # an outbound scan never writes a lot


def test_allocating_by_count_from_a_lot_takes_only_its_serials(wh: Tracking, clock: Clock) -> None:
    lotted(wh, "LOT1", ["A"])
    clock.advance(hours=1)
    lotted(wh, "LOT2", ["B", "C"])
    s = shipment(wh, 2)
    a = wh.allocate_serials(s, line=1, count=2, lot="LOT2")
    assert a.serials == ("B", "C")
    with pytest.raises(UnknownLot):
        wh.allocate_serials(shipment(wh), line=1, count=1, lot="NOPE")


def test_recall_blocks_shipping_the_lots_serials_until_released(wh: Tracking, clock: Clock) -> None:
    lotted(wh, "LOT42", ["P1", "P2"])
    clock.advance(hours=1)
    lotted(wh, "LOT43", ["Q1"])
    wh.recall_lot(item="LAP", lot="LOT42", recall_number="RC-9", reason="battery")
    assert wh.lot("LOT42", item="LAP").recall_number == "RC-9"
    s = shipment(wh, 2)
    before = snapshot(wh)
    with pytest.raises(LotRecalled) as e:
        wh.allocate_serials(s, line=1, serials=["P1"])
    assert (e.value.lot, e.value.recall_number) == ("LOT42", "RC-9")
    with pytest.raises(InsufficientStock) as e2:  # suggestions skip the recalled serials
        wh.allocate_serials(s, line=1, count=2)
    assert e2.value.available == 1
    assert snapshot(wh) == before
    # a return to the vendor takes recalled stock, as for lot-tracked items
    vr = shipment(wh, 1, "vendor_return")
    assert wh.allocate_serials(vr, line=1, serials=["P2"]).serials == ("P2",)
    wh.release_lot(item="LAP", lot="LOT42")
    assert wh.allocate_serials(s, line=1, count=2).serials == ("P1", "Q1")


def test_quarantine_of_the_lot_blocks_its_serials(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1"])
    wh.quarantine(item="LAP", lot="LOT42")
    s = shipment(wh)
    with pytest.raises(StockQuarantined) as e:
        wh.allocate_serials(s, line=1, serials=["P1"])
    assert e.value.number == "LOT42"
    with pytest.raises(InsufficientStock):
        wh.allocate_serials(s, line=1, count=1)
    wh.release_quarantine(item="LAP", lot="LOT42")
    assert wh.allocate_serials(s, line=1, count=1).serials == ("P1",)


def test_a_lots_forward_trace_lists_its_serials_and_where_each_went(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1", "P2", "P3"])
    lotted(wh, "LOT43", ["Q1"])
    wh.ship(item="LAP", location="A1", quantity=1, serials=["P1"], partner="C1")
    wh.ship(
        item="LAP", location="A1", quantity=1, serials=["P2"], doc_type="transfer", to_location="A2"
    )
    wh.ship(item="LAP", location="A2", quantity=1, serials=["P2"], partner="C2", lot="LOT42")
    wh.ship(item="LAP", location="A1", quantity=1, serials=["Q1"], partner="C1")
    fwd = wh.trace(item="LAP", lot="LOT42", forward=True)
    assert fwd.partners == ("C1", "C2")
    assert [(h.serial, h.lot, h.partner, h.location) for h in fwd.hits] == [
        ("P1", "LOT42", "C1", "A1"),
        ("P2", "LOT42", "C2", "A2"),
    ]
    lot = wh.lot("LOT42", item="LAP")
    assert [(u.serial, u.status, u.location) for u in lot.serials] == [
        ("P1", "shipped", None),
        ("P2", "shipped", None),
        ("P3", "in_stock", "A1"),
    ]
    back = wh.trace(item="LAP", serial="P2", forward=False)
    assert [(h.serial, h.lot, h.partner) for h in back.hits] == [("P2", "LOT42", "V1")]


def test_a_customer_return_keeps_the_lot_and_refuses_another(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1", "P2"])
    wh.ship(item="LAP", location="A1", quantity=2, serials=["P1", "P2"], partner="C1")
    ret = wh.create_document("customer_return", partner="C1", lines=[LineSpec("LAP", 2, "A1")])
    before = snapshot(wh)
    with pytest.raises(SerialLotMismatch):
        wh.generate_serials(ret.number, line=1, serials=["P1"], lot="LOT9")
    assert snapshot(wh) == before
    wh.generate_serials(ret.number, line=1, serials=["P1"], lot="LOT42")
    wh.generate_serials(ret.number, line=1, serials=["P2"])  # no lot scanned: it keeps its own
    wh.post(ret.number)
    assert [(u.serial, u.status) for u in wh.lot("LOT42", item="LAP").serials] == [
        ("P1", "in_stock"),
        ("P2", "in_stock"),
    ]


def test_a_recalled_lot_comes_back_from_a_customer_with_a_warning(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1"])
    wh.ship(item="LAP", location="A1", quantity=1, serials=["P1"], partner="C1")
    wh.recall_lot(item="LAP", lot="LOT42", recall_number="RC-9")
    with pytest.raises(LotRecalled):  # no new receipts into a recalled lot
        wh.generate_serials(receipt(wh, 1), line=1, serials=["P9"], lot="LOT42")
    ret = wh.create_document("customer_return", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    a = wh.generate_serials(ret.number, line=1, serials=["P1"], lot="LOT42")
    assert a.warnings == ("lot LOT42 is recalled (RC-9)",)


def test_the_migration_makes_lot_rows_for_serials_received_before(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO items (sku, description, tracking, uom, standard_cost)"
                " VALUES ('P', '', 'serial', 'EA', 0)"
            )
        )
        c.execute(
            text(
                "INSERT INTO serial_numbers"
                " (item_id, serial, status, lot_number, expiry_date, quarantine, cost) VALUES"
                " (1, 'S1', 'scrapped', 'L1', '2027-01-01', 0, 0),"
                " (1, 'S2', 'scrapped', 'L1', '2026-12-01', 0, 0),"
                " (1, 'S3', 'scrapped', NULL, NULL, 0, 0)"
            )
        )
    upgrade(engine)
    with engine.connect() as c:
        lots = c.execute(text("SELECT id, lot, expiry_date FROM lots")).all()
        linked = c.execute(text("SELECT serial, lot_id FROM serial_numbers ORDER BY serial")).all()
    engine.dispose()
    assert [tuple(r) for r in lots] == [(1, "L1", "2026-12-01")]
    assert [tuple(r) for r in linked] == [("S1", 1), ("S2", 1), ("S3", None)]
    assert SerialNumber.__table__.c.lot_id.nullable


# --- a random walk: the lot of every serial holds on every path --------------------------

LOTS = ("LA", "LB")
POOL = ("U0", "U1", "U2")
DATES = (None, dt.date(2027, 1, 1), dt.date(2027, 2, 1))
RECEIVE = st.tuples(
    st.just("receive"),
    st.sampled_from((None, *LOTS, *LOTS)),
    st.sampled_from(DATES),
    st.sampled_from((None, *POOL)),
)
OPS = st.one_of(
    RECEIVE,
    RECEIVE,  # twice as often: there must be stock for the other steps to work on
    # a serial in stock (pick) or shipped (return) by index; the label's lot: none, the
    # serial's own, or another one
    st.tuples(st.just("pick"), st.integers(0, 9), st.sampled_from((None, "own", "other"))),
    st.tuples(st.just("pick_count"), st.sampled_from(LOTS)),
    st.tuples(st.just("return"), st.integers(0, 9), st.sampled_from((None, "own", "other"))),
    st.tuples(st.sampled_from(("recall", "release", "quarantine")), st.sampled_from(LOTS)),
)


def _rows(core: Tracking, sql: str) -> list[tuple[Any, ...]]:
    return core.db.run(lambda s: [tuple(r) for r in s.execute(text(sql))], readonly=True)


def _check(core: Tracking, sku: str, shipped: dict[str, set[tuple[str, str]]]) -> None:
    """The lot of every serial is a row of its item with the same text and a matching expiry;
    serialized lots have no lot stock; a lot lists its serials; its trace reaches every
    customer one of its serials was shipped to."""
    bad = _rows(
        core,
        "SELECT s.serial FROM serial_numbers s LEFT JOIN lots l ON l.id = s.lot_id"
        f" JOIN items i ON i.id = s.item_id WHERE i.sku = '{sku}'"
        " AND ((s.lot_id IS NULL) <> (s.lot_number IS NULL)"
        " OR (l.id IS NOT NULL AND (l.item_id <> s.item_id OR l.lot <> s.lot_number"
        " OR (s.expiry_date IS NOT NULL AND s.expiry_date <> l.expiry_date))))",
    )
    assert bad == []
    assert _rows(core, "SELECT COUNT(*) FROM lot_stock") == [(0,)]
    assert _rows(core, "SELECT COUNT(*) FROM lot_transactions") == [(0,)]
    for lot in LOTS:
        want = {
            sn
            for (sn,) in _rows(
                core,
                "SELECT s.serial FROM serial_numbers s JOIN lots l ON l.id = s.lot_id"
                f" JOIN items i ON i.id = l.item_id WHERE i.sku = '{sku}' AND l.lot = '{lot}'"
                " AND s.status <> 'pending'",
            )
        }
        try:
            info = core.lot(lot, item=sku)
        except UnknownLot:
            assert want == set() and not shipped.get(lot)
            continue
        assert {u.serial for u in info.serials} == want
        hits = core.trace(item=sku, lot=lot, forward=True).hits
        assert {(h.serial or "", h.partner or "") for h in hits} == shipped.get(lot, set())


@settings(
    max_examples=6 if PG_URL else 15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=4, max_size=12))
def test_random_walks_keep_every_serials_lot(ops: list[tuple[Any, ...]], core: Tracking) -> None:
    """Each example has an item of its own in the one database, so none needs a new one."""
    if not core.locations():
        core.create_location(code="A1")
        core.create_partner(code="V1", kind="vendor")
        core.create_partner(code="C1", kind="customer")
    n = next(_WALKS)
    sku = f"I{n}"
    core.create_item(sku=sku, tracking="serial", serial_mask=f"M{n}-%%%%")
    shipped: dict[str, set[tuple[str, str]]] = {}
    for op in ops:
        _step(core, sku, op, shipped)
        _check(core, sku, shipped)


_WALKS = itertools.count()


def _step(
    core: Tracking, sku: str, op: tuple[Any, ...], shipped: dict[str, set[tuple[str, str]]]
) -> None:
    kind = op[0]
    # the pool's serials are the example's own: its item's SKU in front
    op = tuple(f"{sku}-{v}" if isinstance(v, str) and v in POOL else v for v in op)
    before = snapshot(core)
    mine = f"JOIN items i ON i.id = x.item_id WHERE i.sku = '{sku}'"
    lot_status = dict(_rows(core, f"SELECT x.lot, x.status FROM lots x {mine}"))
    units = _rows(core, f"SELECT x.serial, x.lot_number, x.status FROM serial_numbers x {mine}")
    stored = {sn: lot for sn, lot, _ in units}
    if kind in ("pick", "return"):
        want = "in_stock" if kind == "pick" else "shipped"
        there = sorted(sn for sn, _, status in units if status == want)
        if not there:
            return
        sn = there[op[1] % len(there)]
        own = stored[sn] or "LA"
        label = {None: None, "own": own, "other": "LB" if own == "LA" else "LA"}[op[2]]
        op = (kind, sn, label)
    try:
        if kind == "receive":
            _, lot, expiry, sn = op
            core.receive(
                item=sku,
                location="A1",
                quantity=1,
                partner="V1",
                serials=[sn] if sn else None,
                lot=lot,
                expiry=expiry,
            )
        elif kind == "pick":
            _, sn, label = op
            core.ship(item=sku, location="A1", quantity=1, partner="C1", serials=[sn], lot=label)
            lot = stored.get(sn)
            # allowed only for a serial of the label's lot (or none on record), not blocked
            assert label is None or lot is None or lot == label
            assert lot is None or lot_status[lot] == "available"
            if lot:
                shipped.setdefault(lot, set()).add((sn, "C1"))
        elif kind == "pick_count":
            _, lot = op
            info = core.ship(item=sku, location="A1", quantity=1, partner="C1", lot=lot)
            (sn,) = core.document(info.number, detail=True).lines[0].serials
            assert (stored[sn], lot_status[lot]) == (lot, "available")
            shipped.setdefault(lot, set()).add((sn, "C1"))
        elif kind == "return":
            _, sn, label = op
            core.receive(
                item=sku,
                location="A1",
                quantity=1,
                partner="C1",
                serials=[sn],
                lot=label,
                doc_type="customer_return",
            )
            assert label is None or stored.get(sn) in (None, label)
            if label and stored.get(sn) is None:  # it takes its label's lot, history and all
                shipped.setdefault(label, set()).add((sn, "C1"))
        elif kind == "recall":
            core.recall_lot(item=sku, lot=op[1], recall_number="RC-1")
        elif kind == "release":
            core.release_lot(item=sku, lot=op[1])
        else:
            core.quarantine(item=sku, lot=op[1])
    except DomainError as e:
        assert snapshot(core) == before, (op, e.code)
        if kind == "pick" and e.code == "serial_lot_mismatch":
            assert stored.get(op[1]) not in (None, op[2])


def test_stock_of_a_serialized_lot_counts_its_serials(wh: Tracking) -> None:
    lotted(wh, "LOT42", ["P1", "P2"])
    lotted(wh, "LOT43", ["Q1"])
    wh.allocate_serials(shipment(wh), line=1, serials=["P2"])
    rows = wh.stock(lot="LOT42")
    assert [(r.item, r.location, r.lot, r.on_hand, r.allocated) for r in rows] == [
        ("LAP", "A1", "LOT42", 2, 1)
    ]


def test_a_return_of_a_serial_without_a_lot_takes_its_labels_if_the_dates_agree(
    wh: Tracking,
) -> None:
    wh.receive(
        partner="V1", item="LAP", location="A1", quantity=2, serials=["OLD1", "OLD2"], expiry=EXP
    )
    wh.ship(item="LAP", location="A1", quantity=2, serials=["OLD1", "OLD2"], partner="C1")
    lotted(wh, "LOT42", ["P1"], expiry=dt.date(2027, 7, 1))
    ret = wh.create_document("customer_return", partner="C1", lines=[LineSpec("LAP", 2, "A1")])
    before = snapshot(wh)
    with pytest.raises(LotConflict):  # the unit's own expiry is not the lot's
        wh.generate_serials(ret.number, line=1, serials=["OLD1"], lot="LOT42")
    assert snapshot(wh) == before
    wh.generate_serials(ret.number, line=1, serials=["OLD2"], lot="LOT43")
    assert (wh.serial("OLD2").lot, wh.lot("LOT43", item="LAP").expiry) == ("LOT43", EXP)


def test_writers_racing_to_make_the_same_lot_share_one_row(wh: Tracking) -> None:
    """Eight receipts at once, each the first serial of lot NEW: one lot row, eight serials."""
    docs = [receipt(wh, 1) for _ in range(8)]
    barrier = threading.Barrier(len(docs))
    errors: list[BaseException] = []

    def work(number: str, i: int) -> None:
        core = Tracking(wh.db, clock=wh.clock)
        barrier.wait()
        try:
            core.generate_serials(number, line=1, serials=[f"R{i}"], lot="NEW", expiry=EXP)
        except BaseException as e:  # any error fails the test below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n, i)) for i, n in enumerate(docs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _rows(wh, "SELECT COUNT(*) FROM lots WHERE lot = 'NEW'") == [(1,)]
    assert _rows(wh, "SELECT COUNT(*) FROM serial_numbers WHERE lot_number = 'NEW'") == [(8,)]
