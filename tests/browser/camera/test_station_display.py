"""A station display in Chromium: a pty serial scanner under ``scantrack serve --stations``.

The scanner is a real pseudo-terminal the server's serial source opens; each scan written
to it goes through the station's gateway session, and its feedback is pushed over
Socket.IO to ``/station/dock-1``. The page must show it: colour, words, prompt, sound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.camera.conftest import Server
from tests.gateway.test_sources_support import Pty
from tracking_core.core import Tracking


@pytest.fixture
def scanner() -> Iterator[Pty]:
    p = Pty.open()
    yield p
    p.close()


@pytest.fixture
def dock(serve: Callable[..., Server], scanner: Pty, tmp_path: Path) -> Server:
    """The server with station dock-1: a serial scanner in receive mode at DOCK-1."""
    config = tmp_path / "stations.toml"
    config.write_text(
        "[stations.dock-1]\n"
        f'source = "serial://{scanner.path}?framing=crlf"\n'
        'mode = "receive"\nlocation = "DOCK-1"\n'
    )
    return serve("--stations", str(config))


def shown(page: Any, n: int) -> dict[str, Any]:
    """Wait for the display's n-th feedback; what the page shows then."""
    page.wait_for_function(f"window.scantrackStation.feedbacks.length >= {n}")
    return dict(
        page.evaluate(
            """() => ({
              status: document.getElementById("feedback").dataset.status,
              code: document.getElementById("feedback").dataset.code,
              word: document.getElementById("feedback-word").textContent,
              message: document.getElementById("feedback-message").textContent,
              raw: document.getElementById("feedback-raw").textContent,
              prompt: document.getElementById("prompt-text").textContent,
              history: [...document.querySelectorAll("#history li")].map((li) => li.dataset.status),
              sounds: window.scantrackStation.sounds,
            })"""
        )
    )


def test_the_display_shows_the_stations_scans_live(
    dock: Server, live: Tracking, scanner: Pty, launch: Callable[..., Any]
) -> None:
    token, _ = live.create_token(name="dock-screen", role="integration")  # any role may read
    page = launch().new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{dock.url}/station/dock-1#token={token}")
    page.wait_for_selector('#connection[data-state="online"]')
    assert "token" not in page.url  # taken from the address bar, kept in localStorage
    assert page.evaluate("localStorage.getItem('scantrack.station.token')") == token

    scanner.write(b"DOC:RC-DEMO-1\r\n")
    first = shown(page, 1)
    assert (first["status"], first["code"], first["word"]) == ("ok", "document", "OK")
    assert first["message"] == "Receipt RC-DEMO-1"

    scanner.write(b"]d2" + b"0109506000134352" + b"21ACME-0002\r\n")
    ok = shown(page, 2)
    assert (ok["status"], ok["code"]) == ("ok", "generated")
    assert ok["message"] == "LAPTOP-14 serial ACME-0002 received (1/3)"
    assert ok["raw"] == "]d2010950600013435221ACME-0002"
    assert ok["prompt"] == "Scan serial 2 of 3 for LAPTOP-14 at DOCK-1"

    scanner.write(b"]C1" + b"0109506000134353" + b"21X\r\n")  # a wrong check digit
    bad = shown(page, 3)
    assert (bad["status"], bad["word"]) == ("error", "ERROR")
    assert bad["code"] == "invalid_barcode"
    assert bad["history"] == ["error", "ok", "ok"]  # newest first
    assert bad["sounds"] == ["beep", "beep", "buzz"]
    assert live.document("RC-DEMO-1", detail=True).lines[0].serials == ("ACME-0002",)


def test_the_display_asks_for_a_token_and_says_when_it_is_refused(
    dock: Server, live: Tracking, scanner: Pty, launch: Callable[..., Any]
) -> None:
    page = launch().new_page()
    page.goto(f"{dock.url}/station/dock-1")
    page.wait_for_selector("#token:not([hidden])")  # no token yet: the page asks

    page.fill("#token-input", "not-a-token")
    page.click("#token-save")
    page.wait_for_selector('#connection[data-state="refused"]')
    assert "token_unknown" in page.inner_text("#token-error")
    assert page.evaluate("localStorage.getItem('scantrack.station.token')") is None

    token, _ = live.create_token(name="dock-screen", role="operator")
    page.fill("#token-input", token)
    page.click("#token-save")
    page.wait_for_selector('#connection[data-state="online"]')
    page.reload()  # the kept token connects again without asking
    page.wait_for_selector('#connection[data-state="online"]')
    assert page.is_hidden("#token")

    scanner.write(b"LOC:NOWHERE\r\n")
    fb = shown(page, 1)
    assert fb["status"] == "error" and fb["raw"] == "LOC:NOWHERE"
