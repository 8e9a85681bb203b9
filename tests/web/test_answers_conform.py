"""Every operation's answer is typed in the document, and real answers fit it.

The web tests' ``Api`` checks each answer against the document (``openapi_check``); the
walk here reaches every operation with a success, so none is held to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from tests.events.receiver import dead_letter
from tests.web import openapi_check
from tests.web.conftest import Api
from tests.web.openapi_check import validate, validate_component
from tracking_core.core import Tracking
from tracking_core.ledger_feed import COLUMNS
from web_mobile.api.openapi import ERRORS, SCHEMAS, document, error_statuses

METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document()["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def _untyped(schema: dict[str, Any] | None) -> bool:
    """No schema, or an object that says nothing of what it holds."""
    if not schema:
        return True
    if "$ref" in schema:
        return _untyped(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    if "anyOf" in schema or "oneOf" in schema:
        return any(_untyped(s) for s in schema.get("anyOf", schema.get("oneOf")))
    if schema.get("type") == "object":
        return "properties" not in schema and "additionalProperties" not in schema
    return "type" not in schema


def test_every_success_answer_has_a_real_schema() -> None:
    untyped = []
    for method, path, op in _operations():
        successes = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        assert successes, (method, path)
        for status, response in successes.items():
            for media, content in response["content"].items():
                if _untyped(content.get("schema")):
                    untyped.append((method, path, status, media))
    assert untyped == []


def test_untyped_is_told_apart_from_typed() -> None:
    assert _untyped({"type": "object"}) and _untyped(None) and _untyped({})
    assert _untyped({"anyOf": [{"$ref": "#/components/schemas/ItemInfo"}, {"type": "object"}]})
    assert not _untyped({"$ref": "#/components/schemas/ItemInfo"})
    assert not _untyped({"type": "string", "format": "binary"})


def test_errors_are_named_statuses_with_the_envelope() -> None:
    doc = document()
    for method, path, op in _operations():
        errors = {s for s in op["responses"] if not s.startswith("2")}
        assert "4XX" not in errors and "5XX" in errors, (method, path)
        assert errors == {*error_statuses(method.lower(), path, op)}, (method, path)
        for status in errors:
            ref = op["responses"][status]["$ref"].rsplit("/", 1)[1]
            content = doc["components"]["responses"][ref]["content"]
            assert content == {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }
    assert set(ERRORS) == {"401", "403", "404", "409", "413", "422", "5XX"}


def test_error_statuses_follow_what_a_route_takes() -> None:
    read = {"x-roles": ["admin"], "responses": {}}
    write = {**read, "requestBody": {}}
    public = {"x-roles": [], "requestBody": {}, "responses": {}}  # the body is the credential
    for method, path, op, want in (
        ("get", "/items", read, "401 403 422"),
        ("get", "/items/{key}", read, "401 403 404 422"),
        ("post", "/items", write, "401 403 404 409 413 422"),
        ("post", "/devices/enrol", public, "403 404 409 413 422"),
        ("get", "/openapi.json", {"x-roles": [], "responses": {}}, ""),
    ):
        assert error_statuses(method, path, op) == [*want.split(), "5XX"], path


def test_the_ledger_record_names_the_csv_columns() -> None:
    assert set(SCHEMAS["LedgerRecord"]["properties"]) == set(COLUMNS)
    assert set(SCHEMAS["LedgerRecord"]["required"]) == set(COLUMNS)


def test_a_wrong_answer_is_caught() -> None:
    """The check that holds the answers can fail: a field too many, one missing, a type."""
    good = {"code": "A1", "name": "", "kind": "bin", "parent": None, "gln": None}
    validate_component(good, "LocationInfo")
    for bad in (
        {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "kind"},
        {**good, "kind": "shelf"},
        {**good, "parent": 7},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_component(bad, "LocationInfo")
    with pytest.raises(jsonschema.ValidationError):  # a date that is no date
        validate("2026-13-01", {"type": "string", "format": "date"})
    with pytest.raises(jsonschema.ValidationError):  # RFC 3339 wants the offset
        validate("2026-11-24T09:00:00", {"type": "string", "format": "date-time"})
    validate("2026-11-24T09:00:00+00:00", {"type": "string", "format": "date-time"})


def _receipt(api: Api, *lines: dict[str, Any]) -> str:
    made = api.ok(
        "POST", "/documents", {"type": "receipt", "partner": "V1", "lines": list(lines)}, 201
    )
    return str(made["number"])


def _walk(api: Api, core: Tracking) -> None:
    """One success of every operation (and the label formats), on the fixtures' data."""
    api.ok("GET", "/openapi.json")
    api.ok("POST", "/items", {"sku": "NUT", "tracking": "none", "standard_cost": "0.05"}, 201)
    api.ok("POST", "/locations", {"code": "C3", "parent": "A1"}, 201)
    api.ok("POST", "/partners", {"code": "B1", "kind": "both", "name": "Both"}, 201)
    api.ok("GET", "/items")
    api.ok("GET", "/items/LAP")
    api.ok("PATCH", "/items/BOLT", {"description": "M6 bolt"})
    api.ok("GET", "/locations")
    api.ok("PATCH", "/locations/C3", {"gln": "4012345000016"})
    api.ok("GET", "/partners")
    api.ok("GET", "/settings")
    api.ok("PATCH", "/settings", {"allow_unknown_returns": True})
    api.ok("GET", "/settings/changes")

    token = api.ok("POST", "/tokens", {"name": "erp", "role": "integration"}, 201)
    api.ok("GET", "/tokens")
    api.ok("DELETE", f"/tokens/{token['id']}")

    api.ok("POST", "/operators", {"badge": "ANN", "name": "Ann"}, 201)
    api.ok("GET", "/operators")
    api.ok("PUT", "/operators/ANN/pin", {"pin": "1234"})
    api.ok("PUT", "/operators/ANN/role", {"role": "setup"})
    api.ok("GET", "/operators/signins")
    api.ok("POST", "/operators/ANN/deactivate")
    api.ok("POST", "/operators/ANN/activate")

    made = api.ok("POST", "/devices", {"name": "HH-1"}, 201)
    api.ok("POST", "/devices/enrol", {"code": made["enrolment"]["code"]})
    api.ok("GET", "/devices")
    api.ok("GET", "/devices/HH-1")
    api.ok("PUT", "/devices/HH-1/profile", {"profile": {}})
    api.ok("POST", "/devices/HH-1/enrolment", status=201)
    api.ok("POST", "/devices/HH-1/revoke")

    doc = _receipt(api, {"item": "LAP", "quantity": 3, "location": "A1", "unit_cost": "100"})
    api.ok(
        "POST", f"/documents/{doc}/lines", {"item": "MILK", "quantity": 10, "location": "A1"}, 201
    )
    api.ok("GET", "/documents")
    api.ok("GET", f"/documents/{doc}")
    api.ok("GET", f"/documents/{doc}/expected")
    step = {"action": "generate", "line": 1, "serials": ["S1", "S2", "S3", "S4"][:3]}
    api.ok("POST", f"/documents/{doc}/serials", step, 201)
    api.ok("DELETE", f"/documents/{doc}/serials/S3")
    api.ok("POST", f"/documents/{doc}/serials", {**step, "serials": ["S3"]}, 201)
    lot = {"action": "generate", "line": 2, "lot": "L1", "quantity": 12}
    api.ok("POST", f"/documents/{doc}/lots", {**lot, "quantity": 10}, 201)
    api.ok("DELETE", f"/documents/{doc}/lots/L1?quantity=4")
    api.ok("POST", f"/documents/{doc}/lots", {**lot, "quantity": 4}, 201)
    api.ok("POST", f"/documents/{doc}/post")
    api.ok("POST", f"/documents/{doc}/reverse", {}, 201)
    api.ok("POST", f"/documents/{_receipt(api)}/cancel")
    again = _receipt(api, {"item": "LAP", "quantity": 2, "location": "A1", "unit_cost": "100"})
    api.ok(
        "POST", f"/documents/{again}/serials", {"action": "generate", "line": 1, "count": 2}, 201
    )
    api.ok("POST", f"/documents/{again}/post")
    serial = api.ok("GET", f"/documents/{again}")["lines"][0]["serials"][0]
    milk = _receipt(api, {"item": "MILK", "quantity": 5, "location": "A1"})
    api.ok(
        "POST",
        f"/documents/{milk}/lots",
        {"action": "generate", "line": 1, "lot": "L2", "quantity": 5},
        201,
    )
    api.ok("POST", f"/documents/{milk}/post")

    api.ok("GET", "/stock")
    api.ok("GET", f"/serials/{serial}?item=LAP")
    api.ok("GET", "/lots/MILK/L2")
    api.ok("GET", f"/trace?item=LAP&serial={serial}")
    api.ok("GET", "/trace?item=MILK&lot=L2&direction=backward")
    api.ok("GET", "/ledger")
    api.ok("GET", "/ledger?since=0")
    api.ok("GET", "/epcis/events?since=0&limit=100")
    api.ok("GET", "/ledger?since=0&format=csv")
    api.ok("GET", "/ledger?since=0&format=jsonl")
    api.ok("GET", "/valuation")
    api.ok("GET", "/valuation?at=2020-01-01")
    api.ok("GET", "/valuation?format=csv")
    api.ok("POST", "/lots/MILK/L2/recall", {"recall_number": "R-1", "reason": "taste"})
    api.ok("POST", "/lots/MILK/L2/release")
    api.ok("POST", "/quarantine", {"item": "LAP", "serial": serial, "on": True})
    api.ok("POST", "/quarantine", {"item": "LAP", "serial": serial, "on": False})
    api.ok("POST", "/quarantine", {"item": "MILK", "lot": "L2", "on": True})
    api.ok("POST", f"/serials/{serial}/scrap", {"item": "LAP", "reason": "dropped"}, 201)

    api.ok("POST", "/scans", {"device": "HH-2", "scan_id": "s-1", "raw": "LOC:A1"})
    api.ok("POST", "/scans", {"device": "HH-2", "scan_id": "s-2", "raw": "no such thing"})
    api.ok(
        "POST",
        "/commands",
        {"device": "HH-2", "scan_id": "s-3", "command": "mode", "argument": "receive"},
    )
    api.ok("GET", "/devices/HH-2/session")

    sscc = api.ok("POST", "/labels/sscc", {"count": 1}, 201)
    job = sscc["job"]["id"]
    api.ok("POST", "/labels/locations", {"codes": ["A1", "B2"]}, 201)
    api.ok("GET", "/labels/jobs")
    api.ok("GET", "/labels/jobs?limit=1")
    api.ok("GET", f"/labels/jobs/{job}")
    for fmt in ("png", "pdf", "svg", "zpl"):
        api.ok("GET", f"/labels/jobs/{job}/label.{fmt}")
    api.ok("POST", f"/labels/jobs/{job}/reprint", {"reason": "torn"}, 201)
    assert job in [j.id for j in core.outbox.claim(worker="w1")]
    core.outbox.unconfirmed(job, worker="w1", error="connection reset")
    api.ok("POST", f"/labels/jobs/{job}/decide", {"outcome": "printed", "reason": "seen"})

    hook = {"name": "erp", "channel": "webhook", "url": "http://127.0.0.1:9/hook"}
    sub = api.ok("POST", "/subscriptions", hook, 201)["subscription"]["id"]
    api.ok("GET", "/subscriptions")
    api.ok("GET", f"/subscriptions/{sub}")
    api.ok("PATCH", f"/subscriptions/{sub}", {"kinds": ["document.posted"]})
    seq = dead_letter(core, sub)
    api.ok("GET", f"/subscriptions/{sub}/dead-letters")
    api.ok("POST", f"/subscriptions/{sub}/dead-letters/{seq}/replay")
    api.ok("DELETE", f"/subscriptions/{sub}")
    _walk_containers(api)
    _walk_ship_notice(api)


