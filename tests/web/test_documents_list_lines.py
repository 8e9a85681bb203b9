"""GET /documents shows each line's serials and lots as GET /documents/{n} does, batched."""

from __future__ import annotations

from tests.conftest import statements
from tests.web.conftest import Api
from tracking_core.core import Tracking
from tracking_core.values import LineSpec


def _documents_of_every_kind(master: Api, core: Tracking) -> None:
    """Posted, open, cancelled, transfer and reversal documents, serial and lot lines."""
    core.receive(item="LAP", location="A1", quantity=3, partner="V1")  # RC-000001 posted
    core.receive(item="MILK", location="A1", quantity=10, lot="LA", partner="V1")
    core.receive(item="MILK", location="A1", quantity=5, lot="LB", partner="V1")
    ship = core.create_document(
        "shipment",
        number="SO-1",
        partner="C1",
        lines=[LineSpec("LAP", 2, "A1"), LineSpec("MILK", 12, "A1"), LineSpec("BOLT", 1, "A1")],
    )
    core.allocate_serials(ship.number, line=1, count=2)
    core.allocate_lot(ship.number, line=2, quantity=10, lot="LA")
    core.allocate_lot(ship.number, line=2, quantity=2, lot="LB")
    core.ship(item="MILK", location="A1", quantity=1, lot="LB", partner="C1", post=False)
    core.cancel(core.documents(doc_type="shipment", status="open")[0].number)
    core.ship(item="LAP", location="A1", quantity=1, doc_type="transfer", to_location="B2")
    rc = core.receive(item="LAP", location="D1", quantity=2, partner="V1")
    core.reverse(rc.number)
    core.create_document(
        "receipt",
        number="ASN-1",
        partner="V1",
        lines=[LineSpec("LAP", 3, "D1", expected_serials=("V-1", "V-2"))],
    )
    core.generate_serials("ASN-1", line=1, serials=["V-1"])


def test_list_shows_the_same_lines_as_each_document(master: Api, core: Tracking) -> None:
    _documents_of_every_kind(master, core)
    listed = master.ok("GET", "/documents")["documents"]
    assert len(listed) == 9
    for doc in listed:
        assert doc == master.ok("GET", f"/documents/{doc['number']}"), doc["number"]
    by_number = {d["number"]: d for d in listed}
    so = by_number["SO-1"]["lines"]
    assert [len(so[0]["serials"]), so[1]["lots"], so[2]["serials"]] == [
        2,
        [["LA", 10], ["LB", 2]],
        [],
    ]
    assert by_number["RC-000001"]["lines"][0]["serials"] == ["SN0001", "SN0002", "SN0003"]
    asn = by_number["ASN-1"]["lines"][0]
    assert (asn["serials"], asn["expected"], asn["assigned"]) == (["V-1"], 2, 1)


def test_list_is_paginated_as_before(master: Api, core: Tracking) -> None:
    _documents_of_every_kind(master, core)
    everything = [d["number"] for d in master.ok("GET", "/documents")["documents"]]
    two = master.ok("GET", "/documents?limit=2")["documents"]
    assert [d["number"] for d in two] == everything[:2]
    receipts = master.ok("GET", "/documents?type=receipt&status=posted")["documents"]
    assert {d["doc_type"] for d in receipts} == {"receipt"}
    assert all(d["lines"][0]["serials"] or d["lines"][0]["lots"] for d in receipts)


def _lined_documents(core: Tracking, n: int, lines: int) -> None:
    for _ in range(n):
        doc = core.create_document(
            "shipment", partner="C1", lines=[LineSpec("MILK", 1, "A1") for _ in range(lines)]
        )
        for i in range(1, lines + 1):
            core.allocate_lot(doc.number, line=i, quantity=1)


def test_list_reads_lines_in_batches_not_per_line(master: Api, core: Tracking) -> None:
    core.receive(item="MILK", location="A1", quantity=200, lot="LA", partner="V1")
    core.receive(item="LAP", location="A1", quantity=3, partner="V1")
    _lined_documents(core, 2, 1)
    with statements(core) as few:
        small = master.ok("GET", "/documents")["documents"]
    _lined_documents(core, 20, 5)
    with statements(core) as many:
        big = master.ok("GET", "/documents")["documents"]
    assert (len(small), len(big)) == (4, 24)
    assert sum(len(d["lines"]) for d in big) == 2 + 2 + 100
    # the same statements for 4 documents of 1 line as for 24 documents of 104 lines
    assert len(many) == len(few) <= 15
