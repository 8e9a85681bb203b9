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
    assert _count(wh, f"SELECT height FROM containers WHERE code = '{PALLET}'") == 1
    # the announced serials joined the line's serial notice
    notice = wh.ship_notice(n)
    assert [(x.serial, x.state) for x in notice.lines[0].serials] == [
        ("VS-1", "missing"),
        ("VS-2", "missing"),
        ("VS-3", "missing"),
    ]

    got = wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "s1"))
    assert got.containers == (PALLET, CASE1, CASE2)
    assert [(x.line, x.serials, x.lots, x.quantity) for x in got.lines] == [
        (1, 3, (), 3),
        (2, 0, (("B7", 20),), 20),
        (3, 0, (), 5),
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
        ("LAP", 3, None),
        ("MILK", 20, "B7"),
    }
    # the lot's units are packed, the records name their containers
    assert _count(wh, "SELECT packed FROM lot_stock") == 20
    assert (
        _count(wh, "SELECT count(*) FROM serial_transactions WHERE container_id IS NOT NULL") == 3
    )
    assert (
        _count(wh, "SELECT sum(quantity) FROM lot_transactions WHERE container_id IS NOT NULL")
        == 20
    )
    records = wh.pack_records(CASE1)
    assert [(r.action, r.document, r.location, len(r.serials)) for r in records] == [
        ("pack", n, "A1", 3)
    ]
    assert wh.pack_records(PALLET)[0].containers == (CASE1, CASE2)
    report = wh.container_notice(n)
    assert report.complete and report.status == "posted"
    assert [c.code for c in report.containers[0].children] == [CASE1, CASE2]


def test_open_and_check_finds_discrepancies_and_receiving_takes_the_count(wh: Tracking) -> None:
    n = _receipt(wh)
    wh.announce_containers(n, _notice())
    checked = wh.check_container(
        n,
        container=CASE1,
        serials=[(None, "VS-1"), (None, "VS-3"), ("LAP", "VS-9")],
    )
    assert checked.expected == 3 and checked.scanned == 3 and not checked.ok
    assert checked.discrepancies == (
        Discrepancy("missing", 1, "LAP", 1, serial="VS-2"),
        Discrepancy("extra", 1, "LAP", 1, serial="VS-9"),
    )
    lots = wh.check_container(
        n, container=CASE2, lots=[(None, "B8", 20)], quantities=[("CABLE", 4)]
    )
    assert lots.discrepancies == (
        Discrepancy("wrong_lot", 2, "MILK", 20, lot="B8", expected_lot="B7", expected_quantity=20),
        Discrepancy("wrong_quantity", 3, "CABLE", 4, expected_quantity=5),
    )
    # stored and visible before receiving
    report = wh.container_notice(n)
    assert not report.complete and report.discrepancies == 4 and report.expected == 3
    case1 = report.containers[0].children[0]
    assert case1.checked_at is not None and len(case1.discrepancies) == 2
    # receiving takes what the operator counted: the notice is a claim
    got = wh.receive_container(n, container=PALLET)
    assert got.checked == (CASE1, CASE2) and len(got.discrepancies) == 4
    lines = wh.document(n, detail=True).lines
    assert lines[0].serials == ("VS-1", "VS-3", "VS-9") and lines[1].lots == (("B8", 20),)
    assert [c.serial for c in wh.container(CASE1).contents] == ["VS-1", "VS-3", "VS-9"]


def test_wrong_quantity_and_missing_lots(wh: Tracking) -> None:
    n = _receipt(wh)
    wh.announce_containers(n, _notice())
    got = wh.check_container(n, container=CASE2, lots=[("MILK", "B7", 18)])
    assert got.discrepancies == (
        Discrepancy("wrong_quantity", 2, "MILK", 18, lot="B7", expected_quantity=20),
        Discrepancy("missing", 3, "CABLE", 5),
    )
    again = wh.check_container(
        n, container=CASE2, lots=[("MILK", "B7", 20)], quantities=[("CABLE", 5)]
    )
    assert again.ok  # the latest check counts
    assert wh.container_notice(n).discrepancies == 0


def test_cancel_drops_the_announced_containers(wh: Tracking) -> None:
    n = _receipt(wh)
    before = _state(wh)
    wh.announce_containers(n, _notice())
    wh.check_container(n, container=CASE1, serials=[(None, "VS-1")])
    wh.receive_container(n, container=PALLET)
    wh.cancel(n)
    after = _state(wh)
    for table in (
        "containers",
        "container_serials",
        "container_lots",
        "expected_contents",
        "container_checks",
        "checked_contents",
        "serial_numbers",
    ):
        assert after[table] == before[table] == [], table
    # the SSCCs are free again for another notice
    m = _receipt(wh)
    assert wh.announce_containers(m, _notice()).containers[0] == PALLET


