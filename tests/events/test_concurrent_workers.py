"""Several workers deliver the same subscriptions at once, to receivers that misbehave.

Four worker threads, each with its own engine (its own connections, as separate processes
would have), claim from the same deliveries (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
SQLite's write lock). The receivers dedup by event id; each misbehaves for its first
requests, counted, never timed:

- ``slow``: takes the event, but answers only once the worker has given up waiting (its
  timeout passed and it reported the failure): the worker sends it again;
- ``hangs``: never answers its first requests (closes them once the worker gave up);
- ``fails``: answers 500 to its first requests;
- ``fine``: answers at once.

Every receiver sees every event once, each document's in order, and no worker cycle fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tests.events.receiver import Receiver, emit_documents, receiving
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.delivery import Claimed, EventDeliveries

DOCS = 5
PER_DOC = 8
WORKERS = 4
BAD_REQUESTS = 6  # each misbehaving receiver's first requests
WAIT = 60.0  # a safety net against a hang only: every wait ends when its thing happened


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class GaveUp:
    """Which (subscription, event) attempts a worker has reported failed: a held request is
    answered (too late) or dropped once its worker gave up on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: dict[tuple[str, int], threading.Event] = {}

    def _flag(self, sub: str, event: int) -> threading.Event:
        with self.lock:
            return self.waiting.setdefault((sub, event), threading.Event())

    def hold(self, sub: str, event: int) -> None:
        assert self._flag(sub, event).wait(WAIT), f"no worker gave up on {sub} {event}"
        with self.lock:
            self.waiting.pop((sub, event), None)  # the next attempt waits afresh

    def report(self, c: Claimed, ok: bool) -> None:
        if not ok:
            self._flag(c.subscription.name, c.event.id).set()


class Misbehave:
    """The first ``BAD_REQUESTS`` requests to a receiver misbehave; then it is fine."""

    def __init__(self, name: str, gave_up: GaveUp) -> None:
        self.name, self.gave_up = name, gave_up
        self.lock = threading.Lock()
        self.count = 0
        self.receiver: Receiver | None = None

    def __call__(self, event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        with self.lock:
            self.count += 1
            bad = self.count <= BAD_REQUESTS
        if not bad or self.name == "fine":
            return None
        if self.name == "fails":
            return 500, {}
        if self.name == "slow":
            assert self.receiver is not None
            self.receiver.take(event)  # it did take it; its answer comes too late
            self.gave_up.hold(self.name, event["id"])
            return None
        self.gave_up.hold(self.name, event["id"])  # hangs: never answered in time
        return 0, {}  # the connection is closed without an answer


@pytest.fixture
def engines(db_url: str) -> Iterator[list[Database]]:
    dbs = [Database.from_url(db_url) for _ in range(WORKERS)]
    yield dbs
    for db in dbs:
        db.dispose()


def test_concurrent_workers_and_bad_receivers_lose_and_reorder_nothing(
    core: Tracking, engines: list[Database], caplog: pytest.LogCaptureFixture
) -> None:
    gave_up = GaveUp()
    names = ("fine", "slow", "hangs", "fails")
    with ExitStack() as stack:
        receivers: dict[str, Receiver] = {}
        for name in names:
            behave = Misbehave(name, gave_up)
            rec = stack.enter_context(receiving(behave))
            behave.receiver = receivers[name] = rec
            EventDeliveries(core.db, _now).subscribe(name=name, channel="webhook", url=rec.url)

        ids = emit_documents(core, DOCS, PER_DOC)
        stop = threading.Event()
        errors: list[BaseException] = []

        def work(i: int) -> None:
            deliveries = EventDeliveries(
                engines[i], _now, max_attempts=10_000, base_delay=0.0, max_delay=0.0
            )
            worker = EventWorker(
                deliveries,
                "webhook",
                # short, so the slow and hanging receivers outlast it; a busy machine only
                # adds failed attempts, which the assertions allow
                WebhookSender(timeout=0.5),
                worker_id=f"w{i}",
                batch=3,
                on_report=gave_up.report,
            )
            try:
                worker.run(stop, idle=0.01)
            except BaseException as e:  # reported below: run() itself must never raise
                errors.append(e)

        caplog.set_level(logging.ERROR, logger="scanner_gateway.events.worker")
        threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(WORKERS)]
        for t in threads:
            t.start()
        progress = threading.Event()  # any receiver saw a new event
        for r in receivers.values():
            r.changed = progress
        while not all(len(r.ids) == len(ids) for r in receivers.values()):
            assert all(t.is_alive() for t in threads), errors
            assert progress.wait(WAIT), {n: len(r.ids) for n, r in receivers.items()}
            progress.clear()
        alive = [t.is_alive() for t in threads]
        stop.set()
        for t in threads:
            t.join(WAIT)
    assert alive == [True] * WORKERS and errors == []
    assert [r.getMessage() for r in caplog.records] == []
    for name, rec in receivers.items():
        got = [e["id"] for e in rec.seen]
        assert sorted(got) == ids, name  # every event, once
        for d in range(DOCS):
            mine = [e["data"]["n"] for e in rec.seen if e["document"] == f"D{d}"]
            assert mine == list(range(PER_DOC)), f"{name}: D{d} out of order: {mine}"
    # each misbehaviour happened: the count drove it, the assertions above held anyway
    for name in ("slow", "hangs", "fails"):
        assert len(receivers[name].requests) > len(ids), name
    assert len(receivers["fine"].requests) >= len(ids)
