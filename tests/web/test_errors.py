"""Every refusal is a JSON error with the right status and code, and changes nothing."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import ADMIN_TOKEN, Api, snapshot
from tracking_core.core import Tracking
from tracking_core.errors import StorageError


def receipt_of(quantity: Any) -> dict[str, Any]:
    return {"type": "receipt", "lines": [{"item": "LAP", "quantity": quantity, "location": "A1"}]}


@pytest.fixture
def open_receipt(master: Api) -> Api:
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "number": "R-1",
            "lines": [{"item": "LAP", "quantity": 2, "location": "A1"}],
        },
        201,
    )
    return master


# (method, path, body, status, code, field named in the details or None)
REFUSED: list[tuple[str, str, Any, int, str, str | None]] = [
    # quantities: whole units only; a fraction is a wrong type before it reaches the core
    ("POST", "/documents", receipt_of(0), 422, "invalid_quantity", None),
    ("POST", "/documents", receipt_of(-1), 422, "invalid_quantity", None),
    ("POST", "/documents", receipt_of(1.5), 422, "invalid_request", "lines[0].quantity"),
    ("POST", "/documents", receipt_of("2"), 422, "invalid_request", "lines[0].quantity"),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "count": 0, "line": 1},
        422,
        "invalid_quantity",
        None,
    ),
    (
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "quantity": -3, "line": 1},
        422,
        "tracking_mismatch",
        None,
    ),
    # shape of the body
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "serial", "colour": "red"},
        422,
        "invalid_request",
        "colour",
    ),
    ("POST", "/items", {"tracking": "serial"}, 422, "invalid_request", "sku"),
    ("POST", "/items", {"sku": 5, "tracking": "serial"}, 422, "invalid_request", "sku"),
    ("POST", "/items", {"sku": None, "tracking": "serial"}, 422, "invalid_request", "sku"),
    ("POST", "/items", {"sku": "Z", "tracking": "weight"}, 422, "invalid_request", "tracking"),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "gtins": "123"},
        422,
        "invalid_request",
        "gtins",
    ),
    ("POST", "/items", [1, 2], 422, "invalid_request", "body"),
    (
        "POST",
        "/documents",
        {
            "type": "receipt",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1", "colour": 1}],
        },
        422,
        "invalid_request",
        "lines[0].colour",
    ),
    (
        "POST",
        "/documents",
        {"type": "receipt", "lines": [{"item": "LAP", "quantity": 1}]},
        422,
        "invalid_request",
        "lines[0].location",
    ),
    ("POST", "/documents", {"type": "receipt", "lines": "x"}, 422, "invalid_request", "lines"),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "scrap", "count": 1},
        422,
        "invalid_request",
        "action",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "line": 2**40, "count": 1},
        422,
        "invalid_request",
        "line",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "count": 1, "expiry": "2026-02-30"},
        422,
        "invalid_request",
        "expiry",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "count": 1, "expiry": 20261130},
        422,
        "invalid_request",
        "expiry",
    ),
    ("POST", "/documents/R-1/post", {"force": True}, 422, "invalid_request", "force"),
    ("PATCH", "/items/LAP", {"sku": "NEW"}, 422, "invalid_request", "sku"),
    (
        "GET",
        "/trace?item=LAP&serial=SN1&direction=sideways",
        None,
        422,
        "invalid_request",
        "direction",
    ),
    ("GET", "/trace?serial=SN1", None, 422, "invalid_request", "item"),
    ("GET", "/ledger?limit=lots", None, 422, "invalid_request", "limit"),
    ("GET", "/stock?itme=LAP", None, 422, "invalid_request", "itme"),
    ("DELETE", "/documents/R-1/serials/X?force=1", None, 422, "invalid_request", "force"),
    (
        "POST",
        "/documents",
        {
            "type": "receipt",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1", "unit_cost": "abc"}],
        },
        422,
        "invalid_request",
        "lines[0].unit_cost",
    ),
    (
        "POST",
        "/documents/R-1/lines",
        {"item": "LAP", "quantity": 1, "location": "A1", "unit_cost": "-1"},
        422,
        "invalid_input",
        "unit_cost",
    ),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "standard_cost": "abc"},
        422,
        "invalid_input",
        "standard_cost",
    ),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "standard_cost": True},
        422,
        "invalid_request",
        "standard_cost",
    ),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "standard_cost": float("nan")},
        422,
        "invalid_input",
        "standard_cost",
    ),
    # oversize strings and control characters, in bodies, paths and queries
    ("POST", "/items", {"sku": "S" * 65, "tracking": "serial"}, 422, "invalid_input", "sku"),
    ("POST", "/items", {"sku": "A\u0007", "tracking": "serial"}, 422, "invalid_input", "sku"),
    ("POST", "/items", {"sku": "A\u0000B", "tracking": "serial"}, 422, "invalid_input", "sku"),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "description": "d" * 201},
        422,
        "invalid_input",
        "description",
    ),
    (
        "POST",
        "/items",
        {"sku": "Z", "tracking": "none", "description": "a\nb"},
        422,
        "invalid_input",
        "description",
    ),
    (
        "POST",
        "/documents",
        {"type": "receipt", "reference": "r" * 101},
        422,
        "invalid_input",
        "reference",
    ),
    (
        "POST",
        "/documents",
        {"type": "receipt", "number": "R\u001b[2J"},
        422,
        "invalid_input",
        "number",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "serials": ["OK", "X\u0000"], "line": 1},
        422,
        "invalid_serial",
        "serial",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "item": "LAP\u0000", "count": 1},
        422,
        "invalid_input",
        "item",
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "count": 1, "device": "D" * 65, "scan_id": "s"},
        422,
        "invalid_input",
        "device",
    ),
    ("POST", "/locations", {"code": "L9", "name": "\u0000"}, 422, "invalid_input", "name"),
    ("POST", "/serials/SN1/scrap", {"item": "LAP\u0000"}, 422, "invalid_input", "item"),
    (
        "POST",
        "/quarantine",
        {"item": "\u0000", "lot": "L", "on": True},
        422,
        "invalid_input",
        "item",
    ),
    ("GET", "/items/A%00B", None, 422, "invalid_request", "key"),
    ("GET", "/stock?item=LAP%00", None, 422, "invalid_request", "item"),
    ("DELETE", "/documents/R-1/serials/X%07", None, 422, "invalid_request", "serial"),
    # not found
    ("GET", "/items/NOPE", None, 404, "unknown_item", None),
    ("GET", "/documents/NOPE", None, 404, "unknown_document", None),
    ("GET", "/serials/NOPE", None, 404, "unknown_serial", None),
    ("GET", "/lots/MILK/NOPE", None, 404, "unknown_lot", None),
    ("POST", "/documents", {"type": "receipt", "partner": "NOPE"}, 404, "unknown_partner", None),
    (
        "POST",
        "/documents",
        {"type": "receipt", "lines": [{"item": "NOPE", "quantity": 1, "location": "A1"}]},
        404,
        "unknown_item",
        None,
    ),
    (
        "POST",
        "/documents",
        {"type": "receipt", "lines": [{"item": "LAP", "quantity": 1, "location": "NOPE"}]},
        404,
        "unknown_location",
        None,
    ),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "line": 9, "count": 1},
        404,
        "unknown_line",
        None,
    ),
    ("GET", "/no/such/route", None, 404, "not_found", None),
    # conflicts
    ("POST", "/items", {"sku": "LAP", "tracking": "serial"}, 409, "duplicate", None),
    ("POST", "/documents", {"type": "receipt", "number": "R-1"}, 409, "duplicate", None),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "count": 3, "line": 1},
        409,
        "line_quantity_exceeded",
        None,
    ),
    ("POST", "/documents/R-1/reverse", None, 409, "document_not_posted", None),
    (
        "POST",
        "/documents/R-1/serials",
        {"action": "allocate", "count": 1, "line": 1},
        422,
        "wrong_document_type",
        None,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    REFUSED,
    ids=[f"{m} {p} {c}" for m, p, _b, _s, c, _f in REFUSED],
)
def test_refused_with_the_right_error_and_nothing_changed(
    open_receipt: Api, method: str, path: str, body: Any, status: int, code: str, field: str | None
) -> None:
    api = open_receipt
    before = (snapshot(api), api.ok("GET", "/documents/R-1"))
    got_status, data = api(method, path, body)
    assert (got_status, data["error"]["code"]) == (status, code), data
    assert set(data["error"]) == {"code", "message", "details"}
    if field is not None:
        assert data["error"]["details"]["field"] == field
    assert (snapshot(api), api.ok("GET", "/documents/R-1")) == before


def test_the_details_carry_the_error_data(master: Api) -> None:
    status, data = master("POST", "/documents", receipt_of(1.5))
    assert (status, data) == (
        422,
        {
            "error": {
                "code": "invalid_request",
                "message": "Invalid lines[0].quantity: must be an integer, got number",
                "details": {
                    "field": "lines[0].quantity",
                    "reason": "must be an integer, got number",
                },
            }
        },
    )
    status, data = master("POST", "/documents", receipt_of(0))
    assert (status, data["error"]["details"]) == (
        422,
        {"quantity": 0, "reason": "must be positive"},
    )


@pytest.fixture
def raw(client: FlaskClient) -> Any:
    def send(method: str, path: str, data: str | bytes, **headers: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", **headers}
        resp = client.open(f"/api/v1{path}", method=method, data=data, headers=headers)
        assert resp.content_type == "application/json"
        return resp.status_code, resp.get_json()

    return send


@pytest.mark.parametrize(
    "data",
    ['{"sku": "A", ', "{'sku': 'A'}", b"\xff\xfe", "[" * 100_000 + "]" * 100_000, "NaN x"],
    ids=["truncated", "single-quotes", "not-utf8", "deep-nesting", "garbage"],
)
def test_malformed_json_is_422(master: Api, raw: Any, data: str | bytes) -> None:
    before = snapshot(master)
    status, body = raw("POST", "/items", data, **{"Content-Type": "application/json"})
    assert (status, body["error"]["code"], body["error"]["details"]) == (
        422,
        "invalid_request",
        {"field": "body", "reason": "not valid JSON"},
    )
    assert snapshot(master) == before


def test_json_without_its_content_type_is_still_read(master: Api, raw: Any) -> None:
    status, item = raw("POST", "/items", '{"sku": "CURL", "tracking": "none"}')
    assert (status, item["sku"]) == (201, "CURL")


def test_a_body_over_one_mib_is_413(master: Api, raw: Any) -> None:
    before = snapshot(master)
    big = '{"sku": "A", "tracking": "none", "description": "' + "x" * (1024 * 1024) + '"}'
    status, body = raw("POST", "/items", big, **{"Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (413, "request_entity_too_large")
    assert snapshot(master) == before


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    resp = client.delete("/api/v1/items", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (405, "method_not_allowed")
    assert set(resp.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_pages_outside_the_api_keep_html_errors(client: FlaskClient) -> None:
    resp = client.get("/no-such-page")
    assert (resp.status_code, resp.mimetype) == (404, "text/html")


def test_an_unexpected_exception_is_logged_and_500(
    api: Api, core: Tracking, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(core, "items", boom)
    with caplog.at_level(logging.ERROR, logger="web_mobile.api.errors"):
        resp = api.client.get("/api/v1/items", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert (resp.status_code, resp.get_json()) == (
        500,
        {
            "error": {
                "code": "internal_error",
                "message": "Internal error; it has been logged",
                "details": {},
            }
        },
    )
    assert b"secret" not in resp.data and b"Traceback" not in resp.data
    (record,) = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_storage_trouble_is_503(api: Api, core: Tracking, monkeypatch: pytest.MonkeyPatch) -> None:
    def down() -> None:
        raise StorageError(reason="connection refused")

    monkeypatch.setattr(core, "items", down)
    status, data = api("GET", "/items")
    assert (status, data["error"]["code"], data["error"]["details"]) == (
        503,
        "storage_error",
        {"reason": "connection refused"},
    )
