"""What a scan may store: GS1 gone wrong is an error, serial and lot numbers have one
character set and length (the core's, shared with REST and the CLI), and the double-read
window never swallows a command."""

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

GTIN_LAP = "09506000134352"


@pytest.fixture
def gw(core: Tracking) -> Gateway:
    for code in ("DOCK", "A1"):
        core.create_location(code=code)
    core.create_item(sku="LAP", tracking="serial", gtins=[GTIN_LAP], serial_mask="SN%%%%")
    core.create_item(sku="MILK", tracking="lot")
    core.create_partner(code="V1", kind="vendor")
    # a supervisor's handheld: one test receives on an ad-hoc document (operators may not)
    return Gateway(core, interpret, double_read_window=1.0, caller=Actor(token="hh", role="setup"))


class Hand:
    def __init__(self, gw: Gateway, clock: Clock, profile: ScanProfile | None = None) -> None:
        self.gw, self.clock, self.profile = gw, clock, profile
        self.ids = itertools.count(1)

    def __call__(self, raw: str, *, after: float = 2) -> Feedback:
        self.clock.advance(seconds=after)
        req = ScanRequest("HH-1", f"s{next(self.ids)}", raw)
        return self.gw.scan(req, profile=self.profile)


def snapshot(core: Tracking) -> tuple[Any, ...]:
    return (
        tuple(core.stock()),
        tuple(core.ledger()),
        tuple((d.number, d.status, d.assigned) for d in core.documents()),
    )


def in_receive(core: Tracking, hand: Hand, sku: str) -> str:
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec(sku, 3, "DOCK")]).number
    hand("CMD:MODE:RECEIVE")
    hand(f"DOC:{doc}")
    hand(sku)
    return doc


# --- GS1 that does not validate --------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        f"01{GTIN_LAP}171313012112345",  # AI 17, month 13
        f"01{GTIN_LAP}172613312112345",  # the fuzzer's serial: day 31 of month 13
        f"01{GTIN_LAP}LOT",  # a GTIN, then no AI
        f"01{GTIN_LAP}10LOT7|21S1",  # a replacement separator the profile does not know
    ],
)
def test_gs1_that_fails_validation_is_an_error_and_stores_nothing(
    gw: Gateway, core: Tracking, clock: Clock, raw: str
) -> None:
    hand = Hand(gw, clock)
    doc = in_receive(core, hand, "LAP")
    before = snapshot(core)
    fb = hand(raw)
    assert (fb.status, fb.code) == ("error", "invalid_barcode")
    assert interpret(raw).kind == "invalid"
    assert snapshot(core) == before
    assert core.document(doc).assigned == 0


