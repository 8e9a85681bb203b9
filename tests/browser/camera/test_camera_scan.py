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

from tests.browser.camera.conftest import Server, gs1_image, label_sheet, write_y4m
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


def harness(page: Any, server: Server, token: str = "x", site: str | None = None) -> Any:
    """The test's page on ``site`` (the server's origin by default) running camera.js."""
    site = site or server.url
    page.route(
        f"{site}/__camera__",
        lambda route: route.fulfill(status=200, content_type="text/html", body=HARNESS),
    )
    page.goto(f"{site}/__camera__#token={token}")
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
    page = harness(launch(labels_video).new_page(), server, token)
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
    # GS after the lot (variable length), none after the expiry (fixed length)
    assert code128["raw"] == f"010950600013437610LCAM1\x1d17{EXPIRY:%y%m%d}3010"
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
    page = harness(launch(labels_video, grant=False).new_page(), server)
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
    harness(page, server, site=site)
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("window.startCamera()") == {"error": "insecure_context"}
    assert "HTTPS" in page.locator("#error").inner_text()


# A stand-in for the BarcodeDetector of Chrome on Android (Linux Chromium has none): it
# "sees" what the test says, so the mapping to AIM identifiers is what is checked.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return window.__formats; }
  constructor(options) { window.__detectorFormats = options.formats; }
  async detect(video) { return window.__seen; }
};
"""


@pytest.mark.parametrize(
    ("raw", "fmt", "symbology"),
    [
        ("010950600013437610LCAM2\x1d17261215", "data_matrix", "]d2"),  # GS: GS1 it is
        ("010950600013435221ACME-0002", "data_matrix", None),  # the profile decides
        ("010950600013437610LCAM2\x1d3005", "code_128", "]C1"),
        ("LOC:DOCK-1", "code_128", None),
        ("4006381333931", "ean_13", "]E0"),
        ("96385074", "ean_8", "]E4"),
    ],
)
def test_the_browsers_barcode_detector_is_used_where_there_is_one(
    serve: Callable[..., Server],
    live: Tracking,
    launch: Callable[..., Any],
    labels_video: Path,
    raw: str,
    fmt: str,
    symbology: str | None,
) -> None:
    server = serve()
    page = launch(labels_video).new_page()
    page.add_init_script(FAKE_DETECTOR)
    harness(page, server)
    page.evaluate(
        "([raw, format]) => { window.__formats = ['data_matrix', 'code_128', 'qr_code', "
        "'ean_13', 'ean_8', 'aztec']; window.__seen = [{rawValue: raw, format}]; }",
        [raw, fmt],
    )
    assert page.evaluate("window.startCamera()") == {"engine": "native", "torch": False}
    page.wait_for_function("window.camera.stats().suppressed >= 3")
    assert page.evaluate("window.scans.map((s) => [s.raw, s.symbology])") == [[raw, symbology]]
    # asked only for what it has and a warehouse scans
    assert page.evaluate("window.__detectorFormats") == [
        "data_matrix",
        "code_128",
        "qr_code",
        "ean_13",
        "ean_8",
    ]


def test_a_detector_without_data_matrix_gives_way_to_zxing(
    serve: Callable[..., Server], live: Tracking, launch: Callable[..., Any], labels_video: Path
) -> None:
    server = serve()
    page = launch(labels_video).new_page()
    page.add_init_script(FAKE_DETECTOR + "window.__formats = ['qr_code', 'ean_13'];")
    harness(page, server)
    assert page.evaluate("window.startCamera()")["engine"] == "zxing"
    page.wait_for_function("window.scans.length >= 2")
    assert sorted(page.evaluate("window.scans.map((s) => s.symbology)")) == ["]C1", "]d2"]


def test_the_scan_screens_camera_button_receives_a_gs1_label(
    warehouse: Any, launch: Callable[..., Any], tmp_path: Path
) -> None:
    """The handheld scan screen (/scan) with its Camera button, over Socket.IO."""
    p = warehouse.prefix
    serial, lot = f"{p}CAM", f"{p}L"
    number = warehouse.document(
        "receipt",
        [
            {"item": "LAPTOP-14", "quantity": 1, "location": "DOCK-1"},
            {"item": "MILK-1L", "quantity": 10, "location": "DOCK-1"},
        ],
        partner="V-ACME",
    )
    video = write_y4m(
        tmp_path / "scan-screen.y4m",
        label_sheet(
            [
                gs1_image(f"(01)09506000134352(21){serial}", zxingcpp.BarcodeFormat.DataMatrix, 8),
                gs1_image(
                    f"(01)09506000134376(10){lot}(17){EXPIRY:%y%m%d}(30)10",
                    zxingcpp.BarcodeFormat.Code128,
                    2,
                ),
            ]
        ),
    )
    context = launch(video).new_context(
        viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    hh = warehouse.device(page).open()
    # through the screen's own entry points, so the test needs no operator sign-in
    page.evaluate("() => window.scantrack.command('mode', 'receive')")
    assert hh.feedback(1)["status"] == "ok"
    page.evaluate("(n) => window.scantrack.submitScan('DOC:' + n)", number)
    assert hh.feedback(2)["code"] == "document"
    before = hh.count

    page.evaluate("() => document.getElementById('camera-button').click()")
    page.wait_for_selector("#camera-view:not([hidden])")
    answers = [hh.feedback(before + 1), hh.feedback(before + 2)]
    # the same module instance the screen imported: its counters
    page.evaluate("async () => { window.cam = await import('/static/js/camera.js'); }")
    page.wait_for_function("() => window.cam.stats() && window.cam.stats().suppressed >= 10")
    assert hh.count == before + 2  # each label once, though it stays in view
    assert [(a["status"], a["code"]) for a in answers] == [("ok", "generated")] * 2
    page.evaluate("() => document.getElementById('camera-button').click()")  # stop
    page.wait_for_selector("#camera-view", state="hidden")

    laptops, milk = warehouse.core.document(number, detail=True).lines
    assert (laptops.serials, milk.lots) == ((serial,), ((lot, 10),))
