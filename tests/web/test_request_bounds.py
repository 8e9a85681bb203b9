"""What the fuzz run (test_fuzz_api.py) found, each pinned: the request schemas' bounds are
the product's, and a value past them is refused and changes nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import ADMIN_TOKEN, Api, snapshot
from tracking_core.core import Tracking
from tracking_core.errors import InvalidInput
from web_mobile.api import openapi


def test_a_setting_past_its_bound_is_refused_and_a_receipt_still_works(master: Api) -> None:
    # quarantine_days_on_receipt was unbounded: 2**31-1 was stored, then every receipt
    # failed with a 500 (a date past the year 9999)
    before = snapshot(master)
    assert master.error("PATCH", "/settings", {"quarantine_days_on_receipt": 36501}) == (
        422,
        "invalid_request",
    )
    assert master.error("PATCH", "/settings", {"operator_idle_minutes": 2**40}) == (
        422,
        "invalid_request",
    )
    assert snapshot(master) == before
    master.ok("PATCH", "/settings", {"quarantine_days_on_receipt": 36500})
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "number": "R-1",
            "partner": "V1",
            "lines": [{"item": "MILK", "quantity": 2, "location": "A1"}],
        },
        201,
    )
    step = master.ok(
        "POST", "/documents/R-1/lots", {"action": "generate", "line": 1, "quantity": 2}, 201
    )
    assert step["lots"] == [["L0001", 2]]
    lot = master.ok("GET", "/lots/MILK/L0001")
    assert lot["status"] == "quarantine", lot
    assert lot["quarantine_until"] == "2126-10-31", lot  # START + 36500 days


def test_the_core_holds_the_bound_too(core: Tracking) -> None:
    with pytest.raises(InvalidInput) as refused:
        core.update_settings({"quarantine_days_on_receipt": 36501}, actor="t", role="setup")
    assert (refused.value.field, refused.value.reason) == (
        "quarantine_days_on_receipt",
        "must be from 0 to 36500",
    )
    assert core.settings().quarantine_days_on_receipt == 0


def test_the_settings_schema_has_the_cores_bounds() -> None:
    props = openapi.SCHEMAS["SettingsPatch"]["properties"]
    assert props["quarantine_days_on_receipt"]["maximum"] == 36500
    assert props["sscc_extension"]["maximum"] == 9
    assert props["sscc_company_prefix"]["pattern"] == "^[0-9]{4,12}$"


def test_get_devices_enrol_is_not_a_device(api: Api, client: FlaskClient) -> None:
    # /devices/enrol is POST only; GET used to fall through to /devices/{name}
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    resp = client.get("/api/v1/devices/enrol", headers=headers)
    assert resp.status_code == 405
    allow = client.options("/api/v1/devices/enrol").headers["Allow"]
    assert sorted(allow.split(", ")) == ["OPTIONS", "POST"]
    api.ok("POST", "/devices", {"name": "enrol-1"}, 201)
    assert api.ok("GET", "/devices/enrol-1")["name"] == "enrol-1"


def test_query_and_path_values_are_held_to_their_schemas(master: Api) -> None:
    # an empty value is not "no filter", a limit past the route's cap is not quietly cut
    assert master.error("GET", "/stock?item=") == (422, "invalid_input")
    assert master.error("GET", "/operators/signins?limit=1001") == (422, "invalid_request")
    assert master.error("GET", "/valuation?at=") == (422, "invalid_request")
    assert master.error("GET", "/items/%20") == (422, "invalid_input")
    assert master.error("GET", "/items/" + "X" * 65) == (422, "invalid_input")
    assert master.ok("GET", "/operators/signins?limit=1000") == {"signins": []}


def test_an_id_past_its_range_is_a_404_on_every_method(api: Api) -> None:
    # an int(max=...) converter made DELETE /subscriptions/2147483648 a 405 (Werkzeug
    # refuses the converter's value, then finds the path's other methods)
    for method in ("GET", "PATCH", "DELETE"):
        assert api.error(method, "/subscriptions/2147483648") == (404, "not_found"), method
    assert api.error("POST", "/labels/jobs/2147483648/reprint", {"reason": "x"}) == (
        404,
        "not_found",
    )
    assert api.error("POST", "/labels/jobs/0/decide", {"outcome": "printed", "reason": "x"}) == (
        404,
        "not_found",
    )


def test_a_body_that_is_not_an_object_is_refused(api: Api) -> None:
    before = api.ok("GET", "/settings")
    for raw in ("null", " \r\n", "[]"):
        resp = api.client.patch(
            "/api/v1/settings",
            data=raw,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
        )
        assert resp.status_code == 422, raw
        assert resp.get_json()["error"]["details"]["field"] == "body"
    assert api.ok("GET", "/settings") == before
    assert api.ok("PATCH", "/settings") == before  # no body: nothing to change


def test_the_old_ledger_paging_caps_a_large_limit_as_the_feed_does(api: Api) -> None:
    # the document says 64 bits for limit; the since_id paging refused past 2**31-1
    assert api.ok("GET", "/ledger?since_id=0&limit=6860312852776") == {"records": []}
    assert api.ok("GET", "/ledger?since=0&limit=6860312852776")["records"] == []