def _walk_ship_notice(api: Api) -> None:
    """Receiving by SSCC: announce (JSON and CSV), check, receive, the report."""
    lines = [{"item": "LAP", "quantity": 3, "location": "B2"}]
    receipt = {"type": "receipt", "number": "WN-1", "lines": lines, "partner": "V1"}
    api.ok("POST", "/documents", receipt, 201)
    pallet, case, other = "306141410000000013", "306141410000000020", "306141410000000037"
    notice = {
        "containers": [
            {
                "sscc": pallet,
                "children": [{"sscc": case, "contents": [{"line": 1, "serials": ["N-1", "N-2"]}]}],
            }
        ]
    }
    api.ok("POST", "/documents/WN-1/ship-notice/containers", notice, 201)
    csv = f"sscc,line,serial\n{other},1,N-3\n"
    api.ok("POST", "/documents/WN-1/ship-notice/csv", {"csv": csv}, 201)
    check = {"container": case, "serials": [{"serial": "N-1"}, {"serial": "N-2"}]}
    api.ok("POST", "/documents/WN-1/ship-notice/check", check, 201)
    api.ok("POST", "/documents/WN-1/ship-notice/receive", {"container": pallet}, 201)
    api.ok("GET", "/documents/WN-1/ship-notice")


def _walk_containers(api: Api) -> None:
    lines = [{"item": "LAP", "quantity": 2, "location": "B2"}]
    api.ok(
        "POST",
        "/documents",
        {"type": "receipt", "number": "WC-1", "lines": lines, "partner": "V1"},
        201,
    )
    got = api.ok(
        "POST", "/documents/WC-1/serials", {"action": "generate", "line": 1, "count": 2}, 201
    )
    api.ok("POST", "/documents/WC-1/post")
    case = api.ok("POST", "/containers", {"location": "B2"}, 201)["code"]
    pallet = api.ok("POST", "/containers", {"location": "B2", "label": True}, 201)["code"]
    refs = [{"serial": sn} for sn in got["serials"]]
    api.ok("POST", f"/containers/{case}/pack", {"serials": refs}, 201)
    api.ok("POST", f"/containers/{pallet}/pack", {"containers": [case]}, 201)
    step = api.ok("POST", f"/containers/{case}/unpack", {"serials": refs[:1]}, 201)
    api.ok("POST", f"/pack-records/{step['id']}/reverse", {}, 201)
    api.ok("GET", "/containers")
    api.ok("GET", f"/containers/{pallet}")
    api.ok("GET", f"/containers/{case}/records")
    api.ok("GET", f"/containers/{pallet}/packing-list.pdf")
    api.ok("GET", f"/containers/{pallet}/tree.svg")
    api.ok("POST", f"/containers/{pallet}/label", {"copies": 1}, 201)
    lines = [{"item": "LAP", "quantity": 2, "location": "B2"}]
    api.ok(
        "POST",
        "/documents",
        {"type": "shipment", "number": "WS-1", "lines": lines, "partner": "C1"},
        201,
    )
    api.ok("POST", "/documents/WS-1/containers", {"container": pallet}, 201)
    api.ok("DELETE", f"/documents/WS-1/containers/{pallet}")


