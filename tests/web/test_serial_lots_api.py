"""REST: serials generated with a lot keep it; allocation, recall and trace follow the lot."""

from __future__ import annotations

import pytest

from tests.web.conftest import Api, snapshot
from tracking_core.core import Tracking
from web_mobile.api.openapi import SCHEMAS


def document(api: Api, number: str, doc_type: str, quantity: int) -> None:
    partner = "V1" if doc_type == "receipt" else "C1"
    body = {
        "type": doc_type,
        "number": number,
        "partner": partner,
        "lines": [{"item": "LAP", "quantity": quantity, "location": "A1"}],
    }
    api.ok("POST", "/documents", body, 201)


@pytest.fixture
def lotted(master: Api) -> Api:
    """R-1 posted: P1, P2 of lot LOT42 (expiry 2027-06-30) and SN0001 of lot LOT43 at A1."""
    document(master, "R-1", "receipt", 3)
    step = {"action": "generate", "line": 1, "lot": "LOT42", "expiry": "2027-06-30"}
    master.ok("POST", "/documents/R-1/serials", {**step, "serials": ["P1", "P2"]}, 201)
    master.ok("POST", "/documents/R-1/serials", {**step, "lot": "LOT43", "count": 1}, 201)
    master.ok("POST", "/documents/R-1/post")
    return master


def test_generate_with_a_lot_keeps_it_and_the_lot_lists_its_serials(
    lotted: Api, core: Tracking
) -> None:
    assert lotted.ok("GET", "/serials/P1?item=LAP")["lot"] == "LOT42"
    lot = lotted.ok("GET", "/lots/LAP/LOT42")
    assert (lot["status"], lot["expiry"], lot["on_hand"]) == ("available", "2027-06-30", 2)
    assert [(u["serial"], u["status"], u["location"]) for u in lot["serials"]] == [
        ("P1", "in_stock", "A1"),
        ("P2", "in_stock", "A1"),
    ]
    # the generated serial's label carries its lot and expiry
    job = core.outbox.jobs()[0]  # newest first
    assert (job.payload["serials"], job.payload["lot"], job.payload["expiry"]) == (
        ["SN0001"],
        "LOT43",
        "2027-06-30",
    )


def test_trace_of_a_serialized_lot_names_its_serials_and_customers(lotted: Api) -> None:
    document(lotted, "S-1", "shipment", 1)
    lotted.ok(
        "POST",
        "/documents/S-1/serials",
        {"action": "allocate", "line": 1, "serials": ["P2"], "lot": "LOT42"},
        201,
    )
    lotted.ok("POST", "/documents/S-1/post")
    t = lotted.ok("GET", "/trace?item=LAP&lot=LOT42")
    assert t["partners"] == ["C1"]
    assert [(h["serial"], h["lot"], h["document"]) for h in t["hits"]] == [("P2", "LOT42", "S-1")]
    back = lotted.ok("GET", "/trace?item=LAP&serial=P2&direction=backward")
    assert [(h["lot"], h["partner"]) for h in back["hits"]] == [("LOT42", "V1")]
    # the ERP's export names the unit's lot on each serial record
    records = lotted.ok("GET", "/ledger?kind=serial")["records"]
    assert [(r["serial"], r["lot"], r["doc_type"]) for r in records] == [
        ("P1", "LOT42", "receipt"),
        ("P2", "LOT42", "receipt"),
        ("SN0001", "LOT43", "receipt"),
        ("P2", "LOT42", "shipment"),
    ]


def test_allocating_with_another_lot_is_refused_and_changes_nothing(lotted: Api) -> None:
    document(lotted, "S-1", "shipment", 1)
    before = snapshot(lotted)
    step = {"action": "allocate", "line": 1, "serials": ["P1"], "lot": "LOT43"}
    status, body = lotted("POST", "/documents/S-1/serials", step)
    assert (status, body["error"]["code"]) == (409, "serial_lot_mismatch")
    assert body["error"]["details"] == {
        "item": "LAP",
        "serial": "P1",
        "lot": "LOT42",
        "label_lot": "LOT43",
    }
    assert snapshot(lotted) == before


def test_a_recalled_lot_blocks_allocation_until_released(lotted: Api) -> None:
    lotted.ok("POST", "/lots/LAP/LOT42/recall", {"recall_number": "RC-1", "reason": "battery"})
    document(lotted, "S-1", "shipment", 1)
    before = snapshot(lotted)
    status, code = lotted.error(
        "POST", "/documents/S-1/serials", {"action": "allocate", "line": 1, "serials": ["P1"]}
    )
    assert (status, code) == (409, "lot_recalled")
    status, code = lotted.error(
        "POST",
        "/documents/S-1/serials",
        {"action": "allocate", "line": 1, "count": 1, "lot": "LOT42"},
    )
    assert (status, code) == (409, "insufficient_stock")
    assert snapshot(lotted) == before
    lotted.ok("POST", "/lots/LAP/LOT42/release")
    a = lotted.ok(
        "POST",
        "/documents/S-1/serials",
        {"action": "allocate", "line": 1, "count": 1, "lot": "LOT42"},
        201,
    )
    assert a["serials"] == ["P1"]


def test_a_conflicting_expiry_is_refused_and_changes_nothing(lotted: Api) -> None:
    document(lotted, "R-2", "receipt", 1)
    before = snapshot(lotted)
    step = {
        "action": "generate",
        "line": 1,
        "serials": ["P9"],
        "lot": "LOT42",
        "expiry": "2027-07-01",
    }
    status, body = lotted("POST", "/documents/R-2/serials", step)
    assert (status, body["error"]["code"]) == (409, "lot_conflict")
    assert body["error"]["details"]["existing"] == "2027-06-30"
    assert snapshot(lotted) == before


@pytest.mark.parametrize("bad", ["L" * 65, "LOT\x0742", "LOT\u200e42", ""])
def test_a_bad_lot_is_refused_and_changes_nothing(lotted: Api, bad: str) -> None:
    document(lotted, "R-2", "receipt", 1)
    before = snapshot(lotted)
    status, code = lotted.error(
        "POST",
        "/documents/R-2/serials",
        {"action": "generate", "line": 1, "serials": ["P9"], "lot": bad},
    )
    assert (status, code) == (422, "invalid_lot")
    assert snapshot(lotted) == before


def test_a_serial_answers_the_fields_its_schema_names(lotted: Api) -> None:
    """The document's SerialInfo (derived from the dataclass) names exactly what is sent."""
    serial = lotted.ok("GET", "/serials/P1?item=LAP")
    schema = SCHEMAS["SerialInfo"]
    assert set(serial) == set(schema["properties"]) == set(schema["required"])
    assert schema["properties"]["status"]["enum"].count(serial["status"]) == 1
