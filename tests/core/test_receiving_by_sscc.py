"""Receiving by SSCC: a ship notice's containers announced on a receipt, received with one
scan, opened and checked, posted into stock, cancelled; and every refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tracking_core.core import ScanKey, Tracking
from tracking_core.errors import (
    ContainerAlreadyReceived,
    ContainerCycle,
    ContainerExists,
    ContainerNotAvailable,
    ContainerSpansLocations,
    DomainError,
    InvalidContainerCode,
    NoticeExceedsLine,
    SerialAnnouncedTwice,
    UnknownItem,
    UnknownLine,
)
from tracking_core.ship_notice_csv import read_notice
from tracking_core.ship_notice_values import AnnouncedContainer as Box
from tracking_core.ship_notice_values import AnnouncedContent as Has
from tracking_core.ship_notice_values import Discrepancy
from tracking_core.sscc import make_sscc
from tracking_core.values import LineSpec


def sscc(n: int) -> str:
    return make_sscc(company_prefix="0614141", extension=3, serial_reference=n)


PALLET, CASE1, CASE2, CASE3 = sscc(1), sscc(2), sscc(3), sscc(4)
TABLES = (
    "containers",
    "container_serials",
    "container_lots",
    "expected_contents",
    "expected_serials",
    "container_checks",
    "checked_contents",
    "pack_operations",
    "pack_operation_lines",
    "lot_stock",
    "line_lots",
    "lots",
    "serial_numbers",
    "serial_transactions",
    "lot_transactions",
    "event_outbox",
    "scan_results",
)


def _state(core: Tracking) -> dict[str, object]:
    with core.db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in TABLES}


def _count(core: Tracking, sql: str) -> object:
    with core.db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _receipt(wh: Tracking, laptops: int = 3, milk: int = 20, cable: int = 5) -> str:
    return wh.create_document(
        "receipt",
        partner="V1",
        lines=[
            LineSpec("LAP", laptops, "A1", unit_cost="500"),
            LineSpec("MILK", milk, "A1", unit_cost="2"),
            LineSpec("CABLE", cable, "A1"),
        ],
    ).number


def _notice() -> list[Box]:
    """A pallet with two cases: laptops (a lot on their labels too? no) and milk with cables."""
    return [
        Box(
            PALLET,
            children=[
                Box(CASE1, contents=[Has(line=1, serials=["VS-1", "VS-2", "VS-3"])]),
                Box(
                    CASE2,
                    contents=[
                        Has(item="MILK", lot="B7", quantity=20),
                        Has(item="CABLE", quantity=5),
                    ],
                ),
            ],
        )
    ]


def test_announce_receive_post_a_pallet(wh: Tracking) -> None:
    n = _receipt(wh)
    done = wh.announce_containers(n, _notice())
    assert done.containers == (PALLET, CASE1, CASE2) and done.units == 28
    pallet = wh.container(PALLET)
    assert (pallet.status, pallet.document, pallet.location) == ("expected", n, None)
    assert _count(wh, "SELECT height FROM containers WHERE code = '%s'" % PALLET) == 1
    # the announced serials joined the line's serial notice
    notice = wh.ship_notice(n)
    assert [(x.serial, x.state) for x in notice.lines[0].serials] == [
        ("VS-1", "missing"), ("VS-2", "missing"), ("VS-3", "missing")
    ]

    got = wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "s1"))
    assert got.containers == (PALLET, CASE1, CASE2)
    assert [(x.line, x.serials, x.lots, x.quantity) for x in got.lines] == [
        (1, 3, (), 3), (2, 0, (("B7", 20),), 20), (3, 0, (), 5)
    ]
    assert got.discrepancies == () and got.checked == ()
    assert wh.container(PALLET).status == "pending"
    line = wh.document(n, detail=True).lines
    assert line[0].serials == ("VS-1", "VS-2", "VS-3") and line[1].lots == (("B7", 20),)
    # the same scan again: the stored answer, nothing more
    before = _state(wh)
    assert wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "s1")) == got
    assert _state(wh) == before
    # another scan of it, or of a case on it: already received
    with pytest.raises(ContainerAlreadyReceived) as e:
        wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "s2"))
    assert (e.value.container, e.value.document, e.value.pallet) == (PALLET, n, None)
    with pytest.raises(ContainerAlreadyReceived) as e:
        wh.receive_container(n, container=CASE1)
    assert e.value.pallet == PALLET
    assert _state(wh) == before

    wh.post(n)
    info = wh.container(PALLET)
    assert (info.status, info.location, info.document) == ("in_stock", "A1", None)
    assert {(t.item, t.quantity, t.lot) for t in info.totals} == {
        ("LAP", 3, None), ("MILK", 20, "B7")
    }
    # the lot's units are packed, the records name their containers
    assert _count(wh, "SELECT packed FROM lot_stock") == 20
    assert _count(
        wh, "SELECT count(*) FROM serial_transactions WHERE container_id IS NOT NULL"
    ) == 3
    assert _count(
        wh, "SELECT sum(quantity) FROM lot_transactions WHERE container_id IS NOT NULL"
    ) == 20
    records = wh.pack_records(CASE1)
    assert [(r.action, r.document, r.location, len(r.serials)) for r in records] == [
        ("pack", n, "A1", 3)
    ]
    assert wh.pack_records(PALLET)[0].containers == (CASE1, CASE2)
    report = wh.container_notice(n)
    assert report.complete and report.status == "posted"
    assert [c.code for c in report.containers[0].children] == [CASE1, CASE2]
