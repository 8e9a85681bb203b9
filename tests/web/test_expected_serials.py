"""GET /documents/{n}/expected: a receipt's advance ship notice, serial by serial."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Api, snapshot
from tests.web.openapi_check import validate_component
from tracking_core.core import Tracking
from tracking_core.values import LineSpec
from web_mobile.api.openapi import SCHEMAS, document


def _asn(master: Api) -> None:
    """ASN-1: line 1 expects V-1..V-3 of 4 LAP; line 2 MILK (no notice); line 3 expects W-1."""
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "number": "ASN-1",
            "partner": "V1",
            "lines": [
                {
                    "item": "LAP",
                    "quantity": 4,
                    "location": "D1",
                    "expected_serials": ["V-3", "V-1", "V-2"],
                },
                {"item": "MILK", "quantity": 5, "location": "D1"},
                {"item": "LAP", "quantity": 1, "location": "D1", "expected_serials": ["W-1"]},
            ],
        },
        201,
    )


def _states(line: dict[str, Any]) -> list[tuple[str, str]]:
    return [(x["serial"], x["state"]) for x in line["serials"]]


def test_received_missing_and_unexpected_per_line(master: Api, core: Tracking) -> None:
    _asn(master)
    fresh = master.ok("GET", "/documents/ASN-1/expected")
    assert [ln["line"] for ln in fresh["lines"]] == [1, 3]  # line 2 has no notice
    assert _states(fresh["lines"][0]) == [
        ("V-1", "missing"),
        ("V-2", "missing"),
        ("V-3", "missing"),
    ]
    assert fresh["complete"] is False
    master.ok(
        "POST",
        "/documents/ASN-1/serials",
        {"action": "generate", "line": 1, "serials": ["V-2", "X-9"]},
        201,
    )
    master.ok(
        "POST",
        "/documents/ASN-1/serials",
        {"action": "generate", "line": 3, "serials": ["W-1"]},
        201,
    )
    notice = master.ok("GET", "/documents/ASN-1/expected")
    validate_component(notice, "ShipNotice")  # the answer is what the document says
    one, three = notice["lines"]
    assert {
        k: one[k] for k in ("item", "quantity", "expected", "received", "missing", "unexpected")
    } == {"item": "LAP", "quantity": 4, "expected": 3, "received": 1, "missing": 2, "unexpected": 1}
    assert _states(one) == [
        ("V-1", "missing"),
        ("V-2", "received"),
        ("V-3", "missing"),
        ("X-9", "unexpected"),
    ]
    assert (three["received"], three["missing"], three["unexpected"]) == (1, 0, 0)
    assert (notice["document"], notice["doc_type"], notice["status"], notice["partner"]) == (
        "ASN-1",
        "receipt",
        "open",
        "V1",
    )
    missing = master.ok("GET", "/documents/ASN-1/expected?state=missing")
    assert _states(missing["lines"][0]) == [("V-1", "missing"), ("V-3", "missing")]
    assert missing["lines"][0]["missing"] == 2 and _states(missing["lines"][1]) == []
    # posting keeps the picture: the ledger's serials are what was received
    master.ok(
        "POST", "/documents/ASN-1/lots", {"action": "generate", "line": 2, "quantity": 5}, 201
    )
    core.update_settings({"allow_different_quantities": True}, actor="t", role="admin")
    master.ok("POST", "/documents/ASN-1/post")
    posted = master.ok("GET", "/documents/ASN-1/expected")
    assert posted["status"] == "posted"
    assert posted["lines"] == notice["lines"]


def test_a_complete_notice_and_a_document_without_one(master: Api, core: Tracking) -> None:
    _asn(master)
    for line, serials in ((1, ["V-1", "V-2", "V-3"]), (3, ["W-1"])):
        master.ok(
            "POST",
            "/documents/ASN-1/serials",
            {"action": "generate", "line": line, "serials": serials},
            201,
        )
    assert master.ok("GET", "/documents/ASN-1/expected")["complete"] is True
    core.create_document("receipt", number="PLAIN", partner="V1", lines=[LineSpec("LAP", 1, "D1")])
    plain = master.ok("GET", "/documents/PLAIN/expected")
    assert (plain["lines"], plain["complete"]) == ([], True)


def test_wrong_requests_change_nothing(master: Api, as_role: Any) -> None:
    _asn(master)
    before = snapshot(master)
    assert master.error("GET", "/documents/NOPE/expected") == (404, "unknown_document")
    assert master.error("GET", "/documents/ASN-1/expected?state=lost") == (422, "invalid_request")
    assert master.error("GET", "/documents/ASN-1/expected?sate=missing") == (
        422,
        "invalid_request",
    )
    assert as_role("operator").ok("GET", "/documents/ASN-1/expected")["lines"]  # any role reads
    assert Api(master.client, None).error("GET", "/documents/ASN-1/expected")[0] == 401
    assert snapshot(master) == before


def test_the_openapi_document_describes_the_answer() -> None:
    op = document()["paths"]["/documents/{number}/expected"]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ShipNotice"}
    line = SCHEMAS["ExpectedLine"]
    assert line["properties"]["serials"]["items"] == {
        "$ref": "#/components/schemas/ExpectedSerialState"
    }
    assert SCHEMAS["ExpectedSerialState"]["properties"]["state"]["enum"] == [
        "received",
        "missing",
        "unexpected",
    ]
    assert [p["name"] for p in op["parameters"]] == ["state"]
