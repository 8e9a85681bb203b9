"""Supervisor pages in Debian's Chromium (Playwright), against the app served in-process.

Each test gets its own database (the ``core`` fixture: an SQLite file, or PostgreSQL) and
its own server on a free port, in a thread of this process, so the test can read the
database the pages changed. Never ``playwright install``: the system Chromium is used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from tracking_core.core import Tracking
from web_mobile.app import create_app

ADMIN_TOKEN = "supervisor-browser-admin-0123456789"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@dataclass
class Site:
    url: str
    app: Flask
    core: Tracking

    def sign_in(self, page: Page, token: str = ADMIN_TOKEN) -> None:
        page.goto(self.url + "/supervisor/")
        page.locator("input[name=token]").fill(token)
        page.get_by_role("button", name="Sign in with token").click()
        page.get_by_test_id("viewer").wait_for()


@pytest.fixture
def site(core: Tracking) -> Iterator[Site]:
    app = create_app(
        {
            "TRACKING": core,
            "BOOTSTRAP_TOKEN": ADMIN_TOKEN,
            "MIGRATE": False,
            "SECRET_KEY": "browser-test-secret-0123456789-abcdef",
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}", app, core)
    server.shutdown()
    thread.join()
