"""Batches: several events per document in one claim, one settle for the batch; a
receiver that fails mid-batch, PUBACKs out of order, a broker that hangs up mid-batch."""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy.orm import Session

from scanner_gateway.events.mqtt import MqttSender
from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tests.conftest import Clock
from tests.events.fake_broker import Connection, FakeBroker
from tests.events.receiver import receiving
from tracking_core import events
from tracking_core.core import Tracking
from tracking_core.delivery import EventDeliveries, _Candidate, _prefixes


def _emit(core: Tracking, docs: list[str | None]) -> list[int]:
    def fn(s: Session) -> list[int]:
        evs = [events.NewEvent("document.posted", d, "LAP", {"i": i}) for i, d in enumerate(docs)]
        return events.emit_many(s, core.clock(), evs)

    return core.db.run(fn)


def _state(deliveries: EventDeliveries, sub_id: int) -> dict[int, tuple[str, int]]:
    return {d.seq: (d.status, d.attempts) for d in deliveries.deliveries(sub_id)}


def test_a_claim_takes_each_documents_first_events_in_order(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    sub, _ = deliveries.subscribe(name="erp", channel="webhook", url="http://127.0.0.1:9/")
    a1, b1, a2, n1, a3, b2 = _emit(core, ["A", "B", "A", None, "A", "B"])
    deliveries.fan_out()
    first = deliveries.claim(worker="w", channel="webhook", limit=3)
    assert [c.event.id for c in first] == [a1, b1, a2]
    # A's third and B's second wait behind their claimed ones; no document: free to go
    assert [c.event.id for c in deliveries.claim(worker="w2", channel="webhook")] == [n1]
    deliveries.settle(
        worker="w",
        delivered=[(sub.id, a1)],
        failed=[(sub.id, a2, "HTTP 500")],
        released=[(sub.id, b1)],
    )
    again = deliveries.claim(worker="w", channel="webhook")
    assert [(c.event.id, c.attempts) for c in again] == [(b1, 1), (b2, 1)]
    assert _state(deliveries, sub.id)[a3] == ("pending", 0)  # a2 backs off: a3 waits


def test_a_gap_in_a_documents_candidates_stops_it_there(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    """Candidates that miss an undelivered event of their document (on PostgreSQL: one a
    concurrent claim holds locked, skipped) are not taken from the gap on."""
    sub, _ = deliveries.subscribe(name="erp", channel="webhook", url="http://127.0.0.1:9/")
    a1, a2, a3, b1 = _emit(core, ["A", "A", "A", "B"])
    deliveries.fan_out()
    rows = [_Candidate(sub.id, seq, doc, 0) for seq, doc in ((a2, "A"), (a3, "A"), (b1, "B"))]
    assert core.db.run(lambda s: _prefixes(s, rows)) == {(sub.id, b1)}
    rows = [_Candidate(sub.id, seq, "A", 0) for seq in (a1, a3)]
    assert core.db.run(lambda s: _prefixes(s, rows)) == {(sub.id, a1)}


def test_a_receiver_failing_mid_batch_keeps_what_it_took_and_retries_the_rest_in_order(
    core: Tracking, deliveries: EventDeliveries, clock: Clock
) -> None:
    failing: set[int] = set()

    def behave(event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        return (500, {}) if event["id"] in failing and n == 1 else None

    with receiving(behave) as rec:
        sub, _ = deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        ids = _emit(core, ["D"] * 5 + ["E"] * 2)
        d3 = ids[2]
        failing.add(d3)
        sender = WebhookSender(timeout=5, workers=2)
        worker = EventWorker(deliveries, "webhook", sender)
        try:
            assert worker.run_once() == 5  # D1, D2 taken, D3 failed; E1, E2 taken
            d = ids[:5]
            assert _state(deliveries, sub.id) == {
                d[0]: ("delivered", 1),
                d[1]: ("delivered", 1),
                d[2]: ("pending", 1),  # backing off
                d[3]: ("pending", 0),  # never sent: not an attempt
                d[4]: ("pending", 0),
                ids[5]: ("delivered", 1),
                ids[6]: ("delivered", 1),
            }
            assert set(rec.tries) == set(ids) - {d[3], d[4]}
            assert worker.run_once() == 0  # D3's backoff holds D back
            clock.advance(seconds=2)
            assert worker.run_once() == 3
            assert [e["id"] for e in rec.seen if e["document"] == "D"] == d
            assert {s for s, _ in _state(deliveries, sub.id).values()} == {"delivered"}
            assert rec.tries == {i: 2 if i == d3 else 1 for i in ids}
        finally:
            sender.close()


def test_pubacks_out_of_order_each_mark_their_own_event(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    seen: list[int] = []

    def script(conn: Connection) -> None:
        pubs = conn.publishes(4)
        seen.extend(json.loads(p.payload)["id"] for p in pubs)
        conn.ack(*reversed([p.packet_id for p in pubs]))
        conn.until_hangup()

    broker = FakeBroker().start(script)
    sub, _ = deliveries.subscribe(
        name="mq", channel="mqtt", url=f"mqtt://127.0.0.1:{broker.port}", topic_prefix="p"
    )
    ids = _emit(core, ["D", "D", "E", "D"])
    sender = MqttSender(timeout=30)
    try:
        assert EventWorker(deliveries, "mqtt", sender).run_once() == 4
        assert seen == ids  # published in seq order, all in flight at once
        assert _state(deliveries, sub.id) == {i: ("delivered", 1) for i in ids}
    finally:
        sender.close()
        broker.stop()
    assert broker.errors == []


def test_a_broker_hanging_up_mid_batch(
    core: Tracking, deliveries: EventDeliveries, clock: Clock
) -> None:
    """Acknowledged ones stay delivered, even past a lost one; per document the first
    lost one is a failed attempt and the later lost ones wait, uncounted."""
    first: list[int] = []
    again: list[int] = []
    ids: tuple[int, ...] = ()
    go_on = threading.Event()

    def hang_up(conn: Connection) -> None:
        d1, _, e1, d3, _, _ = ids
        pubs = {json.loads(p.payload)["id"]: p.packet_id for p in conn.publishes(6)}
        first.extend(pubs)
        conn.ack(pubs[e1], pubs[d1], pubs[d3])  # d3 past the lost d2
        conn.close()

    def take_all(conn: Connection) -> None:
        go_on.wait(timeout=60)
        pubs = conn.publishes(3)
        again.extend(json.loads(p.payload)["id"] for p in pubs)
        conn.ack(*(p.packet_id for p in pubs))
        conn.until_hangup()

    broker = FakeBroker().start(hang_up, take_all)
    sub, _ = deliveries.subscribe(
        name="mq", channel="mqtt", url=f"mqtt://127.0.0.1:{broker.port}", topic_prefix="p"
    )
    ids = d1, d2, e1, d3, e2, d4 = _emit(core, ["D", "D", "E", "D", "E", "D"])
    sender = MqttSender(timeout=30)
    worker = EventWorker(deliveries, "mqtt", sender)
    try:
        assert worker.run_once() == 5  # three taken, D's and E's first lost ones failed
        assert first == [d1, d2, e1, d3, e2, d4]
        assert _state(deliveries, sub.id) == {
            d1: ("delivered", 1),
            d2: ("pending", 1),
            e1: ("delivered", 1),
            d3: ("delivered", 1),
            e2: ("pending", 1),
            d4: ("pending", 0),
        }
        (lost,) = [d for d in deliveries.deliveries(sub.id) if d.seq == d2]
        assert (lost.last_error or "").startswith("connection lost")
        go_on.set()
        clock.advance(seconds=120)
        assert worker.run_once() == 3
        assert again == [d2, e2, d4]
        attempts = {d1: 1, d2: 2, e1: 1, d3: 1, e2: 2, d4: 1}
        assert _state(deliveries, sub.id) == {i: ("delivered", a) for i, a in attempts.items()}
    finally:
        go_on.set()
        sender.close()
        broker.stop()
    assert broker.errors == []


def test_webhooks_keep_their_connection_and_survive_the_receiver_closing_it(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    with receiving(keep_alive=True) as rec:
        sub, _ = deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        sender = WebhookSender(timeout=5, workers=1)
        worker = EventWorker(deliveries, "webhook", sender)
        try:
            first = _emit(core, ["A", "B", "A"])
            assert worker.run_once() == 3
            assert len(set(rec.peers)) == 1  # one connection for the batch
            rec.hang_up()  # the receiver drops idle connections: the next send finds it dead
            later = _emit(core, ["A", "B"])
            assert worker.run_once() == 2  # sent again on a fresh connection, not failed
            assert len(set(rec.peers)) == 2
            a1, b1, a2 = first
            assert [e["id"] for e in rec.seen] == [a1, a2, b1, *later]  # a document at a time
            assert rec.tries == dict.fromkeys(first + later, 1)
            assert _state(deliveries, sub.id) == {i: ("delivered", 1) for i in first + later}
        finally:
            sender.close()
