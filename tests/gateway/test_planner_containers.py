"""The planner on container scans, pure: a state and a barcode in, a step out."""

from __future__ import annotations

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session.planner import plan, plan_scan
from tracking_core.scan import (
    Inquire,
    ItemRef,
    Label,
    NewDocument,
    OpenContainer,
    Pack,
    ReceiveSscc,
    Refuse,
    SessionState,
    SetLocation,
    SetMode,
    Step,
    TakeContainer,
    VerifyContainer,
)

LAP = ItemRef("LAP", "serial")
MILK = ItemRef("MILK", "lot")
CATALOG = {"LAP": LAP, "MILK": MILK, "09506000134352": LAP, "09506000134376": MILK}
SSCC = "106141410000000019"
CASE = "106141410000000026"
GS = "\x1d"


def lookup(key: str) -> ItemRef | None:
    return CATALOG.get(key)


def step(state: SessionState, raw: str) -> Step:
    return plan(state, interpret(raw), lookup)


PACK = SessionState(mode="pack", location="A1")
OPEN = PACK.with_(container=SSCC)


@pytest.mark.parametrize(
    ("state", "raw", "want"),
    [
        (SessionState(), "CMD:PACK", SetMode("pack")),
        (PACK, "CMD:NEW", OpenContainer()),
        (PACK, f"00{SSCC}", OpenContainer(SSCC)),
        (PACK, f"]C100{SSCC}", OpenContainer(SSCC)),
        (PACK, SSCC, OpenContainer(SSCC)),  # typed without its AI
        (OPEN, f"00{CASE}", Pack(container=CASE)),  # a case into the open pallet
        (OPEN, "]C10109506000134352" + "21SN1", Pack(LAP, serial="SN1")),
        (OPEN, "]C10109506000134352" + f"10B7{GS}21SN1", Pack(LAP, serial="SN1", lot="B7")),
        (OPEN, "SN-X", Pack(serial="SN-X")),  # no item yet: the serial alone
        (OPEN.with_(item="LAP"), "SN-X", Pack(LAP, serial="SN-X")),
        (OPEN.with_(item="MILK", quantity=4), "L-1", Pack(MILK, lot="L-1", quantity=4)),
        (OPEN, f"]C10109506000134376{GS}10L-1{GS}3012", Pack(MILK, lot="L-1", quantity=12)),
        (PACK, "LOC:A2", SetLocation("A2")),
        (SessionState(mode="pick", document="SO-1"), f"00{SSCC}", TakeContainer(SSCC)),
        (SessionState(mode="transfer"), f"00{SSCC}", TakeContainer(SSCC)),
        (SessionState(mode="vendor_return"), f"00{SSCC}", TakeContainer(SSCC)),
        (SessionState(mode="ship", document="SO-1"), f"00{SSCC}", VerifyContainer(SSCC)),
        # a logistic label: the SSCC with its content's GTIN (02) and count (37)
        (
            SessionState(mode="pick"),
            f"00{SSCC}0209506000134352{GS}3712",
            TakeContainer(SSCC),
        ),
        (
            SessionState(mode="inquiry"),
            f"00{SSCC}",
            Inquire(Label("gs1", f"00{SSCC}", sscc=SSCC)),
        ),
        (SessionState(mode="inquiry"), SSCC, Inquire(Label("plain", SSCC, sscc=SSCC))),
        (SessionState(mode="receive"), "CMD:NEW", NewDocument()),
        (SessionState(mode="receive", document="RC-1"), f"00{SSCC}", ReceiveSscc(SSCC)),
    ],
)
def test_container_scans_plan_their_steps(state: SessionState, raw: str, want: Step) -> None:
    assert step(state, raw) == want


@pytest.mark.parametrize(
    ("state", "raw", "code"),
    [
        (PACK, "SN-X", "container_expected"),  # nothing open to pack into
        (OPEN, "CMD:NEW", "container_open"),
        (OPEN, "LOC:A2", "container_open"),
        (OPEN, f"00{SSCC}", "container_open"),  # the open one itself
        (PACK, "DOC:SO-1", "unexpected_document"),
        (SessionState(mode="customer_return"), f"00{SSCC}", "unexpected_sscc"),
        (SessionState(mode="count", location="A1"), f"00{SSCC}", "unexpected_sscc"),
    ],
)
def test_container_scans_that_make_no_sense_are_refused(
    state: SessionState, raw: str, code: str
) -> None:
    got = step(state, raw)
    assert isinstance(got, Refuse) and got.code == code, got


def test_an_sscc_typed_without_its_ai_carries_no_gs1_warning() -> None:
    raw = "006141410000000012"  # our own SSCCs start 00: not GS1 without the AI
    assert interpret(raw).warnings  # read as plain, with a note
    planned = plan_scan(PACK, interpret(raw), lookup)
    assert planned.step == OpenContainer(raw) and planned.warnings == ()


def test_outside_pack_and_inquiry_an_18_digit_plain_code_is_a_number() -> None:
    state = SessionState(mode="pick", document="SO-1", item="LAP")
    got = step(state, SSCC)
    assert not isinstance(got, TakeContainer | Refuse)
