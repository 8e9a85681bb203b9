"""Camera and station-display tests: a real ``scantrack serve`` and Debian's Chromium.

Chromium is launched by each test (its fake camera plays one file for the browser's
life), through pytest-playwright's ``playwright`` fixture, never ``playwright install``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.demo import load_demo

CHROMIUM = "/usr/lib/chromium/chromium"  # /usr/bin/chromium is a wrapper script around it
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",  # a kiosk's station display has sound
]
WAIT = 30.0  # a safety net only: every wait ends on what the code did


def wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- labels on a fake camera --------------------------------------------------------


def gs1_image(hri: str, fmt: Any, scale: int) -> Image.Image:
    """A GS1 symbol from zxing-cpp (``(01)...`` element strings, FNC1 and GS as GS1 says)."""
    symbol = zxingcpp.create_barcode(hri, fmt, gs1=True)
    pixels = memoryview(zxingcpp.write_barcode_to_image(symbol, scale=scale))
    height, width = pixels.shape
    return Image.frombytes("L", (width, height), bytes(pixels))


def write_y4m(path: Path, frame: Image.Image, frames: int = 2) -> Path:
    """A Y4M file Chromium's fake camera plays in a loop (I420, the only format it takes).

    A grey image is its Y plane; the chroma planes are flat (no colour).
    """
    gray = frame.convert("L")
    width, height = gray.size
    assert width % 2 == 0 and height % 2 == 0, "I420 needs an even frame size"
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + gray.tobytes() + chroma + chroma)
    return path


def label_sheet(symbols: list[Image.Image], size: tuple[int, int] = (1280, 720)) -> Image.Image:
    """Symbols on white, one below the other, as a camera held over a label sees them."""
    sheet = Image.new("L", size, 255)
    y = 40
    for img in symbols:
        sheet.paste(img, (60, y))
        y += img.height + 60
    assert y - 60 <= size[1], "the symbols do not fit in the frame"
    return sheet


# --- a real server ------------------------------------------------------------------


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def live(db_url: str) -> Iterator[Tracking]:
    """The core on the test's database with the real clock, as the server sees it."""
    db = Database.from_url(db_url)
    core = Tracking(db)
    load_demo(core)
    yield core
    db.dispose()


@pytest.fixture
def serve(db_url: str, live: Tracking, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``serve(*extra_args)``: ``scantrack serve`` on a free port, up once /healthz answers."""
    started: list[Server] = []

    def start(*extra: str) -> Server:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        exe = Path(sys.executable).with_name("scantrack")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with log.open("w") as out:
            proc = subprocess.Popen(
                [str(exe), "--database-url", db_url, "serve", "--port", str(port), *extra],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )
        server = Server(f"http://127.0.0.1:{port}", proc, log)
        started.append(server)

        def up() -> bool:
            assert proc.poll() is None, f"scantrack serve exited:\n{server.output()}"
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        try:
            wait_until(up, "scantrack serve to answer /healthz", timeout=90)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; its output:\n{server.output()}") from None
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)
            try:
                server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait()


@pytest.fixture
def launch(playwright: Any) -> Iterator[Callable[..., Any]]:
    """``launch(video=None, grant=True)``: Chromium, its camera playing ``video`` (a .y4m).

    ``grant=False`` leaves out the fake permission UI, so the camera is refused.
    """
    browsers: list[Any] = []

    def open_browser(video: Path | None = None, *, grant: bool = True) -> Any:
        args = list(CHROMIUM_ARGS)
        if video is not None:
            args += [
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ]
            if grant:
                args.append("--use-fake-ui-for-media-stream")  # allows without a prompt
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        browsers.append(browser)
        return browser

    yield open_browser
    for browser in browsers:
        browser.close()
