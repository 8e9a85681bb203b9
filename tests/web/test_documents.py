"""Documents through the API: receive, post, inquire, trace, ship, lots, reverse."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import LAPTOP_GTIN, Api

AT = "2026-11-24T09:00:00+00:00"  # the test clock


def line(**kw: Any) -> dict[str, Any]:
    base = {
        "line": 1,
        "item": "LAP",
        "tracking": "serial",
        "direction": "in",
        "quantity": 3,
        "assigned": 0,
        "open": 3,
        "unit_cost": "12.5000",
        "location": "A1",
        "to_location": None,
        "expected": 0,
        "serials": [],
        "lots": [],
        "unit_price": None,
    }
    return {**base, **kw}


def movement(id_: int, **kw: Any) -> dict[str, Any]:
    base = {
        "id": id_,
        "seq": id_,  # serial records only here: the one sequence runs with their ids
        "kind": "serial",
        "posted_at": AT,
        "document": "RC-000001",
        "doc_type": "receipt",
        "partner": "V1",
        "from_location": None,
        "to_location": "A1",
        "quantity": 1,
        "cost": "12.5000",
        "operator": None,  # no badge signed in: REST steps name the token
        "device": None,
        "serial": None,
        "lot": None,
        "reversal_of": None,
        "item": "LAP",
        "unit_price": None,
        "token": "bootstrap",
        "container": None,
    }
    return {**base, **kw}


def receive_laptops(api: Api) -> None:
    """RC-000001: SN0001, SN0002 from the mask and V-9 scanned, posted at A1."""
    api.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "reference": "PO-1",
            "lines": [{"item": "LAP", "quantity": 3, "location": "A1", "unit_cost": "12.50"}],
        },
        201,
    )
    api.ok(
        "POST", "/documents/RC-000001/serials", {"action": "generate", "count": 2, "line": 1}, 201
    )
    api.ok(
        "POST",
        "/documents/RC-000001/serials",
        {"action": "generate", "item": LAPTOP_GTIN, "serials": ["V-9"]},
        201,
    )
    api.ok("POST", "/documents/RC-000001/post")


def test_receive_serials_by_count_and_by_list_then_post(master: Api) -> None:
    api = master
    created = api.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "reference": "PO-1",
            "lines": [{"item": "LAP", "quantity": 3, "location": "A1", "unit_cost": "12.50"}],
        },
        201,
    )
    assert created == {
        "number": "RC-000001",
        "doc_type": "receipt",
        "status": "open",
        "partner": "V1",
        "reference": "PO-1",
        "created_at": AT,
        "posted_at": None,
        "reverses": None,
        "lines": [line()],
        "quantity": 3,
        "assigned": 0,
    }
    step = {
        "document": "RC-000001",
        "line": 1,
        "item": "LAP",
        "action": "generate",
        "location": "A1",
        "lots": [],
        "expiry": None,
        "line_quantity": 3,
        "warnings": [],
    }
    by_count = api.ok(
        "POST", "/documents/RC-000001/serials", {"action": "generate", "line": 1, "count": 2}, 201
    )
    assert by_count == {**step, "serials": ["SN0001", "SN0002"], "assigned": 2, "quantity": 2}
    by_list = api.ok(
        "POST",
        "/documents/RC-000001/serials",
        {"action": "generate", "item": LAPTOP_GTIN, "serials": ["V-9"]},
        201,
    )
    assert by_list == {**step, "serials": ["V-9"], "assigned": 3, "quantity": 1}
    assert api.ok("POST", "/documents/RC-000001/post") == {
        "document": "RC-000001",
        "doc_type": "receipt",
        "posted_at": AT,
        "serial_records": 3,
        "lot_records": 0,
        "reverses": None,
    }
    detail = api.ok("GET", "/documents/RC-000001")
    assert (detail["status"], detail["lines"]) == (
        "posted",
        [line(assigned=3, open=0, serials=["SN0001", "SN0002", "V-9"])],
    )


def test_inquiry_after_a_receipt(master: Api) -> None:
    receive_laptops(master)
    assert master.ok("GET", "/serials/V-9") == {
        "item": "LAP",
        "serial": "V-9",
        "status": "in_stock",
        "location": "A1",
        "held_by": None,
        "lot": None,
        "expiry": None,
        "production_date": None,
        "quarantine": False,
        "quarantine_until": None,
        "cost": "12.5000",
        "received_at": AT,
        "warranty_until": None,
        "history": [movement(3, serial="V-9")],
    }
    assert master.ok("GET", "/stock?item=LAP") == {
        "stock": [
            {
                "item": "LAP",
                "location": "A1",
                "lot": None,
                "on_hand": 3,
                "allocated": 0,
                "expiry": None,
                "available": 3,
                "value": "37.5000",
            }
        ],
        "value": "37.5000",
    }


def test_ship_by_suggestion_and_trace_both_ways(master: Api) -> None:
    api = master
    receive_laptops(api)
    ship = api.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1"}],
        },
        201,
    )
    assert ship["number"] == "SH-000001"
    suggested = api.ok(
        "POST", "/documents/SH-000001/serials", {"action": "allocate", "line": 1, "count": 1}, 201
    )
    assert (suggested["serials"], suggested["action"]) == (["SN0001"], "allocate")  # FIFO
    stock = api.ok("GET", "/stock?item=LAP&location=A1")["stock"]
    assert [(r["on_hand"], r["allocated"], r["available"]) for r in stock] == [(3, 1, 2)]
    api.ok("POST", "/documents/SH-000001/post")
    shipped = movement(
        4, document="SH-000001", doc_type="shipment", partner="C1", from_location="A1"
    )
    shipped.update(to_location=None, serial="SN0001")
    forward = api.ok("GET", "/trace?item=LAP&serial=SN0001")
    assert forward == {
        "item": "LAP",
        "number": "SN0001",
        "direction": "forward",
        "hits": [
            {
                "item": "LAP",
                "serial": "SN0001",
                "lot": None,
                "document": "SH-000001",
                "doc_type": "shipment",
                "partner": "C1",
                "partner_kind": "customer",
                "quantity": 1,
                "posted_at": AT,
                "location": "A1",
            }
        ],
        "movements": [movement(1, serial="SN0001"), shipped],
        "partners": ["C1"],
    }
    backward = api.ok("GET", f"/trace?item={LAPTOP_GTIN}&serial=SN0001&direction=backward")
    assert [(h["document"], h["partner_kind"]) for h in backward["hits"]] == [
        ("RC-000001", "vendor")
    ]
    assert backward["partners"] == ["V1"]
    assert api.ok("GET", "/serials/SN0001")["status"] == "shipped"


def test_lots_with_quantity_in_and_out(master: Api) -> None:
    api = master
    api.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "lines": [{"item": "MILK", "quantity": 10, "location": "A1"}],
        },
        201,
    )
    from_mask = api.ok(
        "POST",
        "/documents/RC-000001/lots",
        {"action": "generate", "line": 1, "quantity": 6, "expiry": "2026-12-31"},
        201,
    )
    assert from_mask == {
        "document": "RC-000001",
        "line": 1,
        "item": "MILK",
        "action": "generate",
        "location": "A1",
        "serials": [],
        "lots": [["L0001", 6]],
        "expiry": "2026-12-31",
        "assigned": 6,
        "line_quantity": 10,
        "warnings": [],
        "quantity": 6,
    }
    scanned = api.ok(
        "POST",
        "/documents/RC-000001/lots",
        {
            "action": "generate",
            "item": "MILK",
            "lot": "VL-7",
            "quantity": 4,
            "expiry": "2027-01-31",
        },
        201,
    )
    assert (scanned["lots"], scanned["assigned"]) == ([["VL-7", 4]], 10)
    assert api.ok("POST", "/documents/RC-000001/post")["lot_records"] == 2

    api.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "lines": [{"item": "MILK", "quantity": 8, "location": "A1"}],
        },
        201,
    )
    # by suggestion: FIFO takes the lots in the order they came
    picked = api.ok(
        "POST", "/documents/SH-000001/lots", {"action": "allocate", "line": 1, "quantity": 8}, 201
    )
    assert (picked["lots"], picked["assigned"]) == ([["L0001", 6], ["VL-7", 2]], 8)
    api.ok("POST", "/documents/SH-000001/post")
    lot = api.ok("GET", "/lots/MILK/VL-7")
    assert {k: lot[k] for k in ("status", "expiry", "on_hand", "stock")} == {
        "status": "available",
        "expiry": "2027-01-31",
        "on_hand": 2,
        "stock": [
            {
                "item": "MILK",
                "location": "A1",
                "lot": "VL-7",
                "on_hand": 2,
                "allocated": 0,
                "expiry": "2027-01-31",
                "value": "0.0000",
            }
        ],
    }
    assert [(m["doc_type"], m["quantity"]) for m in lot["history"]] == [
        ("receipt", 4),
        ("shipment", 2),
    ]


def test_transfer_splits_a_lot(master: Api) -> None:
    api = master
    api.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "lines": [{"item": "MILK", "quantity": 5, "location": "A1"}],
        },
        201,
    )
    api.ok(
        "POST",
        "/documents/RC-000001/lots",
        {"action": "generate", "lot": "X", "quantity": 5, "line": 1},
        201,
    )
    api.ok("POST", "/documents/RC-000001/post")
    api.ok(
        "POST",
        "/documents",
        {
            "type": "transfer",
            "number": "TR-A",
            "lines": [{"item": "MILK", "quantity": 2, "location": "A1", "to_location": "B2"}],
        },
        201,
    )
    api.ok(
        "POST",
        "/documents/TR-A/lots",
        {"action": "allocate", "line": 1, "lot": "X", "quantity": 2},
        201,
    )
    api.ok("POST", "/documents/TR-A/post")
    rows = api.ok("GET", "/stock?lot=X")["stock"]
    assert sorted((r["location"], r["on_hand"]) for r in rows) == [("A1", 3), ("B2", 2)]


def test_add_line_cancel_and_reverse(master: Api) -> None:
    api = master
    api.ok("POST", "/documents", {"type": "receipt", "partner": "V1", "number": "R-1"}, 201)
    added = api.ok(
        "POST", "/documents/R-1/lines", {"item": "BOLT", "quantity": 7, "location": "A1"}, 201
    )
    assert added == line(
        item="BOLT", tracking="none", quantity=7, open=7, unit_cost="0.0000", location="A1"
    )
    posted = api.ok("POST", "/documents/R-1/post")
    assert posted["document"] == "R-1"
    assert api.error("POST", "/documents/R-1/reverse", {"number": "R\u0000"}) == (
        422,
        "invalid_input",
    )
    reversal = api.ok("POST", "/documents/R-1/reverse", {"number": "R-1-REV"}, 201)
    assert (reversal["document"], reversal["reverses"]) == ("R-1-REV", "R-1")
    assert api.error("POST", "/documents/R-1/reverse") == (409, "already_reversed")

    api.ok("POST", "/documents", {"type": "shipment", "partner": "C1", "number": "S-9"}, 201)
    cancelled = api.ok("POST", "/documents/S-9/cancel")
    assert (cancelled["number"], cancelled["status"]) == ("S-9", "cancelled")
    assert api.error("POST", "/documents/S-9/post") == (409, "document_not_open")


def test_a_serial_of_several_items_is_asked_for_not_guessed(master: Api) -> None:
    api = master
    api.ok("POST", "/items", {"sku": "PHONE", "tracking": "serial"}, 201)
    api.ok("PATCH", "/settings", {"allow_duplicate_serials": True})
    for n, item in enumerate(("LAP", "PHONE"), 1):
        lines = [{"item": item, "quantity": 1, "location": "A1"}]
        api.ok(
            "POST",
            "/documents",
            {"type": "receipt", "partner": "V1", "number": f"R-{n}", "lines": lines},
            201,
        )
        api.ok(
            "POST",
            f"/documents/R-{n}/serials",
            {"action": "generate", "line": 1, "serials": ["X1"]},
            201,
        )
        api.ok("POST", f"/documents/R-{n}/post")
    status, data = api("GET", "/serials/X1")  # the Api holds a 409 to the document too
    assert status == 409
    assert data["error"]["code"] == "serial_ambiguous"
    assert data["error"]["details"] == {"serial": "X1", "items": ["LAP", "PHONE"]}
    assert api.ok("GET", "/serials/X1?item=PHONE")["item"] == "PHONE"


def test_an_added_line_answers_what_a_reread_answers(master: Api) -> None:
    # an outbound line has no cost of its own until posting: "0.0000" both times, not "0"
    api = master
    api.ok("POST", "/documents", {"type": "transfer", "number": "T-1"}, 201)
    added = api.ok(
        "POST",
        "/documents/T-1/lines",
        {"item": "BOLT", "quantity": 2, "location": "A1", "to_location": "B2"},
        201,
    )
    assert added == api.ok("GET", "/documents/T-1")["lines"][0]
    assert added["unit_cost"] == "0.0000"


def test_list_documents_by_type_and_status(master: Api) -> None:
    api = master
    for doc in (
        {"type": "receipt", "partner": "V1", "number": "R-1"},
        {"type": "shipment", "partner": "C1", "number": "S-1"},
    ):
        api.ok("POST", "/documents", doc, 201)
    api.ok("POST", "/documents/S-1/cancel")

    def numbers(query: str) -> list[str]:
        return [d["number"] for d in api.ok("GET", f"/documents{query}")["documents"]]

    assert numbers("") == ["S-1", "R-1"]  # newest first
    assert numbers("?type=receipt") == ["R-1"]
    assert numbers("?status=cancelled") == ["S-1"]
    assert numbers("?type=receipt&status=cancelled") == []
    assert numbers("?limit=1") == ["S-1"]
    assert api.error("GET", "/documents?type=invoice") == (422, "invalid_request")
