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
import multiprocessing as mp
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
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


def _lag(body: bytes | bytearray) -> float:
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


def _steady(core: Tracking, channel: str, send: Any, rate: int, seconds: float, got: Any) -> float:
    """Lag p99 with events written at ``rate`` per second (in 20 commits a second, over 50
    documents) while a worker runs as `scantrack events worker` does, idle waits shortened
    to 20 ms (the default 0.5 s would be most of the lag)."""
    worker = EventWorker(core.deliveries, channel, send)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"idle": 0.02})
    thread.start()
    per_tick, ticks = rate // 20, round(seconds * 20)
    start = time.perf_counter()
    try:
        for tick in range(ticks):
            _emit(core, per_tick, 50)
            time.sleep(max(0.0, start + (tick + 1) / 20 - time.perf_counter()))
        lags = got(per_tick * ticks)
    finally:
        stop.set()
        thread.join()
    return _p99(lags)


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
        core.deliveries.delivered_many(done, worker=f"bench{i}")
    return {
        "name": f"events: one claim of 500 with {pending:,} pending (median of 5)",
        "value": round(sorted(took)[2] * 1000, 1),
        "unit": "ms",
        "target": "",
    }


def _receiver(conn: Connection, prefix: str) -> None:
    """The receiving end, in a process of its own as an ERP would be (so it does not share
    the worker's interpreter lock): a keep-alive HTTP server and an MQTT subscriber on
    ``prefix/#``. It sends its HTTP port, then answers ("take", channel, n) with the
    channel's next n lags once they have arrived."""
    lags: dict[str, list[float]] = {"webhook": [], "mqtt": []}
    changed = threading.Condition()

    def arrived(channel: str, body: bytes | bytearray) -> None:
        lag = _lag(body)
        with changed:
            lags[channel].append(lag)
            changed.notify_all()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self) -> None:
            arrived("webhook", self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    listener = mqtt.Client(CallbackAPIVersion.VERSION2)
    listener.on_message = lambda c, u, m: arrived("mqtt", m.payload)
    subscribed = threading.Event()
    listener.on_subscribe = lambda *a: subscribed.set()
    listener.connect("127.0.0.1", 1883)
    listener.loop_start()
    listener.subscribe(f"{prefix}/#", qos=1)
    subscribed.wait(30)
    conn.send(server.server_address[1])
    taken = dict.fromkeys(lags, 0)
    while (ask := conn.recv()) != "stop":
        _, channel, n = ask
        mine, upto = lags[channel], taken[channel] + n
        with changed:
            changed.wait_for(lambda mine=mine, upto=upto: len(mine) >= upto, timeout=60)
            conn.send(mine[taken[channel] : upto])
        taken[channel] = upto
    listener.loop_stop()
    listener.disconnect()
    server.shutdown()


def run(*, database_url: str | None, work: Path, quick: bool) -> list[dict[str, Any]]:
    n, docs = (1000, 200) if quick else (5000, 500)
    seconds = 1.0 if quick else 5.0
    core = _fresh(database_url, work, "events")
    rows: list[dict[str, Any]] = []
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    pipe, child_end = mp.get_context("spawn").Pipe()
    receiver = mp.get_context("spawn").Process(target=_receiver, args=(child_end, prefix))
    receiver.start()

    def take(channel: str, count: int = n) -> Any:
        pipe.send(("take", channel, count))
        return pipe.recv()

    try:
        if not pipe.poll(60):
            raise RuntimeError("the receiver process did not start")
        url = f"http://127.0.0.1:{pipe.recv()}/hook"
        hook, _ = core.deliveries.subscribe(name="bench-hook", channel="webhook", url=url)
        hook_sender = WebhookSender(timeout=10)
        try:
            rate, p99 = _drive(core, "webhook", hook_sender, n, docs, lambda: take("webhook"))
            steady = _steady(
                core, "webhook", hook_sender, 500, seconds, lambda k: take("webhook", k)
            )
        finally:
            hook_sender.close()
        rows += [_row("webhook", rate, p99), _steady_row("webhook", steady)]
        core.deliveries.unsubscribe(hook.id)

        mq, _ = core.deliveries.subscribe(
            name="bench-mqtt", channel="mqtt", url="mqtt://127.0.0.1:1883", topic_prefix=prefix
        )
        sender = MqttSender(timeout=10)
        try:
            rate, p99 = _drive(core, "mqtt", sender, n, docs, lambda: take("mqtt"))
            steady = _steady(core, "mqtt", sender, 500, seconds, lambda k: take("mqtt", k))
        finally:
            sender.close()
        rows += [_row("MQTT QoS 1", rate, p99), _steady_row("MQTT QoS 1", steady)]
        core.deliveries.unsubscribe(mq.id)
        rows.append(_claim_at(core, 10_000 if quick else 100_000))
    finally:
        pipe.send("stop")
        receiver.join(timeout=60)
        core.db.dispose()
    return rows


def _row(channel: str, rate: float, p99: float) -> dict[str, Any]:
    return {
        "name": f"events outbox to {channel}: drain of a backlog, rate and lag p99",
        "value": f"{round(rate)} events/s, p99 {p99 * 1000:.0f} ms",
        "unit": "",
        "target": ">= 1000 events/s",
    }


def _steady_row(channel: str, p99: float) -> dict[str, Any]:
    return {
        "name": f"events outbox to {channel}: lag p99 at 500 events/s written",
        "value": round(p99 * 1000),
        "unit": "ms",
        "target": "",
    }
