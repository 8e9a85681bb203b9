"""Webhook delivery: signed, once per id at the receiver, in order per document."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from scanner_gateway.events.signing import HEADER, verify
from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tests.conftest import Clock
from tests.events.receiver import receiving
from tracking_core import events
from tracking_core.core import Tracking
from tracking_core.delivery import EventDeliveries, backoff
from tracking_core.errors import DomainError, InvalidInput


def _emit(core: Tracking, kind: str, document: str | None, n: int = 1) -> list[int]:
    def fn(s: Session) -> list[int]:
        evs = [events.NewEvent(kind, document, "LAP", {"i": i}) for i in range(n)]
        return events.emit_many(s, core.clock(), evs)

    return core.db.run(fn)


def _drain(worker: EventWorker, clock: Clock, *, rounds: int = 50) -> None:
    """Run cycles, moving the clock past every backoff, until nothing is left to try."""
    for _ in range(rounds):
        if worker.run_once() == 0:
            clock.advance(seconds=120)
            if worker.run_once() == 0:
                return


def test_signed_post_with_idempotency_key(core: Tracking, deliveries: EventDeliveries) -> None:
    with receiving() as rec:
        sub, secret = deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        assert secret is not None and len(secret) == 64
        (seq,) = _emit(core, "document.posted", "D1")
        worker = EventWorker(
            deliveries, "webhook", WebhookSender(timeout=5, now=lambda: 1_700_000_000)
        )
        assert worker.run_once() == 1
        ((headers, body),) = rec.requests
        assert headers["Idempotency-Key"] == f"scantrack-event-{seq}"
        assert verify(secret, headers[HEADER], body, now=1_700_000_100)
        assert not verify(secret, headers[HEADER], body, now=1_700_000_000 + 301)  # a replay
        assert not verify("0" * 64, headers[HEADER], body, now=1_700_000_000)
        assert not verify(secret, headers[HEADER], body + b" ", now=1_700_000_000)
        assert rec.seen[0]["id"] == seq and rec.seen[0]["kind"] == "document.posted"
        assert deliveries.deliveries(sub.id)[0].status == "delivered"


def test_kind_filter_and_events_before_subscribing(
    core: Tracking, deliveries: EventDeliveries
) -> None:
    _emit(core, "document.posted", "OLD")
    with receiving() as rec:
        deliveries.subscribe(name="lots", channel="webhook", url=rec.url, kinds=["lot.recalled"])
        _emit(core, "document.posted", "D1")
        (recall,) = _emit(core, "lot.recalled", None)
        worker = EventWorker(deliveries, "webhook", WebhookSender(timeout=5))
        while worker.run_once():
            pass
        assert [e["id"] for e in rec.seen] == [recall]


@pytest.mark.parametrize(
    ("channel", "url", "reason"),
    [
        ("webhook", "ftp://example.org/x", "starts with http:// or https://"),
        ("webhook", "http:///nohost", "has no host"),
        ("webhook", "not a url", "starts with"),
        ("mqtt", "mqtt://:1883", "has no host"),
        ("mqtt", "http://127.0.0.1:1883", "starts with mqtt://"),
        ("mqtt", "mqtt://127.0.0.1:99999", "is not a URL"),
        ("fax", "http://x", "must be webhook or mqtt"),
    ],
)
def test_bad_urls_are_refused_and_nothing_is_made(
    deliveries: EventDeliveries, channel: str, url: str, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        deliveries.subscribe(name="bad", channel=channel, url=url)
    assert deliveries.subscriptions() == []


def test_unknown_kind_in_filter_is_refused(deliveries: EventDeliveries) -> None:
    with pytest.raises(InvalidInput, match=r"unknown event kinds: lot\.eaten"):
        deliveries.subscribe(
            name="x", channel="webhook", url="http://127.0.0.1/", kinds=["lot.eaten"]
        )
    assert deliveries.subscriptions() == []


def test_backoff_doubles_to_the_cap_with_jitter() -> None:
    assert [backoff(a, base=2, cap=60, rand=0.0) for a in (1, 2, 3, 4, 5, 6, 7)] == [
        1,
        2,
        4,
        8,
        16,
        30,
        30,
    ]
    assert backoff(3, base=2, cap=60, rand=0.999) == pytest.approx(7.996)


def test_retries_then_dead_letter_then_replay_twice(
    core: Tracking, deliveries: EventDeliveries, clock: Clock
) -> None:
    failing = {"on": True}

    def behave(event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        return (500, {}) if failing["on"] and event["document"] == "BAD" else None

    with receiving(behave) as rec:
        sub, _ = deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        bad1, bad2 = _emit(core, "document.posted", "BAD", 2)
        (good,) = _emit(core, "document.posted", "GOOD")
        worker = EventWorker(deliveries, "webhook", WebhookSender(timeout=5))
        assert worker.run_once() == 2  # BAD's first and GOOD; BAD's second is held back
        assert [e["id"] for e in rec.seen] == [good]
        assert worker.run_once() == 0  # backoff: 2 s * 2^0, half jitter at 0.5 -> 1.5 s
        clock.advance(seconds=1.4)
        assert worker.run_once() == 0
        clock.advance(seconds=0.2)
        assert worker.run_once() == 1
        clock.advance(seconds=3)  # second backoff 3 s
        assert worker.run_once() == 1  # the third attempt: dead now
        (dead,) = deliveries.dead_letters(sub.id)
        assert (dead.seq, dead.attempts, dead.last_error) == (bad1, 3, "HTTP 500")
        clock.advance(seconds=3600)
        assert worker.run_once() == 0  # dead holds BAD's later event back
        assert rec.tries == {bad1: 3, good: 1}
        failing["on"] = False
        info, replayed = deliveries.replay(sub.id, bad1)
        assert (info.status, replayed) == ("pending", True)
        info, replayed = deliveries.replay(sub.id, bad1)  # twice: nothing more happens
        assert (info.status, replayed) == ("pending", False)
        _drain(worker, clock)
        assert [e["id"] for e in rec.seen] == [good, bad1, bad2]
        assert rec.tries == {bad1: 4, good: 1, bad2: 1}
        info, replayed = deliveries.replay(sub.id, bad1)
        assert (info.status, replayed) == ("delivered", False)
        with pytest.raises(DomainError):
            deliveries.replay(sub.id, 999_999)


@pytest.fixture
def hanging() -> Iterator[str]:
    """A port that accepts and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/"
    stop.set()
    t.join()
    for c in conns:
        c.close()
    srv.close()


