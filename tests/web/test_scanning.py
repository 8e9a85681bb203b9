"""Scan steps: idempotent replays, taking numbers off, conflicts with the state of stock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Api, snapshot


@pytest.fixture
def receipt(master: Api) -> Api:
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-1",
            "lines": [
                {"item": "LAP", "quantity": 5, "location": "A1"},
                {"item": "MILK", "quantity": 10, "location": "A1"},
            ],
        },
        201,
    )
    return master


@pytest.fixture
def stocked(receipt: Api) -> Api:
    """R-1 posted: SN0001..SN0005 and lot L1 (10) at A1."""
    receipt.ok("POST", "/documents/R-1/serials", {"action": "generate", "line": 1, "count": 5}, 201)
    receipt.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 2, "lot": "L1", "quantity": 10},
        201,
    )
    receipt.ok("POST", "/documents/R-1/post")
    return receipt


def shipment(api: Api, number: str, item: str, quantity: int) -> None:
    api.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "number": number,
            "lines": [{"item": item, "quantity": quantity, "location": "A1"}],
        },
        201,
    )


STEP = {"action": "generate", "line": 1, "count": 1, "device": "HH-1", "scan_id": "scan-1"}


def test_a_replayed_step_answers_the_same_json_and_changes_nothing(receipt: Api) -> None:
    first = receipt("POST", "/documents/R-1/serials", STEP)
    assert first[0] == 201 and first[1]["serials"] == ["SN0001"]
    before = (snapshot(receipt), receipt.ok("GET", "/documents/R-1"))
    assert receipt("POST", "/documents/R-1/serials", STEP) == first
    assert (snapshot(receipt), receipt.ok("GET", "/documents/R-1")) == before
    # the mask's counter did not move either: the next new scan gets the next number
    after = receipt.ok("POST", "/documents/R-1/serials", {**STEP, "scan_id": "scan-2"}, 201)
    assert after["serials"] == ["SN0002"]


def test_a_replayed_lot_step_is_idempotent_too(receipt: Api) -> None:
    body = {"action": "generate", "line": 2, "quantity": 4, "device": "HH-1", "scan_id": "s9"}
    first = receipt("POST", "/documents/R-1/lots", body)
    assert receipt("POST", "/documents/R-1/lots", body) == first
    assert receipt.ok("GET", "/documents/R-1")["lines"][1]["assigned"] == 4


def test_the_same_scan_id_with_another_payload_is_a_conflict(receipt: Api) -> None:
    receipt.ok("POST", "/documents/R-1/serials", STEP, 201)
    before = receipt.ok("GET", "/documents/R-1")
    status, data = receipt("POST", "/documents/R-1/serials", {**STEP, "count": 2})
    assert (status, data["error"]["code"], data["error"]["details"]) == (
        409,
        "idempotency_conflict",
        {"device": "HH-1", "scan_id": "scan-1"},
    )
    assert receipt.ok("GET", "/documents/R-1") == before


@pytest.mark.parametrize(
    ("extra", "field"), [({"device": "HH-1"}, "scan_id"), ({"scan_id": "x"}, "device")]
)
def test_device_and_scan_id_go_together(receipt: Api, extra: dict[str, str], field: str) -> None:
    body = {"action": "generate", "line": 1, "count": 1, **extra}
    status, data = receipt("POST", "/documents/R-1/serials", body)
    assert (status, data["error"]["code"], data["error"]["details"]["field"]) == (
        422,
        "invalid_request",
        field,
    )
    assert receipt.ok("GET", "/documents/R-1")["assigned"] == 0


def test_take_a_serial_and_a_lot_off(receipt: Api) -> None:
    api = receipt
    api.ok(
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "line": 1, "serials": ["A", "B"]},
        201,
    )
    api.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 2, "lot": "L1", "quantity": 6},
        201,
    )
    off = api.ok("DELETE", "/documents/R-1/serials/A?device=HH-1&scan_id=u1")
    assert (off["action"], off["serials"], off["assigned"]) == ("unassign", ["A"], 1)
    # a replayed DELETE answers the same and takes nothing more off
    assert api.ok("DELETE", "/documents/R-1/serials/A?device=HH-1&scan_id=u1") == off
    part = api.ok("DELETE", "/documents/R-1/lots/L1?quantity=2&item=MILK")
    assert (part["lots"], part["assigned"]) == ([["L1", 2]], 4)
    rest = api.ok("DELETE", "/documents/R-1/lots/L1")
    assert (rest["lots"], rest["assigned"]) == ([["L1", 4]], 0)
    lines = api.ok("GET", "/documents/R-1")["lines"]
    assert [(ln["serials"], ln["lots"]) for ln in lines] == [(["B"], []), ([], [])]
    assert api.error("DELETE", "/documents/R-1/serials/A") == (409, "serial_not_on_line")
    assert api.error("DELETE", "/documents/R-1/lots/L1?quantity=x") == (422, "invalid_request")


def test_a_serial_allocated_elsewhere_is_a_conflict(stocked: Api) -> None:
    shipment(stocked, "S-1", "LAP", 1)
    shipment(stocked, "S-2", "LAP", 1)
    stocked.ok(
        "POST",
        "/documents/S-1/serials",
        {"action": "allocate", "serials": ["SN0003"], "line": 1},
        201,
    )
    status, data = stocked(
        "POST", "/documents/S-2/serials", {"action": "allocate", "line": 1, "serials": ["SN0003"]}
    )
    assert (status, data["error"]["code"], data["error"]["details"]) == (
        409,
        "serial_already_allocated",
        {"item": "LAP", "serial": "SN0003", "document": "S-1"},
    )
    assert stocked.ok("GET", "/documents/S-2")["assigned"] == 0


def test_more_than_the_lot_holds_is_a_conflict(stocked: Api) -> None:
    shipment(stocked, "S-1", "MILK", 20)
    before = snapshot(stocked)
    status, data = stocked(
        "POST",
        "/documents/S-1/lots",
        {"action": "allocate", "line": 1, "lot": "L1", "quantity": 11},
    )
    assert (status, data["error"]["code"], data["error"]["details"]) == (
        409,
        "insufficient_lot_quantity",
        {"item": "MILK", "lot": "L1", "location": "A1", "requested": 11, "available": 10},
    )
    assert snapshot(stocked) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("serials", {"action": "allocate", "count": 1, "expiry": "2027-01-01"}, "expiry"),
        (
            "lots",
            {"action": "allocate", "quantity": 1, "production_date": "2026-01-01"},
            "production_date",
        ),
    ],
)
def test_generate_only_fields_are_refused_on_allocate(
    stocked: Api, path: str, body: dict[str, Any], field: str
) -> None:
    shipment(stocked, "S-1", "LAP" if path == "serials" else "MILK", 1)
    status, data = stocked("POST", f"/documents/S-1/{path}", {**body, "line": 1})
    assert (status, data["error"]["code"], data["error"]["details"]["field"]) == (
        422,
        "invalid_request",
        field,
    )
