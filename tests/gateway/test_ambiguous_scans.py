"""A plain scan that also reads as one GS1 element string (``21SN3``) is never stored
silently: the device's profile says ``ask`` (default), ``strip`` or ``keep``."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from scanner_gateway.interpret import ScanProfile, interpret
from scanner_gateway.session import Feedback, Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec


@pytest.fixture
def core_data(core: Tracking) -> Tracking:
    for code in ("DOCK", "A1"):
        core.create_location(code=code)
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    core.create_item(sku="MILK", tracking="lot", shelf_life_days=10)
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    return core


# a supervisor's handheld: some tests pick on ad-hoc documents (operators may not)
SUPERVISOR = Actor(token="hh-test", role="setup")


class Hand:
    """A handheld of one profile: a new scan id for each scan, two seconds apart."""

    def __init__(self, gw: Gateway, clock: Clock, profile: ScanProfile | None = None) -> None:
        self.gw, self.clock, self.profile = gw, clock, profile
        self.ids = itertools.count(1)
        self.last_id = ""

    def __call__(self, raw: str, *, scan_id: str | None = None, advance: float = 2) -> Feedback:
        self.clock.advance(seconds=advance)
        self.last_id = scan_id or f"s{next(self.ids)}"
        return self.gw.scan(ScanRequest("HH-1", self.last_id, raw), profile=self.profile)

    def command(self, name: str, arg: str | None = None, *, scan_id: str | None = None) -> Feedback:
        self.clock.advance(seconds=2)
        self.last_id = scan_id or f"c{next(self.ids)}"
        return self.gw.command("HH-1", self.last_id, name, arg)


def hand_for(core: Tracking, clock: Clock, ambiguous_ai: str | None = None) -> Hand:
    profile = None if ambiguous_ai is None else ScanProfile(ambiguous_ai=ambiguous_ai)  # type: ignore[arg-type]
    return Hand(Gateway(core, interpret, caller=SUPERVISOR), clock, profile)


def snapshot(core: Tracking) -> tuple[Any, ...]:
    return (
        tuple(core.stock()),
        tuple(core.ledger()),
        tuple((d.number, d.status, d.assigned) for d in core.documents()),
    )


def known_serial(core: Tracking, serial: str) -> bool:
    try:
        core.serial(serial)
    except DomainError as e:
        assert e.code == "unknown_serial"
        return False
    return True


def receive_lap(core: Tracking, hand: Hand) -> str:
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 2, "DOCK")]).number
    hand("CMD:MODE:RECEIVE")
    hand(f"DOC:{doc}")
    assert hand("LAP").code == "item"
    return doc


# --- the three profile choices, in receive and pick mode ---------------------------------


@pytest.mark.parametrize(
    ("choice", "stored"), [("strip", "SN3"), ("keep", "21SN3")], ids=["strip", "keep"]
)
def test_strip_and_keep_receive_without_asking(
    core_data: Tracking, clock: Clock, choice: str, stored: str
) -> None:
    hand = hand_for(core_data, clock, choice)
    receive_lap(core_data, hand)
    fb = hand("21SN3")
    assert (fb.status, fb.code) == ("ok", "generated")
    assert known_serial(core_data, stored)
    assert not known_serial(core_data, {"SN3": "21SN3", "21SN3": "SN3"}[stored])


@pytest.mark.parametrize(
    ("choice", "picked"), [("strip", "SY-B2"), ("keep", "10SY-B2")], ids=["strip", "keep"]
)
def test_strip_and_keep_pick_without_asking(
    core_data: Tracking, clock: Clock, choice: str, picked: str
) -> None:
    for lot in ("SY-B2", "10SY-B2"):
        core_data.receive(partner="V1", item="MILK", location="A1", quantity=5, lot=lot)
    hand = hand_for(core_data, clock, choice)
    hand("CMD:MODE:PICK")
    hand("PTN:C1")
    hand("LOC:A1")
    hand("MILK")
    fb = hand("10SY-B2")
    assert (fb.code, fb.data["assignment"]["assigned"]) == ("allocated", 1)
    assert f"MILK lot {picked} x 1 picked" in fb.message


def test_ask_is_the_default_and_stores_nothing(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock)  # the gateway's default profile
    doc = receive_lap(core_data, hand)
    before = snapshot(core_data)
    fb = hand("21SN3")
    assert (fb.status, fb.code) == ("warn", "ambiguous_scan")
    assert fb.data["scanned"] == "21SN3"
    assert [{k: r[k] for k in r if k not in ("text", "label")} for r in fb.data["readings"]] == [
        {"reading": "gs1", "serial": "SN3"},
        {"reading": "literal", "serial": "21SN3"},
    ]
    assert [r["label"] for r in fb.data["readings"]] == ["CMD:CHOOSE:GS1", "CMD:CHOOSE:LITERAL"]
    assert "SN3" in fb.message and "21SN3" in fb.message
    assert fb.prompt == "Scan CMD:CHOOSE:GS1 for serial SN3, or CMD:CHOOSE:LITERAL for serial 21SN3"
    assert snapshot(core_data) == before
    assert core_data.document(doc).assigned == 0
    assert hand.gw.state("HH-1").pending is not None  # only the question is kept


@pytest.mark.parametrize(("reading", "stored"), [("gs1", "SN3"), ("literal", "21SN3")])
def test_ask_then_choose_a_reading_in_receive(
    core_data: Tracking, clock: Clock, reading: str, stored: str
) -> None:
    hand = hand_for(core_data, clock, "ask")
    doc = receive_lap(core_data, hand)
    assert hand("21SN3").code == "ambiguous_scan"
    fb = hand(f"CMD:CHOOSE:{reading.upper()}")
    assert (fb.status, fb.code) == ("ok", "generated")
    assert fb.data["assignment"]["assigned"] == 1
    assert known_serial(core_data, stored)
    assert core_data.document(doc).assigned == 1
    assert hand.gw.state("HH-1").pending is None
    # a replay of the choice answers the same and applies nothing twice
    again = hand(f"CMD:CHOOSE:{reading.upper()}", scan_id=hand.last_id)
    assert again == fb
    assert core_data.document(doc).assigned == 1
    # a second choice (a new scan id) has no question left to answer
    late = hand(f"CMD:CHOOSE:{reading.upper()}")
    assert (late.status, late.code) == ("error", "no_question")
    assert core_data.document(doc).assigned == 1
    # and an undo takes the chosen serial back
    assert hand("CMD:UNDO").code == "undone"
    assert core_data.document(doc).assigned == 0


@pytest.mark.parametrize(("reading", "picked"), [("gs1", "SY-B2"), ("literal", "10SY-B2")])
def test_ask_then_choose_a_reading_in_pick_by_command(
    core_data: Tracking, clock: Clock, reading: str, picked: str
) -> None:
    for lot in ("SY-B2", "10SY-B2"):
        core_data.receive(partner="V1", item="MILK", location="A1", quantity=5, lot=lot)
    hand = hand_for(core_data, clock, "ask")
    hand("CMD:MODE:PICK")
    hand("PTN:C1")
    hand("LOC:A1")
    hand("MILK")
    before = snapshot(core_data)
    fb = hand("10SY-B2")
    assert (fb.status, fb.code) == ("warn", "ambiguous_scan")
    assert [r["reading"] for r in fb.data["readings"]] == ["gs1", "literal"]
    assert (fb.data["readings"][0]["lot"], fb.data["readings"][1]["lot"]) == ("SY-B2", "10SY-B2")
    assert snapshot(core_data) == before
    assert not [d for d in core_data.documents() if d.doc_type == "shipment"]
    fb = hand.command("choose", reading)  # a handheld's button: Gateway.command
    assert fb.code == "allocated"
    assert f"MILK lot {picked} x 1 picked" in fb.message
    replay = hand.gw.command("HH-1", hand.last_id, "choose", reading)
    assert replay == fb
    [doc] = [d for d in core_data.documents() if d.doc_type == "shipment"]
    assert core_data.document(doc.number).assigned == 1


def test_another_scan_drops_the_question(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock, "ask")
    doc = receive_lap(core_data, hand)
    assert hand("21SN3").code == "ambiguous_scan"
    fb = hand("SER-1")
    assert (fb.status, fb.code) == ("warn", "generated")
    assert fb.data["dropped_question"] == "21SN3"
    assert "dropped" in fb.message
    assert known_serial(core_data, "SER-1")
    assert not known_serial(core_data, "SN3") and not known_serial(core_data, "21SN3")
    late = hand("CMD:CHOOSE:GS1")
    assert (late.status, late.code) == ("error", "no_question")
    assert core_data.document(doc).assigned == 1


def test_a_refused_scan_drops_the_question_too(core_data: Tracking, clock: Clock) -> None:
    core_data.receive(partner="V1", item="LAP", location="A1", quantity=1, serials=["X1"])
    hand = hand_for(core_data, clock, "ask")
    doc = receive_lap(core_data, hand)
    assert hand("21SN3").code == "ambiguous_scan"
    before = snapshot(core_data)
    fb = hand("X1")  # a serial already in stock: refused by the core
    assert (fb.status, fb.code, fb.data["dropped_question"]) == ("error", "serial_exists", "21SN3")
    replay = hand("X1", scan_id=hand.last_id)
    assert replay == fb
    assert snapshot(core_data) == before
    assert hand("CMD:CHOOSE:LITERAL").code == "no_question"
    assert core_data.document(doc).assigned == 0


def test_a_command_drops_the_question(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock, "ask")
    receive_lap(core_data, hand)
    assert hand("21SN3").code == "ambiguous_scan"
    fb = hand("CMD:QTY:2")
    assert (fb.status, fb.code, fb.data["dropped_question"]) == ("warn", "quantity", "21SN3")
    assert hand.gw.state("HH-1").pending is None


def test_an_item_code_or_inquiry_is_not_asked(core_data: Tracking, clock: Clock) -> None:
    core_data.create_item(sku="21SN9", tracking="none")
    hand = hand_for(core_data, clock, "ask")
    receive_lap(core_data, hand)
    assert hand("21SN9").code == "item"  # an item's code: nothing to store, nothing to ask
    hand("CMD:MODE:INQUIRY")
    assert hand("21SN3").code != "ambiguous_scan"


def test_a_date_reading_is_asked_too(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock, "ask")
    receive_lap(core_data, hand)
    fb = hand("17261231")
    assert fb.code == "ambiguous_scan"
    assert fb.data["readings"][0]["expiry"] == "2026-12-31"
    assert fb.data["readings"][1]["serial"] == "17261231"


def test_choose_needs_a_reading(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock, "ask")
    receive_lap(core_data, hand)
    hand("21SN3")
    fb = hand.command("choose", "maybe")
    assert (fb.status, fb.code) == ("error", "unknown_reading")
    assert hand.gw.state("HH-1").pending is not None  # a bad answer is no answer
    assert hand("CMD:CHOOSE:GS1").code == "generated"
    hand("21SN4")
    fb = hand("CMD:CHOOSE:MAYBE")  # an unreadable label is another scan: it drops it
    assert (fb.code, fb.data["dropped_question"]) == ("invalid_barcode", "21SN4")


# --- a station's profile ----------------------------------------------------------------


def test_a_station_sets_its_scanners_choice(core_data: Tracking, clock: Clock) -> None:
    import datetime as dt

    from scanner_gateway.headless import StationGateway
    from scanner_gateway.sources.raw_scan import RawScan
    from scanner_gateway.stations import StationConfig

    cfg = StationConfig.parse(
        """
        [defaults]
        mode = "receive"
        location = "DOCK"
        partner = "V1"
        [stations.dock-1]
        source = "loop://"
        ambiguous_ai = "strip"
        [stations.dock-2]
        source = "loop://"
        """
    )
    sink = StationGateway(Gateway(core_data, interpret, caller=SUPERVISOR), cfg)
    answers = []

    class Keep:
        def publish(self, device: str, scan: RawScan, feedback: Feedback) -> None:
            answers.append((device, feedback.code))

    sink.feedback = Keep()
    for i, (device, raw) in enumerate(
        [("dock-1", "LAP"), ("dock-1", "21SN3"), ("dock-2", "LAP"), ("dock-2", "21SN4")]
    ):
        clock.advance(seconds=2)
        sink(RawScan(raw, device, f"r{i}", None, dt.datetime(2026, 1, 1)))
    assert answers == [
        ("dock-1", "item"),
        ("dock-1", "generated"),  # strip: serial SN3
        ("dock-2", "item"),
        ("dock-2", "ambiguous_scan"),  # the default: ask
    ]
    assert known_serial(core_data, "SN3")
    assert not known_serial(core_data, "SN4") and not known_serial(core_data, "21SN4")


@pytest.mark.parametrize(
    ("table", "key", "reason"),
    [
        ('ambiguous_ai = "maybe"', "stations.d.ambiguous_ai", "expected one of ask, strip, keep"),
        ('gs1 = "sometimes"', "stations.d.gs1", "expected one of auto, never, always"),
        ("ambiguous_ai = 1", "stations.d.ambiguous_ai", "expected a non-empty string"),
    ],
)
def test_a_bad_profile_key_in_the_station_file_is_named(table: str, key: str, reason: str) -> None:
    from scanner_gateway.stations import StationConfig, StationConfigError

    with pytest.raises(StationConfigError) as e:
        StationConfig.parse(f'[stations.d]\nsource = "loop://"\n{table}\n', path="s.toml")
    assert (e.value.path, e.value.key) == ("s.toml", key)
    assert e.value.reason.startswith(reason)


def test_the_same_label_again_asks_again(core_data: Tracking, clock: Clock) -> None:
    hand = hand_for(core_data, clock, "ask")
    receive_lap(core_data, hand)
    assert hand("21SN3").code == "ambiguous_scan"
    dup = hand("21SN3", advance=0.2)  # a double read: counted once, the question stays
    assert dup.code == "duplicate_read"
    again = hand("21SN3")  # later: the same question, nothing dropped
    assert (again.code, "dropped_question" in again.data) == ("ambiguous_scan", False)
    other = hand("21SN4")  # another ambiguous label replaces the question, and says so
    assert (other.code, other.data["dropped_question"]) == ("ambiguous_scan", "21SN3")
    assert hand("CMD:CHOOSE:GS1").code == "generated"
    assert known_serial(core_data, "SN4") and not known_serial(core_data, "SN3")
