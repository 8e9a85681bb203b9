"""Operators: list, create, activate/deactivate; a failed operator sign-in signs nobody in."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.supervisor.conftest import Page, code
from tracking_core.core import Tracking


def test_create_and_deactivate_an_operator(admin_page: Page, core: Tracking) -> None:
    assert admin_page.post("/operators", {"badge": "0042", "name": "Ann"}).status_code == 302
    assert [(o.badge, o.name, o.active) for o in core.operators()] == [("0042", "Ann", True)]
    assert 'data-badge="0042"' in admin_page.get("/operators").get_data(as_text=True)
    admin_page.post("/operators/0042/active", {"active": "false"})
    assert core.operators()[0].active is False
    admin_page.post("/operators/0042/active", {"active": "true"})
    assert core.operators()[0].active is True


def test_bad_operator_input_changes_nothing(admin_page: Page, core: Tracking) -> None:
    for data in ({"badge": "", "name": "Ann"}, {"badge": "00\u200b42", "name": "Ann"}):
        resp = admin_page.post("/operators", data)
        assert resp.status_code == 422 and code(resp) == "invalid_input"
    assert core.operators() == []
    resp = admin_page.post("/operators/NOPE/active", {"active": "false"})
    assert resp.status_code == 404 and code(resp) == "unknown_operator"
    assert admin_page.post("/operators/NOPE/active", {"active": "maybe"}).status_code == 422


def test_reading_roles_see_operators_without_the_forms(
    page_as: Callable[[str], Page], core: Tracking
) -> None:
    core.create_operator(badge="0042", name="Ann")
    html = page_as("integration").get("/operators").get_data(as_text=True)
    assert 'data-badge="0042"' in html and "Create operator" not in html


def test_a_failed_operator_sign_in_signs_nobody_in(page: Page, core: Tracking) -> None:
    core.create_operator(badge="0042", name="Ann")
    resp = page.sign_in_operator("0042", "0000")
    assert resp.status_code >= 400 and code(resp) is not None
    assert page.get("/documents").status_code == 302
