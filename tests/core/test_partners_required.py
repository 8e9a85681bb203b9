"""Recall completeness: every receipt, shipment and return names a partner of the right kind."""

from __future__ import annotations

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.stations import StationConfig, StationConfigError
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError, PartnerRequired, UnexpectedReturn, WrongPartnerKind
from tracking_core.scan import SessionState
from tracking_core.values import LineSpec

SETUP = Actor(token="setup-token", role="setup")
NEEDS = {
    "receipt": ("vendor", "V1", "C1"),
    "vendor_return": ("vendor", "V1", "C1"),
    "shipment": ("customer", "C1", "V1"),
    "customer_return": ("customer", "C1", "V1"),
}


@pytest.fixture
def site(wh: Tracking) -> Tracking:
    wh.create_partner(code="B1", name="Both ways", kind="both")
    wh.receive(item="LAP", location="A1", quantity=2, serials=["S1", "S2"], partner="V1")
    return wh


def state(core: Tracking) -> tuple[object, ...]:
    return (core.documents(), core.stock(), core.ledger())


@pytest.mark.parametrize("doc_type", sorted(NEEDS))
def test_a_document_without_its_partner_does_not_post(site: Tracking, doc_type: str) -> None:
    kind, right, wrong = NEEDS[doc_type]
    loc = "QUAR" if doc_type == "customer_return" else "A1"
    doc = site.create_document(doc_type, lines=[LineSpec("CABLE", 1, loc)])
    before = state(site)
    with pytest.raises(PartnerRequired) as e:
        site.post(doc.number)
    assert (e.value.code, e.value.kind, e.value.document) == ("partner_required", kind, doc.number)
    assert state(site) == before
    with pytest.raises(WrongPartnerKind) as w:
        site.create_document(doc_type, partner=wrong, lines=[LineSpec("CABLE", 1, loc)])
    assert (w.value.code, w.value.partner, w.value.expected) == ("wrong_partner_kind", wrong, kind)
    assert state(site) == before
    for partner in (right, "B1"):  # `both` fits either side
        ok = site.create_document(doc_type, partner=partner, lines=[LineSpec("CABLE", 1, loc)])
        assert site.post(ok.number).document == ok.number


def test_whole_document_flows_need_the_partner_too(site: Tracking) -> None:
    before = state(site)
    with pytest.raises(PartnerRequired):
        site.receive(item="LAP", location="A1", quantity=1, serials=["N1"])
    with pytest.raises(WrongPartnerKind):
        site.receive(item="LAP", location="A1", quantity=1, serials=["N1"], partner="C1")
    with pytest.raises(PartnerRequired):
        site.ship(item="LAP", location="A1", quantity=1, serials=["S1"])
    assert state(site) == before
    # transfers and adjustments name no partner
    site.ship(
        item="LAP", location="A1", quantity=1, serials=["S1"], doc_type="transfer", to_location="A2"
    )
    assert site.serial("S1").location == "A2"


def test_sites_that_do_not_track_partners_turn_it_off(site: Tracking) -> None:
    site.update_settings({"require_partners": False}, actor="ann", role="setup")
    doc = site.receive(item="LAP", location="A1", quantity=1, serials=["N2"])
    assert (doc.status, doc.partner) == ("posted", None)
    # the kind is still checked when a partner is given
    with pytest.raises(WrongPartnerKind):
        site.create_document("shipment", partner="V1")


@pytest.fixture
def hand(site: Tracking, clock: Clock) -> Hand:
    return Hand(Gateway(site, interpret, caller=SETUP), clock)


def test_an_ad_hoc_receipt_is_confirmed_only_with_its_vendor(site: Tracking, hand: Hand) -> None:
    for raw in ("CMD:MODE:RECEIVE", "LOC:DOCK", "LAP"):
        assert hand(raw).status == "ok"
    fb = hand("NEW-1")
    assert (fb.code, fb.prompt) == ("generated", "Scan the vendor")
    number = hand.gw.state(hand.device).document
    assert number is not None
    before = state(site)
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.code, fb.prompt) == ("error", "partner_required", "Scan the vendor")
    assert fb.data["error"]["kind"] == "vendor"
    fb = hand("PTN:C1")  # a customer cannot deliver a receipt
    assert (fb.status, fb.code) == ("error", "wrong_partner_kind")
    fb = hand("PTN:NOPE")
    assert (fb.status, fb.code) == ("error", "unknown_partner")
    assert state(site) == before
    assert hand("PTN:V1").code == "partner"
    assert hand("CMD:CONFIRM").code == "posted"
    info = site.document(number)
    assert (info.status, info.partner) == ("posted", "V1")
    assert site.serial("NEW-1").history[0].partner == "V1"


