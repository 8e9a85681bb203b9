"""Stock inquiry, the ledger, recall, quarantine and scrap through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Api
from tracking_core.core import Tracking
from tracking_core.values import Movement


@pytest.fixture
def stocked(master: Api) -> Api:
    """R-1 posted at A1: SN0001, SN0002 and lot L1 (10)."""
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-1",
            "lines": [
                {"item": "LAP", "quantity": 2, "location": "A1"},
                {"item": "MILK", "quantity": 10, "location": "A1"},
            ],
        },
        201,
    )
    master.ok("POST", "/documents/R-1/serials", {"action": "generate", "line": 1, "count": 2}, 201)
    master.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 2, "lot": "L1", "quantity": 10},
        201,
    )
    master.ok("POST", "/documents/R-1/post")
    return master


def test_stock_filters(stocked: Api) -> None:
    def rows(query: str) -> list[tuple[Any, ...]]:
        stock = stocked.ok("GET", f"/stock{query}")["stock"]
        return [(r["item"], r["location"], r["lot"], r["available"]) for r in stock]

    everything = [("LAP", "A1", None, 2), ("MILK", "A1", "L1", 10)]
    assert sorted(rows(""), key=str) == sorted(everything, key=str)
    assert rows("?item=MILK") == [("MILK", "A1", "L1", 10)]
    assert rows("?lot=L1&location=A1") == [("MILK", "A1", "L1", 10)]
    assert rows("?location=B2") == []
    assert stocked.error("GET", "/stock?item=NOPE") == (404, "unknown_item")


def test_ledger_pages_each_kind(stocked: Api) -> None:
    records = stocked.ok("GET", "/ledger")["records"]
    assert [(r["kind"], r["id"], r["serial"], r["lot"]) for r in records] == [
        ("serial", 1, "SN0001", None),
        ("serial", 2, "SN0002", None),
        ("lot", 1, None, "L1"),
    ]
    serials = stocked.ok("GET", "/ledger?kind=serial&since_id=1")["records"]
    assert [r["serial"] for r in serials] == ["SN0002"]
    assert stocked.ok("GET", "/ledger?kind=lot&since_id=1")["records"] == []
    assert [r["serial"] for r in stocked.ok("GET", "/ledger?kind=serial&limit=1")["records"]] == [
        "SN0001"
    ]


def test_the_ledger_limit_is_capped(
    stocked: Api, core: Tracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int | None] = []

    def spy(*, since_id: int = 0, limit: int | None = None) -> list[Movement]:
        asked.append(limit)
        return []

    monkeypatch.setattr(core, "ledger", spy)
    for limit in ("", "?limit=5", "?limit=10000", "?limit=2000000"):
        stocked.ok("GET", f"/ledger{limit}")
    assert asked == [1000, 5, 10000, 10000]
    assert stocked.error("GET", "/ledger?limit=0") == (422, "invalid_request")
    assert stocked.error("GET", "/ledger?since_id=-1") == (422, "invalid_request")


def test_recall_refuses_shipping_until_released(stocked: Api) -> None:
    api = stocked
    recalled = api.ok("POST", "/lots/MILK/L1/recall", {"recall_number": "R-7", "reason": "taste"})
    assert {k: recalled[k] for k in ("status", "recall_number", "recall_reason", "on_hand")} == {
        "status": "recalled",
        "recall_number": "R-7",
        "recall_reason": "taste",
        "on_hand": 10,
    }
    assert recalled["recall_date"] == "2026-11-24"
    api.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "number": "S-1",
            "lines": [{"item": "MILK", "quantity": 2, "location": "A1"}],
        },
        201,
    )
    allocate = {"action": "allocate", "line": 1, "lot": "L1", "quantity": 2}
    status, err = api("POST", "/documents/S-1/lots", allocate)
    assert (status, err["error"]["code"], err["error"]["details"]) == (
        409,
        "lot_recalled",
        {"item": "MILK", "lot": "L1", "recall_number": "R-7"},
    )
    assert api.ok("POST", "/lots/MILK/L1/release")["status"] == "available"
    assert api.ok("POST", "/documents/S-1/lots", allocate, 201)["lots"] == [["L1", 2]]


def test_quarantine_a_serial_and_a_lot(stocked: Api) -> None:
    api = stocked
    on = api.ok("POST", "/quarantine", {"item": "LAP", "serial": "SN0001", "on": True})
    assert (on["serial"], on["quarantine"], on["quarantine_until"]) == ("SN0001", True, None)
    off = api.ok("POST", "/quarantine", {"item": "LAP", "serial": "SN0001", "on": False})
    assert (off["quarantine"], off["quarantine_until"]) == (False, None)
    lot = api.ok(
        "POST", "/quarantine", {"item": "MILK", "lot": "L1", "on": True, "until": "2026-12-01"}
    )
    assert (lot["status"], lot["quarantine_until"]) == ("quarantine", "2026-12-01")
    assert api.error(
        "POST", "/quarantine", {"item": "MILK", "lot": "L1", "on": False, "until": "2026-12-01"}
    ) == (
        422,
        "invalid_request",
    )
    assert api.error("POST", "/quarantine", {"item": "MILK", "on": True}) == (422, "invalid_input")
    assert api.error("POST", "/quarantine", {"item": "MILK", "lot": "NOPE", "on": True}) == (
        404,
        "unknown_lot",
    )


def test_scrap_a_serial(stocked: Api) -> None:
    posted = stocked.ok("POST", "/serials/SN0002/scrap", {"item": "LAP", "reason": "dropped"}, 201)
    assert (posted["doc_type"], posted["serial_records"]) == ("adjustment", 1)
    assert stocked.ok("GET", "/serials/SN0002?item=LAP")["status"] == "scrapped"
    assert stocked.error("POST", "/serials/SN0002/scrap", {"item": "LAP"}) == (
        409,
        "serial_not_available",
    )
