"""Containers on the handheld, end to end through ``Tracking.scan``: pack mode (open or
make an SSCC, pack serials, lots and cases, confirm with a label, undo), SSCCs allocated
whole in the outbound modes, checked in ship mode, and shown in inquiry; bad scans are
refused and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tracking_core.core import Actor, Tracking
from tracking_core.values import LineSpec

SUPERVISOR = Actor(token="hh-test", role="setup")
OPERATOR = Actor(token="hh-op", role="operator")
GS = "\x1d"
GTIN_LAP = "09506000134352"
GTIN_MILK = "09506000134376"
ROLL = "106141410000000019"  # a pre-printed SSCC label (check digit 9)


def sscc(code: str) -> str:
    """An SSCC label as a scanner without symbology identifiers sends it: AI 00 + code."""
    return f"00{code}"


@pytest.fixture
def gw(core: Tracking) -> Gateway:
    for code in ("A1", "A2"):
        core.create_location(code=code)
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", gtins=[GTIN_LAP], serial_mask="SN%%%%")
    core.create_item(sku="MILK", tracking="lot", gtins=[GTIN_MILK], shelf_life_days=100)
    core.receive(item="LAP", location="A1", quantity=4, serials=["P1", "P2", "P3", "P4"],
                 partner="V1")  # fmt: skip
    core.receive(item="MILK", location="A1", quantity=30, lot="LM", partner="V1")
    core.receive(item="LAP", location="A2", quantity=1, serials=["FAR"], partner="V1")
    return Gateway(core, interpret, double_read_window=1.0, caller=OPERATOR)


@pytest.fixture
def hand(gw: Gateway, clock: Clock) -> Hand:
    return Hand(gw, clock)


def tables(core: Tracking) -> dict[str, object]:
    """What a refused scan must leave as it was (the device's session apart)."""
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
                "label_jobs",
                "event_outbox",
                "documents",
                "document_lines",
            )
        }


def test_pack_two_serials_into_a_new_sscc_and_confirm(hand: Hand, core: Tracking) -> None:
    assert hand("CMD:PACK").code == "mode"
    assert hand("LOC:A1").prompt == "Scan an SSCC, or CMD:NEW for a new one at A1"
    fb = hand("CMD:NEW")
    assert (fb.status, fb.code) == ("ok", "container_opened")
    code = fb.data["container"]["code"]
    name = f"…{code[-4:]}"
    assert core.container(code).status == "in_stock" and core.container(code).empty
    assert fb.data["label_job"] in [j.id for j in core.outbox.jobs()]  # its label, empty
    assert fb.prompt == f"Scan serials, lots or cases for {name}, then confirm"
    fb = hand(f"]C101{GTIN_LAP}21P1")  # a unit's GS1 label
    assert (fb.status, fb.message) == ("ok", f"Packed LAP serial P1 into {name} (1 item)")
    fb = hand("P2")  # a plain serial: of the item scanned last
    assert fb.message == f"Packed LAP serial P2 into {name} (2 items)"
    assert fb.data["container"] == {
        "code": code,
        "name": name,
        "location": "A1",
        "items": 2,
        "serials": 2,
        "lot_units": 0,
        "cases": 0,
    }
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.code) == ("ok", "container_closed")
    assert fb.message == f"Case {name} closed: 2 units (LAP x 2); label queued"
    job = next(j for j in core.outbox.jobs() if j.id == fb.data["label_job"])
    assert job.kind == "sscc" and job.payload["ssccs"] == [code]
    assert [c["serial"] for c in job.payload["container"]["contents"]] == ["P1", "P2"]
    assert fb.data["totals"] == [{"item": "LAP", "lot": None, "quantity": 2, "expiry": None}]
    assert gw_state(hand).container is None
    info = core.container(code)
    assert [c.serial for c in info.contents] == ["P1", "P2"]
    # after confirm nothing is open: a serial is refused, nothing changes
    before = tables(core)
    fb = hand("P3")
    assert (fb.status, fb.code) == ("error", "container_expected")
    assert tables(core) == before


def gw_state(hand: Hand):  # type: ignore[no-untyped-def]
    return hand.gw.state(hand.device)


