"""MQTT delivery against Mosquitto: QoS 1 per kind and item, a broker that goes and comes back."""

from __future__ import annotations

import json
import queue
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.orm import Session

from scanner_gateway.events.mqtt import MqttSender, topic_of
from scanner_gateway.events.worker import EventWorker
from tests.conftest import Clock
from tracking_core import events
from tracking_core.core import Tracking
from tracking_core.delivery import EventDeliveries

BROKER = "mqtt://127.0.0.1:1883"


def _emit(core: Tracking, kind: str, document: str | None, item: str, n: int = 1) -> list[int]:
    def fn(s: Session) -> list[int]:
        evs = [events.NewEvent(kind, document, item, {"i": i}) for i in range(n)]
        return events.emit_many(s, core.clock(), evs)

    return core.db.run(fn)


class Listener:
    """A subscriber on ``<prefix>/#`` that queues (topic, event)."""

    def __init__(self, port: int, prefix: str) -> None:
        self.got: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.ready: queue.Queue[int] = queue.Queue()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self.client.on_message = lambda c, u, m: self.got.put((m.topic, json.loads(m.payload)))
        self.client.on_subscribe = lambda c, u, mid, rc, p: self.ready.put(mid)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(f"{prefix}/#", qos=1)
        self.ready.get(timeout=30)

    def take(self, n: int) -> list[tuple[str, dict[str, Any]]]:
        return [self.got.get(timeout=30) for _ in range(n)]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_events_go_to_kind_and_item_topics_with_qos_1(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    prefix = f"st-{uuid.uuid4().hex[:8]}"
    sub, secret = deliveries.subscribe(name="mq", channel="mqtt", url=BROKER, topic_prefix=prefix)
    assert secret is None and sub.topic_prefix == prefix
    listener = Listener(1883, prefix)
    sender = MqttSender(timeout=10)
    try:
        a, b = _emit(core, "document.posted", "D1", "LAP", 2)
        (c,) = _emit(core, "lot.recalled", None, "MI/LK")
        worker = EventWorker(deliveries, "mqtt", sender)
        while worker.run_once():
            pass
        got = listener.take(3)
        assert sorted((t, e["id"]) for t, e in got) == [
            (f"{prefix}/document.posted/LAP", a),
            (f"{prefix}/document.posted/LAP", b),
            (f"{prefix}/lot.recalled/MI_LK", c),
        ]
        assert [d.status for d in deliveries.deliveries(sub.id)] == ["delivered"] * 3
    finally:
        sender.close()
        listener.close()
    assert topic_of("p", "k", None) == "p/k/-"


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


@pytest.fixture
def own_broker() -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    """A Mosquitto of this test's own, to stop and start again."""
    exe = shutil.which("mosquitto")
    assert exe, "mosquitto is not installed"
    port = _free_port()
    procs: list[subprocess.Popen[bytes]] = []
    yield port, procs
    for p in procs:
        p.kill()
        p.wait()


def _start(port: int, procs: list[subprocess.Popen[bytes]]) -> None:
    exe = shutil.which("mosquitto") or "mosquitto"
    p = subprocess.Popen([exe, "-p", str(port)], stderr=subprocess.PIPE)
    procs.append(p)
    # ready once it accepts connections (what the broker did, not a time)
    for _ in range(2000):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert p.poll() is None, p.stderr.read() if p.stderr else ""
            time.sleep(0.01)  # polling the port, bounded by the count
    raise AssertionError("mosquitto did not start")


def test_a_broker_that_goes_away_and_comes_back_loses_nothing(
    core: Tracking,
    deliveries: EventDeliveries,
    clock: Clock,
    own_broker: tuple[int, list[subprocess.Popen[bytes]]],
) -> None:
    port, procs = own_broker
    _start(port, procs)
    prefix = "back"
    sub, _ = deliveries.subscribe(
        name="mq", channel="mqtt", url=f"mqtt://127.0.0.1:{port}", topic_prefix=prefix
    )
    sender = MqttSender(timeout=5)
    worker = EventWorker(deliveries, "mqtt", sender)
    try:
        first = _emit(core, "document.posted", "D1", "LAP")
        listener = Listener(port, prefix)
        while worker.run_once():
            pass
        assert [e["id"] for _, e in listener.take(1)] == first
        listener.close()
        procs[0].kill()
        procs[0].wait()
        later = _emit(core, "document.posted", "D1", "LAP", 3)
        assert worker.run_once() == 1  # the first of D1's three fails; the others wait
        (failed,) = [d for d in deliveries.deliveries(sub.id) if d.status != "delivered"][:1]
        assert failed.seq == later[0] and failed.attempts == 1
        _start(port, procs)
        listener = Listener(port, prefix)
        for _ in range(20):
            clock.advance(seconds=120)
            worker.run_once()
        got = [e["id"] for _, e in listener.take(3)]
        assert got == later  # in order, once each
        assert all(d.status == "delivered" for d in deliveries.deliveries(sub.id))
        listener.close()
    finally:
        sender.close()
