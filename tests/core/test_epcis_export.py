"""EPCIS 2.0 export (tracking_core/epcis): every page valid against GS1's schema, every
eventID the reference hash's, the mapping of docs/epcis.md, paging by the outbox cursor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import Clock, statements
from tests.epcis_check import check
from tracking_core import events
from tracking_core.core import Tracking
from tracking_core.epcis import MAX_LIMIT, Uris
from tracking_core.epcis.reading import Doc, Facts, ItemKeys, OutboxRow, Record
from tracking_core.epcis.translate import Translator
from tracking_core.errors import InvalidInput
from tracking_core.models import Container
from tracking_core.values import LineSpec

GTIN = "09506000134352"
GLN = "4012345000016"
DL = "https://id.gs1.org"
EXPIRY = dt.date(2027, 1, 31)


def shape(e: dict[str, Any]) -> tuple[str, str, str | None, str | None]:
    return (e["type"], e["action"], e.get("bizStep"), e.get("disposition"))


def all_events(core: Tracking, *, limit: int = MAX_LIMIT) -> list[dict[str, Any]]:
    """Every event from the start, page by page, each page checked."""
    out, since = [], 0
    while True:
        page = core.epcis_events(since=since, limit=limit)
        out += check(page.document)
        if not page.more:
            return out
        assert page.next_since > since
        since = page.next_since


@pytest.fixture
def site(wh: Tracking) -> Tracking:
    wh.update_location("A1", gln=GLN)
    return wh


def _milk_lot(core: Tracking) -> str:
    (row,) = [r for r in core.stock(item="MILK") if r.location == "A1"]
    assert row.lot is not None
    return row.lot


def movements(core: Tracking, clock: Clock) -> dict[str, str]:
    """A receipt of mask serials with a lot and expiry, one of vendor serials, a mask lot,
    a shipment, a customer return, a vendor return, a transfer, a scrap, a recall, a
    quarantine and its release, a reversed receipt; the documents by role."""
    docs = {}
    docs["mask"] = core.receive(
        partner="V1", item="LAP", location="A1", quantity=2, lot="B1", expiry=EXPIRY
    ).number
    clock.advance(minutes=1)
    docs["vendor"] = core.receive(
        partner="V1", item="LAP", location="A1", quantity=3, serials=["V-1", "V-2", "V-3"]
    ).number
    clock.advance(minutes=1)
    docs["milk"] = core.receive(partner="V1", item="MILK", location="A1", quantity=10).number
    lot = _milk_lot(core)
    clock.advance(minutes=1)
    docs["ship"] = core.ship(
        partner="C1", item="LAP", location="A1", quantity=1, serials=["V-1"]
    ).number
    clock.advance(minutes=1)
    docs["return"] = core.receive(
        partner="C1",
        item="LAP",
        location="A2",
        quantity=1,
        serials=["V-1"],
        doc_type="customer_return",
    ).number
    clock.advance(minutes=1)
    docs["rtv"] = core.ship(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=1,
        serials=["V-2"],
        doc_type="vendor_return",
    ).number
    clock.advance(minutes=1)
    docs["transfer"] = core.ship(
        item="MILK", location="A1", quantity=4, lot=lot, doc_type="transfer", to_location="A2"
    ).number
    clock.advance(minutes=1)
    docs["scrap"] = core.scrap_serial(item="LAP", serial="V-3", reason="dropped").document
    clock.advance(minutes=1)
    core.recall_lot(item="MILK", lot=lot, recall_number="RC-7", reason="taste")
    core.release_lot(item="MILK", lot=lot)
    core.quarantine(item="MILK", lot=lot)
    clock.advance(minutes=1)
    docs["wrong"] = core.receive(
        partner="V1", item="LAP", location="A1", quantity=1, serials=["W-1"]
    ).number
    clock.advance(minutes=1)
    docs["reversal"] = core.reverse(docs["wrong"]).document
    return docs


def test_every_movement_is_exported_valid_with_the_reference_ids(
    site: Tracking, clock: Clock
) -> None:
    docs = movements(site, clock)
    got = all_events(site)
    assert [shape(e) for e in got] == [
        ("ObjectEvent", "ADD", "commissioning", "active"),  # mask serials
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),  # vendor serials
        ("ObjectEvent", "ADD", "commissioning", "active"),  # a mask lot
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),
        ("ObjectEvent", "OBSERVE", "shipping", "in_transit"),
        ("ObjectEvent", "OBSERVE", "receiving", "returned"),
        ("ObjectEvent", "OBSERVE", "shipping", "returned"),
        ("ObjectEvent", "OBSERVE", "departing", "in_transit"),
        ("ObjectEvent", "OBSERVE", "arriving", "sellable_accessible"),
        ("ObjectEvent", "DELETE", "destroying", "destroyed"),
        ("ObjectEvent", "OBSERVE", "holding", "recalled"),
        ("ObjectEvent", "OBSERVE", None, "sellable_accessible"),
        ("ObjectEvent", "OBSERVE", "holding", "non_sellable_other"),
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),  # the receipt later reversed
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),  # ... declared did_not_occur
    ]
    by_step = {(e["bizStep"], e.get("disposition")): e for e in got if "bizStep" in e}
    ship = by_step[("shipping", "in_transit")]
    assert ship["epcList"] == [f"{DL}/01/{GTIN}/21/V-1"]
    assert ship["readPoint"] == {"id": f"{DL}/414/{GLN}"} and "bizLocation" not in ship
    assert ship["sourceList"] == [{"type": "location", "source": f"{DL}/414/{GLN}"}]
    assert ship["destinationList"] == [
        {"type": "owning_party", "destination": "urn:scantrack:party/C1"}
    ]
    assert ship["bizTransactionList"] == [
        {"type": "desadv", "bizTransaction": f"urn:scantrack:doc/{docs['ship']}"}
    ]
    back = by_step[("receiving", "returned")]
    assert back["bizLocation"] == {"id": "urn:scantrack:loc/A2"}  # A2 has no GLN
    assert back["sourceList"] == [{"type": "owning_party", "source": "urn:scantrack:party/C1"}]
    lot = _milk_lot(site)
    arrive = by_step[("arriving", "sellable_accessible")]
    milk = f"urn:scantrack:item/MILK/lot/{lot}"  # MILK has no GTIN
    assert arrive["quantityList"] == [{"epcClass": milk, "quantity": 4, "uom": "EA"}]
    assert arrive["bizLocation"] == {"id": "urn:scantrack:loc/A2"}
    recall = by_step[("holding", "recalled")]
    assert recall["quantityList"] == [{"epcClass": milk}]
    assert recall["bizTransactionList"] == [
        {"type": "urn:scantrack:btt/recall", "bizTransaction": "urn:scantrack:recall/RC-7"}
    ]
    scrap = by_step[("destroying", "destroyed")]
    assert scrap["epcList"] == [f"{DL}/01/{GTIN}/21/V-3"] and "sourceList" not in scrap


def test_only_numbers_made_from_a_mask_are_commissioned_with_lot_and_expiry(
    site: Tracking, clock: Clock
) -> None:
    made = site.receive(
        partner="V1", item="LAP", location="A1", quantity=2, lot="B1", expiry=EXPIRY
    )
    site.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["V-9"], lot="B1")
    got = all_events(site)
    (line,) = site.document(made.number, detail=True).lines
    serials = [f"{DL}/01/{GTIN}/21/{s}" for s in line.serials]
    commissioned = [e for e in got if e.get("bizStep") == "commissioning"]
    (event,) = commissioned
    assert event["ilmd"] == {"cbvmda:lotNumber": "B1", "cbvmda:itemExpirationDate": "2027-01-31"}
    assert len(serials) == 2 and event["epcList"] == serials  # not V-9
    received = [e for e in got if e.get("bizStep") == "receiving"]
    assert [len(e["epcList"]) for e in received] == [2, 1]


def test_a_reversal_declares_the_original_events_erroneous_under_their_ids(
    site: Tracking, clock: Clock
) -> None:
    first = site.receive(partner="V1", item="LAP", location="A1", quantity=2)
    clock.advance(hours=2)
    site.reverse(first.number)
    got = all_events(site)
    originals = [e for e in got if "errorDeclaration" not in e]
    declared = [e for e in got if "errorDeclaration" in e]
    assert [shape(e) for e in originals] == [
        ("ObjectEvent", "ADD", "commissioning", "active"),
        ("ObjectEvent", "OBSERVE", "receiving", "in_progress"),
    ]
    assert [{k: v for k, v in e.items() if k != "errorDeclaration"} for e in declared] == originals
    when = (clock.now).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert {str(e["errorDeclaration"]) for e in declared} == {
        str({"declarationTime": when, "reason": "did_not_occur"})
    }


def test_ids_are_stable_across_exports_and_distinct(site: Tracking, clock: Clock) -> None:
    movements(site, clock)
    first = site.epcis_events(limit=MAX_LIMIT)
    clock.advance(days=3)
    second = site.epcis_events(limit=MAX_LIMIT)
    assert first.document["creationDate"] != second.document["creationDate"]
    assert first.events == second.events
    ids = [e["eventID"] for e in first.events if "errorDeclaration" not in e]
    assert len(set(ids)) == len(ids) == 15


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_paging_by_the_cursor_gives_every_event_once(
    site: Tracking, clock: Clock, limit: int
) -> None:
    movements(site, clock)
    whole = site.epcis_events(limit=MAX_LIMIT)
    assert not whole.more and whole.next_since == whole.last
    assert all_events(site, limit=limit) == whole.events
    past = site.epcis_events(since=whole.last, limit=limit)
    assert (past.events, past.next_since, past.last) == ([], whole.last, whole.last)
    check(past.document)


def test_a_page_costs_the_same_statements_at_any_size(site: Tracking, clock: Clock) -> None:
    counts = []
    for n in (1, 12):
        for i in range(n):
            site.receive(partner="V1", item="LAP", location="A1", quantity=2)
            site.receive(partner="V1", item="MILK", location="A1", quantity=3, lot=f"L{n}-{i}")
            clock.advance(minutes=1)
        site.reverse(site.receive(partner="V1", item="LAP", location="A2", quantity=1).number)
        start = site.epcis_events(limit=MAX_LIMIT).last
        site.ship(partner="C1", item="LAP", location="A1", quantity=n)
        with statements(site) as seen:
            page = site.epcis_events(since=0, limit=MAX_LIMIT)
        assert page.last > start
        counts.append(len(seen))
    # settings, the counter, the outbox, documents, serial and lot records, label jobs,
    # items, locations (no containers: no pack events); SQLite adds BEGIN
    assert counts[0] == counts[1] <= 10


@pytest.mark.parametrize(
    ("since", "limit", "field"),
    [(-1, 10, "since"), (0, 0, "limit"), (0, MAX_LIMIT + 1, "limit"), (True, 1, "since")],
)
def test_a_bad_cursor_or_limit_is_refused(
    site: Tracking, since: int, limit: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        site.epcis_events(since=since, limit=limit)
    assert err.value.field == field


def _pack(core: Tracking, kind: str, data: dict[str, Any]) -> None:
    now = core.clock()
    core.db.run(lambda s: events.emit_many(s, now, [events.NewEvent(kind, None, None, data)]))


def test_packing_is_an_aggregation_event(site: Tracking, clock: Clock) -> None:
    site.receive(partner="V1", item="LAP", location="A1", quantity=2, serials=["P-1", "P-2"])
    plate = "000000000000000017"  # looks like an SSCC but is a licence plate
    site.db.run(
        lambda s: s.add(
            Container(code=plate, scheme="plate", status="shipped", height=0, created_at=clock())
        )
    )
    pallet = "106141412345678908"
    content = {
        "operation": 1,
        "container": pallet,
        "scheme": "sscc",
        "location": "A1",
        "document": None,
        "reverses": None,
        "serials": [{"item": "LAP", "serial": "P-1"}, {"item": "LAP", "serial": "P-2"}],
        "lots": [{"item": "MILK", "lot": "L1", "quantity": 5}],
        "containers": [plate, "106141412345678915"],
    }
    _pack(site, "container.packed", content)
    clock.advance(minutes=5)
    _pack(
        site,
        "container.unpacked",
        {
            **content,
            "operation": 2,
            "lots": [],
            "containers": [],
            "serials": content["serials"][:1],
        },
    )
    agg = [e for e in all_events(site) if e["type"] == "AggregationEvent"]
    assert [shape(e) for e in agg] == [
        ("AggregationEvent", "ADD", "packing", None),
        ("AggregationEvent", "DELETE", "unpacking", None),
    ]
    packed, unpacked = agg
    assert packed["parentID"] == f"{DL}/00/{pallet}"
    assert packed["childEPCs"] == [
        f"{DL}/01/{GTIN}/21/P-1",
        f"{DL}/01/{GTIN}/21/P-2",
        f"urn:scantrack:plate/{plate}",  # its scheme from the containers table
        f"{DL}/00/106141412345678915",  # not known: an SSCC by its shape
    ]
    assert packed["childQuantityList"] == [
        {"epcClass": "urn:scantrack:item/MILK/lot/L1", "quantity": 5, "uom": "EA"}
    ]
    assert packed["readPoint"] == packed["bizLocation"] == {"id": f"{DL}/414/{GLN}"}
    assert unpacked["childEPCs"] == [f"{DL}/01/{GTIN}/21/P-1"]
    assert "childQuantityList" not in unpacked


def test_moves_in_containers_name_the_containers_as_well_as_their_contents() -> None:
    """A shipment's records that moved in a case list the case's SSCC after the serials,
    once; a scrap (DELETE) and a commissioning name no container."""
    box = ("106141412345678908", "sscc")
    plate = ("LP-1", "plate")
    facts = Facts(rows=[])
    doc = Doc(1, "SH-1", "shipment", None, "C1", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), None)
    facts.documents[doc.number] = doc
    facts.records[1] = [
        Record("LAP", "S1", None, None, 7, None, 1, box),
        Record("LAP", "S2", None, None, 7, None, 1, box),
        Record("MILK", None, "L1", None, 7, None, 3, plate),
        Record("LAP", "S3", None, None, 7, None, 1, None),
    ]
    facts.items = {"LAP": ItemKeys(GTIN, "EA"), "MILK": ItemKeys(None, "litre")}
    facts.locations = {7: ("A1", None)}
    row = OutboxRow(9, "document.posted", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "SH-1", None, {})
    (event,) = Translator(facts, Uris("https://acme.example/id/")).events(row)
    assert event["epcList"] == [
        f"{DL}/01/{GTIN}/21/S1",
        f"{DL}/01/{GTIN}/21/S2",
        f"{DL}/01/{GTIN}/21/S3",
        f"{DL}/00/{box[0]}",
        "https://acme.example/id/plate/LP-1",
    ]
    # "litre" is no UN/ECE Rec 20 code (LTR is): the quantity is left without a unit
    assert event["quantityList"] == [
        {"epcClass": "https://acme.example/id/item/MILK/lot/L1", "quantity": 3}
    ]
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-12-01T00:00:00.000Z",
        "epcisBody": {"eventList": [event]},
    }
    check(document)


def test_odd_serials_and_an_http_base_hash_as_the_reference_does(site: Tracking) -> None:
    """Serials GS1 allows but a URI must escape, ones too long for AI 21, numeric lots."""
    site.update_settings(
        {"epcis_private_base": "https://acme.example/epc/"}, actor="t", role="admin"
    )
    odd = ["A/B", "x:y(1)", "12345678901234567890X", "0042", "a~b#1", "{1}"]
    site.receive(partner="V1", item="LAP", location="A1", quantity=len(odd), serials=odd)
    site.receive(partner="V1", item="MILK", location="A2", quantity=2, lot="00123", expiry=EXPIRY)
    got = all_events(site)
    epcs = got[0]["epcList"]
    assert epcs[:2] == [f"{DL}/01/{GTIN}/21/A%2FB", f"{DL}/01/{GTIN}/21/x%3Ay%281%29"]
    assert epcs[2] == "https://acme.example/epc/item/LAP/sn/12345678901234567890X"
    assert epcs[3] == f"{DL}/01/{GTIN}/21/0042"
    assert epcs[4:] == [  # not GS1's character set 82
        "https://acme.example/epc/item/LAP/sn/a~b%231",
        "https://acme.example/epc/item/LAP/sn/%7B1%7D",
    ]


def test_a_location_gln_is_checked_and_can_be_changed(wh: Tracking) -> None:
    with pytest.raises(InvalidInput) as err:
        wh.create_location(code="B9", gln="4012345000017")  # wrong check digit
    assert err.value.field == "gln"
    assert "B9" not in {loc.code for loc in wh.locations()}
    with pytest.raises(InvalidInput) as err:
        wh.update_location("A1", gln="401234500001")  # 12 digits
    assert (err.value.field, wh.update_location("A1").gln) == ("gln", None)
    assert wh.create_location(code="B9", gln=GLN).gln == GLN
    assert wh.update_location("B9", gln=None).gln is None
    with pytest.raises(InvalidInput) as err:
        wh.update_location("B9", kind="dock")
    assert err.value.field == "kind"


@pytest.mark.parametrize("base", ["scantrack", "urn:acme", "urn:a b:", "http://x/?q="])
def test_the_private_base_must_be_a_uri_prefix(wh: Tracking, base: str) -> None:
    with pytest.raises(InvalidInput) as err:
        wh.update_settings({"epcis_private_base": base}, actor="t", role="admin")
    assert err.value.field == "epcis_private_base"
    assert wh.settings().epcis_private_base == "urn:scantrack:"


def test_a_pallet_packed_and_shipped_through_the_core(site: Tracking) -> None:
    """Real packing steps (tracking_core/packing.py) and a shipment of the whole pallet:
    aggregation events for cases and pallet, then one shipping event naming every unit and
    the cases they moved in."""
    site.receive(partner="V1", item="LAP", location="A1", quantity=3, serials=["C-1", "C-2", "C-3"])
    site.receive(partner="V1", item="MILK", location="A1", quantity=10, lot="L9")
    pallet, case1, case2 = (site.create_container(location="A1").code for _ in range(3))
    site.pack(case1, serials=[("LAP", s) for s in ("C-1", "C-2", "C-3")])
    site.pack(case2, lots=[("MILK", "L9", 10)])
    site.pack(pallet, containers=[case1, case2])
    doc = site.create_document(
        "shipment",
        partner="C1",
        lines=[LineSpec("LAP", 3, "A1"), LineSpec("MILK", 10, "A1")],
    )
    site.allocate_container(doc.number, container=pallet)
    site.post(doc.number)
    got = all_events(site)
    agg = [e for e in got if e["type"] == "AggregationEvent"]
    assert [(e["parentID"], e["action"]) for e in agg] == [
        (f"{DL}/00/{case1}", "ADD"),
        (f"{DL}/00/{case2}", "ADD"),
        (f"{DL}/00/{pallet}", "ADD"),
    ]
    assert agg[2]["childEPCs"] == [f"{DL}/00/{case1}", f"{DL}/00/{case2}"]
    (ship,) = [e for e in got if e.get("bizStep") == "shipping"]
    serials = [f"{DL}/01/{GTIN}/21/C-{i}" for i in (1, 2, 3)]
    assert ship["epcList"][:3] == serials
    # the records name each unit's own container: the cases (docs/epcis.md)
    assert set(ship["epcList"][3:]) == {f"{DL}/00/{case1}", f"{DL}/00/{case2}"}
    assert ship["quantityList"] == [
        {"epcClass": "urn:scantrack:item/MILK/lot/L9", "quantity": 10, "uom": "EA"}
    ]


def test_an_adjustment_in_commissions_mask_numbers_and_adds_found_ones(site: Tracking) -> None:
    site.receive(item="LAP", location="A1", quantity=2, doc_type="adjustment")
    site.receive(item="LAP", location="A1", quantity=1, serials=["F-1"], doc_type="adjustment")
    got = all_events(site)
    assert [shape(e) for e in got] == [
        ("ObjectEvent", "ADD", "commissioning", "active"),
        ("ObjectEvent", "ADD", "stock_taking", "sellable_accessible"),
    ]
    assert len(got[0]["epcList"]) == 2 and got[1]["epcList"] == [f"{DL}/01/{GTIN}/21/F-1"]
    assert "sourceList" not in got[1]  # no partner on an adjustment


def test_a_serial_held_and_released_by_hand(site: Tracking, clock: Clock) -> None:
    site.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["Q-1"])
    site.quarantine(item="LAP", serial="Q-1")
    clock.advance(hours=1)
    site.release_quarantine(item="LAP", serial="Q-1")
    held, released = [e for e in all_events(site) if e.get("bizStep") != "receiving"]
    assert (shape(held), shape(released)) == (
        ("ObjectEvent", "OBSERVE", "holding", "non_sellable_other"),
        ("ObjectEvent", "OBSERVE", None, "sellable_accessible"),
    )
    assert held["epcList"] == released["epcList"] == [f"{DL}/01/{GTIN}/21/Q-1"]
