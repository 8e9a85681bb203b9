"""``scan.refused``: off by default; when on, one event per refused scan, never two for a replay."""

from __future__ import annotations

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Feedback, Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock
from tracking_core import events
from tracking_core.core import Actor, Tracking
from tracking_core.errors import InvalidInput, PermissionDenied
from tracking_core.events import Event
from tracking_core.scan.refusals import RAW_LIMIT
from tracking_core.values import LineSpec


def _refused(core: Tracking) -> list[Event]:
    got = core.db.run(lambda s: events.events_after(s, 0), readonly=True)
    return [e for e in got if e.kind == "scan.refused"]


@pytest.fixture
def gw(core: Tracking) -> Gateway:
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    core.receive(item="LAP", location="A1", quantity=2, serials=["P1", "P2"], partner="V1")
    return Gateway(core, interpret, caller=Actor(token="hh", role="setup"))


class Scans:
    def __init__(self, gw: Gateway, clock: Clock) -> None:
        self.gw, self.clock = gw, clock

    def __call__(self, scan_id: str, raw: str, device: str = "HH-1") -> Feedback:
        self.clock.advance(seconds=2)  # never a double read
        return self.gw.scan(ScanRequest(device, scan_id, raw))


@pytest.fixture
def scan(gw: Gateway, clock: Clock) -> Scans:
    return Scans(gw, clock)


def _turn_on(core: Tracking) -> None:
    core.update_settings({"scan_refused_events": True}, actor="boss", role="setup")


def test_off_by_default_and_only_the_setup_role_turns_it_on(core: Tracking, scan: Scans) -> None:
    assert core.settings().scan_refused_events is False
    assert scan("s1", "]C1019999").status == "error"
    assert _refused(core) == []
    with pytest.raises(PermissionDenied):
        core.update_settings({"scan_refused_events": True}, actor="op", role="operator")
    with pytest.raises(InvalidInput):
        core.update_settings({"scan_refused_events": "yes"}, actor="boss", role="setup")
    assert core.settings().scan_refused_events is False
    assert scan("s2", "]C1019999").status == "error"
    assert _refused(core) == []


def test_a_refused_step_writes_one_event_and_its_replay_none(core: Tracking, scan: Scans) -> None:
    _turn_on(core)
    fb = scan("s1", "]C1019999")  # a GS1 identifier with a broken element string
    assert (fb.status, fb.code) == ("error", "invalid_barcode")
    (e,) = _refused(core)
    assert (e.document, e.item) == (None, None)
    assert e.data == {
        "device": "HH-1",
        "scan_id": "s1",
        "code": "invalid_barcode",
        "message": fb.message,
        "raw": "]C1019999",
        "raw_length": 9,
        "details": {},
    }
    assert scan("s1", "]C1019999") == fb  # the replay: the stored answer
    assert len(_refused(core)) == 1
    assert scan("s2", "CMD:MODE:PICK").status == "ok"  # a good scan writes none
    assert len(_refused(core)) == 1


def test_a_domain_error_writes_one_event_with_its_document_and_a_retry_none(
    core: Tracking, scan: Scans
) -> None:
    _turn_on(core)
    held = core.create_document("shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    core.allocate_serials(held.number, line=1, serials=["P1"])
    doc = core.create_document("shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    for i, raw in enumerate(["CMD:MODE:PICK", f"DOC:{doc.number}", "LAP"]):
        assert scan(f"a{i}", raw).status == "ok"
    fb = scan("p1", "P1")
    assert (fb.status, fb.code) == ("error", "serial_already_allocated")
    (e,) = _refused(core)
    assert (e.document, e.item) == (doc.number, "LAP")
    assert e.data["code"] == "serial_already_allocated"
    assert e.data["details"] == {"item": "LAP", "serial": "P1", "document": held.number}
    assert (e.data["device"], e.data["scan_id"], e.data["raw"]) == ("HH-1", "p1", "P1")
    # no answer is stored for it, so a retry runs again: refused again, no second event
    assert scan("p1", "P1").code == "serial_already_allocated"
    assert len(_refused(core)) == 1
    # a conflicting reuse of an answered key is no refusal of that scan
    assert scan("a2", "P2").code == "idempotency_conflict"
    # a key that is not a key: refused, nothing written
    assert scan("x" * 65, "P1").code == "invalid_input"
    # the same scan_id on another device is another scan
    assert scan("p1", "]C1019999", device="HH-2").code == "invalid_barcode"
    assert [(x.data["device"], x.data["scan_id"]) for x in _refused(core)] == [
        ("HH-1", "p1"),
        ("HH-2", "p1"),
    ]


def test_the_raw_scan_is_bounded(core: Tracking, scan: Scans) -> None:
    _turn_on(core)
    raw = "]C101" + "9" * 5000
    fb = scan("long", raw)
    assert fb.status == "error"
    (e,) = _refused(core)
    assert e.data["raw"] == raw[:RAW_LIMIT] and e.data["raw_length"] == len(raw)
    assert len(e.data["message"]) <= 500


def test_a_permission_refusal_is_reported_and_changes_nothing_else(core: Tracking) -> None:
    _turn_on(core)
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    gw = Gateway(core, interpret, caller=Actor(token="hh", role="operator"))
    for i, raw in enumerate(["CMD:MODE:RECEIVE", "LOC:A1", "PTN:V1", "LAP"]):
        assert gw.scan(ScanRequest("HH-1", f"s{i}", raw)).status == "ok"
    docs = core.documents()
    fb = gw.scan(ScanRequest("HH-1", "s9", "X1"))  # an ad-hoc receipt: not an operator's
    assert (fb.status, fb.code) == ("error", "permission_denied")
    (e,) = _refused(core)
    assert e.data["code"] == "permission_denied"
    assert e.data["details"]["role"] == "operator"
    assert core.documents() == docs  # the refused step made nothing
