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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
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