def test_posting_without_scanning_a_case_drops_it(wh: Tracking) -> None:
    n = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 5, "A1")]).number
    wh.announce_containers(
        n,
        [
            Box(CASE1, contents=[Has(line=1, serials=["VS-1", "VS-2"])]),
            Box(CASE2, contents=[Has(line=1, serials=["VS-3"])]),
        ],
    )
    wh.receive_container(n, container=CASE1)
    wh.generate_serials(n, line=1, serials=["VS-7", "VS-8", "VS-9"])
    wh.post(n)
    assert wh.container(CASE1).status == "in_stock"
    with pytest.raises(DomainError) as e:
        wh.container(CASE2)
    assert e.value.code == "unknown_container"


def test_csv_notice(wh: Tracking) -> None:
    n = _receipt(wh)
    lines = [
        "SSCC, Parent_SSCC, line, item, serial, lot, quantity, expiry",
        f"{PALLET},,,,,,,",
        f"{CASE1},{PALLET},1,,VS-1,,,",
        f"{CASE1},{PALLET},1,,VS-2,,,",
        f"{CASE1},{PALLET},1,,VS-3,,,",
        f"{CASE2},{PALLET},,MILK,,B7,15,2027-01-31",
        f"{CASE2},{PALLET},,MILK,,B7,5,2027-01-31",
        f"{CASE2},{PALLET},,CABLE,,,5,",
    ]
    done = wh.announce_containers_csv(n, lines)
    assert done.containers == (PALLET, CASE1, CASE2) and done.units == 28
    got = wh.receive_container(n, container=PALLET)
    assert got.lines[1].lots == (("B7", 20),)
    assert wh.container(CASE2).contents[0].expiry.isoformat() == "2027-01-31"


@pytest.mark.parametrize(
    ("lines", "field", "reason"),
    [
        (["parent_sscc"], "header", "missing column(s) sscc"),
        (["sscc,colour"], "header", "unknown column(s) colour"),
        (["sscc,quantity", f"{CASE1},two"], "csv", "row 2 quantity: must be a whole number"),
        (["sscc,lot", f"{CASE1},B7"], "csv", "row 2 quantity: give the quantity"),
        (
            ["sscc,parent_sscc", f"{CASE1},{PALLET}", f"{CASE1},"],
            "csv",
            f"row 3 parent_sscc: {CASE1} is on {PALLET} in an earlier row",
        ),
        (
            ["sscc,item,lot,quantity,expiry", f"{CASE1},MILK,B7,1,31.01.2027"],
            "csv",
            "row 2 expiry: must be YYYY-MM-DD",
        ),
    ],
)
def test_bad_csv(lines: list[str], field: str, reason: str) -> None:
    with pytest.raises(DomainError) as e:
        read_notice(lines)
    assert e.value.details()["field"] == field
    assert e.value.details()["reason"].startswith(reason)


def _bad_notices() -> list[tuple[str, list[Box], type[DomainError], dict[str, object]]]:
    bad_digit = PALLET[:-1] + str((int(PALLET[-1]) + 1) % 10)
    return [
        ("bad check digit", [Box(bad_digit)], InvalidContainerCode, {"value": bad_digit}),
        (
            "unknown GTIN",
            [Box(CASE1, contents=[Has(item="09506000999999", quantity=1)])],
            UnknownItem,
            {"key": "09506000999999"},
        ),
        (
            "item not on the receipt",
            [Box(CASE1, contents=[Has(line=9, quantity=1)])],
            UnknownLine,
            {},
        ),
        (
            "cycle",
            [
                Box(PALLET, parent=CASE1, contents=[Has(item="CABLE", quantity=1)]),
                Box(CASE1, parent=PALLET),
            ],
            ContainerCycle,
            {},
        ),
        (
            "nested in itself",
            [Box(PALLET, children=[Box(CASE1, children=[Box(PALLET)])])],
            ContainerCycle,
            {"container": PALLET, "into": CASE1},
        ),
        (
            "serial twice",
            [
                Box(CASE1, contents=[Has(line=1, serials=["VS-1"])]),
                Box(CASE2, contents=[Has(line=1, serials=["VS-1"])]),
            ],
            SerialAnnouncedTwice,
            {"serial": "VS-1", "container": CASE2, "other": CASE1},
        ),
        (
            "over the line",
            [Box(CASE1, contents=[Has(item="MILK", lot="B7", quantity=21)])],
            NoticeExceedsLine,
            {"line": 2, "quantity": 20, "announced": 0, "requested": 21},
        ),
        (
            "bad serial",
            [Box(CASE1, contents=[Has(line=1, serials=["VS 1"])])],
            DomainError,
            {},
        ),
        (
            "two places",
            [
                Box(
                    PALLET,
                    children=[
                        Box(CASE1, contents=[Has(line=1, serials=["VS-1"])]),
                        Box(CASE2, contents=[Has(line=4, quantity=1)]),
                    ],
                )
            ],
            ContainerSpansLocations,
            {"container": PALLET, "locations": ["A1", "A2"]},
        ),
        (
            "serials of a lot item",
            [Box(CASE1, contents=[Has(item="MILK", serials=["X"], lot="B7")])],
            DomainError,
            {"field": "serials"},
        ),
        ("nothing in it", [Box(PALLET, children=[Box(CASE1)])], DomainError, {"field": "contents"}),
    ]


