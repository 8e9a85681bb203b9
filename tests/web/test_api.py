"""REST API v1 through Flask's test client on a real database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Api
from web_mobile.api.routes_openapi import openapi_path


@pytest.fixture
def setup(api: Api) -> Api:
    assert api("POST", "/locations", {"code": "A1", "kind": "bin"})[0] == 201
    assert api("POST", "/partners", {"code": "C1", "kind": "customer"})[0] == 201
    status, item = api(
        "POST",
        "/items",
        {"sku": "LAP", "tracking": "serial", "serial_mask": "SN%%%%", "gtins": ["09506000134352"]},
    )
    assert status == 201 and item["gtins"] == ["09506000134352"]
    assert api("POST", "/items", {"sku": "MILK", "tracking": "lot", "shelf_life_days": 5})[0] == 201
    return api


def test_receive_post_inquire_ship_trace(setup: Api) -> None:
    api = setup
    status, doc = api(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "reference": "PO-1",
            "lines": [{"item": "LAP", "quantity": 3, "location": "A1", "unit_cost": "12.50"}],
        },
    )
    assert (status, doc["number"], doc["quantity"], doc["assigned"]) == (201, "RC-000001", 3, 0)
    status, a = api(
        "POST", "/documents/RC-000001/serials", {"action": "generate", "line": 1, "count": 2}
    )
    assert (status, a["serials"]) == (201, ["SN0001", "SN0002"])
    status, a = api(
        "POST",
        "/documents/RC-000001/serials",
        {"action": "generate", "item": "09506000134352", "serials": ["V-9"]},
    )
    assert (status, a["assigned"]) == (201, 3)
    status, posted = api("POST", "/documents/RC-000001/post")
    assert (status, posted["serial_records"]) == (200, 3)
    status, s = api("GET", "/serials/V-9")
    assert (status, s["status"], s["location"], s["cost"]) == (200, "in_stock", "A1", "12.5000")
    status, ship = api(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1"}],
        },
    )
    api(
        "POST",
        f"/documents/{ship['number']}/serials",
        {"action": "allocate", "line": 1, "count": 1},
    )
    api("POST", f"/documents/{ship['number']}/post")
    status, t = api("GET", "/trace?item=LAP&serial=SN0001")
    assert (status, t["partners"]) == (200, ["C1"])
    status, stock = api("GET", "/stock?item=LAP")
    assert [(r["location"], r["on_hand"], r["available"]) for r in stock["stock"]] == [("A1", 2, 2)]
    status, d = api("GET", f"/documents/{ship['number']}")
    assert d["status"] == "posted" and d["lines"][0]["serials"] == ["SN0001"]
    status, ledger = api("GET", "/ledger?since_id=0&limit=10")
    assert len(ledger["records"]) == 4


def test_lots_recall_and_quarantine(setup: Api) -> None:
    api = setup
    _, doc = api(
        "POST",
        "/documents",
        {"type": "receipt", "lines": [{"item": "MILK", "quantity": 10, "location": "A1"}]},
    )
    status, a = api(
        "POST",
        f"/documents/{doc['number']}/lots",
        {"action": "generate", "line": 1, "lot": "L1", "quantity": 10, "expiry": "2026-12-01"},
    )
    assert (status, a["lots"], a["expiry"]) == (201, [["L1", 10]], "2026-12-01")
    api("POST", f"/documents/{doc['number']}/post")
    status, lot = api("POST", "/lots/MILK/L1/recall", {"recall_number": "R-1", "reason": "taste"})
    assert (status, lot["status"], lot["recall_number"], lot["on_hand"]) == (
        200,
        "recalled",
        "R-1",
        10,
    )
    _, ship = api(
        "POST",
        "/documents",
        {"type": "shipment", "lines": [{"item": "MILK", "quantity": 2, "location": "A1"}]},
    )
    status, err = api(
        "POST",
        f"/documents/{ship['number']}/lots",
        {"action": "allocate", "item": "MILK", "lot": "L1", "quantity": 2},
    )
    assert (status, err["error"]["code"], err["error"]["details"]["recall_number"]) == (
        409,
        "lot_recalled",
        "R-1",
    )
    assert api("POST", "/lots/MILK/L1/release")[1]["status"] == "available"
    status, q = api(
        "POST", "/quarantine", {"item": "MILK", "lot": "L1", "on": True, "until": "2026-11-30"}
    )
    assert (status, q["status"]) == (200, "quarantine")


def test_scan_step_replay_is_idempotent(setup: Api) -> None:
    api = setup
    _, doc = api(
        "POST",
        "/documents",
        {"type": "receipt", "lines": [{"item": "LAP", "quantity": 5, "location": "A1"}]},
    )
    body = {"action": "generate", "line": 1, "count": 1, "device": "HH-1", "scan_id": "abc"}
    first = api("POST", f"/documents/{doc['number']}/serials", body)
    again = api("POST", f"/documents/{doc['number']}/serials", body)
    assert first == again and first[0] == 201
    status, err = api("POST", f"/documents/{doc['number']}/serials", {**body, "count": 2})
    assert (status, err["error"]["code"]) == (409, "idempotency_conflict")
    assert api("GET", f"/documents/{doc['number']}")[1]["assigned"] == 1


def test_auth_and_roles(setup: Api, role_api: Any, client: Any) -> None:
    assert client.get("/api/v1/items").status_code == 401
    bad = Api(client, "not-a-token")
    assert bad("GET", "/items")[1]["error"]["code"] == "unauthorized"
    operator = role_api("operator")
    assert operator("GET", "/items")[0] == 200
    status, err = operator("POST", "/items", {"sku": "X", "tracking": "none"})
    assert (status, err["error"]["code"]) == (403, "permission_denied")
    assert operator("PATCH", "/settings", {"changes": {"allocation_order": "lifo"}})[0] == 403
    setup_user = role_api("setup")
    status, s = setup_user("PATCH", "/settings", {"changes": {"allocation_order": "lifo"}})
    assert (status, s["allocation_order"]) == (200, "lifo")
    (change,) = operator("GET", "/settings/changes")[1]["changes"]
    assert {k: change[k] for k in ("key", "old_value", "new_value", "actor")} == {
        "key": "allocation_order",
        "old_value": "fifo",
        "new_value": "lifo",
        "actor": "setup-user",
    }
    assert operator("GET", "/tokens")[0] == 403
    status, tok = setup("POST", "/tokens", {"name": "erp", "role": "integration"})
    assert status == 201 and tok["token"].startswith("st_")
    erp = Api(client, tok["token"])
    assert erp("GET", "/items")[0] == 200
    setup("DELETE", f"/tokens/{tok['id']}")
    assert erp("GET", "/items")[0] == 401


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        (
            "POST",
            "/items",
            {"sku": "Z", "tracking": "serial", "color": "red"},
            422,
            "invalid_request",
        ),
        ("POST", "/items", {"tracking": "serial"}, 422, "invalid_request"),
        ("POST", "/items", {"sku": 5, "tracking": "serial"}, 422, "invalid_request"),
        ("POST", "/items", {"sku": "A\u0007", "tracking": "serial"}, 422, "invalid_input"),
        ("POST", "/items", {"sku": "S" * 65, "tracking": "serial"}, 422, "invalid_input"),
        ("POST", "/items", {"sku": "LAP", "tracking": "serial"}, 409, "duplicate"),
        ("GET", "/items/NOPE", None, 404, "unknown_item"),
        ("GET", "/documents/NOPE", None, 404, "unknown_document"),
        ("GET", "/serials/NOPE", None, 404, "unknown_serial"),
        (
            "POST",
            "/documents",
            {"type": "receipt", "lines": [{"item": "LAP", "quantity": 0, "location": "A1"}]},
            422,
            "invalid_quantity",
        ),
        (
            "POST",
            "/documents",
            {"type": "receipt", "lines": [{"item": "LAP", "quantity": -1, "location": "A1"}]},
            422,
            "invalid_quantity",
        ),
        (
            "POST",
            "/documents",
            {"type": "receipt", "lines": [{"item": "LAP", "quantity": 1.5, "location": "A1"}]},
            422,
            "invalid_request",
        ),
        (
            "POST",
            "/documents",
            {"type": "receipt", "lines": [{"item": "LAP", "quantity": 1}]},
            422,
            "invalid_request",
        ),
        (
            "POST",
            "/documents",
            {"type": "receipt", "lines": [{"item": "NOPE", "quantity": 1, "location": "A1"}]},
            404,
            "unknown_item",
        ),
        ("POST", "/documents", {"type": "receipt", "lines": "x"}, 422, "invalid_request"),
        ("POST", "/lots/MILK/NOPE/recall", {"recall_number": "R"}, 404, "unknown_lot"),
        (
            "POST",
            "/quarantine",
            {"item": "MILK", "lot": "L", "on": True, "until": "soon"},
            422,
            "invalid_request",
        ),
        ("GET", "/trace?item=LAP&serial=X&direction=sideways", None, 422, "invalid_request"),
        ("GET", "/ledger?limit=lots", None, 422, "invalid_request"),
        ("GET", "/no/such/route", None, 404, "not_found"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    setup: Api, method: str, path: str, body: Any, status: int, code: str
) -> None:
    before = (setup("GET", "/items")[1], setup("GET", "/documents")[1], setup("GET", "/stock")[1])
    got_status, got = setup(method, path, body)
    assert (got_status, got["error"]["code"]) == (status, code)
    assert set(got["error"]) == {"code", "message", "details"}
    assert (
        setup("GET", "/items")[1],
        setup("GET", "/documents")[1],
        setup("GET", "/stock")[1],
    ) == before


def test_malformed_and_oversize_bodies(client: Any, setup: Api) -> None:
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
    r = client.post("/api/v1/items", data="{not json", headers=headers)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "invalid_request")
    r = client.post("/api/v1/items", data="[1, 2]", headers=headers)
    assert r.status_code == 422
    r = client.post("/api/v1/items", data="x" * (1024 * 1024 + 10), headers=headers)
    assert (r.status_code, r.get_json()["error"]["code"]) == (413, "request_entity_too_large")


def test_openapi_describes_every_route(app: Any, client: Any) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routes = {
        (m, openapi_path(r.rule.removeprefix("/api/v1")))
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1") and not r.rule.endswith("openapi.json")
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert described == routes
    post_items = doc["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert post_items["required"] == ["sku", "tracking"]
