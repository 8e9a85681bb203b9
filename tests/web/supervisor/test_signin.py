"""Sign-in with a token, the session cookie, CSRF, roles and the 403 page."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.web.conftest import ADMIN_TOKEN, Api
from tests.web.supervisor.conftest import Page, code
from tracking_core.core import Tracking


def test_pages_send_strangers_to_sign_in(page: Page) -> None:
    resp = page.get("/documents?status=open")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/supervisor/signin?next=/supervisor/documents?status%3Dopen"
    json = page.get("/documents.json")
    assert json.status_code == 401 and code(json) == "unauthorized"


def test_token_sign_in_sets_a_safe_cookie_and_goes_where_asked(page: Page, api: Api) -> None:
    page.get("/signin")
    resp = page.post("/signin", {"token": ADMIN_TOKEN, "next": "/supervisor/settings"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/supervisor/settings"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "bootstrap (admin)" in page.get("/documents").get_data(as_text=True)


def test_the_cookie_is_secure_over_https(client: FlaskClient, api: Api) -> None:
    p = Page(client)
    p.get("/signin", base_url="https://scantrack.example")
    resp = p.post("/signin", {"token": ADMIN_TOKEN}, base_url="https://scantrack.example")
    assert resp.status_code == 302 and "Secure" in resp.headers["Set-Cookie"]


def test_never_redirects_off_the_supervisor_pages(page: Page, api: Api) -> None:
    page.get("/signin")
    for target in ("https://evil.example/", "//evil.example/x", "/api/v1/items"):
        resp = page.post("/signin", {"token": ADMIN_TOKEN, "next": target})
        assert resp.headers["Location"] == "/supervisor/documents"
        page.get("/signin")


def test_a_wrong_token_is_refused_and_signs_nobody_in(page: Page, api: Api) -> None:
    page.get("/signin")
    resp = page.post("/signin", {"token": "st_not-a-token-at-all"})
    assert resp.status_code == 401 and code(resp) == "token_unknown"
    assert page.get("/documents").status_code == 302


def test_posts_without_the_session_csrf_token_are_refused(page: Page, api: Api) -> None:
    page.get("/signin")
    good = page.csrf
    page.csrf = "forged"
    resp = page.post("/signin", {"token": ADMIN_TOKEN})
    assert resp.status_code == 400 and code(resp) == "csrf_failed"
    page.csrf = ""
    assert code(page.post("/signin", {"token": ADMIN_TOKEN})) == "csrf_failed"
    page.csrf = good
    assert page.post("/signin", {"token": ADMIN_TOKEN}).status_code == 302


def test_csrf_refusal_changes_nothing(admin_page: Page, core: Tracking) -> None:
    admin_page.csrf = "stale"
    resp = admin_page.post("/settings", {"allocation_order": "fefo"})
    assert resp.status_code == 400 and code(resp) == "csrf_failed"
    assert core.settings().allocation_order == "fifo" and core.setting_changes() == []


def test_sign_in_gives_a_new_csrf_token(page: Page, api: Api) -> None:
    page.get("/signin")
    before = page.csrf
    page.sign_in_token(ADMIN_TOKEN)
    assert page.csrf and page.csrf != before


def test_sign_out_ends_the_session(admin_page: Page) -> None:
    assert admin_page.post("/signout").status_code == 302
    assert admin_page.get("/documents").status_code == 302


def test_a_revoked_token_is_signed_out_at_once(
    page_as: Callable[[str], Page], core: Tracking
) -> None:
    p = page_as("setup")
    assert p.get("/settings").status_code == 200
    (tok,) = [t for t in core.tokens() if t.name == "setup-page"]
    core.revoke_token(tok.id)
    assert p.get("/settings").status_code == 302


def test_roles_as_in_the_api_with_a_page_naming_the_role_needed(
    page_as: Callable[[str], Page], core: Tracking
) -> None:
    op = page_as("operator")
    assert op.get("/settings").status_code == 200  # anyone may read settings
    resp = op.post("/settings", {"allocation_order": "fefo"})
    assert resp.status_code == 403 and code(resp) == "permission_denied"
    assert "admin or setup" in resp.get_data(as_text=True)
    assert core.settings().allocation_order == "fifo"
    resp = op.post("/operators", {"badge": "0042", "name": "Ann"})
    assert resp.status_code == 403 and core.operators() == []