def test_a_pre_printed_label_lots_cases_and_undo(hand: Hand, core: Tracking) -> None:
    hand("CMD:PACK")
    hand("LOC:A1")
    fb = hand(sscc(ROLL))  # a new SSCC from the roll: made, no label (it has one)
    assert (fb.code, "label_job" in fb.data) == ("container_opened", False)
    assert fb.message == "New container …0019 at A1 (from its label): scan what goes in"
    hand(f"]C101{GTIN_MILK}10LM{GS}3012")  # a lot label with its count (AI 30)
    hand("CMD:QTY:3")
    fb = hand("LM")  # the current item's lot, with the pending quantity
    assert fb.message == "Packed MILK lot LM x 3 into …0019 (15 items)"
    fb = hand("CMD:CONFIRM")
    assert fb.message == "Case …0019 closed: 15 units (MILK lot LM x 15); label queued"
    # a pallet: a new SSCC, the case scanned into it, undone and packed again
    pallet = hand("CMD:NEW").data["container"]["code"]
    fb = hand(sscc(ROLL))
    assert fb.message == f"Packed case …0019 into …{pallet[-4:]} (1 item)"
    assert core.container(ROLL).parent == pallet
    fb = hand("CMD:UNDO")
    assert (fb.code, fb.message) == ("undone", f"Undone: case …0019 out of …{pallet[-4:]}")
    assert core.container(ROLL).parent is None
    assert hand(sscc(ROLL)).code == "packed"
    fb = hand("CMD:CONFIRM")
    assert fb.message.startswith(f"Pallet …{pallet[-4:]} closed: 1 case, 15 units")
    # the packing steps are the core's, with their reversal
    actions = [(r.action, r.reverses is not None) for r in core.pack_records(pallet)]
    assert actions == [("pack", False), ("unpack", True), ("pack", False)]


def test_a_replayed_pack_scan_packs_once(gw: Gateway, hand: Hand, core: Tracking) -> None:
    from scanner_gateway.session.gateway import ScanRequest

    hand("CMD:PACK")
    hand("LOC:A1")
    code = hand("CMD:NEW").data["container"]["code"]
    hand("LAP")
    first = gw.scan(ScanRequest("HH-1", "pack-1", "P1"))
    again = gw.scan(ScanRequest("HH-1", "pack-1", "P1"))
    assert first == again and first.code == "packed"
    assert len(core.pack_records(code)) == 1


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("106141410000000018", "invalid_container_code"),  # typed, a bad check digit
        ("00106141410000000018", "invalid_container_code"),  # AI 00, a bad check digit
        ("P9", "unknown_serial"),
        ("FAR", "not_packable"),  # at A2, the container at A1
    ],
)
def test_bad_pack_scans_change_nothing(hand: Hand, core: Tracking, raw: str, code: str) -> None:
    hand("CMD:PACK")
    hand("LOC:A1")
    if code != "invalid_container_code":
        hand("CMD:NEW")
    before = tables(core)
    fb = hand(raw)
    assert (fb.status, fb.code) == ("error", code), fb
    assert tables(core) == before


