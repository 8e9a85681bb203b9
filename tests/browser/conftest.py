"""Browser tests: Debian's Chromium driven by Playwright against a real ``scantrack serve``.

One server (a subprocess on a free port, with the demo warehouse in its own database) and
one browser serve every test in a worker; each test uses its own device and documents,
so tests never see each other's sessions. Never ``playwright install``: the system
Chromium is used (``.ci/run`` installs it with apt-get).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.demo import load_demo
from tracking_core.migrate import upgrade

PG_URL = os.environ.get("SCANTRACK_TEST_DATABASE_URL", "")
CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()),
    "/usr/bin/chromium",
)
ADMIN_TOKEN = "browser-tests-admin-token-0123456789"
# A handheld: a 4-inch screen, touch, no mouse.
HANDHELD = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--autoplay-policy=no-user-gesture-required",  # WebAudio plays in tests
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, **HANDHELD}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser_db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own with the demo warehouse, for the server of this worker."""
    if PG_URL:
        name = f"scantrack_browser_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        admin = None
        url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'scantrack.db'}"
    db = Database.from_url(url)
    try:
        upgrade(db.engine)
        load_demo(Tracking(db))
    finally:
        db.dispose()
    yield url
    if admin is not None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Server:
    url: str
    db_url: str
    log: Path

    def api(self, method: str, path: str, body: Any = None, token: str = ADMIN_TOKEN) -> Any:
        """A REST call; returns (status, JSON body)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/api/v1" + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")


def _scantrack() -> str:
    found = Path(sys.executable).with_name("scantrack")
    return str(found) if found.exists() else shutil.which("scantrack") or "scantrack"


@pytest.fixture(scope="session")
def server(browser_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``scantrack serve`` in a subprocess, ready when /healthz answers."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    env = {
        **os.environ,
        "SCANTRACK_DATABASE_URL": browser_db_url,
        "SCANTRACK_BOOTSTRAP_TOKEN": ADMIN_TOKEN,
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [_scantrack(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a safety net: it is ready when /healthz answers
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"scantrack serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"scantrack serve did not start: {log.read_text()}") from None
            time.sleep(0.1)
    yield Server(url, browser_db_url, log)
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def server_core(browser_db_url: str) -> Iterator[Tracking]:
    """The server's database, read from the test: what the steps really did."""
    db = Database.from_url(browser_db_url)
    yield Tracking(db)
    db.dispose()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Where screenshots go: a tmp dir, and ``SCANTRACK_SCREENSHOTS`` when it is set."""
    dirs = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("SCANTRACK_SCREENSHOTS"):
        wanted = Path(os.environ["SCANTRACK_SCREENSHOTS"])
        wanted.mkdir(parents=True, exist_ok=True)
        dirs.append(wanted)
    return dirs


@dataclass
class Handheld:
    """One enrolled device's scan screen, driven like a keyboard-wedge scanner."""

    page: Page
    server: Server
    name: str
    token: str

    def open(self, *, online: bool = True) -> Handheld:
        self.page.goto(self.server.url + "/scan")
        self.page.wait_for_function("() => window.scantrack !== undefined")
        self.page.evaluate("() => window.scantrack.ready")
        if online:
            # hello (profile, session) follows the CONNECT packet: wait for it too
            self.page.wait_for_function("() => window.scantrack.greeted")
        return self

    @property
    def count(self) -> int:
        return int(self.page.evaluate("() => window.scantrack.feedbacks.length"))

    def type(self, text: str, suffix: str = "Enter") -> None:
        """What a wedge does: the characters, then its suffix key."""
        self.page.keyboard.type(text)
        self.page.keyboard.press(suffix)

    def scan(self, text: str, suffix: str = "Enter") -> dict[str, Any]:
        """Types a scan and returns the feedback it was answered with."""
        n = self.count
        self.type(text, suffix)
        return self.feedback(n + 1)

    def feedback(self, n: int) -> dict[str, Any]:
        """The n-th feedback (1-based) shown on this page, once it has come."""
        self.page.wait_for_function("(n) => window.scantrack.feedbacks.length >= n", arg=n)
        got: dict[str, Any] = self.page.evaluate("(n) => window.scantrack.feedbacks[n - 1]", n)
        return got

    def tap(self, selector: str) -> dict[str, Any]:
        """Taps a button that sends a command; returns the command's feedback."""
        n = self.count
        self.page.tap(selector)
        return self.feedback(n + 1)

    def mode(self, mode: str) -> dict[str, Any]:
        self.page.tap("#more-button")
        return self.tap(f'#mode-buttons [data-mode="{mode}"]')

    def sign_in(self, badge: str, pin: str) -> None:
        self.page.wait_for_selector("#signin:not([hidden])")
        self.type(f"OP:{badge}")
        self.page.wait_for_selector("#signin-pin:not([hidden])")
        self.pin(pin)
        self.page.wait_for_selector("#signin", state="hidden")

    def pin(self, pin: str) -> None:
        for digit in pin:
            self.page.tap(f'#signin-keypad [data-key="{digit}"]')
        self.page.tap('#signin-keypad [data-key="Enter"]')

    def screenshot(self, dirs: list[Path], name: str) -> None:
        for d in dirs:
            self.page.screenshot(path=str(d / name))


