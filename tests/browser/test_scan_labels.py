"""The scan screen shows the label a step queued, and reprints it with a reason (audited)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

LAPTOP = "09506000134352"


def test_generated_numbers_show_their_label_and_reprint_it(warehouse: Any, page: Page) -> None:
    hh = warehouse.signed_in(warehouse.device(page))
    number = warehouse.document(
        "receipt", [{"item": "LAPTOP-14", "quantity": 2, "location": "DOCK-1"}], partner="V-ACME"
    )
    assert hh.mode("receive")["code"] == "mode"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    assert hh.scan(f"]E0{LAPTOP[1:]}")["status"] == "ok"  # the item, by its EAN-13
    made = hh.scan("CMD:GENERATE:2")
    assert (made["status"], made["code"]) == ("ok", "generated"), made

    label = page.locator("#label")
    expect(label).to_be_visible()
    job = int(label.get_attribute("data-job") or 0)
    assert job > 0
    # the preview is the job's PNG, fetched with the device's token
    page.wait_for_function(
        "() => document.getElementById('label-preview').src.startsWith('blob:')"
        " && document.getElementById('label-preview').naturalWidth > 0"
    )
    queued = warehouse.get(f"/labels/jobs/{job}")
    assert queued["job"]["document"] == number

    page.tap("#reprint-button")
    page.tap("#reprint-send")  # no reason: refused on the page, nothing sent
    expect(page.locator("#reprint-error")).to_be_visible()
    assert warehouse.get(f"/labels/jobs/{job}")["events"] == queued["events"]
    page.tap('#reprint-reasons [data-reason="Label torn"]')
    expect(page.locator("#reprint")).to_be_hidden()
    expect(page.locator("#feedback-message")).to_contain_text("Reprint queued")
    events = warehouse.get(f"/labels/jobs/{job}")["events"]
    assert [(e["reason"], e["actor"]) for e in events if e["event"].startswith("reprint")] == [
        ("Label torn", hh.name)
    ]