def _refusing_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}/"


def test_refused_hanging_and_redirecting_urls_fail_and_are_retried(
    core: Tracking, deliveries: EventDeliveries, hanging: str
) -> None:
    def redirect(event: dict[str, Any], n: int) -> tuple[int, dict[str, str]] | None:
        return 302, {"Location": "http://127.0.0.1:1/elsewhere"}

    with receiving(redirect) as rec:
        subs = {
            "refused": deliveries.subscribe(name="refused", channel="webhook", url=_refusing_url())[
                0
            ],
            "hangs": deliveries.subscribe(name="hangs", channel="webhook", url=hanging)[0],
            "redirects": deliveries.subscribe(name="redirects", channel="webhook", url=rec.url)[0],
        }
        (seq,) = _emit(core, "document.posted", "D1")
        worker = EventWorker(deliveries, "webhook", WebhookSender(timeout=0.5))
        assert worker.run_once() == 3
        errors = {k: deliveries.deliveries(s.id)[0] for k, s in subs.items()}
        assert {k: (d.status, d.attempts) for k, d in errors.items()} == {
            k: ("pending", 1) for k in subs
        }
        assert "ConnectionRefusedError" in (errors["refused"].last_error or "")
        assert "timed out" in (errors["hangs"].last_error or "")
        assert errors["redirects"].last_error == "HTTP 302: redirects are not followed"
        assert rec.seen == []
        assert seq


def test_has_work_says_when_a_cycle_would_do_something(
    core: Tracking, deliveries: EventDeliveries, clock: Clock
) -> None:
    def busy(channel: str = "webhook") -> bool:
        return deliveries.has_work(channel=channel, stale_after=120)

    assert not busy()  # no subscription, no event
    with receiving(lambda event, n: (500, {})) as rec:
        deliveries.subscribe(name="erp", channel="webhook", url=rec.url)
        assert not busy()
        _emit(core, "document.posted", "D1")
        assert busy()  # not fanned out yet
        deliveries.fan_out()
        assert busy() and not busy("mqtt")  # due on its own channel only
        worker = EventWorker(deliveries, "webhook", WebhookSender(timeout=5))
        assert worker.run_once() == 1  # answered 500: backing off
        assert not busy()
        clock.advance(seconds=2)
        assert busy()  # the retry is due
        (_claimed,) = deliveries.claim(worker="w", channel="webhook")
        assert not busy()  # sending, not stale
        clock.advance(seconds=121)
        assert busy()  # a dead worker's claim to recover
