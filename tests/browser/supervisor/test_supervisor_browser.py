"""The supervisor pages in Chromium: sign in, live progress, the recall trace."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.supervisor.conftest import Site
from tracking_core.values import LineSpec

GTIN = "09506000134376"


def test_sign_in_and_watch_a_document_fill_up_after_a_scan(site: Site, page: Page) -> None:
    c = site.core
    c.create_location(code="A1")
    c.create_item(sku="PHONE", tracking="serial", gtins=[GTIN])
    doc = c.create_document("receipt", lines=[LineSpec("PHONE", 2, "A1")])
    token, _ = c.create_token(name="hh", role="operator")
    site.sign_in(page)
    page.get_by_role("link", name=doc.number).click()
    assigned = page.get_by_test_id("doc-assigned")
    expect(assigned).to_have_text("0")
    scan_api = page.context.request
    headers = {"Authorization": f"Bearer {token}"}
    mode = {"device": "HH-1", "scan_id": "c1", "command": "mode", "argument": "receive"}
    assert scan_api.post(site.url + "/api/v1/commands", data=mode, headers=headers).ok
    for scan_id, raw, sym in (
        ("s1", f"DOC:{doc.number}", None),
        ("s2", f"01{GTIN}21IMEI-1", "]C1"),
    ):
        body = {
            "device": "HH-1",
            "scan_id": scan_id,
            "raw": raw,
            **({"symbology": sym} if sym else {}),
        }
        resp = scan_api.post(site.url + "/api/v1/scans", data=body, headers=headers)
        assert resp.ok and resp.json()["status"] == "ok", resp.text()
    expect(assigned).to_have_text("1", timeout=15_000)  # the page polls every few seconds
    expect(page.locator("[data-list='line1:serials'] li")).to_have_text(["IMEI-1"])


def test_a_recall_trace_is_drawn(site: Site, page: Page) -> None:
    c = site.core
    c.create_location(code="A1")
    c.create_partner(code="FARM", kind="vendor")
    for code in ("SHOP-A", "SHOP-B"):
        c.create_partner(code=code, kind="customer")
    c.create_item(sku="MILK", tracking="lot")
    c.receive(item="MILK", location="A1", quantity=9, lot="L77", partner="FARM")
    c.ship(item="MILK", location="A1", quantity=4, lot="L77", partner="SHOP-A")
    c.ship(item="MILK", location="A1", quantity=2, lot="L77", partner="SHOP-B")
    site.sign_in(page)
    page.get_by_role("link", name="Trace").first.click()
    page.locator("input[name=item]").fill("MILK")
    page.locator("input[name=lot]").fill("L77")
    page.get_by_role("button", name="Trace", exact=True).click()
    picture = page.get_by_test_id("trace").locator("svg")
    expect(picture).to_be_visible()
    for name in ("L77", "SHOP-A", "SHOP-B"):
        expect(picture.locator("text", has_text=re.compile(f"^{name}$"))).to_have_count(1)
    box = picture.bounding_box()
    assert box is not None and box["width"] > 600  # drawn at a readable size