def test_every_operation_answers_what_the_document_says(master: Api, core: Tracking) -> None:
    openapi_check.CHECKED.clear()
    _walk(master, core)
    reached = {(m, p) for m, p, status in openapi_check.CHECKED if 200 <= status < 300}
    missing = sorted({(m, p) for m, p, _ in _operations()} - reached)
    assert missing == []


def test_answers_of_lower_roles_and_refusals_fit_too(
    master: Api, as_role: Callable[[str], Api]
) -> None:
    """Refusals are held to the document as well: their status named, the envelope."""
    openapi_check.CHECKED.clear()
    operator = as_role("operator")
    operator.ok("GET", "/items")
    assert operator.error("POST", "/items", {"sku": "X", "tracking": "none"})[0] == 403
    assert Api(master.client, None).error("GET", "/items")[0] == 401
    assert master.error("GET", "/items/NOPE")[0] == 404
    assert master.error("POST", "/items", {"sku": "LAP", "tracking": "none"})[0] == 409
    assert master.error("POST", "/items", {"sku": 5})[0] == 422
    assert master.error("GET", "/items?itme=LAP")[0] == 422
    too_big = {"sku": "B", "tracking": "none", "description": "x" * (1024 * 1024)}
    assert master.error("POST", "/items", too_big)[0] == 413
    statuses = sorted({status for *_, status in openapi_check.CHECKED})
    assert statuses == [200, 401, 403, 404, 409, 413, 422]
