"""The scan screen end to end: enrol, sign in, receive, pick with a FEFO warning, ship.

Scans are typed the way a keyboard-wedge handheld types them (characters, then Enter or
Tab); what they did is checked over REST. Screenshots of the ok, warn and error states
are written as artifacts (and into ``SCANTRACK_SCREENSHOTS`` when it is set).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

LAPTOP = "09506000134352"
MILK = "09506000134376"
GS = "\x1d"


def test_enrol_through_the_qr_link(warehouse: Any, browser: Browser, server: Any) -> None:
    status, made = server.api("POST", "/devices", {"name": f"{warehouse.prefix}QR"})
    assert status == 201, made
    link = made["enrolment"]["url"]  # what the supervisor page shows as a QR code
    assert link.startswith(f"{server.url}/enrol#code=")
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(link)
        page.wait_for_url(f"{server.url}/scan")
        stored = page.evaluate("() => localStorage.getItem('scantrack.device')")
        assert stored == f"{warehouse.prefix}QR"
        page.wait_for_function("() => window.scantrack && window.scantrack.connected")
        expect(page.locator("#device-name")).to_have_text(f"{warehouse.prefix}QR")
        expect(page.locator("#signin")).to_be_visible()  # nobody signed in yet

        # the code is used up: a second browser gets a clear error and no token
        other = browser.new_context()
        try:
            again = other.new_page()
            again.goto(link)
            status_line = again.locator("#enrol-status")
            expect(status_line).to_have_attribute("data-state", "error")
            expect(status_line).to_have_attribute("data-code", "enrolment_code_invalid")
            assert again.evaluate("() => localStorage.getItem('scantrack.token')") is None
            assert again.url == link  # it stays on the page that says what went wrong
        finally:
            other.close()
    finally:
        ctx.close()


def test_sign_in_with_badge_and_pin(warehouse: Any, page: Page) -> None:
    hh = warehouse.device(page).open()
    badge = warehouse.operator(pin="1357")
    expect(page.locator("#signin")).to_be_visible()
    hh.type(f"OP:{badge}")
    hh.pin("9999")
    error = page.locator("#signin-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("data-code", "wrong_pin")
    expect(page.locator("#feedback")).not_to_have_attribute("data-status", "ok")
    # the growing delay: the keypad takes the PIN again once it is over
    page.wait_for_function("() => document.getElementById('signin-error').dataset.wait === '0'")
    hh.pin("1357")
    expect(page.locator("#signin")).to_be_hidden()
    expect(page.locator("#operator-name")).to_contain_text(badge)

    page.tap("#more-button")
    page.tap("#signout-button")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#operator-name")).to_have_text("not signed in")


def test_receive_by_wedge_scans(warehouse: Any, page: Page) -> None:
    hh = warehouse.signed_in(warehouse.device(page))
    p = warehouse.prefix
    number = warehouse.document(
        "receipt",
        [
            {"item": "LAPTOP-14", "quantity": 2, "location": "DOCK-1"},
            {"item": "MILK-1L", "quantity": 12, "location": "DOCK-1"},
        ],
        partner="V-ACME",
    )
    assert hh.mode("receive")["code"] == "mode"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    expect(page.locator("#lines tbody tr")).to_have_count(2)

    with_aim = hh.scan(f"]C101{LAPTOP}21{p}A1")  # AIM id: GS1 for sure
    assert with_aim["status"] == "ok", with_aim
    assert with_aim["sent"]["raw"] == f"]C101{LAPTOP}21{p}A1"  # sent as it arrived
    without = hh.scan(f"01{LAPTOP}21{p}A2", suffix="Tab")  # no id, Tab as the suffix
    assert without["status"] == "ok", without
    expect(page.locator('#lines tr[data-item="LAPTOP-14"] .done')).to_have_text("2/2")
    page.tap("#qty-button")  # the keypad: 12 for the next lot scan
    page.tap('#keypad-keys [data-key="1"]')
    page.tap('#keypad-keys [data-key="2"]')
    n = hh.count
    page.tap('#keypad-keys [data-key="Enter"]')
    assert hh.feedback(n + 1)["code"] == "quantity"
    milk = hh.scan(f"]C101{MILK}10{p}M")
    assert milk["status"] == "ok", milk
    expect(page.locator('#lines tr[data-item="MILK-1L"] .done')).to_have_text("12/12")
    assert hh.tap("#confirm-button")["status"] == "ok"
    doc = warehouse.get(f"/documents/{number}")
    assert doc["status"] == "posted"
    assert {s for ln in doc["lines"] for s in ln.get("serials", [])} == {f"{p}A1", f"{p}A2"}


def test_gs_replacement_from_the_device_profile(warehouse: Any, page: Page, server: Any) -> None:
    hh = warehouse.device(page)
    # the wedge types '|' for GS; the device profile says so
    status, _ = server.api(
        "PUT", f"/devices/{hh.name}/profile", {"profile": {"separators": [GS, "|"]}}
    )
    assert status == 200
    warehouse.signed_in(hh)
    assert page.evaluate("() => window.scantrack.profile.gs_replacement") == "|"
    p = warehouse.prefix
    number = warehouse.document(
        "receipt", [{"item": "LAPTOP-14", "quantity": 1, "location": "DOCK-1"}], partner="V-ACME"
    )
    assert hh.mode("receive")["code"] == "mode"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    lot_and_serial = hh.scan(f"]C101{LAPTOP}10{p}LOT|21{p}A3")
    assert lot_and_serial["status"] == "ok", lot_and_serial
    assert lot_and_serial["sent"]["raw"] == f"]C101{LAPTOP}10{p}LOT{GS}21{p}A3"
    assert warehouse.get(f"/serials/{p}A3")["lot"] == f"{p}LOT"


def test_pick_with_a_fefo_warning_then_ship(
    warehouse: Any, page: Page, screenshots: list[Any]
) -> None:
    hh = warehouse.signed_in(warehouse.device(page))
    number = warehouse.document(
        "shipment",
        [
            {"item": "LAPTOP-14", "quantity": 1, "location": "A-01-01"},
            {"item": "MILK-1L", "quantity": 2, "location": "A-01-02"},
        ],
        partner="C-BETA",
    )
    serial = "SN-000001"  # one of the demo's laptops on the shelf (A-01-01)
    assert hh.mode("pick")["code"] == "mode"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    picked = hh.scan(f"]C101{LAPTOP}21{serial}")
    assert picked["status"] == "ok", picked
    expect(page.locator("#feedback")).to_have_attribute("data-status", "ok")
    assert page.evaluate("() => window.scantrack.sounds.at(-1)") == "beep"
    hh.screenshot(screenshots, "scan-ok.png")
    page.tap("#qty-button")  # the keypad: 2 for the next lot scan
    page.tap('#keypad-keys [data-key="2"]')
    n = hh.count
    page.tap('#keypad-keys [data-key="Enter"]')
    assert hh.feedback(n + 1)["status"] == "ok"
    # L-1002 expires after L-1001: allowed, with a warning (first expiry, first out)
    fefo = hh.scan(f"]C101{MILK}10L-1002")
    assert fefo["status"] == "warn", fefo
    expect(page.locator("#feedback")).to_have_attribute("data-status", "warn")
    assert page.evaluate("() => window.scantrack.sounds.at(-1)") == "double-beep"
    hh.screenshot(screenshots, "scan-warn.png")

    unknown = hh.scan("4006381333931")  # a GTIN no item has
    assert unknown["status"] == "error" and unknown["code"] == "unknown_item", unknown
    expect(page.locator("#feedback")).to_have_attribute("data-status", "error")
    assert page.evaluate("() => window.scantrack.sounds.at(-1)") == "buzz"
    hh.screenshot(screenshots, "scan-error.png")

    assert hh.mode("ship")["code"] == "mode"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    checked = hh.scan(f"]C101{LAPTOP}21{serial}")
    assert checked["status"] == "ok", checked
    assert hh.tap("#confirm-button")["status"] == "ok"
    assert warehouse.get(f"/documents/{number}")["status"] == "posted"


def test_buttons_fit_gloves_and_a_small_screen(warehouse: Any, page: Page) -> None:
    # signed in and connected: no sign-in overlay can come up over the buttons later
    warehouse.signed_in(warehouse.device(page))
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('#actions button')].map((b) => {
            const r = b.getBoundingClientRect();
            return { id: b.id, h: r.height, w: r.width, bottom: r.bottom, right: r.right };
        })"""
    )
    assert len(boxes) == 7
    for box in boxes:
        assert box["h"] >= 64 and box["w"] >= 64, box
        assert box["bottom"] <= 640 and box["right"] <= 360, box  # on screen, no scrolling
    assert page.evaluate("() => document.activeElement.id") == "scan-input"
    page.tap("#lines")  # a tap elsewhere: the scan field keeps the focus
    page.wait_for_function("() => document.activeElement.id === 'scan-input'")
