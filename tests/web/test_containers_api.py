"""Cases and pallets through the API: create, pack, inquire, ship whole, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Api


@pytest.fixture
def stocked(master: Api) -> Api:
    """R-1 posted at A1: SN0001..SN0004 and lot L1 (20)."""
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-1",
            "lines": [
                {"item": "LAP", "quantity": 4, "location": "A1"},
                {"item": "MILK", "quantity": 20, "location": "A1"},
            ],
        },
        201,
    )
    master.ok("POST", "/documents/R-1/serials", {"action": "generate", "line": 1, "count": 4}, 201)
    master.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 2, "lot": "L1", "quantity": 20},
        201,
    )
    master.ok("POST", "/documents/R-1/post")
    return master


def _new(api: Api, **body: Any) -> str:
    code: str = api.ok("POST", "/containers", {"location": "A1", **body}, 201)["code"]
    return code


def test_pack_a_pallet_and_read_its_tree(stocked: Api) -> None:
    pallet, case = _new(stocked), _new(stocked)
    packed = stocked.ok(
        "POST",
        f"/containers/{case}/pack",
        {
            "serials": [{"serial": "SN0001"}, {"serial": "SN0002", "item": "LAP"}],
            "lots": [{"item": "MILK", "lot": "L1", "quantity": 5}],
        },
        201,
    )
    assert packed["action"] == "pack" and len(packed["serials"]) == 2
    stocked.ok("POST", f"/containers/{pallet}/pack", {"containers": [case]}, 201)
    tree = stocked.ok("GET", f"/containers/{pallet}")
    assert (tree["status"], tree["location"], tree["parent"]) == ("in_stock", "A1", None)
    (child,) = tree["children"]
    assert child["code"] == case and child["parent"] == pallet
    assert {(t["item"], t["quantity"]) for t in tree["totals"]} == {("LAP", 2), ("MILK", 5)}
    listed = stocked.ok("GET", "/containers?location=A1")["containers"]
    assert [c["code"] for c in listed] == [pallet]  # top-level ones only
    records = stocked.ok("GET", f"/containers/{case}/records")["records"]
    assert [r["action"] for r in records] == ["pack"]
    # an idempotent unpack: the replay answers the same, changes nothing
    body = {"serials": [{"serial": "SN0001"}], "device": "HH-1", "scan_id": "u-1"}
    first = stocked.ok("POST", f"/containers/{case}/unpack", body, 201)
    assert stocked.ok("POST", f"/containers/{case}/unpack", body, 201) == first
    undone = stocked.ok("POST", f"/pack-records/{first['id']}/reverse", {}, 201)
    assert (undone["action"], undone["reverses"]) == ("pack", first["id"])
    assert stocked.error("POST", f"/pack-records/{first['id']}/reverse", {}) == (
        409,
        "pack_already_reversed",
    )


def test_ship_a_pallet_whole(stocked: Api) -> None:
    case = _new(stocked)
    stocked.ok(
        "POST",
        f"/containers/{case}/pack",
        {"serials": [{"serial": "SN0003"}], "lots": [{"item": "MILK", "lot": "L1", "quantity": 4}]},
        201,
    )
    stocked.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "number": "S-1",
            "lines": [
                {"item": "LAP", "quantity": 1, "location": "A1"},
                {"item": "MILK", "quantity": 4, "location": "A1"},
            ],
        },
        201,
    )
    got = stocked.ok("POST", "/documents/S-1/containers", {"container": case}, 201)
    assert got["quantity"] == 5 and len(got["assignments"]) == 2
    off = stocked.ok("DELETE", f"/documents/S-1/containers/{case}")
    assert off["action"] == "unassign" and off["quantity"] == 5
    stocked.ok("POST", "/documents/S-1/containers", {"container": case}, 201)
    stocked.ok("POST", "/documents/S-1/post")
    shipped = stocked.ok("GET", f"/containers/{case}")
    assert (shipped["status"], shipped["location"]) == ("shipped", None)
    serial = stocked.ok("GET", "/serials/SN0003")
    assert [m["container"] for m in serial["history"]] == [None, case]


def test_bad_container_input(stocked: Api) -> None:
    case = _new(stocked)
    assert stocked.error("GET", "/containers/106141412345678909") == (422, "invalid_container_code")
    assert stocked.error("GET", "/containers/106141412345678908") == (404, "unknown_container")
    assert stocked.error("POST", "/containers", {"location": "A1", "code": case}) == (
        409,
        "container_exists",
    )
    assert stocked.error("POST", f"/containers/{case}/pack", {}) == (422, "invalid_input")
    assert stocked.error("POST", f"/containers/{case}/pack", {"serials": [{"serial": "NOPE"}]}) == (
        404,
        "unknown_serial",
    )
    assert stocked.error("POST", f"/containers/{case}/pack", {"containers": [case]}) == (
        409,
        "container_cycle",
    )
    assert stocked.error(
        "POST", f"/containers/{case}/unpack", {"serials": [{"serial": "SN0004"}]}
    ) == (409, "not_packed")
    assert stocked.error("POST", "/pack-records/99/reverse", {}) == (404, "unknown_pack_operation")
    # a label for a licence plate: there is no SSCC to print
    plate = _new(stocked, code="LP-0001")
    assert stocked.error("POST", f"/containers/{plate}/label", {}) == (422, "invalid_input")
    assert stocked.ok("POST", f"/containers/{case}/label", {}, 201)["container"] == case