@pytest.mark.parametrize("case", _bad_notices(), ids=lambda c: c[0])
def test_a_bad_notice_changes_nothing(
    wh: Tracking, case: tuple[str, list[Box], type[DomainError], dict[str, object]]
) -> None:
    _name, boxes, error, details = case
    n = _receipt(wh)
    wh.add_line(n, LineSpec("CABLE", 3, "A2"))
    before = _state(wh)
    with pytest.raises(error) as e:
        wh.announce_containers(n, boxes, scan=ScanKey("HH-1", "bad"))
    got = e.value.details()
    assert {k: got[k] for k in details} == details
    assert _state(wh) == before


def test_a_known_sscc_is_refused(wh: Tracking) -> None:
    n = _receipt(wh)
    wh.create_container(location="A1", code=CASE3)
    other = _receipt(wh)
    wh.announce_containers(other, [Box(CASE1, contents=[Has(line=1, serials=["VS-1"])])])
    before = _state(wh)
    for code in (CASE3, CASE1):
        with pytest.raises(ContainerExists) as e:
            wh.announce_containers(n, [Box(code, contents=[Has(line=3, quantity=1)])])
        assert e.value.container == code
    # a serial already announced on this receipt, in an earlier call
    wh.announce_containers(n, [Box(CASE2, contents=[Has(line=1, serials=["VS-5"])])])
    mid = _state(wh)
    with pytest.raises(SerialAnnouncedTwice) as e2:
        wh.announce_containers(n, [Box(PALLET, contents=[Has(line=1, serials=["VS-5"])])])
    assert e2.value.other == CASE2
    assert _state(wh) == mid != before


def test_receiving_what_is_not_there_to_receive(wh: Tracking) -> None:
    n = _receipt(wh)
    other = _receipt(wh)
    wh.announce_containers(n, _notice())
    wh.announce_containers(other, [Box(CASE3, contents=[Has(line=1, serials=["VS-8"])])])
    stocked = wh.create_container(location="A1").code
    before = _state(wh)
    with pytest.raises(ContainerNotAvailable) as e:
        wh.receive_container(n, container=CASE3)  # another receipt's
    assert e.value.status == f"expected on {other}"
    with pytest.raises(ContainerNotAvailable):
        wh.receive_container(n, container=stocked)
    with pytest.raises(ContainerNotAvailable) as e:
        wh.receive_container(n, container=CASE1)  # a case of a pallet still expected
    assert e.value.status == f"inside {PALLET}"
    with pytest.raises(DomainError) as e3:
        wh.receive_container(n, container=sscc(99))
    assert e3.value.code == "unknown_container"
    with pytest.raises(InvalidContainerCode):
        wh.receive_container(
            n, container=PALLET[:-1] + "0" if PALLET[-1] != "0" else PALLET[:-1] + "1"
        )
    assert _state(wh) == before


def test_a_refused_content_refuses_the_whole_receipt_of_a_pallet(wh: Tracking) -> None:
    """A serial in stock already: the pallet is not received, nothing half-applied."""
    wh.receive(item="LAP", location="A1", quantity=1, serials=["VS-2"], partner="V1")
    n = _receipt(wh)
    wh.announce_containers(n, _notice())
    before = _state(wh)
    with pytest.raises(DomainError) as e:
        wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "x"))
    assert e.value.code == "serial_exists"
    assert _state(wh) == before


