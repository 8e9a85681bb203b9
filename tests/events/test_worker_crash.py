"""Killing the event worker at random points: the receiver (dedup by id) sees every event
once and in order per document.

The child reports each outcome through a pipe; the parent kills it after a random number
of reports, or while the receiver holds one of its requests (sent, not yet answered, so
the worker never learns it was taken). Progress is what the child and receiver report,
never a wall-clock window.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tests.events.receiver import emit_documents, receiving
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.delivery import EventDeliveries

DOCS = 6
PER_DOC = 12


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _child(url: str, conn: Connection) -> None:
    db = Database.from_url(url)
    deliveries = EventDeliveries(db, _now, max_attempts=10_000, base_delay=0.0, max_delay=0.0)
    worker = EventWorker(
        deliveries,
        "webhook",
        WebhookSender(timeout=30),
        worker_id=f"w{os.getpid()}",
        stale_after=0.0,  # one worker at a time here: any claim left is a dead worker's
        batch=5,
        on_report=lambda c, ok: conn.send((c.event.id, ok)),
    )
    while True:
        if worker.run_once() == 0:
            conn.send(("idle", True))


def test_killed_worker_loses_and_reorders_nothing(core: Tracking, db_url: str) -> None:
    rnd = random.Random(int.from_bytes(os.urandom(4), "big"))
    hold = threading.Event()  # set: the receiver blocks on the next request
    held = threading.Event()  # set by the receiver when it is blocking one
    release = threading.Event()

    def behave(event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        if hold.is_set():
            hold.clear()
            held.set()
            release.wait()
            return 200, {}  # the worker that sent it is dead by now: answer to no one
        return (500, {}) if rnd.random() < 0.2 else None

    with receiving(behave) as rec:
        deliveries = EventDeliveries(core.db, core.clock)
        deliveries.subscribe(name="erp", channel="webhook", url=rec.url)

        ids = emit_documents(core, DOCS, PER_DOC)
        ctx = mp.get_context("spawn")
        kills = 0
        while len(rec.ids) < len(ids):
            parent, child_end = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(db_url, child_end), daemon=True)
            proc.start()
            child_end.close()
            mid_send = rnd.random() < 0.5
            reports = rnd.randint(1, 8)
            if mid_send:
                hold.set()
            while True:
                if mid_send and held.is_set():
                    break  # the child is inside a send
                if not parent.poll(0.05):
                    assert proc.is_alive(), f"worker died on its own: {proc.exitcode}"
                    continue
                what, _ = parent.recv()
                if what == "idle" and len(rec.ids) == len(ids):
                    break
                if what != "idle":
                    reports -= 1
                    if reports == 0 and not mid_send:
                        break
            os.kill(proc.pid or 0, signal.SIGKILL)
            proc.join()
            parent.close()
            hold.clear()
            if held.is_set():
                held.clear()
                release.set()
                release.clear()
            kills += 1
        assert kills >= 1
        got = [e["id"] for e in rec.seen]
        assert sorted(got) == ids  # every event, once
        for d in range(DOCS):
            mine = [e["data"]["n"] for e in rec.seen if e["document"] == f"D{d}"]
            assert mine == list(range(PER_DOC)), f"D{d} out of order: {mine}"
