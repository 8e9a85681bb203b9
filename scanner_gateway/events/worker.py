"""The event worker: fans new events out, claims deliveries, sends them, reports back.

Reports are the delivery state in the core; a worker that dies mid-send leaves a claim
that ``recover`` makes pending again, so the event is sent again (at least once).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from scanner_gateway.events.webhook import DeliveryFailed
from tracking_core.delivery import Claimed, EventDeliveries

log = logging.getLogger(__name__)
Send = Callable[[Claimed], None]


@dataclass
class EventWorker:
    deliveries: EventDeliveries
    channel: str
    send: Send
    worker_id: str = "event-worker"
    stale_after: float = 120.0
    batch: int = 100
    # called after each report, with (claimed, delivered?): tests follow progress here
    on_report: Callable[[Claimed, bool], None] | None = None

    def run_once(self) -> int:
        """Fan out, then claim and send one batch; how many deliveries were tried."""
        self.deliveries.recover(stale_after=self.stale_after)
        self.deliveries.fan_out()
        claims = self.deliveries.claim(
            worker=self.worker_id, channel=self.channel, limit=self.batch
        )
        for c in claims:
            self.handle(c)
        return len(claims)

    def handle(self, c: Claimed) -> None:
        sub, seq = c.subscription.id, c.event.id
        try:
            self.send(c)
        except DeliveryFailed as exc:
            self.deliveries.failed(sub, seq, worker=self.worker_id, error=str(exc))
            ok = False
        else:
            self.deliveries.delivered(sub, seq, worker=self.worker_id)
            ok = True
        if self.on_report is not None:
            self.on_report(c, ok)

    def run(self, stop: threading.Event, *, idle: float = 0.5) -> None:
        while not stop.is_set():
            try:
                if self.run_once() == 0:
                    stop.wait(idle)
            except Exception:  # one bad cycle (database gone a moment) must not stop delivery
                log.exception("event worker cycle failed")
                stop.wait(idle)
