"""Camera scanning in Chromium: a rendered GS1 label on the fake camera reaches the gateway.

The labels are drawn by zxing-cpp as GS1 symbols, played to ``getUserMedia`` as a Y4M
file; camera.js decodes them with the vendored zxing-wasm (Chromium on Linux has no
BarcodeDetector) and the scan goes to ``POST /api/v1/scans``. What counts is what the
gateway applied: the serial and the lot on the receipt, each once.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zxingcpp

from tests.browser.camera.conftest import Server, gs1_image, label_sheet, wait_until, write_y4m
from tracking_core.core import Tracking

HARNESS = Path(__file__).with_name("harness.html").read_text()
EXPIRY = dt.date.today() + dt.timedelta(days=9)  # the server's real clock: within shelf life
DATAMATRIX = "(01)09506000134352(21)ACME-0001"  # a laptop on the demo receipt's ASN
GS1_128 = f"(01)09506000134376(10)LCAM1(17){EXPIRY:%y%m%d}(30)10"  # 10 milk, lot LCAM1


def post_scan(server: Server, token: str, scan_id: str, raw: str) -> dict[str, Any]:
    body = json.dumps({"device": "PHONE-1", "scan_id": scan_id, "raw": raw}).encode()
    req = urllib.request.Request(
        f"{server.url}/api/v1/scans",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def harness(browser: Any, server: Server, token: str) -> Any:
    """A page on the server's origin running camera.js (the page itself comes from the test)."""
    page = browser.new_page()
    page.route(
        f"{server.url}/__camera__",
        lambda route: route.fulfill(status=200, content_type="text/html", body=HARNESS),
    )
    page.goto(f"{server.url}/__camera__#token={token}")
    page.wait_for_function("typeof window.startCamera === 'function'")
    return page


@pytest.fixture
def labels_video(tmp_path: Path) -> Path:
    sheet = label_sheet(
        [
            gs1_image(DATAMATRIX, zxingcpp.BarcodeFormat.DataMatrix, scale=8),
            gs1_image(GS1_128, zxingcpp.BarcodeFormat.Code128, scale=2),
        ]
    )
    return write_y4m(tmp_path / "labels.y4m", sheet)


def test_a_camera_scan_of_gs1_labels_is_received_once_each(
    serve: Callable[..., Server],
    live: Tracking,
    launch: Callable[..., Any],
    labels_video: Path,
) -> None:
    server = serve()
    token, _ = live.create_token(name="phone-1", role="operator")
    assert post_scan(server, token, "m", "CMD:MODE:RECEIVE")["status"] == "ok"
    assert post_scan(server, token, "d", "DOC:RC-DEMO-1")["code"] == "document"
    requests: list[str] = []
    page = harness(launch(labels_video), server, token)
    page.on("request", lambda r: requests.append(r.url))

    started = page.evaluate("window.startCamera()")
    assert started == {"engine": "zxing", "torch": False}
    page.wait_for_function("window.scans.filter((s) => s.feedback).length >= 2", timeout=30_000)
    # the labels stay in view: frames go on being read, and are not scans again
    page.wait_for_function("window.camera.stats().suppressed >= 10", timeout=30_000)
    scans = page.evaluate("window.scans")
    page.evaluate("window.camera.stop()")

    by_symbology = {s["symbology"]: s for s in scans}
    assert len(scans) == 2 and set(by_symbology) == {"]d2", "]C1"}, scans
    dm, code128 = by_symbology["]d2"], by_symbology["]C1"]
    assert dm["raw"] == "010950600013435221ACME-0001"
    assert code128["raw"] == f"010950600013437610LCAM1\x1d17{EXPIRY:%y%m%d}3010"  # 17 is fixed-length: no GS
    assert (dm["feedback"]["status"], dm["feedback"]["code"]) == ("ok", "generated")
    assert (code128["feedback"]["status"], code128["feedback"]["code"]) == ("ok", "generated")

    doc = live.document("RC-DEMO-1", detail=True)
    laptops, milk = doc.lines
    assert (laptops.item, laptops.serials) == ("LAPTOP-14", ("ACME-0001",))
    assert (milk.item, milk.lots) == ("MILK-1L", (("LCAM1", 10),))
    # the .wasm came from scantrack, and nothing from anywhere else
    assert f"{server.url}/static/vendor/zxing-wasm/dist/reader/zxing_reader.wasm" in requests
    assert all(u.startswith(server.url) for u in requests), requests


def test_a_refused_camera_permission_is_said_clearly(
    serve: Callable[..., Server], live: Tracking, launch: Callable[..., Any], labels_video: Path
) -> None:
    server = serve()
    # a camera, but no fake UI granting it: Chromium refuses what nobody allowed
    page = harness(launch(labels_video, grant=False), server, "x")
    assert page.evaluate("window.startCamera()") == {"error": "permission_denied"}
    assert page.locator("#error").inner_text().startswith("Camera permission was refused.")
    assert page.evaluate("window.camera.stats()") is None  # nothing left running


def test_the_camera_needs_a_secure_context(
    serve: Callable[..., Server], live: Tracking, launch: Callable[..., Any], labels_video: Path
) -> None:
    server = serve()
    page = launch(labels_video).new_page()
    # plain http on a name that is not localhost: what a phone on the LAN would get
    site = "http://scantrack.test"
    page.route(
        f"{site}/**",
        lambda route: route.fulfill(
            response=route.fetch(url=route.request.url.replace(site, server.url))
        ),
    )
    page.route(
        f"{site}/__camera__",
        lambda route: route.fulfill(status=200, content_type="text/html", body=HARNESS),
    )
    page.goto(f"{site}/__camera__#token=x")
    page.wait_for_function("typeof window.startCamera === 'function'")
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("window.startCamera()") == {"error": "insecure_context"}
    assert "HTTPS" in page.locator("#error").inner_text()
