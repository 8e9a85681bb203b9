"""The event outbox: events written with the change they report, numbered in commit order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tracking_core import events
from tracking_core.core import Tracking
from tracking_core.errors import DomainError
from tracking_core.events import Event
from tracking_core.values import LineSpec


def _events(wh: Tracking, after: int = 0) -> list[Event]:
    return wh.db.run(lambda s: events.events_after(s, after), readonly=True)


def _receipt(wh: Tracking, serials: list[str]) -> str:
    number = wh.create_document(
        "receipt", partner="V1", lines=[LineSpec("LAP", len(serials), "A1")]
    ).number
    wh.generate_serials(number, line=1, serials=serials)
    return number


def test_a_posting_writes_its_document_and_serial_events(wh: Tracking) -> None:
    before = _events(wh)
    number = _receipt(wh, ["E-1", "E-2", "E-3"])
    wh.post(number)
    new = _events(wh, before[-1].id if before else 0)
    assert [(e.kind, e.document, e.item) for e in new] == [
        ("document.posted", number, None),
        ("serial.status_changed", number, "LAP"),
    ]
    assert new[0].data == {"doc_type": "receipt", "serial_records": 3, "lot_records": 0}
    assert new[1].data == {
        "status": "in_stock",
        "location": "A1",
        "count": 3,
        "serials": ["E-1", "E-2", "E-3"],
    }
    assert new[1].id == new[0].id + 1
    body = new[0].as_json()
    assert set(body) == {"id", "kind", "occurred_at", "document", "item", "data"}


def test_a_rolled_back_posting_leaves_no_event(wh: Tracking) -> None:
    number = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 2, "A1")]).number
    wh.generate_serials(number, line=1, serials=["R-1"])  # one of two: incomplete
    before = _events(wh)
    with pytest.raises(DomainError):
        wh.post(number)
    assert _events(wh) == before


def test_reversal_cancel_and_lots_report_in_order(wh: Tracking) -> None:
    number = _receipt(wh, ["V-1"])
    wh.post(number)
    rev = wh.reverse(number)
    cancelled = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 1, "A1")])
    wh.cancel(cancelled.number)
    lot_doc = wh.create_document("receipt", partner="V1", lines=[LineSpec("MILK", 4, "A1")])
    lot_number = "EVLOT-1"
    wh.generate_lot(lot_doc.number, line=1, quantity=4, lot=lot_number)
    wh.post(lot_doc.number)
    wh.quarantine(item="MILK", lot=lot_number)
    wh.recall_lot(item="MILK", lot=lot_number, recall_number="RC-1", reason="taste")
    wh.release_lot(item="MILK", lot=lot_number)
    got = [(e.kind, e.document) for e in _events(wh)]
    tail = got[got.index(("document.posted", number)) :]
    assert tail == [
        ("document.posted", number),
        ("serial.status_changed", number),
        ("document.reversed", rev.document),
        ("serial.status_changed", rev.document),
        ("document.cancelled", cancelled.number),
        ("document.posted", lot_doc.number),
        ("lot.quarantined", None),
        ("lot.recalled", None),
        ("lot.released", None),
    ]
    ids = [e.id for e in _events(wh)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    recalled = next(e for e in _events(wh) if e.kind == "lot.recalled")
    assert recalled.data == {"lot": lot_number, "recall_number": "RC-1", "reason": "taste"}
    assert recalled.item == "MILK"


def test_an_unknown_kind_is_refused_and_writes_nothing(wh: Tracking) -> None:
    before = _events(wh)

    def bad(s: Session) -> None:
        events.emit_many(s, wh.clock(), [events.NewEvent("document.exploded", None, None, {})])

    with pytest.raises(ValueError, match="unknown event kind"):
        wh.db.run(bad)
    assert _events(wh) == before


def test_numbers_are_committed_in_order_under_concurrent_writers(wh: Tracking) -> None:
    """A reader never finds a committed event below one it has already seen."""
    start = _events(wh)
    base = start[-1].id if start else 0
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):

                def one(s: Session, i: int = i) -> None:
                    events.emit_many(
                        s, wh.clock(), [events.NewEvent("scan.refused", f"D{k}", None, {"i": i})]
                    )

                wh.db.run(one)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    seen = base
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        got = _events(wh, base)
        ids = [e.id for e in got]
        # committed numbers form a gap-free prefix: nothing can later appear below the top
        assert ids == list(range(base + 1, base + 1 + len(ids)))
        seen = max(seen, ids[-1] if ids else seen)
    for t in threads:
        t.join()
    assert errors == []
    got = _events(wh, base)
    assert [e.id for e in got] == list(range(base + 1, base + 41))
    for k in range(4):
        assert [e.data["i"] for e in got if e.document == f"D{k}"] == list(range(10))


def test_a_label_claim_recovered_as_unconfirmed_writes_label_failed_once(
    wh: Tracking, clock: Clock
) -> None:
    number = wh.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 2, "A1")]).number
    wh.generate_serials(number, line=1, count=2)
    wh.generate_ssccs(1)
    before = _events(wh)
    jobs = wh.outbox.claim(worker="dead", limit=5)
    assert len(jobs) == 2
    clock.advance(seconds=61)
    assert sorted(wh.outbox.recover(stale_after=60)) == sorted(j.id for j in jobs)
    new = _events(wh, before[-1].id if before else 0)
    by_job = {e.data["job"]: e for e in new}
    assert [e.kind for e in new] == ["label.failed", "label.failed"]
    serial_job = next(j for j in jobs if j.kind == "serial")
    e = by_job[serial_job.id]
    assert (e.document, e.item) == (number, "LAP")
    assert e.data == {
        "job": serial_job.id,
        "label_kind": "serial",
        "labels": 2,
        "printer": None,
        "error": "worker stopped while sending",
    }
    assert wh.outbox.recover(stale_after=60) == []  # recovered once: no second event
    assert _events(wh, new[-1].id) == []


def _kinds_since(wh: Tracking, after: int) -> list[tuple[str, str | None, str | None, Any]]:
    return [(e.kind, e.document, e.item, e.data) for e in _events(wh, after)]


def _last(wh: Tracking) -> int:
    got = _events(wh)
    return got[-1].id if got else 0


def test_every_path_that_changes_a_serial_status_reports_it(wh: Tracking) -> None:
    wh.receive(
        item="LAP", location="A1", quantity=4, serials=["S1", "S2", "S3", "S4"], partner="V1"
    )
    mark = _last(wh)
    tr = wh.ship(
        item="LAP", location="A1", to_location="A2", quantity=1, serials=["S1"], doc_type="transfer"
    )
    vr = wh.ship(
        item="LAP",
        location="A1",
        quantity=1,
        serials=["S2"],
        partner="V1",
        doc_type="vendor_return",
    )
    scrap = wh.scrap_serial(item="LAP", serial="S3", reason="dropped")
    cost = wh.adjust_cost(item="LAP", serial="S4", unit_cost="450")
    back = wh.reverse(tr.number)
    wh.quarantine(item="LAP", serial="S4")
    got = _kinds_since(wh, mark)

    def changed(status: str, location: str | None, serial: str) -> dict[str, Any]:
        return {"status": status, "location": location, "count": 1, "serials": [serial]}

    assert [(k, d, i) for k, d, i, _ in got] == [
        ("document.posted", tr.number, None),
        ("serial.status_changed", tr.number, "LAP"),
        ("document.posted", vr.number, None),
        ("serial.status_changed", vr.number, "LAP"),
        ("document.posted", scrap.document, None),
        ("serial.status_changed", scrap.document, "LAP"),
        ("document.posted", cost.document, None),  # a revaluation: no serial moved
        ("document.reversed", back.document, None),
        ("serial.status_changed", back.document, "LAP"),
        ("serial.status_changed", None, "LAP"),
    ]
    data = [d for _, _, _, d in got]
    assert data[1] == changed("in_stock", "A2", "S1")
    assert data[3] == changed("returned_to_vendor", None, "S2")
    assert data[4]["doc_type"] == "adjustment"
    assert data[5] == changed("scrapped", None, "S3")
    assert data[6] == {"doc_type": "adjustment", "serial_records": 1, "lot_records": 0}
    assert data[8] == changed("in_stock", "A1", "S1")
    assert data[9] == {"status": "in_stock", "quarantine": True, "count": 1, "serials": ["S4"]}


def test_stock_received_into_quarantine_says_so(wh: Tracking) -> None:
    wh.update_settings({"quarantine_days_on_receipt": 3}, actor="boss", role="setup")
    mark = _last(wh)
    doc = wh.create_document(
        "receipt", partner="V1", lines=[LineSpec("LAP", 1, "A1"), LineSpec("MILK", 5, "A1")]
    )
    wh.generate_serials(doc.number, line=1, serials=["Q1"])
    wh.generate_lot(doc.number, line=2, quantity=5, lot="QLOT")
    wh.post(doc.number)
    got = _kinds_since(wh, mark)
    assert [(k, d, i) for k, d, i, _ in got] == [
        ("lot.quarantined", doc.number, "MILK"),
        ("document.posted", doc.number, None),
        ("serial.status_changed", doc.number, "LAP"),
    ]
    assert got[0][3] == {"lot": "QLOT", "until": "2026-11-27"}
    assert got[2][3] == {
        "status": "in_stock",
        "location": "A1",
        "quarantine": True,
        "count": 1,
        "serials": ["Q1"],
    }
    # more of a lot that exists already is no new status
    mark = _last(wh)
    wh.receive(item="MILK", location="A1", quantity=2, lot="QLOT", partner="V1")
    assert [k for k, *_ in _kinds_since(wh, mark)] == ["document.posted"]
