"""/api/v1/devices and operators' PINs over HTTP: enrol with a code, revoke, profiles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.web.conftest import Api
from tracking_core.core import Tracking
from tracking_core.errors import WrongPin
from web_mobile import device_events


def test_enrol_a_device_with_its_code(api: Api, client: object, app: Flask) -> None:
    made = api.ok("POST", "/devices", {"name": "HH-07", "profile": {"separators": ["~"]}}, 201)
    link = made["enrolment"]["url"]
    assert link.endswith("/enrol#code=" + made["enrolment"]["code"])
    assert made["enrolled"] is False and made["enrolment"]["expires_at"]
    public = Api(api.client, None)  # the code is the credential: no token
    got = public.ok("POST", "/devices/enrol", {"code": made["enrolment"]["code"]})
    assert got["device"]["name"] == "HH-07" and got["token"].startswith("st_")
    assert public.error("POST", "/devices/enrol", {"code": made["enrolment"]["code"]}) == (
        403,
        "enrolment_code_invalid",
    )
    device = Api(api.client, got["token"])  # an operator's token: it may read and scan
    assert device.ok("GET", "/devices/HH-07")["enrolled"] is True
    assert device.error("POST", "/devices", {"name": "HH-08"}) == (403, "permission_denied")

    dropped: list[str] = []
    device_events.on_revoke(app, dropped.append)
    assert api.ok("POST", "/devices/HH-07/revoke")["revoked"] is True
    assert dropped == ["HH-07"]
    assert device.error("GET", "/devices")[0] == 401
    again = api.ok("POST", "/devices/HH-07/enrolment", status=201)
    assert public.ok("POST", "/devices/enrol", {"code": again["enrolment"]["code"]})["token"]


def test_bad_device_input_changes_nothing(api: Api) -> None:
    for body, code in (
        ({"name": "HH-09", "profile": {"separators": ["-"]}}, "invalid_input"),
        ({"name": "HH-09", "profile": {"no_such_field": 1}}, "invalid_input"),
        ({"name": "HH-09", "profile": []}, "invalid_request"),
        ({"name": ""}, "invalid_input"),
        ({"profile": {}}, "invalid_request"),
    ):
        assert api.error("POST", "/devices", body)[1] == code, body
    assert api.ok("GET", "/devices") == {"devices": []}
    api.ok("POST", "/devices", {"name": "HH-09"}, 201)
    assert api.error("PUT", "/devices/HH-09/profile", {"profile": {"gs1": "maybe"}})[1] == (
        "invalid_input"
    )
    assert api.ok("GET", "/devices/HH-09")["profile"] == {}
    ok = api.ok("PUT", "/devices/HH-09/profile", {"profile": {"ambiguous_ai": "strip"}})
    assert ok["profile"] == {"ambiguous_ai": "strip"}
    assert api.error("GET", "/devices/NOPE") == (404, "unknown_device")
    assert api.error("POST", "/devices/enrol", {"code": "x" * 20})[1] == (
        "enrolment_code_invalid"
    )


def test_pins_roles_and_the_sign_in_audit(
    api: Api, as_role: Callable[[str], Api], core: Tracking
) -> None:
    made = api.ok("POST", "/operators", {"badge": "0050", "name": "Sam", "role": "setup"}, 201)
    assert (made["role"], made["has_pin"]) == ("setup", False)
    assert "pin" not in made and "pin_hash" not in made
    assert api.ok("PUT", "/operators/0050/pin", {"pin": "5050"})["has_pin"] is True
    assert api.error("PUT", "/operators/0050/pin", {"pin": "50"})[1] == "invalid_input"
    assert api.error("PUT", "/operators/0050/role", {"role": "boss"})[1] == "invalid_request"
    assert api.ok("PUT", "/operators/0050/role", {"role": "operator"})["role"] == "operator"
    assert as_role("operator").error("PUT", "/operators/0050/pin", {"pin": "1111"})[0] == 403
    with pytest.raises(WrongPin):
        core.sign_in_operator("HH-1", "0050", "0000")
    rows = api.ok("GET", "/operators/signins?badge=0050")["signins"]
    assert [(r["device"], r["result"]) for r in rows] == [("HH-1", "wrong_pin")]
    assert api.error("GET", "/operators/signins?limit=0")[1] == "invalid_request"
    assert api.ok("PUT", "/operators/0050/pin", {"pin": None})["has_pin"] is False
