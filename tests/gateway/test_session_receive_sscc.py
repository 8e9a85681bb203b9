"""Receive mode takes an SSCC of the receipt's ship notice: one scan receives the pallet
and its cases on the receipt's lines; a replay changes nothing; bad scans change nothing."""

from __future__ import annotations

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tests.gateway.test_session_pack import OPERATOR, sscc, tables
from tracking_core.core import Tracking
from tracking_core.ship_notice_values import AnnouncedContainer as Box
from tracking_core.ship_notice_values import AnnouncedContent as Has
from tracking_core.sscc import make_sscc
from tracking_core.values import LineSpec

PALLET, CASE1, CASE2 = (
    make_sscc(company_prefix="0614141", extension=5, serial_reference=r) for r in (1, 2, 3)
)


@pytest.fixture
def receipt(core: Tracking) -> str:
    core.create_location(code="DOCK")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    core.create_item(sku="MILK", tracking="lot", shelf_life_days=100)
    lines = [LineSpec("LAP", 3, "DOCK"), LineSpec("MILK", 10, "DOCK")]
    n = core.create_document("receipt", partner="V1", lines=lines).number
    core.announce_containers(
        n,
        [
            Box(
                PALLET,
                children=[
                    Box(CASE1, contents=[Has(line=1, serials=["V-1", "V-2", "V-3"])]),
                    Box(CASE2, contents=[Has(line=2, lot="LX", quantity=10)]),
                ],
            )
        ],
    )
    return n


@pytest.fixture
def hand(core: Tracking, clock: Clock) -> Hand:
    return Hand(Gateway(core, interpret, double_read_window=0, caller=OPERATOR), clock)


def test_one_scan_receives_the_pallet(core: Tracking, receipt: str, hand: Hand) -> None:
    assert hand("CMD:MODE:RECEIVE").status == "ok"
    before = tables(core)
    fb = hand(sscc(PALLET))
    assert (fb.status, fb.code) == ("error", "no_document")  # which receipt, first
    assert tables(core) == before
    assert hand(f"DOC:{receipt}").status == "ok"
    fb = hand(sscc(PALLET))
    assert (fb.status, fb.code) == ("ok", "received"), fb
    assert fb.message.endswith("2 cases, 13 units received")
    assert fb.data["containers"][0] == PALLET and fb.data["received"] == 13
    assert core.document(receipt).assigned == 13
    again = hand(sscc(CASE1))  # a case of a pallet received already
    assert again.status == "error"
    core.post(receipt)
    got = core.container(PALLET)
    assert (got.status, got.location, got.quantity) == ("in_stock", "DOCK", 13)


def test_an_sscc_not_on_the_notice_is_refused(core: Tracking, receipt: str, hand: Hand) -> None:
    hand("CMD:MODE:RECEIVE")
    hand(f"DOC:{receipt}")
    other = make_sscc(company_prefix="0614141", extension=5, serial_reference=99)
    before = tables(core)
    fb = hand(sscc(other))
    assert fb.status == "error" and fb.code == "unknown_container"
    assert tables(core) == before
