"""Receiving by SSCC through the API: announce (JSON and CSV), check, receive with one
scan, post, the notice's report; bad input refused with the core's typed errors."""

from __future__ import annotations

import pytest

from tests.web.conftest import Api, snapshot

PALLET, CASE1, CASE2 = "306141410000000013", "306141410000000020", "306141410000000037"
NOTICE = {
    "containers": [
        {
            "sscc": PALLET,
            "children": [
                {"sscc": CASE1, "contents": [{"line": 1, "serials": ["VS-1", "VS-2"]}]},
                {
                    "sscc": CASE2,
                    "contents": [
                        {"item": "MILK", "lot": "B7", "quantity": 10, "expiry": "2027-01-31"},
                        {"item": "BOLT", "quantity": 3},
                    ],
                },
            ],
        }
    ]
}


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
                {"item": "LAP", "quantity": 2, "location": "A1"},
                {"item": "MILK", "quantity": 10, "location": "A1"},
                {"item": "BOLT", "quantity": 3, "location": "A1"},
            ],
        },
        201,
    )
    return master


def test_announce_check_receive_post(receipt: Api) -> None:
    api = receipt
    done = api.ok("POST", "/documents/R-1/ship-notice/containers", NOTICE, 201)
    assert done == {
        "document": "R-1",
        "containers": [PALLET, CASE1, CASE2],
        "contents": 4,
        "units": 15,
    }
    check = api.ok(
        "POST",
        "/documents/R-1/ship-notice/check",
        {"container": CASE1, "serials": [{"serial": "VS-1"}, {"serial": "VS-3", "item": "LAP"}]},
        201,
    )
    assert [(d["kind"], d["serial"]) for d in check["discrepancies"]] == [
        ("missing", "VS-2"),
        ("extra", "VS-3"),
    ]
    notice = api.ok("GET", "/documents/R-1/ship-notice")
    assert (notice["complete"], notice["expected"], notice["discrepancies"]) == (False, 3, 2)
    scan = {"container": PALLET, "device": "HH-1", "scan_id": "s-1"}
    got = api.ok("POST", "/documents/R-1/ship-notice/receive", scan, 201)
    assert got["checked"] == [CASE1] and [x["quantity"] for x in got["lines"]] == [2, 10, 3]
    assert api.ok("POST", "/documents/R-1/ship-notice/receive", scan, 201) == got  # a replay
    again = {"container": PALLET, "device": "HH-1", "scan_id": "s-2"}
    assert api.error("POST", "/documents/R-1/ship-notice/receive", again) == (
        409,
        "container_already_received",
    )
    api.ok("POST", "/documents/R-1/post")
    pallet = api.ok("GET", f"/containers/{PALLET}")
    assert (pallet["status"], pallet["location"]) == ("in_stock", "A1")
    notice = api.ok("GET", "/documents/R-1/ship-notice")
    assert notice["status"] == "posted" and notice["expected"] == 0
    assert [c["code"] for c in notice["containers"][0]["children"]] == [CASE1, CASE2]


def test_announce_from_csv(receipt: Api) -> None:
    csv = "\n".join(
        [
            "sscc,parent_sscc,line,item,serial,lot,quantity,expiry",
            f"{CASE1},,1,,VS-1,,,",
            f"{CASE1},,1,,VS-2,,,",
            f"{CASE2},,,MILK,,B7,10,2027-01-31",
        ]
    )
    done = receipt.ok("POST", "/documents/R-1/ship-notice/csv", {"csv": csv}, 201)
    assert done["containers"] == [CASE1, CASE2] and done["units"] == 12


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"containers": [{"sscc": PALLET[:-1] + "4"}]}, 422, "invalid_container_code"),
        (
            {"containers": [{"sscc": CASE1, "contents": [{"item": "NOPE", "quantity": 1}]}]},
            404,
            "unknown_item",
        ),
        (
            {
                "containers": [
                    {"sscc": CASE1, "contents": [{"line": 1, "serials": ["A", "B", "C"]}]}
                ]
            },
            422,
            "notice_exceeds_line",
        ),
        (
            {"containers": [{"sscc": CASE1, "parent": CASE2}, {"sscc": CASE2, "parent": CASE1}]},
            409,
            "container_cycle",
        ),
        (
            {
                "containers": [
                    {"sscc": CASE1, "contents": [{"line": 1, "serials": ["A"]}]},
                    {"sscc": CASE2, "contents": [{"line": 1, "serials": ["A"]}]},
                ]
            },
            422,
            "serial_announced_twice",
        ),
        ({"containers": [{"sscc": CASE1, "colour": "red"}]}, 422, "invalid_request"),
    ],
)
def test_bad_notices_change_nothing(
    receipt: Api, body: dict[str, object], status: int, code: str
) -> None:
    before = snapshot(receipt)
    notice = receipt.ok("GET", "/documents/R-1/ship-notice")
    assert receipt.error("POST", "/documents/R-1/ship-notice/containers", body) == (status, code)
    assert snapshot(receipt) == before
    assert receipt.ok("GET", "/documents/R-1/ship-notice") == notice


def test_bad_csv_and_bad_receipts(receipt: Api) -> None:
    assert receipt.error("POST", "/documents/R-1/ship-notice/csv", {"csv": "colour\nred"}) == (
        422,
        "invalid_input",
    )
    assert receipt.error("POST", "/documents/R-1/ship-notice/receive", {"container": CASE1}) == (
        404,
        "unknown_container",
    )
    assert receipt.error("POST", "/documents/R-NOPE/ship-notice/receive", {"container": CASE1}) == (
        404,
        "unknown_document",
    )
