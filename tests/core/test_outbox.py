"""The label outbox: jobs written with the numbers, claimed once, never resent silently."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import Clock
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec


def test_generated_numbers_get_a_job_in_the_same_transaction(wh: Tracking) -> None:
    doc = wh.create_document("receipt", lines=[LineSpec("LAP", 3, "A1"), LineSpec("MILK", 5, "A1")])
    wh.generate_serials(doc.number, line=1, count=2, actor=Actor(device="HH-1"))
    wh.generate_serials(doc.number, line=1, serials=["VENDOR-1"])  # printed on the goods
    wh.generate_lot(doc.number, line=2, quantity=5)
    jobs = wh.outbox.jobs()
    assert [(j.kind, j.labels, j.status, j.document) for j in jobs] == [
        ("lot", 1, "pending", doc.number),
        ("serial", 2, "pending", doc.number),
    ]
    serial_job = jobs[1]
    assert serial_job.payload == {
        "item": "LAP",
        "description": "",
        "gtin": "09506000134352",
        "serials": ["SN-26-00001", "SN-26-00002"],
        "lot": None,
        "expiry": None,
    }
    assert serial_job.device == "HH-1"
    assert jobs[0].payload["lot"] == "L261124-01"
    assert jobs[0].payload["expiry"] == "2026-12-04"


def test_a_failed_generation_leaves_no_job(wh: Tracking) -> None:
    doc = wh.create_document("receipt", lines=[LineSpec("LAP", 1, "A1")])
    with pytest.raises(DomainError):
        wh.generate_serials(doc.number, line=1, count=2)
    assert wh.outbox.jobs() == []


def test_claim_print_release_unconfirmed_and_decisions(wh: Tracking, clock: Clock) -> None:
    codes = wh.generate_ssccs(2, contents={"lines": ["LAP x 4"]})
    (job,) = wh.outbox.claim(worker="w1")
    assert (job.kind, job.payload["ssccs"], job.status, job.attempts) == (
        "sscc",
        codes,
        "sending",
        1,
    )
    assert wh.outbox.claim(worker="w2") == []
    wh.outbox.release(job.id, worker="w1", error="connection refused", retry_in=30)
    assert wh.outbox.claim(worker="w1") == []  # not before 30 s
    clock.advance(seconds=31)
    (again,) = wh.outbox.claim(worker="w1")
    assert again.attempts == 2
    wh.outbox.unconfirmed(again.id, worker="w1", error="connection reset mid-send")
    assert wh.outbox.claim(worker="w1") == []  # never resent on its own
    with pytest.raises(DomainError):
        wh.outbox.printed(again.id, worker="w1")  # no longer this worker's claim
    wh.outbox.decide(again.id, "reprint", actor="ann", reason="label missing")
    (third,) = wh.outbox.claim(worker="w2")
    done = wh.outbox.printed(third.id, worker="w2")
    assert (done.status, done.sent_labels) == ("printed", 2)
    wh.outbox.decide(third.id, "reprint", actor="bob", reason="torn")
    events = [(e, a, r) for e, a, r, _ in wh.outbox.events(job.id)]
    assert events == [
        ("retry", "w1", "connection refused"),
        ("unconfirmed", "w1", "connection reset mid-send"),
        ("reprint", "ann", "label missing"),
        ("printed", "w2", None),
        ("reprint", "bob", "torn"),
    ]
    with pytest.raises(DomainError) as e:
        wh.outbox.decide(job.id, "printed", actor="bob")
    assert e.value.code == "invalid_input"


def test_stale_claims_become_unconfirmed(wh: Tracking, clock: Clock) -> None:
    wh.generate_ssccs(1)
    (job,) = wh.outbox.claim(worker="dead")
    assert wh.outbox.recover(stale_after=60) == []
    clock.advance(seconds=61)
    assert wh.outbox.recover(stale_after=60) == [job.id]
    assert wh.outbox.job(job.id).status == "unconfirmed"
    assert wh.outbox.claim(worker="w") == []


def test_concurrent_workers_never_claim_one_job_twice(wh: Tracking) -> None:
    for _ in range(40):
        wh.generate_ssccs(1)
    got: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        while jobs := wh.outbox.claim(worker=name, limit=3):
            with lock:
                got.extend(j.id for j in jobs)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(j.id for j in wh.outbox.jobs())
    assert len(got) == len(set(got)) == 40
