"""Operators' PINs and roles on the pages, the sign-in audit, and signing in with badge + PIN:
wrong PINs slow the badge down (retry_after), and the operator's role decides."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.web.supervisor.conftest import Page, code
from tracking_core.core import Tracking


@pytest.fixture
def pat(app: Flask, core: Tracking) -> Page:
    """A signed-out browser; operator 0044 (Pat, role operator) has PIN 1234."""
    core.create_operator(badge="0044", name="Pat", pin="1234")
    return Page(app.test_client())


def test_create_with_role_and_pin_then_sign_in_with_them(
    app: Flask, admin_page: Page, core: Tracking
) -> None:
    data = {"badge": "0044", "name": "Pat", "role": "setup", "pin": "1234"}
    assert admin_page.post("/operators", data).status_code == 302
    (op,) = core.operators()
    assert (op.role, op.has_pin) == ("setup", True)
    p = Page(app.test_client())
    assert p.sign_in_operator("0044", "1234").status_code == 302
    html = p.get("/devices").get_data(as_text=True)
    assert 'data-testid="viewer">Pat (setup)' in html and "Add device" in html
    assert p.post("/devices", {"name": "HH-1"}).status_code == 201  # setup may


def test_the_operators_role_decides_and_a_role_change_applies_at_once(
    pat: Page, admin_page: Page, core: Tracking
) -> None:
    p = pat
    p.sign_in_operator("0044", "1234")
    assert p.post("/devices", {"name": "HH-1"}).status_code == 403
    assert admin_page.post("/operators/0044/role", {"role": "admin"}).status_code == 302
    assert core.operators()[0].role == "admin"
    assert p.post("/devices", {"name": "HH-1"}).status_code == 201
    resp = admin_page.post("/operators/0044/role", {"role": "boss"})
    assert (resp.status_code, code(resp)) == (422, "invalid_input")
    assert core.operators()[0].role == "admin"


def test_set_a_pin_and_a_bad_one_changes_nothing(
    app: Flask, admin_page: Page, core: Tracking
) -> None:
    core.create_operator(badge="0042", name="Ann")
    assert 'data-testid="has-pin">no<' in admin_page.get("/operators").get_data(as_text=True)
    assert admin_page.post("/operators/0042/pin", {"pin": "5678"}).status_code == 302
    for bad in ("12", "12a4", "123456789", ""):
        resp = admin_page.post("/operators/0042/pin", {"pin": bad})
        assert (resp.status_code, code(resp)) == (422, "invalid_input"), bad
    assert core.authenticate_operator("0042", "5678").badge == "0042"
    resp = admin_page.post("/operators/NOPE/pin", {"pin": "5678"})
    assert (resp.status_code, code(resp)) == (404, "unknown_operator")
    resp = admin_page.post("/operators/0042/pin", {"pin": "1111", "csrf_token": "forged"})
    assert (resp.status_code, code(resp)) == (400, "csrf_failed")
    assert core.authenticate_operator("0042", "5678").badge == "0042"


def test_wrong_pins_show_the_code_and_then_the_wait(pat: Page) -> None:
    p = pat
    seen = []
    for _ in range(4):  # the fixed test clock never lets the delay pass
        resp = p.sign_in_operator("0044", "0000")
        html = resp.get_data(as_text=True)
        wait = re.search(r'data-testid="retry-after" data-seconds="(\d+)"', html)
        seen.append((resp.status_code, code(resp), int(wait.group(1)) if wait else 0))
    assert seen[:2] == [(403, "wrong_pin", 0), (403, "wrong_pin", 0)]
    assert seen[2] == (403, "wrong_pin", 1)
    assert seen[3][:2] == (429, "signin_locked") and seen[3][2] >= 1
    resp = p.sign_in_operator("0044", "1234")  # locked: not even the right PIN is checked
    assert (resp.status_code, code(resp)) == (429, "signin_locked")
    assert p.get("/documents").status_code == 302


def test_the_sign_in_audit_is_shown_to_who_manages_operators(
    pat: Page, admin_page: Page, core: Tracking
) -> None:
    p = pat
    p.sign_in_operator("0044", "0000")
    p.sign_in_operator("0044", "1234")
    html = admin_page.get("/operators").get_data(as_text=True)
    rows = re.findall(r'data-badge="0044" data-result="([a-z_]+)"', html)
    assert sorted(rows) == ["ok", "wrong_pin"]
    assert [r.result for r in core.operator_signins(badge="0044")] in (
        ["ok", "wrong_pin"],
        ["wrong_pin", "ok"],
    )
    assert 'data-testid="signins"' not in p.get("/operators").get_data(as_text=True)
