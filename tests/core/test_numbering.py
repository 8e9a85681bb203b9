"""Numbering through the core: previews, SSCCs, counters shared by a mask."""

from __future__ import annotations

import pytest
from biip.sscc import Sscc

from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.errors import DomainError, MaskCollision
from tracking_core.values import LineSpec


def test_preview_does_not_use_numbers(wh: Tracking) -> None:
    assert wh.preview_mask("SN-{YY}-#####", count=2) == ["SN-26-00001", "SN-26-00002"]
    n = wh.create_document("receipt", lines=[LineSpec("LAP", 1, "A1")], partner="V1").number
    wh.generate_serials(n, line=1, count=1)
    assert wh.preview_mask("SN-{YY}-#####", count=2) == ["SN-26-00002", "SN-26-00003"]


def test_daily_counter_restarts(wh: Tracking, clock: Clock) -> None:
    a = wh.receive(item="MILK", location="A1", quantity=1, partner="V1")
    b = wh.receive(item="MILK", location="A1", quantity=1, partner="V1")
    clock.advance(days=1)
    c = wh.receive(item="MILK", location="A1", quantity=1, partner="V1")
    lots = [d.number for d in (a, b, c)]
    assert [wh.document(n, detail=True).lines[0].lots[0][0] for n in lots] == [
        "L261124-01",
        "L261124-02",
        "L261125-01",
    ]


def test_ssccs_are_valid_and_never_repeat(wh: Tracking) -> None:
    wh.update_settings(
        {"sscc_company_prefix": "0614141", "sscc_extension": 3}, actor="t", role="setup"
    )
    first = wh.generate_ssccs(2)
    second = wh.generate_ssccs(1)
    assert first == ["306141410000000013", "306141410000000020"]
    assert second == ["306141410000000037"]
    for s in first + second:
        assert Sscc.parse(s).extension_digit == 3
    with pytest.raises(DomainError) as e:
        wh.generate_ssccs(0)
    assert e.value.code == "invalid_quantity"


def test_items_sharing_a_mask_share_its_counter(wh: Tracking) -> None:
    wh.create_item(sku="LAP2", tracking="serial", serial_mask="SN-{YY}-#####")
    a = wh.receive(item="LAP", location="A1", quantity=2, partner="V1")
    b = wh.receive(item="LAP2", location="A1", quantity=2, partner="V1")
    got = [wh.document(d.number, detail=True).lines[0].serials for d in (a, b)]
    assert got == [("SN-26-00001", "SN-26-00002"), ("SN-26-00003", "SN-26-00004")]


def test_colliding_mask_is_refused_unless_duplicates_allowed(wh: Tracking) -> None:
    with pytest.raises(MaskCollision) as e:
        wh.create_item(sku="OTHER", tracking="serial", serial_mask="SN-26-%%%%%")
    assert (e.value.other_item, e.value.other_mask) == ("LAP", "SN-{YY}-#####")
    assert [i.sku for i in wh.items()] == ["CABLE", "LAP", "MILK"]
    wh.update_settings({"allow_duplicate_serials": True}, actor="t", role="setup")
    wh.create_item(sku="OTHER", tracking="serial", serial_mask="SN-26-%%%%%")


def test_bulk_generation_reports_progress(wh: Tracking) -> None:
    seen: list[tuple[int, int]] = []
    doc = wh.receive(
        item="LAP",
        location="A1",
        quantity=45_000,
        progress=lambda d, t: seen.append((d, t)),
        partner="V1",
    )
    assert seen == [(20_000, 45_000), (40_000, 45_000), (45_000, 45_000)]
    assert doc.lines[0].assigned == 45_000
    assert wh.stock(item="LAP")[0].on_hand == 45_000


def test_settings_that_would_let_masks_collide_are_refused(wh: Tracking) -> None:
    wh.update_settings({"allow_duplicate_serials": True}, actor="t", role="setup")
    wh.create_item(sku="OTHER", tracking="serial", serial_mask="SN-26-%%%%%")
    with pytest.raises(MaskCollision):
        wh.update_settings({"allow_duplicate_serials": False}, actor="t", role="setup")
    assert wh.settings().allow_duplicate_serials is True
    wh.create_item(sku="PLAIN", tracking="serial")  # uses the default mask
    with pytest.raises(MaskCollision) as e:
        wh.update_settings(
            {"allow_duplicate_serials": False, "default_serial_mask": "SN-{YY}-%%%%%"},
            actor="t",
            role="setup",
        )
    assert e.value.code == "mask_collision"
