"""Supervisor pages over the Flask test client: a signed-in browser with its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import ADMIN_TOKEN, Api
from tracking_core.core import Tracking
from web_mobile.app import create_app

SECRET = "test-secret-key-0123456789-0123456789"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(core: Tracking) -> Flask:
    return create_app(
        {"TRACKING": core, "BOOTSTRAP_TOKEN": ADMIN_TOKEN, "MIGRATE": False, "SECRET_KEY": SECRET}
    )


class Page:
    """A browser on /supervisor: remembers the session cookie and the last CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, path: str, **kw: Any) -> TestResponse:
        resp = self.client.get(f"/supervisor{path}", **kw)
        found = resp.mimetype == "text/html" and CSRF.search(resp.get_data(as_text=True))
        if found:
            self.csrf = found.group(1)
        return resp

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> TestResponse:
        body = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(f"/supervisor{path}", data=body, **kw)

    def sign_in_token(self, token: str) -> TestResponse:
        self.get("/signin")
        resp = self.post("/signin", {"method": "token", "token": token})
        self.get("/documents")  # the new session's CSRF token
        return resp

    def sign_in_operator(self, badge: str, pin: str) -> TestResponse:
        self.get("/signin")
        resp = self.post("/signin", {"method": "operator", "badge": badge, "pin": pin})
        self.get("/documents")
        return resp


def code(resp: TestResponse) -> str | None:
    """The error code a page shows (``data-code``), if any."""
    found = re.search(r'data-code="([^"]+)"', resp.get_data(as_text=True))
    return found.group(1) if found else None


@pytest.fixture
def page(client: FlaskClient) -> Page:
    return Page(client)


@pytest.fixture
def admin_page(app: Flask, api: Api) -> Page:
    p = Page(app.test_client())
    p.sign_in_token(ADMIN_TOKEN)
    return p


@pytest.fixture
def page_as(app: Flask, core: Tracking) -> Callable[[str], Page]:
    """A page signed in with a fresh token of the role."""

    def make(role: str) -> Page:
        token, _ = core.create_token(name=f"{role}-page", role=role)
        p = Page(app.test_client())
        p.sign_in_token(token)
        return p

    return make