@dataclass
class Warehouse:
    """Devices, operators and documents of one test, made over REST as an admin."""

    server: Server
    core: Tracking
    prefix: str

    def device(self, page: Page, suffix: str = "") -> Handheld:
        """A device whose token this browser holds (as enrolment leaves it)."""
        name = f"{self.prefix}{suffix}"
        code, _ = self.core.create_device(name)
        token, _ = self.core.enrol_device(code)
        page.goto(self.server.url + "/")
        page.evaluate(
            "([t, n]) => { localStorage.setItem('scantrack.token', t);"
            " localStorage.setItem('scantrack.device', n); }",
            [token, name],
        )
        return Handheld(page, self.server, name, token)

    def operator(self, suffix: str = "", pin: str | None = None) -> str:
        badge = f"{self.prefix}{suffix}"[-32:]
        self.core.create_operator(badge=badge, name=f"Operator {badge}")
        if pin is not None:
            status, body = self.server.api("PUT", f"/operators/{badge}/pin", {"pin": pin})
            assert status == 200, body
        return badge

    def signed_in(self, hh: Handheld) -> Handheld:
        """The device with a badge-only operator signed in (``OP:`` over REST), then opened."""
        badge = self.operator()
        fb = self.scan(hh, f"OP:{badge}")
        assert fb["code"] == "operator", fb
        return hh.open()

    def scan(self, hh: Handheld, raw: str) -> Any:
        body = {"device": hh.name, "scan_id": f"rest-{raw}", "raw": raw}
        status, fb = self.server.api("POST", "/scans", body, token=hh.token)
        assert status == 200, fb
        return fb

    def document(self, doc_type: str, lines: list[dict[str, Any]], **fields: Any) -> str:
        status, doc = self.server.api(
            "POST", "/documents", {"type": doc_type, "lines": lines, **fields}
        )
        assert status == 201, doc
        return str(doc["number"])

    def get(self, path: str) -> Any:
        status, body = self.server.api("GET", path)
        assert status == 200, body
        return body


@pytest.fixture
def warehouse(server: Server, server_core: Tracking, request: pytest.FixtureRequest) -> Warehouse:
    # a name of its own per test (and per browser run), so no state is shared
    n = zlib.crc32(request.node.nodeid.encode())
    # letters only: digits in a serial could read as a GS1 AI and earn a warning
    letters = "".join(chr(65 + (n >> (5 * i)) % 26) for i in range(6))
    return Warehouse(server, server_core, f"{letters}-")
