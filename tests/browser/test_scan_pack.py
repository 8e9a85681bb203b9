"""Pack mode on the scan screen: a new SSCC, two serials packed into it, confirmed.

Each step waits for what the page shows (a feedback, the container panel), never a timer.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

LAPTOP = "09506000134352"


def test_pack_two_serials_into_a_new_sscc(warehouse: Any, page: Page, server: Any) -> None:
    p = warehouse.prefix
    serials = [f"{p}K1", f"{p}K2"]
    number = warehouse.document(
        "receipt", [{"item": "LAPTOP-14", "quantity": 2, "location": "DOCK-1"}], partner="V-ACME"
    )
    body = {"action": "generate", "line": 1, "serials": serials}
    assert server.api("POST", f"/documents/{number}/serials", body)[0] == 201
    assert server.api("POST", f"/documents/{number}/post")[0] == 200
    hh = warehouse.signed_in(warehouse.device(page))

    assert hh.mode("pack")["code"] == "mode"
    assert hh.scan("LOC:DOCK-1")["code"] == "location"
    page.tap("#more-button")
    expect(page.locator("#new-button")).to_have_text("New SSCC")
    opened = hh.tap("#new-button")
    assert opened["code"] == "container_opened", opened
    code = opened["data"]["container"]["code"]
    box = page.locator("#container")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-code", code)
    expect(page.locator("#label")).to_be_visible()  # the new SSCC's label, queued

    first = hh.scan(f"]C101{LAPTOP}21{serials[0]}")
    assert first["code"] == "packed", first
    second = hh.scan(serials[1])  # a plain serial: of the item scanned last
    assert second["message"] == f"Packed LAPTOP-14 serial {serials[1]} into …{code[-4:]} (2 items)"
    expect(box).to_have_attribute("data-items", "2")
    expect(page.locator("#feedback-message")).to_have_text(second["message"])

    closed = hh.tap("#confirm-button")
    assert (closed["status"], closed["code"]) == ("ok", "container_closed"), closed
    expect(box).to_have_attribute("data-state", "closed")
    expect(page.locator("#feedback")).to_have_attribute("data-status", "ok")
    assert closed["message"] == f"Case …{code[-4:]} closed: 2 units (LAPTOP-14 x 2); label queued"
    expect(page.locator("#feedback-message")).to_have_text(closed["message"])
    got = warehouse.get(f"/devices/{hh.name}/session")
    assert got["container"] is None
