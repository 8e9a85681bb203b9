"""The devices page: add a device, its enrolment QR code and link, a new code, its scan
profile, revoke; roles, CSRF, and bad input that changes nothing."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from werkzeug.test import TestResponse

from tests.web.supervisor.conftest import Page, code
from tracking_core.core import Tracking
from tracking_core.errors import EnrolmentCodeInvalid
from web_mobile import device_events


def shown(resp: TestResponse) -> tuple[str, str]:
    """The enrolment link on the page and what its QR image says."""
    html = resp.get_data(as_text=True)
    link = re.search(r'data-testid="enrol-link" href="([^"]+)"', html)
    img = re.search(r'data-testid="enrol-qr" src="data:image/png;base64,([^"]+)"', html)
    assert link and img, html
    picture = Image.open(io.BytesIO(base64.b64decode(img.group(1)))).convert("L")
    picture = picture.resize((picture.width * 8, picture.height * 8), Image.Resampling.NEAREST)
    (found,) = zxingcpp.read_barcodes(picture)
    return link.group(1), found.text


def code_of(url: str) -> str:
    assert url.startswith("http://localhost/enrol#code=")
    return url.split("#code=", 1)[1]


def test_add_a_device_and_enrol_it_with_the_code_of_its_qr(
    admin_page: Page, core: Tracking
) -> None:
    resp = admin_page.post(
        "/devices", {"name": "HH-7", "station": "dock-1", "profile": '{"separators": "|"}'}
    )
    assert resp.status_code == 201
    link, qr = shown(resp)
    assert qr == link
    assert 'data-testid="enrol-expires"' in resp.get_data(as_text=True)
    (dev,) = core.devices()
    assert (dev.name, dev.station, dev.enrolled) == ("HH-7", "dock-1", False)
    assert dev.profile == {"separators": "|"}
    token, info = core.enrol_device(code_of(link))
    assert info.enrolled and core.authenticate_device(token) is not None
    html = admin_page.get("/devices").get_data(as_text=True)
    assert 'data-device="HH-7"' in html and ">enrolled<" in html
    assert "enrol-link" not in html  # a code is shown once, on the POST's answer


def test_a_new_code_replaces_the_old_one(admin_page: Page, core: Tracking) -> None:
    first, _ = shown(admin_page.post("/devices", {"name": "HH-7"}))
    resp = admin_page.post("/devices/HH-7/enrolment")
    assert resp.status_code == 201
    second, qr = shown(resp)
    assert qr == second != first
    with pytest.raises(EnrolmentCodeInvalid):
        core.enrol_device(code_of(first))
    core.enrol_device(code_of(second))


def test_bad_device_input_changes_nothing(admin_page: Page, core: Tracking) -> None:
    cases = [
        ({"name": ""}, 422, "invalid_input"),
        ({"name": "HH\x07"}, 422, "invalid_input"),
        ({"name": "HH-1", "profile": "{not json"}, 422, "invalid_input"),
        ({"name": "HH-1", "profile": "[1]"}, 422, "invalid_input"),
        ({"name": "HH-1", "profile": '{"separator": "|"}'}, 422, "invalid_input"),
    ]
    for data, status, err in cases:
        resp = admin_page.post("/devices", data)
        assert (resp.status_code, code(resp)) == (status, err), data
    assert core.devices() == []
    admin_page.post("/devices", {"name": "HH-1"})
    resp = admin_page.post("/devices", {"name": "HH-1"})
    assert (resp.status_code, code(resp)) == (409, "duplicate")
    assert [d.name for d in core.devices()] == ["HH-1"]
    for path in ("/devices/NOPE/revoke", "/devices/NOPE/enrolment"):
        resp = admin_page.post(path)
        assert (resp.status_code, code(resp)) == (404, "unknown_device"), path


def test_edit_the_scan_profile_and_a_bad_one_changes_nothing(
    admin_page: Page, core: Tracking
) -> None:
    admin_page.post("/devices", {"name": "HH-1"})
    resp = admin_page.post("/devices/HH-1/profile", {"profile": '{"separators": ["|", "~"]}'})
    assert resp.status_code == 302
    assert core.device("HH-1").profile == {"separators": ["|", "~"]}
    for bad in ("{", '{"gs1": "maybe"}', '"text"', '{"colour": 1}'):
        resp = admin_page.post("/devices/HH-1/profile", {"profile": bad})
        assert (resp.status_code, code(resp)) == (422, "invalid_input"), bad
    assert core.device("HH-1").profile == {"separators": ["|", "~"]}
    html = admin_page.get("/devices").get_data(as_text=True)
    assert "&#34;~&#34;" in html or "&quot;~&quot;" in html  # the textarea shows the profile


def test_revoke_calls_the_revoke_listeners(app: Flask, admin_page: Page, core: Tracking) -> None:
    heard: list[str] = []
    device_events.on_revoke(app, heard.append)
    admin_page.post("/devices", {"name": "HH-1"})
    assert admin_page.post("/devices/HH-1/revoke").status_code == 302
    assert heard == ["HH-1"] and core.device("HH-1").revoked
    html = admin_page.get("/devices").get_data(as_text=True)
    assert ">revoked<" in html


def test_posts_without_the_csrf_token_are_refused(admin_page: Page, core: Tracking) -> None:
    admin_page.post("/devices", {"name": "HH-1"})
    for path, data in (
        ("/devices", {"name": "HH-2"}),
        ("/devices/HH-1/revoke", {}),
        ("/devices/HH-1/enrolment", {}),
        ("/devices/HH-1/profile", {"profile": '{"gs1": false}'}),
    ):
        resp = admin_page.post(path, {**data, "csrf_token": "forged"})
        assert (resp.status_code, code(resp)) == (400, "csrf_failed"), path
    (dev,) = core.devices()
    assert not dev.revoked and dev.profile == {}


@pytest.mark.parametrize("role", ["operator", "integration"])
def test_roles_that_may_not_manage_devices_only_see_them(
    page_as: Callable[[str], Page], core: Tracking, role: str
) -> None:
    core.create_device("HH-1")
    p = page_as(role)
    html = p.get("/devices").get_data(as_text=True)
    assert 'data-device="HH-1"' in html and "Add device" not in html and "Revoke" not in html
    for path in ("/devices", "/devices/HH-1/revoke", "/devices/HH-1/enrolment"):
        assert p.post(path, {"name": "HH-2"}).status_code == 403, path
    (dev,) = core.devices()
    assert not dev.revoked


def test_the_setup_role_manages_devices(page_as: Callable[[str], Page], core: Tracking) -> None:
    p = page_as("setup")
    assert "Add device" in p.get("/devices").get_data(as_text=True)
    assert p.post("/devices", {"name": "HH-1"}).status_code == 201
    assert [d.name for d in core.devices()] == ["HH-1"]


def test_signed_out_visitors_are_sent_to_sign_in(page: Page) -> None:
    resp = page.get("/devices")
    assert resp.status_code == 302 and "/supervisor/signin" in resp.headers["Location"]
    assert page.get("/monitor").status_code == 302
