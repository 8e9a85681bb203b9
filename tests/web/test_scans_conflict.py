"""A reused scan_id with other content: 409 idempotency_conflict on /scans and /commands."""

from __future__ import annotations

from tests.web.conftest import Api, snapshot
from tracking_core.core import Tracking
from tracking_core.values import LineSpec

LAP_GS1 = "]C1" + "0109506000134352" + "21"


def _receiving(master: Api, core: Tracking) -> tuple[str, dict[str, str]]:
    """A receipt of 3 LAP in receive mode on HH-1, one serial scanned (scan id s2)."""
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 3, "D1")])
    master.ok(
        "POST",
        "/commands",
        {"device": "HH-1", "scan_id": "c1", "command": "mode", "argument": "receive"},
    )
    master.ok("POST", "/scans", {"device": "HH-1", "scan_id": "s1", "raw": f"DOC:{doc.number}"})
    scan = {"device": "HH-1", "scan_id": "s2", "raw": LAP_GS1 + "IMEI-1"}
    fb = master.ok("POST", "/scans", scan)
    assert (fb["status"], fb["code"]) == ("ok", "generated")
    return doc.number, scan


def test_reused_scan_id_with_other_raw_is_409(master: Api, core: Tracking) -> None:
    number, scan = _receiving(master, core)
    before = snapshot(master)
    session = master.ok("GET", "/devices/HH-1/session")
    status, body = master("POST", "/scans", {**scan, "raw": LAP_GS1 + "IMEI-2"})
    assert status == 409
    assert body["error"]["code"] == "idempotency_conflict"
    assert body["error"]["details"] == {"device": "HH-1", "scan_id": "s2"}
    assert master.error("POST", "/scans", {**scan, "raw": LAP_GS1 + "IMEI-2"}) == (
        409,
        "idempotency_conflict",
    )
    # nothing changed: not the stock, not the document, not the device's session
    assert snapshot(master) == before
    assert master.ok("GET", "/devices/HH-1/session") == session
    assert core.document(number, detail=True).lines[0].serials == ("IMEI-1",)


def test_replay_with_same_content_still_answers_the_stored_feedback(
    master: Api, core: Tracking
) -> None:
    number, scan = _receiving(master, core)
    first = core.document(number, detail=True)
    again = master.ok("POST", "/scans", scan)
    assert (again["status"], again["code"]) == ("ok", "generated")
    assert core.document(number, detail=True) == first


def test_reused_command_id_with_other_command_is_409(master: Api, core: Tracking) -> None:
    _receiving(master, core)
    before = snapshot(master)
    # c1 was "mode receive"; the same id for another mode is a conflict
    other = {"device": "HH-1", "scan_id": "c1", "command": "mode", "argument": "ship"}
    assert master.error("POST", "/commands", other) == (409, "idempotency_conflict")
    # and a scan id reused for a command (or the other way round) is one too
    cmd = {"device": "HH-1", "scan_id": "s2", "command": "undo"}
    assert master.error("POST", "/commands", cmd) == (409, "idempotency_conflict")
    assert snapshot(master) == before
    assert master.ok("GET", "/devices/HH-1/session")["mode"] == "receive"
    replay = {"device": "HH-1", "scan_id": "c1", "command": "mode", "argument": "receive"}
    assert master.ok("POST", "/commands", replay)["code"] == "mode"
