"""The devices page and the live monitor in Chromium: the enrolment QR code read back from
the page's picture, and a scan made over REST showing up live on the monitor."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.supervisor.conftest import Site


def test_add_a_device_and_read_its_enrolment_qr_from_the_page(site: Site, page: Page) -> None:
    site.sign_in(page)
    page.get_by_role("link", name="Devices").click()
    page.locator("input[name=name]").fill("HH-7")
    page.locator("input[name=station]").fill("dock-1")
    page.get_by_role("button", name="Add device").click()
    qr = page.get_by_test_id("enrol-qr")
    expect(qr).to_be_visible()
    link = page.get_by_test_id("enrol-link").get_attribute("href")
    assert link is not None and link.startswith(site.url + "/enrol#code=")
    picture = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    (found,) = zxingcpp.read_barcodes(picture)
    assert found.text == link
    _, device = site.core.enrol_device(link.split("#code=", 1)[1])
    assert (device.name, device.station) == ("HH-7", "dock-1")


def test_the_monitor_shows_a_scan_made_over_rest(site: Site, page: Page) -> None:
    site.core.create_device("HH-1", station="dock-1")
    token, _ = site.core.create_token(name="hh", role="operator")
    site.sign_in(page)
    page.get_by_role("link", name="Monitor").click()
    expect(page.get_by_test_id("monitor-state")).to_have_text("live", timeout=20_000)
    body = {"device": "HH-1", "scan_id": "m1", "raw": "LOC:NOWHERE"}
    resp = page.context.request.post(
        site.url + "/api/v1/scans", data=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.ok, resp.text()
    entry = page.get_by_test_id("feed").locator("li")
    expect(entry).to_have_count(1, timeout=20_000)
    expect(entry).to_contain_text("LOC:NOWHERE")
    expect(entry).to_have_attribute("data-status", "error")
    expect(entry).to_have_class("fb-error")
    row = page.get_by_test_id("monitor-devices").locator('tr[data-device="HH-1"]')
    expect(row.locator('[data-count="error"]')).to_have_text("1")
    expect(row.locator('[data-count="ok"]')).to_have_text("0")
    expect(row.locator("[data-last]")).to_contain_text("LOC:NOWHERE")
