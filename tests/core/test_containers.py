"""Containers: packing, unpacking, repacking and reversing; moving a pallet through a
document; the database's refusals of a tree or contents the code would never make."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tracking_core.core import Tracking
from tracking_core.errors import (
    AlreadyPacked,
    CannotReverse,
    ContainerContentRefused,
    ContainerCycle,
    ContainerExists,
    ContainerNotAvailable,
    DomainError,
    InvalidContainerCode,
    NotPackable,
    NotPacked,
    PackAlreadyReversed,
    StorageError,
)
from tracking_core.values import ContainerInfo, LineSpec

Pallet = tuple[Tracking, ContainerInfo, list[str], str]


def _serials(core: Tracking, n: int, location: str = "A1") -> list[str]:
    doc = core.receive(item="LAP", location=location, quantity=n, partner="V1", unit_cost="500")
    return list(core.document(doc.number, detail=True).lines[0].serials)


def _milk(core: Tracking, n: int, location: str = "A1") -> str:
    doc = core.receive(item="MILK", location=location, quantity=n, partner="V1", unit_cost="2")
    return core.document(doc.number, detail=True).lines[0].lots[0][0]


def _state(core: Tracking) -> dict[str, object]:
    """Everything a refused step must leave as it was."""
    with core.db.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all()
            for t in (
                "containers",
                "container_serials",
                "container_lots",
                "pack_operations",
                "lot_stock",
                "serial_numbers",
                "event_outbox",
            )
        }


@pytest.fixture
def pallet(wh: Tracking) -> Pallet:
    """A pallet at A1 with two cases: 3 laptops in one, 10 of a milk lot in the other."""
    sns = _serials(wh, 5)
    lot = _milk(wh, 30)
    p = wh.create_container(location="A1")
    c1 = wh.create_container(location="A1")
    c2 = wh.create_container(location="A1")
    wh.pack(c1.code, serials=[("LAP", sn) for sn in sns[:3]])
    wh.pack(c2.code, lots=[("MILK", lot, 10)])
    wh.pack(p.code, containers=[c1.code, c2.code])
    return wh, wh.container(p.code), sns, lot


def test_a_packed_pallet_shows_its_tree_and_totals(pallet: Pallet) -> None:
    wh, info, sns, lot = pallet
    assert info.scheme == "sscc" and info.status == "in_stock" and info.location == "A1"
    assert [c.parent for c in info.children] == [info.code, info.code]
    case1, case2 = info.children
    assert [c.serial for c in case1.contents] == sorted(sns[:3])
    assert [(c.item, c.lot, c.quantity) for c in case2.contents] == [("MILK", lot, 10)]
    assert {(t.item, t.quantity) for t in info.totals} == {("LAP", 3), ("MILK", 10)}
    assert info.quantity == 13
    # a case knows its pallet; a serial in it cannot go into another case
    assert wh.container(case1.code).parent == info.code
    other = wh.create_container(location="A1")
    with pytest.raises(AlreadyPacked) as e:
        wh.pack(other.code, serials=[("LAP", sns[0])])
    assert e.value.container == case1.code


def test_packed_lot_units_are_not_loose(pallet: Pallet) -> None:
    wh, _info, _sns, lot = pallet
    (row,) = wh.stock(item="MILK", location="A1")
    assert row.on_hand == 30
    with wh.db.engine.connect() as conn:
        packed = conn.execute(text("SELECT packed FROM lot_stock")).scalar_one()
    assert packed == 10
    # a loose shipment of 25 finds only 20 loose
    doc = wh.create_document("shipment", partner="C1")
    wh.add_line(doc.number, LineSpec(item="MILK", quantity=25, location="A1"))
    with pytest.raises(DomainError) as e:
        wh.allocate_lot(doc.number, line=1, quantity=25, lot=lot)
    assert e.value.code == "insufficient_lot_quantity"
    assert e.value.details()["available"] == 20


def test_cycles_are_refused_by_the_code_and_the_database(pallet: Pallet) -> None:
    wh, info, _sns, _lot = pallet
    case1 = info.children[0].code
    before = _state(wh)
    with pytest.raises(ContainerCycle):
        wh.pack(case1, containers=[info.code], repack=True)
    with pytest.raises(ContainerCycle):
        wh.pack(info.code, containers=[info.code])
    assert _state(wh) == before
    # what the code never does, the database refuses too: the pallet under its own case
    with pytest.raises(StorageError):
        _sql(
            wh,
            f"UPDATE containers SET parent_id = (SELECT id FROM containers WHERE code = '{case1}'),"
            f" parent_height = 1 WHERE code = '{info.code}'",
        )
    assert _state(wh) == before


def _sql(core: Tracking, statement: str) -> None:
    def run(s: Session) -> None:
        s.execute(text(statement))

    core.db.run(run)


def test_the_database_keeps_contents_where_their_container_is(pallet: Pallet) -> None:
    wh, info, sns, _lot = pallet
    before = _state(wh)
    a2 = "(SELECT id FROM locations WHERE code = 'A2')"
    for statement in (
        # a serial moved without its case
        f"UPDATE serial_numbers SET location_id = {a2} WHERE serial = '{sns[0]}'",
        # a case moved without its pallet
        f"UPDATE containers SET location_id = {a2} WHERE code = '{info.children[0].code}'",
        # a serial in a second container
        "INSERT INTO container_serials (serial_id, container_id, location_id)"
        f" SELECT serial_id, (SELECT id FROM containers WHERE code = '{info.code}'), location_id"
        " FROM container_serials LIMIT 1",
        # more packed than on hand
        "UPDATE lot_stock SET packed = on_hand + 1",
    ):
        with pytest.raises(StorageError):
            _sql(wh, statement)
    assert _state(wh) == before


def test_unpack_repack_and_reverse_are_recorded(pallet: Pallet) -> None:
    wh, info, sns, lot = pallet
    case1, case2 = (c.code for c in info.children)
    out = wh.unpack(case1, serials=[("LAP", sns[0])])
    assert out.action == "unpack" and [x.serial for x in out.serials] == [sns[0]]
    with pytest.raises(NotPacked):
        wh.unpack(case1, serials=[("LAP", sns[0])])
    # repack: a serial from case 1 into case 2 writes an unpack and a pack
    moved = wh.pack(case2, serials=[(None, sns[1])], repack=True)
    assert [x.serial for x in moved.serials] == [sns[1]]
    assert [r.action for r in wh.pack_records(case1)] == ["pack", "unpack", "unpack"]
    # reverse the repack's pack: the serial comes out of case 2 (not back into case 1)
    back = wh.reverse_pack(moved.id)
    assert back.action == "unpack" and back.reverses == moved.id
    with pytest.raises(PackAlreadyReversed):
        wh.reverse_pack(moved.id)
    # reverse the first unpack: the serial goes back into case 1
    again = wh.reverse_pack(out.id)
    assert again.action == "pack" and again.reverses == out.id
    assert sns[0] in {c.serial for c in wh.container(case1).contents}
    # a lot quantity out of case 2, then all of it
    wh.unpack(case2, lots=[("MILK", lot, 4)])
    assert [(c.lot, c.quantity) for c in wh.container(case2).contents] == [(lot, 6)]
    wh.unpack(case2, everything=True)
    assert wh.container(case2).empty
    with pytest.raises(NotPacked):
        wh.unpack(case2, lots=[("MILK", lot, 1)])


def test_bad_codes_and_bad_packing_change_nothing(wh: Tracking) -> None:
    sns = _serials(wh, 2)
    box = wh.create_container(location="A1")
    before = _state(wh)
    with pytest.raises(InvalidContainerCode) as e:
        wh.create_container(location="A1", code="106141412345678909")
    assert "check digit should be 8" in str(e.value)
    with pytest.raises(InvalidContainerCode):
        wh.create_container(location="A1", code="06141412345678908")  # 17 digits
    with pytest.raises(ContainerExists):
        wh.create_container(location="A1", code=box.code)
    elsewhere = wh.create_container(location="A2")
    before = _state(wh)
    with pytest.raises(NotPackable) as e2:
        wh.pack(elsewhere.code, serials=[("LAP", sns[0])])
    assert "it is at A1, the container at A2" in str(e2.value)
    with pytest.raises(NotPackable):
        wh.pack(box.code, containers=[elsewhere.code])
    with pytest.raises(DomainError):
        wh.pack(box.code)
    with pytest.raises(DomainError):
        wh.pack(box.code, serials=[("LAP", sns[0]), ("LAP", sns[0])])
    assert _state(wh) == before


def test_a_pallet_ships_whole_with_a_record_per_unit(pallet: Pallet) -> None:
    wh, info, sns, lot = pallet
    doc = wh.create_document(
        "shipment",
        partner="C1",
        lines=[
            LineSpec(item="LAP", quantity=3, location="A1"),
            LineSpec(item="MILK", quantity=12, location="A1"),
        ],
    )
    got = wh.allocate_container(doc.number, container=info.code)
    assert got.quantity == 13
    assert wh.container(info.code).status == "allocated"
    # the loose rest of the milk line: two loose units
    wh.allocate_lot(doc.number, line=2, quantity=2, lot=lot)
    result = wh.post(doc.number)
    assert (result.serial_records, result.lot_records) == (3, 2)
    shipped = wh.container(info.code)
    assert shipped.status == "shipped" and shipped.location is None
    assert shipped.quantity == 13  # it keeps its contents
    case1, case2 = info.children
    for sn in sns[:3]:
        (move,) = [m for m in wh.serial(sn).history if m.doc_type == "shipment"]
        assert move.container == case1.code
    moves = [m for m in wh.lot(lot, item="MILK").history if m.doc_type == "shipment"]
    assert {(m.container, m.quantity) for m in moves} == {(case2.code, 10), (None, 2)}
    assert wh.check_ledger().ok
    with pytest.raises(ContainerNotAvailable):
        wh.unpack(info.code, everything=True)
    with pytest.raises(CannotReverse):
        wh.reverse(doc.number)


def test_a_transfer_moves_the_pallet_and_all_inside(pallet: Pallet) -> None:
    wh, info, sns, _lot = pallet
    doc = wh.create_document(
        "transfer",
        lines=[
            LineSpec(item="LAP", quantity=3, location="A1", to_location="A2"),
            LineSpec(item="MILK", quantity=10, location="A1", to_location="A2"),
        ],
    )
    wh.allocate_container(doc.number, container=info.code)
    wh.post(doc.number)
    moved = wh.container(info.code)
    assert moved.status == "in_stock" and moved.location == "A2"
    assert {c.location for c in moved.children} == {"A2"}
    assert {wh.serial(sn).location for sn in sns[:3]} == {"A2"}
    # the milk at A2 is packed there: none loose
    (a2,) = wh.stock(item="MILK", location="A2")
    assert a2.on_hand == 10
    with wh.db.engine.connect() as conn:
        packed = dict(
            conn.execute(
                text(
                    "SELECT l.code, s.packed FROM lot_stock s JOIN locations l"
                    " ON l.id = s.location_id"
                )
            ).all()
        )
    assert packed == {"A1": 0, "A2": 10}
    assert wh.check_ledger().ok


def test_a_case_picked_from_a_pallet_and_a_serial_from_a_case(pallet: Pallet) -> None:
    wh, info, sns, _lot = pallet
    case1 = info.children[0].code
    doc = wh.create_document(
        "shipment", partner="C1", lines=[LineSpec(item="LAP", quantity=1, location="A1")]
    )
    # one serial scanned from case 1: it is taken out of the case
    wh.allocate_serials(doc.number, line=1, serials=[sns[0]])
    assert sns[0] not in {c.serial for c in wh.container(case1).contents}
    (last,) = wh.pack_records(case1)[-1:]
    assert (last.action, last.document) == ("unpack", doc.number)
    # a case alone comes off its pallet
    doc2 = wh.create_document(
        "shipment", partner="C1", lines=[LineSpec(item="LAP", quantity=2, location="A1")]
    )
    got = wh.allocate_container(doc2.number, container=case1)
    assert got.unpacked_from == info.code
    assert wh.container(case1).parent is None
    # cancelling puts it back in stock, free
    wh.cancel(doc2.number)
    assert wh.container(case1).status == "in_stock"


def test_a_container_with_a_recalled_lot_is_refused_whole(pallet: Pallet) -> None:
    wh, info, _sns, lot = pallet
    wh.recall_lot(item="MILK", lot=lot, recall_number="R-1")
    doc = wh.create_document(
        "shipment",
        partner="C1",
        lines=[
            LineSpec(item="LAP", quantity=3, location="A1"),
            LineSpec(item="MILK", quantity=10, location="A1"),
        ],
    )
    before = _state(wh)
    with pytest.raises(ContainerContentRefused) as e:
        wh.allocate_container(doc.number, container=info.code)
    assert e.value.cause == "lot_recalled" and lot in e.value.reason
    assert _state(wh) == before


def test_a_lot_that_came_with_a_container_comes_off_with_it(pallet: Pallet) -> None:
    wh, info, _sns, lot = pallet
    doc = wh.create_document(
        "shipment",
        partner="C1",
        lines=[
            LineSpec(item="LAP", quantity=3, location="A1"),
            LineSpec(item="MILK", quantity=12, location="A1"),
        ],
    )
    wh.allocate_container(doc.number, container=info.code)
    wh.allocate_lot(doc.number, line=2, quantity=2, lot=lot)  # two loose ones beside
    before = _state(wh)
    with pytest.raises(DomainError) as e:
        wh.unassign_lot(doc.number, lot=lot, item="MILK")
    assert "came with containers" in str(e.value)
    with pytest.raises(DomainError):
        wh.unassign_serial(doc.number, serial=info.children[0].contents[0].serial or "")
    assert _state(wh) == before
    wh.unassign_lot(doc.number, lot=lot, item="MILK", quantity=2)  # the loose ones may go