def test_packed_elsewhere_held_shipped_and_cycles_are_refused(
    gw: Gateway, hand: Hand, core: Tracking
) -> None:
    case = core.create_container(location="A1")
    core.pack(case.code, serials=[("LAP", "P1")])
    pallet = core.create_container(location="A1")
    core.pack(pallet.code, containers=[case.code])
    held = core.create_container(location="A1")
    core.pack(held.code, serials=[("LAP", "P2")])
    doc = core.create_document("shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    core.allocate_container(doc.number, container=held.code)
    hand("CMD:PACK")
    hand("LOC:A1")
    before = tables(core)
    fb = hand(sscc(held.code))  # held by a shipment: not opened
    assert (fb.code, fb.data["error"]["status"]) == (
        "container_not_available",
        f"allocated on {doc.number}",
    )
    hand(sscc(case.code))  # the case inside the pallet: open
    fb = hand(sscc(pallet.code))  # the pallet into its own case
    assert (fb.code, fb.data["error"]) == (
        "container_cycle",
        {"container": pallet.code, "into": case.code},
    )
    fb = hand("P1")  # already in it
    assert fb.code == "already_packed"
    assert tables(core) == before
    # shipped: its SSCC opens nothing
    core.post(doc.number)
    assert core.container(held.code).status == "shipped"
    hand("CMD:CANCEL")
    hand("CMD:PACK")
    hand("LOC:A1")
    fb = hand(sscc(held.code))
    assert (fb.code, fb.data["error"]["status"]) == ("container_not_available", "shipped")


def test_pack_mode_refuses_what_does_not_fit(hand: Hand, core: Tracking) -> None:
    hand("CMD:PACK")
    fb = hand("CMD:NEW")  # no location yet
    assert (fb.code, fb.data["error"]["field"]) == ("invalid_input", "location")
    hand("LOC:A1")
    code = hand("CMD:NEW").data["container"]["code"]
    assert hand("LOC:A2").code == "container_open"
    assert hand("CMD:NEW").code == "container_open"
    assert hand(sscc(code)).code == "container_open"  # the open one itself
    fb = hand("CMD:CONFIRM")  # empty
    assert (fb.code, fb.data["error"]["field"]) == ("invalid_input", "container")
    assert hand("CMD:UNDO").data["error"]["field"] == "undo"  # nothing packed yet
    assert hand("DOC:SO-1").code == "unexpected_document"


def test_operators_open_an_existing_container_where_it_is(hand: Hand, core: Tracking) -> None:
    box = core.create_container(location="A2")
    hand("CMD:PACK")
    fb = hand(sscc(box.code))  # no location yet: the container's
    assert (fb.code, fb.message) == (
        "container_opened",
        f"Container …{box.code[-4:]} open at A2: 0 items",
    )
    assert gw_state(hand).location == "A2"
    assert hand("FAR").code == "packed"  # a serial by itself: its item found by the core
    # the screen shows the open container
    screen = hand.gw.screen(hand.device)
    assert screen["container"]["items"] == 1 and screen["container"]["code"] == box.code


# --- SSCCs in the outbound modes, ship-check and inquiry ---------------------------------


@pytest.fixture
def packed(core: Tracking) -> tuple[str, str]:
    """A pallet at A1: a case of 2 laptops and a case of 10 milk."""
    c1 = core.create_container(location="A1")
    core.pack(c1.code, serials=[("LAP", "P1"), ("LAP", "P2")])
    c2 = core.create_container(location="A1")
    core.pack(c2.code, lots=[("MILK", "LM", 10)])
    pallet = core.create_container(location="A1")
    core.pack(pallet.code, containers=[c1.code, c2.code])
    return pallet.code, c1.code


def test_pick_a_pallet_whole_then_ship_check_it(
    hand: Hand, core: Tracking, packed: tuple[str, str]
) -> None:
    pallet, case = packed
    doc = core.create_document(
        "shipment", partner="C1", lines=[LineSpec("LAP", 2, "A1"), LineSpec("MILK", 10, "A1")]
    )
    hand("CMD:PICK")
    hand(f"DOC:{doc.number}")
    fb = hand(sscc(pallet))
    assert (fb.status, fb.code) == ("ok", "allocated")
    assert fb.message == f"Pallet …{pallet[-4:]}: 2 cases, 12 units allocated"
    assert fb.data["allocated"] == 12 and fb.data["progress"]["open"] == 0
    assert core.container(pallet).status == "allocated"
    # undo takes it off; scanned again it goes back on
    assert hand("CMD:UNDO").message == f"Undone: …{pallet[-4:]} taken off {doc.number}"
    assert core.container(pallet).status == "in_stock"
    assert hand(sscc(pallet)).code == "allocated"
    hand("CMD:SHIP")
    hand(f"DOC:{doc.number}")
    fb = hand(f"]C100{case}")
    assert (fb.code, fb.message) == (
        "verified",
        f"Case …{case[-4:]}: 2 units on {doc.number}: all verified",
    )
    other = core.create_container(location="A1")
    core.pack(other.code, serials=[("LAP", "P3")])
    fb = hand(sscc(other.code))
    assert (fb.code, fb.data["error"]["reason"]) == (
        "container_not_available",
        f"it is not on {doc.number}",
    )


def test_a_pallet_with_a_recalled_lot_is_refused_whole(
    hand: Hand, core: Tracking, packed: tuple[str, str]
) -> None:
    pallet, _case = packed
    core.recall_lot(item="MILK", lot="LM", recall_number="R-1")
    doc = core.create_document(
        "shipment", partner="C1", lines=[LineSpec("LAP", 2, "A1"), LineSpec("MILK", 10, "A1")]
    )
    hand("CMD:PICK")
    hand(f"DOC:{doc.number}")
    before = tables(core)
    fb = hand(sscc(pallet))
    assert (fb.status, fb.code) == ("error", "container_content_refused")
    assert fb.data["error"]["cause"] == "lot_recalled"
    assert tables(core) == before
    assert core.document(doc.number).lines[0].assigned == 0


def test_an_sscc_without_a_document_and_in_receive_mode(
    hand: Hand, core: Tracking, packed: tuple[str, str]
) -> None:
    pallet, _ = packed
    hand("CMD:PICK")
    hand("LOC:A1")
    before = tables(core)
    fb = hand(sscc(pallet))  # it would make an ad-hoc shipment: not with a badge's rights
    assert (fb.code, fb.data["error"]["role"]) == ("permission_denied", "operator")
    assert tables(core) == before
    hand("CMD:RECEIVE")
    # receiving by SSCC needs the receipt that announces it (test_session_receive_sscc.py)
    assert hand(sscc(pallet)).code == "no_document"
    assert tables(core) == before


def test_an_ad_hoc_pick_grows_a_line_per_item_of_the_pallet(
    gw: Gateway, core: Tracking, clock: Clock, packed: tuple[str, str]
) -> None:
    pallet, _ = packed
    hand = Hand(Gateway(core, interpret, caller=SUPERVISOR), clock)  # may make documents
    core.receive(item="LAP", location="A1", quantity=1, serials=["LOOSE"], partner="V1")
    for raw in ("CMD:PICK", "LOC:A1", "PTN:C1", "LAP"):
        hand(raw)
    assert hand("LOOSE").code == "allocated"  # an ad-hoc shipment, one line of LAP
    fb = hand(sscc(pallet))
    assert (fb.status, fb.message) == ("ok", f"Pallet …{pallet[-4:]}: 2 cases, 12 units allocated")
    number = gw_state(hand).document
    lines = [(ln.item, ln.quantity, ln.assigned) for ln in core.document(number).lines]
    assert lines == [("LAP", 3, 3), ("MILK", 10, 10)]
    fb = hand("CMD:UNDO")  # off again, and the lines shrink back
    assert fb.code == "undone"
    lines = [(ln.item, ln.quantity, ln.assigned) for ln in core.document(number).lines]
    assert lines == [("LAP", 1, 1), ("MILK", 10, 0)]
    assert hand(sscc(pallet)).code == "allocated"
    assert hand("CMD:CONFIRM").code == "posted"
    assert core.container(pallet).status == "shipped"
    # an empty case on a new ad-hoc shipment: refused, no document made
    empty = core.create_container(location="A1")
    before = tables(core)
    fb = hand(sscc(empty.code))
    assert (fb.code, fb.data["error"]["status"]) == ("container_not_available", "empty")
    assert tables(core) == before and gw_state(hand).document is None


def test_inquiry_on_an_sscc_shows_its_tree_summary(
    hand: Hand, core: Tracking, packed: tuple[str, str]
) -> None:
    pallet, case = packed
    hand("CMD:INQUIRY")
    fb = hand(sscc(pallet))
    assert (fb.code, fb.message) == (
        "container",
        f"Container …{pallet[-4:]}: in_stock at A1, 2 cases, 12 units",
    )
    box = fb.data["container"]
    assert (box["status"], box["location"], box["document"], box["parent"]) == (
        "in_stock",
        "A1",
        None,
        None,
    )
    assert sorted(box["cases"]) == sorted(c.code for c in core.container(pallet).children)
    assert [(t["item"], t["lot"], t["quantity"]) for t in box["totals"]] == [
        ("LAP", None, 2),
        ("MILK", "LM", 10),
    ]
    fb = hand(case)  # typed without its AI: the case, inside the pallet
    assert fb.data["container"]["parent"] == pallet
    assert fb.message.endswith(f"in …{pallet[-4:]}")
    assert hand(sscc("106141419999999991")).code == "unknown_container"


def test_a_units_label_lot_must_be_its_own(hand: Hand, core: Tracking) -> None:
    core.receive(item="LAP", location="A1", quantity=1, serials=["B1-1"], lot="B1", partner="V1")
    hand("CMD:PACK")
    hand("LOC:A1")
    code = hand("CMD:NEW").data["container"]["code"]
    before = tables(core)
    fb = hand(f"]C101{GTIN_LAP}10B2{GS}21B1-1")  # the label says lot B2
    assert (fb.code, fb.data["error"]["lot"], fb.data["error"]["label_lot"]) == (
        "serial_lot_mismatch",
        "B1",
        "B2",
    )
    assert tables(core) == before
    assert hand(f"]C101{GTIN_LAP}10B1{GS}21B1-1").code == "packed"
    assert [c.serial for c in core.container(code).contents] == ["B1-1"]
