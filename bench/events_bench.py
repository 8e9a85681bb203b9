"""Event delivery: the outbox to a loopback webhook receiver and to Mosquitto (127.0.0.1:1883).

Events are spread over many documents (a claim takes a prefix of each document's
undelivered events, so each document stays in order). All are written at once, then
drained: the rate is events over the drain's time, and lag (from the event's commit to
its arrival at the receiver) is mostly the time an event waited in that backlog, so its
p99 is close to the drain's length. A last row: one claim of 500 with 10^5 deliveries
pending (10^4 with --quick), over 1,000 documents.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import text

from bench.core_bench import _fresh
from scanner_gateway.events.mqtt import MqttSender
from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tracking_core import events
from tracking_core.core import Tracking


def _emit(core: Tracking, n: int, docs: int) -> None:
    def fn(s: Any) -> None:
        now = dt.datetime.now(dt.UTC)
        evs = [
            events.NewEvent("document.posted", f"D{i % docs}", "LAP", {"i": i}) for i in range(n)
        ]
        events.emit_many(s, now, evs)

    core.db.run(fn)


def _p99(lags: list[float]) -> float:
    lags = sorted(lags)
    return lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else float("nan")


def _lag(body: bytes) -> float:
    e = json.loads(body)
    return time.time() - dt.datetime.fromisoformat(e["occurred_at"]).timestamp()


def _drive(
    core: Tracking, channel: str, send: Any, n: int, docs: int, got: Any
) -> tuple[float, float]:
    worker = EventWorker(core.deliveries, channel, send, batch=docs)
    _emit(core, n, docs)
    t = time.perf_counter()
    while worker.run_once():
        pass
    lags = got()
    elapsed = time.perf_counter() - t
    assert len(lags) == n, f"{channel}: {len(lags)} of {n} arrived"
    return n / elapsed, _p99(lags)


def _claim_at(core: Tracking, pending: int) -> dict[str, Any]:
    core.deliveries.subscribe(name="bench-claim", channel="webhook", url="http://127.0.0.1:9/")
    _emit(core, pending, 1000)
    while core.deliveries.fan_out(limit=20_000):
        pass
    core.db.run(lambda s: s.execute(text("ANALYZE")))  # as autovacuum would, on PostgreSQL
    took = []
    for i in range(5):
        t = time.perf_counter()
        got = core.deliveries.claim(worker=f"bench{i}", channel="webhook", limit=500)
        took.append(time.perf_counter() - t)
        done = [(c.subscription.id, c.event.id) for c in got]
        core.deliveries.settle(worker=f"bench{i}", delivered=done)
    return {
        "name": f"events: one claim of 500 with {pending:,} pending (median of 5)",
        "value": round(sorted(took)[2] * 1000, 1),
        "unit": "ms",
        "target": "",
    }


def run(*, database_url: str | None, work: Path, quick: bool) -> list[dict[str, Any]]:
    n, docs = (1000, 200) if quick else (5000, 500)
    core = _fresh(database_url, work, "events")
    rows: list[dict[str, Any]] = []
    lags: list[float] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                lags.append(_lag(body))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        hook, _ = core.deliveries.subscribe(name="bench-hook", channel="webhook", url=url)
        hook_sender = WebhookSender(timeout=10)
        try:
            rate, p99 = _drive(core, "webhook", hook_sender, n, docs, lambda: lags)
        finally:
            hook_sender.close()
        rows.append(_row("webhook", rate, p99))
        core.deliveries.unsubscribe(hook.id)

        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        arrived: queue.Queue[float] = queue.Queue()
        listener = mqtt.Client(CallbackAPIVersion.VERSION2)
        listener.on_message = lambda c, u, m: arrived.put(_lag(m.payload))
        subscribed = threading.Event()
        listener.on_subscribe = lambda *a: subscribed.set()
        listener.connect("127.0.0.1", 1883)
        listener.loop_start()
        listener.subscribe(f"{prefix}/#", qos=1)
        subscribed.wait(30)
        mq, _ = core.deliveries.subscribe(
            name="bench-mqtt", channel="mqtt", url="mqtt://127.0.0.1:1883", topic_prefix=prefix
        )
        sender = MqttSender(timeout=10)

        def mqtt_lags() -> list[float]:
            return [arrived.get(timeout=30) for _ in range(n)]

        try:
            rate, p99 = _drive(core, "mqtt", sender, n, docs, mqtt_lags)
        finally:
            sender.close()
            listener.loop_stop()
            listener.disconnect()
        rows.append(_row("MQTT QoS 1", rate, p99))
        core.deliveries.unsubscribe(mq.id)
        rows.append(_claim_at(core, 10_000 if quick else 100_000))
    finally:
        server.shutdown()
        server.server_close()
        core.db.dispose()
    return rows


def _row(channel: str, rate: float, p99: float) -> dict[str, Any]:
    return {
        "name": f"events outbox to {channel}: rate, lag p99",
        "value": f"{round(rate)} events/s, p99 {p99 * 1000:.0f} ms",
        "unit": "",
        "target": ">= 1000 events/s",
    }
