"""``scantrack serve`` delivers events itself: no second process (``--no-event-workers``: it
leaves them to ``scantrack events worker``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from tests.events.receiver import receiving
from tests.realtime.conftest import WAIT, Server
from tracking_core.core import Tracking


def test_serve_runs_the_event_workers(start_server: Callable[..., Server], live: Tracking) -> None:
    got = threading.Event()

    def note(event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        if event["kind"] == "document.posted":
            got.set()
        return None

    with receiving(note) as rec:
        sub, _ = live.deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        server = start_server()
        doc = live.create_document("receipt", lines=[])
        live.cancel(doc.number)  # an event of its own document, committed by this process
        live.create_location(code="A1")
        live.create_item(sku="CABLE", tracking="none")
        live.create_partner(code="V1", kind="vendor")
        live.receive(item="CABLE", location="A1", quantity=3, partner="V1")
        assert got.wait(WAIT), server.log.read_text()
        # the receiver has it; the worker records the delivery just after (a row to wait for)
        deadline = time.monotonic() + WAIT
        while {d.status for d in live.deliveries.deliveries(sub.id)} != {"delivered"}:
            assert time.monotonic() < deadline, live.deliveries.deliveries(sub.id)
            time.sleep(0.05)
        code, log = server.stop()
    assert code == 0, log
    assert "event workers: webhook, mqtt" in log
    assert sorted(e["kind"] for e in rec.seen) == ["document.cancelled", "document.posted"]


def test_event_workers_can_be_left_to_another_process(
    start_server: Callable[..., Server],
) -> None:
    for server in (
        start_server("--no-event-workers"),
        start_server(env={"SCANTRACK_EVENT_WORKERS": "0"}),
    ):
        code, log = server.stop()
        assert code == 0, log
        assert "event workers: off" in log
