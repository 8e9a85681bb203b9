"""The event worker: fans new events out, claims a batch, sends it, reports back once.

Reports are the delivery state in the core; a worker that dies mid-send leaves a claim
that ``recover`` makes pending again, so the event is sent again (at least once).

A batch holds several events per document, in order. A sender (``BatchSender``) tries
them and says what became of each; per document, the first failure is a failed attempt
(backoff), what was not tried after it goes back to pending uncounted, and anything the
receiver did take (an MQTT PUBACK that came for a later message) stays delivered: the
receiver, deduplicating by id, has seen the document's events in order either way.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scanner_gateway.events.batch import BatchSender, Report, groups
from scanner_gateway.events.webhook import DeliveryFailed
from tracking_core.delivery import Claimed, EventDeliveries

log = logging.getLogger(__name__)
Send = Callable[[Claimed], None]
__all__ = ["BatchSender", "EventWorker", "OneByOne", "Report", "Send", "groups"]


@dataclass
class OneByOne:
    """A batch sender over a one-event send (raises ``DeliveryFailed``), in claim order."""

    send: Send

    def send_batch(self, claims: Sequence[Claimed], report: Report, *, deadline: float) -> None:
        for group in groups(claims):
            for c in group:
                if time.monotonic() > deadline:
                    return
                try:
                    self.send(c)
                except DeliveryFailed as exc:
                    report(c, str(exc))
                    break
                report(c, None)


@dataclass
class EventWorker:
    deliveries: EventDeliveries
    channel: str
    send: Send | BatchSender
    worker_id: str = "event-worker"
    stale_after: float = 120.0
    batch: int = 500
    # called for each claim tried, with (claimed, delivered?), once its batch is recorded:
    # tests follow progress here
    on_report: Callable[[Claimed, bool], None] | None = None

    def run_once(self) -> int:
        """Fan out, then claim, send and settle one batch; how many deliveries were tried
        (taken or failed; those a document's failure held back are not counted)."""
        self.deliveries.recover(stale_after=self.stale_after)
        self.deliveries.fan_out()
        claims = self.deliveries.claim(
            worker=self.worker_id, channel=self.channel, limit=self.batch
        )
        if not claims:
            return 0
        return self.handle_batch(claims)

    def handle_batch(self, claims: Sequence[Claimed]) -> int:
        outcome: dict[tuple[int, int], str | None] = {}
        lock = threading.Lock()

        def report(c: Claimed, error: str | None) -> None:
            with lock:
                outcome[(c.subscription.id, c.event.id)] = error

        sender = self.send if isinstance(self.send, BatchSender) else OneByOne(self.send)
        # half the stale limit: the batch settles before recovery could hand it out again
        # (no limit at 0, where every claim found is taken for a dead worker's)
        deadline = time.monotonic() + self.stale_after / 2 if self.stale_after > 0 else math.inf
        try:
            sender.send_batch(claims, report, deadline=deadline)
        finally:  # even on a sender's bug: what was taken is recorded, the rest let go
            with lock:
                taken = dict(outcome)
            tried = self._settle(claims, taken)
        return tried

    def _settle(self, claims: Sequence[Claimed], taken: dict[tuple[int, int], str | None]) -> int:
        delivered: list[tuple[int, int]] = []
        failed: list[tuple[int, int, str]] = []
        released: list[tuple[int, int]] = []
        for group in groups(claims):
            stopped = False
            for c in group:
                key = (c.subscription.id, c.event.id)
                error = taken.get(key, "not tried")
                if error is None:
                    delivered.append(key)
                elif stopped or key not in taken:
                    released.append(key)
                    stopped = True
                else:
                    failed.append((*key, error))
                    stopped = True
        self.deliveries.settle(
            worker=self.worker_id, delivered=delivered, failed=failed, released=released
        )
        if self.on_report is not None:
            for c in claims:
                key = (c.subscription.id, c.event.id)
                if key in taken:
                    self.on_report(c, taken[key] is None)
        return len(delivered) + len(failed)

    def run(self, stop: threading.Event, *, idle: float = 0.5) -> None:
        while not stop.is_set():
            try:
                # a read first: an idle worker writes nothing (no write lock twice a second)
                quiet = not self.deliveries.has_work(
                    channel=self.channel, stale_after=self.stale_after
                )
                if quiet or self.run_once() == 0:
                    stop.wait(idle)
            except Exception:  # one bad cycle (database gone a moment) must not stop delivery
                log.exception("event worker cycle failed")
                stop.wait(idle)
