"""REST: stock with its value, a shipment line's price kept apart from the ledger's cost."""

from __future__ import annotations

from tests.web.conftest import Api, snapshot


def receive(api: Api, item: str, qty: int, cost: str, **step: object) -> str:
    doc = api.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "lines": [{"item": item, "quantity": qty, "location": "A1", "unit_cost": cost}],
        },
        201,
    )["number"]
    kind = "serials" if item == "LAP" else "lots"
    api.ok("POST", f"/documents/{doc}/{kind}", {"action": "generate", "line": 1, **step}, 201)
    api.ok("POST", f"/documents/{doc}/post")
    return str(doc)


def test_stock_rows_carry_their_value_and_the_answer_its_total(master: Api) -> None:
    api = master
    receive(api, "LAP", 2, "190.00", serials=["S1", "S2"])
    receive(api, "MILK", 60, "2.40", lot="L1", quantity=60)
    receive(api, "MILK", 40, "3.00", lot="L1", quantity=40)
    stock = api.ok("GET", "/stock")
    assert [(r["item"], r["lot"], r["on_hand"], r["value"]) for r in stock["stock"]] == [
        ("LAP", None, 2, "380.0000"),
        ("MILK", "L1", 100, "264.0000"),
    ]
    assert stock["value"] == "644.0000"
    assert api.ok("GET", "/stock?item=BOLT") == {"stock": [], "value": "0.0000"}
    schemas = api.ok("GET", "/openapi.json")["components"]["schemas"]
    spec = schemas["Stock"]
    assert spec["required"] == ["stock", "value"]
    assert spec["properties"]["stock"]["items"] == {"$ref": "#/components/schemas/StockLevel"}
    assert "value" in schemas["StockLevel"]["required"]


def test_a_shipment_line_keeps_its_price_and_the_ledger_the_cost(master: Api) -> None:
    api = master
    receive(api, "LAP", 1, "190.00", serials=["S1"])
    before = snapshot(api)
    status, body = api(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1", "unit_cost": "249.00"}],
        },
    )
    assert status == 422
    assert (body["error"]["code"], body["error"]["details"]["field"]) == (
        "price_not_cost",
        "unit_cost",
    )
    assert body["error"]["details"]["use"] == "unit_price"
    for bad, code in (("abc", "invalid_request"), ("-1", "invalid_input")):
        line = {"item": "LAP", "quantity": 1, "location": "A1", "unit_price": bad}
        assert api.error("POST", "/documents", {"type": "shipment", "lines": [line]}) == (
            422,
            code,
        )
    assert snapshot(api) == before
    doc = api.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1", "unit_price": "249.00"}],
        },
        201,
    )
    assert (doc["lines"][0]["unit_price"], doc["lines"][0]["unit_cost"]) == ("249.0000", "0.0000")
    step = {"action": "allocate", "serials": ["S1"], "line": 1}
    api.ok("POST", f"/documents/{doc['number']}/serials", step, 201)
    api.ok("POST", f"/documents/{doc['number']}/post")
    (shipped,) = [
        r for r in api.ok("GET", "/ledger?kind=serial")["records"] if r["doc_type"] == "shipment"
    ]
    assert (shipped["cost"], shipped["unit_price"]) == ("190.0000", "249.0000")
    assert api.ok("GET", "/stock")["value"] == "0.0000"