def test_a_partner_scanned_first_goes_on_the_next_ad_hoc_document(
    site: Tracking, hand: Hand
) -> None:
    for raw in ("CMD:MODE:PICK", "LOC:A1", "PTN:C1", "LAP", "S2"):
        assert hand(raw).status == "ok", raw
    assert hand("CMD:CONFIRM").code == "posted"
    assert site.serial("S2").history[-1].partner == "C1"
    assert hand.gw.state(hand.device).partner is None  # the next delivery names its own


def test_the_station_partner_is_the_default_when_it_fits(site: Tracking, hand: Hand) -> None:
    site.set_device_state(
        hand.device, SessionState(mode="receive", location="DOCK", station_partner="V1").to_json()
    )
    for raw in ("LAP", "NEW-2"):
        assert hand(raw).status == "ok"
    assert hand("CMD:CONFIRM").code == "posted"
    assert site.serial("NEW-2").history[0].partner == "V1"
    # a vendor station in customer-return mode still asks for the customer
    hand("CMD:MODE:CUSTOMER_RETURN")
    assert hand.gw.state(hand.device).station_partner == "V1"


def test_the_stations_file_takes_a_partner_and_checks_it() -> None:
    cfg = StationConfig.parse(
        '[stations.dock-1]\nsource = "loop://"\nmode = "receive"\npartner = "V-ACME"\n'
    )
    assert cfg.station_for("dock-1").partner == "V-ACME"  # type: ignore[union-attr]
    with pytest.raises(StationConfigError) as e:
        StationConfig.parse('[stations.d]\nsource = "loop://"\npartner = "V ACME\u202e"\n')
    assert e.value.key == "stations.d.partner"


@pytest.fixture
def shipped(site: Tracking) -> Tracking:
    site.ship(item="LAP", location="A1", quantity=1, serials=["S1"], partner="C1")
    return site


def _return(core: Tracking, partner: str) -> str:
    doc = core.create_document(
        "customer_return", partner=partner, lines=[LineSpec("LAP", 1, "QUAR")]
    )
    return doc.number


def test_a_return_from_another_customer_is_unexpected(shipped: Tracking) -> None:
    number = _return(shipped, "C2")
    a = shipped.generate_serials(number, line=1, serials=["S1"])
    assert any("never shipped to C2" in w for w in a.warnings)  # warn by default
    shipped.cancel(number)
    shipped.update_settings({"unexpected_return_policy": "refuse"}, actor="ann", role="setup")
    number = _return(shipped, "C2")
    before = (shipped.document(number, detail=True), shipped.serial("S1"))
    with pytest.raises(UnexpectedReturn) as e:
        shipped.generate_serials(number, line=1, serials=["S1"])
    assert (e.value.code, e.value.partner, e.value.shipped_to) == ("unexpected_return", "C2", "C1")
    assert (shipped.document(number, detail=True), shipped.serial("S1")) == before
    # from the customer it went to: no question
    ok = _return(shipped, "C1")
    assert shipped.generate_serials(ok, line=1, serials=["S1"]).warnings == ()
    assert shipped.post(ok).serial_records == 1


def test_a_return_named_after_its_scans_is_checked_at_posting(
    shipped: Tracking, hand: Hand
) -> None:
    shipped.update_settings({"unexpected_return_policy": "refuse"}, actor="ann", role="setup")
    for raw in ("CMD:MODE:CUSTOMER_RETURN", "LOC:QUAR", "LAP", "S1", "PTN:C2"):
        assert hand(raw).status == "ok", raw
    before = state(shipped)
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.code) == ("error", "unexpected_return")
    assert state(shipped) == before


def test_a_refused_partner_changes_nothing(site: Tracking) -> None:
    before = state(site)
    for doc_type, partner in (("receipt", "NOPE"), ("receipt", "C1"), ("shipment", "V1")):
        with pytest.raises(DomainError):
            site.create_document(doc_type, partner=partner, lines=[LineSpec("LAP", 1, "A1")])
    assert state(site) == before