def test_ten_thousand_serials_in_forty_cases_with_one_scan(wh: Tracking) -> None:
    n = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 10_000, "A1")]).number
    cases = [
        Box(
            sscc(100 + c), contents=[Has(line=1, serials=[f"P{c:02d}-{i:04d}" for i in range(250)])]
        )
        for c in range(40)
    ]
    wh.announce_containers(n, [Box(PALLET, children=cases)])
    got = wh.receive_container(n, container=PALLET, scan=ScanKey("HH-1", "pallet"))
    assert got.quantity == 10_000 and len(got.containers) == 41
    assert _count(wh, "SELECT count(*) FROM container_serials") == 10_000
    wh.post(n)
    assert wh.container(PALLET).quantity == 10_000
    assert _count(wh, "SELECT count(*) FROM serial_transactions WHERE container_id IS NULL") == 0


def test_a_serial_found_in_another_case_is_received_where_it_was_found(wh: Tracking) -> None:
    n = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 3, "A1")]).number
    wh.announce_containers(
        n,
        [
            Box(
                PALLET,
                children=[
                    Box(CASE1, contents=[Has(line=1, serials=["VS-1", "VS-2"])]),
                    Box(CASE2, contents=[Has(line=1, serials=["VS-3"])]),
                ],
            )
        ],
    )
    got = wh.check_container(n, container=CASE2, serials=[(None, "VS-3"), (None, "VS-2")])
    assert got.discrepancies == (Discrepancy("extra", 1, "LAP", 1, serial="VS-2"),)
    done = wh.receive_container(n, container=PALLET)
    assert done.quantity == 3
    assert [c.serial for c in wh.container(CASE1).contents] == ["VS-1"]
    assert [c.serial for c in wh.container(CASE2).contents] == ["VS-2", "VS-3"]


def test_a_case_checked_after_receiving_its_pallet_follows_the_count(wh: Tracking) -> None:
    """Receive the pallet by one scan, then open a case: what is pending follows the check."""
    n = _receipt(wh)
    wh.announce_containers(n, _notice())
    wh.receive_container(n, container=PALLET)
    got = wh.check_container(
        n, container=CASE1, serials=[(None, "VS-1"), (None, "VS-3"), ("LAP", "VS-9")]
    )
    assert [(d.kind, d.serial) for d in got.discrepancies] == [
        ("missing", "VS-2"),
        ("extra", "VS-9"),
    ]
    assert wh.document(n, detail=True).lines[0].serials == ("VS-1", "VS-3", "VS-9")
    assert [c.serial for c in wh.container(CASE1).contents] == ["VS-1", "VS-3", "VS-9"]
    lot = wh.check_container(
        n, container=CASE2, lots=[(None, "B7", 15), ("MILK", "B8", 5)], quantities=[("CABLE", 5)]
    )
    assert [(d.kind, d.lot, d.quantity) for d in lot.discrepancies] == [
        ("wrong_quantity", "B7", 15),
        ("extra", "B8", 5),
    ]
    assert dict(wh.document(n, detail=True).lines[1].lots) == {"B7": 15, "B8": 5}
    assert {(c.lot, c.quantity) for c in wh.container(CASE2).contents} == {("B7", 15), ("B8", 5)}
    wh.post(n)
    assert _count(wh, "SELECT sum(packed) FROM lot_stock") == 20
    assert (
        _count(wh, "SELECT sum(quantity) FROM lot_transactions WHERE container_id IS NOT NULL")
        == 20
    )
    assert wh.container(PALLET).status == "in_stock"
    assert wh.container_notice(n).discrepancies == 4


def test_after_receiving_a_serial_found_in_another_case_moves_there(wh: Tracking) -> None:
    wh.receive(item="LAP", location="A1", quantity=1, serials=["VS-8"], partner="V1")
    n = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 4, "A1")]).number
    cases = [
        Box(CASE1, contents=[Has(line=1, serials=["VS-1", "VS-2"])]),
        Box(CASE2, contents=[Has(line=1, serials=["VS-3"])]),
    ]
    wh.announce_containers(n, [Box(PALLET, children=cases)])
    wh.receive_container(n, container=PALLET)
    wh.check_container(n, container=CASE2, serials=[(None, "VS-3"), (None, "VS-2")])
    assert [c.serial for c in wh.container(CASE1).contents] == ["VS-1"]
    assert [c.serial for c in wh.container(CASE2).contents] == ["VS-2", "VS-3"]
    assert len(wh.document(n, detail=True).lines[0].serials) == 3
    # a serial in stock elsewhere cannot be found in the case: refused, nothing changed
    before = _state(wh)
    with pytest.raises(DomainError) as e:
        wh.check_container(n, container=CASE1, serials=[(None, "VS-1"), ("LAP", "VS-8")])
    assert e.value.code == "serial_exists"
    assert _state(wh) == before
    wh.set_line_quantity(n, 1, 3)
    wh.post(n)
    assert wh.container(CASE2).location == "A1"
