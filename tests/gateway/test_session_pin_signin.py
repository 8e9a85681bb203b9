"""A PIN sign-in on a handheld: recorded on the ledger, renewed by scans, lapsed when idle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tracking_core.core import Actor, Tracking
from tracking_core.models import Operator, SerialTransaction
from tracking_core.values import LineSpec


@pytest.fixture
def hand(core: Tracking, clock: Clock) -> Hand:
    core.create_location(code="DOCK")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    core.create_operator(badge="0044", name="Pat", pin="1234")
    core.update_settings({"operator_idle_minutes": 5}, actor="t", role="admin")
    gw = Gateway(core, interpret, caller=Actor(token="hh", role="operator"))
    return Hand(gw, clock, device="HH-1")


def test_badge_alone_is_refused_for_an_operator_with_a_pin(hand: Hand, core: Tracking) -> None:
    fb = hand("OP:0044")
    assert (fb.status, fb.code) == ("error", "pin_required")
    assert core.device_state("HH-1").get("operator") is None


def test_scans_carry_the_operator_and_renew_until_idle(
    hand: Hand, core: Tracking, clock: Clock
) -> None:
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 3, "DOCK")])
    core.sign_in_operator("HH-1", "0044", "1234")
    assert hand("CMD:MODE:RECEIVE").status == "ok"
    assert hand(f"DOC:{doc.number}").status == "ok"
    assert hand("LAP").status == "ok"
    for serial in ("A1", "A2"):  # each scan, four minutes apart, renews the five minutes
        clock.advance(minutes=4)
        assert hand(serial).status == "ok"
    clock.advance(minutes=6)  # idle past the five minutes
    fb = hand("A3")
    assert (fb.status, fb.code) == ("error", "signin_expired")
    core.sign_in_operator("HH-1", "0044", "1234")
    assert hand("A3").status == "ok"
    assert hand("CMD:CONFIRM").status == "ok"  # posting writes the ledger

    def signed(s: object) -> set[str | None]:
        q = select(Operator.badge).join(
            SerialTransaction, SerialTransaction.operator_id == Operator.id
        )
        return set(s.execute(q).scalars())  # type: ignore[attr-defined]

    assert core.db.run(signed, readonly=True) == {"0044"}
