"""Offline: scans go into the IndexedDB outbox first, survive a reload, and apply once.

The connection is cut with ``context.set_offline(True)`` (Socket.IO drops at once); the
steps that applied are counted in the server's database, not on the page.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

LAPTOP = "09506000134352"


def _serials(core: Any, number: str) -> tuple[str, ...]:
    doc = core.document(number, detail=True)
    return tuple(s for ln in doc.lines for s in ln.serials)


def _receiving(warehouse: Any, page: Page, quantity: int) -> tuple[Any, str]:
    hh = warehouse.device(page).open()
    hh.sign_in(warehouse.operator(), "2468")
    number = warehouse.document(
        "receipt",
        [{"item": "LAPTOP-14", "quantity": quantity, "location": "DOCK-1"}],
        partner="V-ACME",
    )
    assert hh.mode("receive")["status"] == "ok"
    assert hh.scan(f"DOC:{number}")["code"] == "document"
    return hh, number


def _online_again(page: Page) -> None:
    page.wait_for_function("() => window.scantrack.connected && window.scantrack.queued === 0")


def test_twenty_scans_offline_apply_exactly_once(
    warehouse: Any, page: Page, context: BrowserContext, server_core: Any
) -> None:
    hh, number = _receiving(warehouse, page, 20)
    sent = hh.count
    context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")
    serials = [f"{warehouse.prefix}OFF-{i:02d}" for i in range(1, 21)]
    for serial in serials:
        hh.type(f"]C101{LAPTOP}21{serial}")
    expect(page.locator("#connection")).to_have_text("Offline, 20 scans queued")
    expect(page.locator("#feedback")).to_have_attribute("data-status", "queued")
    # new numbers need the server: refused at once, nothing queued for it
    page.tap("#more-button")
    page.tap("#generate-button")
    expect(page.locator("#feedback")).to_have_attribute("data-code", "generate_offline")
    assert page.evaluate("() => window.scantrack.queued") == 20
    assert _serials(server_core, number) == ()  # nothing reached the server

    context.set_offline(False)
    _online_again(page)
    answers = [hh.feedback(sent + i) for i in range(1, 21)]
    assert [a["status"] for a in answers] == ["ok"] * 20, answers
    assert sorted(_serials(server_core, number)) == serials
    doc = warehouse.get(f"/documents/{number}")
    assert doc["assigned"] == 20

    # A replay of scans the server has applied already (an ack lost on the way back):
    # the stored answers come back and nothing applies twice.
    again = [
        {"type": "scan", "scan_id": a["scan_id"], "raw": f"]C101{LAPTOP}21{serial}"}
        for a, serial in zip(answers[:3], serials, strict=False)
    ]
    page.evaluate(
        """async (entries) => {
            const { openQueue } = await import('/static/js/queue.js');
            const q = await openQueue();
            for (const e of entries) await q.add(e);
            await window.scantrack.flush();
        }""",
        again,
    )
    replies = [hh.feedback(sent + 20 + i) for i in (1, 2, 3)]
    assert [r["message"] for r in replies] == [a["message"] for a in answers[:3]]
    _online_again(page)
    assert warehouse.get(f"/documents/{number}")["assigned"] == 20
    assert len(_serials(server_core, number)) == 20


def test_the_queue_survives_a_reload_offline(
    warehouse: Any, page: Page, context: BrowserContext, server_core: Any
) -> None:
    hh, number = _receiving(warehouse, page, 3)
    page.evaluate("() => navigator.serviceWorker.ready")  # the shell is cached
    context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")
    for i in (1, 2, 3):
        hh.type(f"]C101{LAPTOP}21{warehouse.prefix}RL-{i}")
    expect(page.locator("#connection")).to_have_text("Offline, 3 scans queued")

    page.reload()  # offline: the service worker answers with the cached shell
    page.wait_for_function("() => window.scantrack !== undefined")
    page.evaluate("() => window.scantrack.ready")
    expect(page.locator("#connection")).to_have_text("Offline, 3 scans queued")
    assert _serials(server_core, number) == ()

    context.set_offline(False)
    _online_again(page)
    assert sorted(_serials(server_core, number)) == [f"{warehouse.prefix}RL-{i}" for i in (1, 2, 3)]