def test_a_scanner_that_never_sends_gs1_reads_it_as_text(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    raw = f"01{GTIN_LAP}171313012112345"
    hand = Hand(gw, clock, ScanProfile(gs1="never"))
    in_receive(core, hand, "LAP")
    fb = hand(raw)
    assert (fb.status, fb.code) == ("warn", "generated")  # warned: it looked like GS1
    assert core.serial(raw).item == "LAP"


def test_gs1_always_reads_a_lone_serial_without_asking(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock, ScanProfile(gs1="always"))
    in_receive(core, hand, "LAP")
    assert hand("21SN3").code == "generated"
    assert core.serial("SN3").item == "LAP"


# --- the character set and length of serial and lot numbers ---------------------------

BAD_NUMBERS = [
    ("SN\uff11\uff12", 2, "\uff11"),  # fullwidth digits
    ("https://example.com/order/12345", 0, None),  # a URL
    ("SN 12", 2, " "),  # a space
    ("X" * 65, 64, None),  # over the length limit
    ("\u00c4\u00d6\u00dc-Teil", 0, "\u00c4"),  # non-ASCII letters
]


@pytest.mark.parametrize(("raw", "position", "character"), BAD_NUMBERS)
def test_a_scanned_serial_outside_the_charset_is_refused(
    gw: Gateway, core: Tracking, clock: Clock, raw: str, position: int, character: str | None
) -> None:
    hand = Hand(gw, clock)
    doc = in_receive(core, hand, "LAP")
    before = snapshot(core)
    fb = hand(raw)
    assert (fb.status, fb.code) == ("error", "invalid_serial")
    err = fb.data["error"]
    assert (err["value"], err["position"], err["character"]) == (raw, position, character)
    assert snapshot(core) == before
    assert core.document(doc).assigned == 0


@pytest.mark.parametrize(("raw", "position", "character"), BAD_NUMBERS)
def test_a_scanned_lot_outside_the_charset_is_refused(
    gw: Gateway, core: Tracking, clock: Clock, raw: str, position: int, character: str | None
) -> None:
    hand = Hand(gw, clock)
    in_receive(core, hand, "MILK")
    before = snapshot(core)
    fb = hand(raw)
    assert (fb.status, fb.code, fb.data["error"]["position"]) == ("error", "invalid_lot", position)
    assert snapshot(core) == before


def test_an_ad_hoc_receipt_refused_for_its_serial_leaves_no_document(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock)
    hand("CMD:MODE:RECEIVE")
    hand("LOC:DOCK")
    hand("LAP")
    before = snapshot(core)
    assert hand("SN\uff11").code == "invalid_serial"
    assert snapshot(core) == before


def test_rest_and_core_share_the_rule(core: Tracking) -> None:
    core.create_location(code="DOCK")
    core.create_item(sku="LAP", tracking="serial")
    core.create_partner(code="V1", kind="vendor")
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 1, "DOCK")]).number
    for raw, position, _ in BAD_NUMBERS:
        with pytest.raises(DomainError) as e:
            core.generate_serials(doc, line=1, serials=[raw])
        assert (e.value.code, e.value.details()["position"]) == ("invalid_serial", position)
    assert core.document(doc).assigned == 0


def test_a_gs1_lot_with_a_bad_character_never_reaches_the_ledger(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock)
    in_receive(core, hand, "LAP")
    before = snapshot(core)
    # with an identifier a GS1 lot is in GS1's own character set; a space is not in it
    assert hand(f"]C101{GTIN_LAP}10A B\x1d21S1").code == "invalid_barcode"
    assert snapshot(core) == before


# --- the double-read window and commands ---------------------------------------------


def test_two_undos_within_the_window_undo_two_steps(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock)
    doc = in_receive(core, hand, "LAP")
    hand("S1")
    hand("S2")
    assert core.document(doc).assigned == 2
    first = hand("CMD:UNDO")
    second = hand("CMD:UNDO", after=0.2)  # well inside the one-second window
    assert (first.code, second.code) == ("undone", "undone")
    assert (first.message, second.message) == ("Undone: LAP serial S2", "Undone: LAP serial S1")
    assert core.document(doc).assigned == 0


def test_button_commands_are_never_double_reads(gw: Gateway, core: Tracking, clock: Clock) -> None:
    hand = Hand(gw, clock)
    doc = in_receive(core, hand, "LAP")
    hand("S1")
    hand("S2")
    clock.advance(seconds=0.1)
    assert gw.command("HH-1", "u1", "undo").code == "undone"
    clock.advance(seconds=0.1)
    assert gw.command("HH-1", "u2", "undo").code == "undone"
    assert core.document(doc).assigned == 0


def test_a_serial_scanned_again_after_an_undo_is_not_a_double_read(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock)
    doc = in_receive(core, hand, "LAP")
    hand("S1")
    assert hand("CMD:UNDO", after=0.2).code == "undone"
    assert hand("S1", after=0.2).code == "generated"
    assert core.document(doc).assigned == 1


def test_own_labels_and_numbers_stay_in_the_window(
    gw: Gateway, core: Tracking, clock: Clock
) -> None:
    hand = Hand(gw, clock)
    in_receive(core, hand, "LAP")
    assert hand("LOC:A1").code == "location"
    assert hand("LOC:A1", after=0.2).code == "duplicate_read"
    assert hand("S1").code == "generated"
    assert hand("S1", after=0.2).code == "duplicate_read"
