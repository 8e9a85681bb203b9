"""The ``/scan`` namespace through Flask-SocketIO's test client: auth, events, acks, pushes."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from socketio import packet

from tests.realtime.conftest import NS, pushes, sio_client
from tracking_core.core import Tracking
from tracking_core.values import LineSpec
from web_mobile.app import create_app
from web_mobile.realtime import MAX_EVENT_BYTES, OriginsError, disconnect_device

GTIN = "09506000134376"


@pytest.fixture
def receipt(live: Tracking) -> str:
    live.create_location(code="A1")
    live.create_item(sku="PHONE", tracking="serial", gtins=[GTIN])
    return live.create_document("receipt", lines=[LineSpec("PHONE", 2, "A1")]).number


def refusal(app: Flask, auth: Any, headers: Any = None) -> Any:
    """The data of the CONNECT_ERROR the server sent (the test client drops it)."""
    sio = app.extensions["socketio"]
    c = sio.test_client(app, namespace="/nothing")  # installs the test client's transport
    sent: list[Any] = []
    send = sio.server._send_packet
    sio.server._send_packet = lambda eio_sid, pkt: (sent.append(pkt), send(eio_sid, pkt))
    c.connect(namespace=NS, auth=auth, headers=headers)
    assert not c.is_connected(NS)
    (err,) = [p.data for p in sent if p.packet_type == packet.CONNECT_ERROR]
    assert err["message"] == err["data"]["message"]
    return err["data"]


def test_connect_is_refused_with_a_reason(app: Flask, live: Tracking) -> None:
    other, _ = live.create_token(name="erp", role="integration")
    gone, info = live.create_token(name="old", role="operator")
    live.revoke_token(info.id)
    cases: list[tuple[Any, str]] = [
        (None, "token_missing"),
        ({}, "token_missing"),
        ({"token": ""}, "token_missing"),
        ({"token": 5}, "invalid_auth"),
        ({"token": "forged-token"}, "token_unknown"),
        ({"token": gone}, "token_unknown"),
        ({"token": other, "device": "HH\x07"}, "invalid_auth"),
        ({"token": other, "device": 7}, "invalid_auth"),
        ({"token": other, "station": ""}, "invalid_auth"),
        ({"token": other, "monitor": "yes"}, "invalid_auth"),
        ({"token": other, "colour": "red"}, "invalid_auth"),
    ]
    for auth, code in cases:
        err = refusal(app, auth)
        assert err is not None and err["code"] == code, (auth, err)
        assert set(err) == {"code", "message"}


def test_a_foreign_origin_is_refused(app: Flask, operator_token: str) -> None:
    err = refusal(app, {"token": operator_token}, headers={"Origin": "https://evil.example"})
    assert err["code"] == "origin_refused"
    c = sio_client(app, {"token": operator_token}, headers={"Origin": "http://localhost"})
    assert c.is_connected(NS)  # the test client's own host is the same origin


def test_listed_origins_are_allowed_and_star_is_refused(
    live: Tracking, operator_token: str
) -> None:
    app = create_app(
        {"TRACKING": live, "MIGRATE": False, "ALLOWED_ORIGINS": "https://hh.example:8443"}
    )
    c = sio_client(app, {"token": operator_token}, headers={"Origin": "https://hh.example:8443"})
    assert c.is_connected(NS)
    with pytest.raises(OriginsError, match="ALLOWED_ORIGINS"):
        create_app({"TRACKING": live, "MIGRATE": False, "ALLOWED_ORIGINS": "*"})


def test_hello_then_scan_and_command_acks(app: Flask, operator_token: str, receipt: str) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    (hello,) = pushes(c, "hello")
    assert hello["device"] == "HH-1" and hello["operator"] is None
    assert hello["profile"]["gs_replacement"] is None
    assert hello["session"]["mode"] == "inquiry"
    fb = c.emit(
        "command", {"scan_id": "c1", "name": "mode", "args": "receive"}, namespace=NS, callback=True
    )
    assert (fb["status"], fb["code"]) == ("ok", "mode")
    fb = c.emit("scan", {"scan_id": "s1", "raw": f"DOC:{receipt}"}, namespace=NS, callback=True)
    assert (fb["status"], fb["code"]) == ("ok", "document")
    (session,) = pushes(c, "session")[-1:]
    assert (session["mode"], session["document"]) == ("receive", receipt)
    assert session["progress"]["open"] == 2
    fb = c.emit(
        "scan",
        {"scan_id": "s2", "raw": "01" + GTIN + "21IMEI-1", "symbology": "]C1"},
        namespace=NS,
        callback=True,
    )
    assert (fb["status"], fb["code"], fb["sound"]) == ("ok", "generated", "beep")
    assert set(fb) == {"status", "code", "message", "prompt", "data", "sound"}
    assert pushes(c, "session")[-1]["progress"]["done"] == 1


def test_echo_answers_the_payload(app: Flask, operator_token: str) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    payload = {"n": 1, "text": "hello", "list": [1, 2]}
    assert c.emit("echo", payload, namespace=NS, callback=True) == payload


def test_bad_events_get_an_error_ack_and_change_nothing(
    app: Flask, live: Tracking, operator_token: str
) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    before = live.device_state("HH-1")
    big = "x" * (MAX_EVENT_BYTES + 1)
    cases: list[tuple[str, Any, str]] = [
        ("scan", "DOC:X", "invalid_event"),  # not an object
        ("scan", ["a"], "invalid_event"),
        ("scan", {"raw": "LOC:A1"}, "invalid_event"),  # no scan_id
        ("scan", {"scan_id": 7, "raw": "LOC:A1"}, "invalid_event"),
        ("scan", {"scan_id": "", "raw": "LOC:A1"}, "invalid_event"),
        ("scan", {"scan_id": "a\x00b", "raw": "LOC:A1"}, "invalid_event"),
        ("scan", {"scan_id": "s", "raw": 12}, "invalid_event"),
        ("scan", {"scan_id": "s", "raw": "LOC:A1", "extra": 1}, "invalid_event"),
        ("scan", {"scan_id": "s", "raw": "LOC:A1", "symbology": "]C1\x1d"}, "invalid_event"),
        ("scan", {"scan_id": "s", "raw": big}, "message_too_large"),
        ("command", {"scan_id": "c", "name": "explode"}, "invalid_event"),
        ("command", {"scan_id": "c", "name": "mode", "args": {"x": 1}}, "invalid_event"),
        ("command", {"scan_id": "c", "name": "mode", "args": True}, "invalid_event"),
        ("echo", {"big": big}, "message_too_large"),
    ]
    for event, data, code in cases:
        ack = c.emit(event, data, namespace=NS, callback=True)
        assert ack["status"] == "error" and ack["code"] == code, (event, data, ack)
    assert live.device_state("HH-1") == before
    assert pushes(c, "session") == []


def test_control_characters_in_a_scan_are_the_gateways_to_judge(
    app: Flask, operator_token: str
) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    ack = c.emit("scan", {"scan_id": "s1", "raw": "\x07"}, namespace=NS, callback=True)
    assert (ack["status"], ack["code"]) == ("error", "invalid_barcode")


def test_a_replay_with_other_content_applies_nothing(
    app: Flask, live: Tracking, operator_token: str, receipt: str
) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    c.emit(
        "command", {"scan_id": "c1", "name": "mode", "args": "receive"}, namespace=NS, callback=True
    )
    first = c.emit("scan", {"scan_id": "s1", "raw": f"DOC:{receipt}"}, namespace=NS, callback=True)
    again = c.emit("scan", {"scan_id": "s1", "raw": f"DOC:{receipt}"}, namespace=NS, callback=True)
    assert again == first  # the same scan again: the stored answer
    state = live.device_state("HH-1")
    other = c.emit("scan", {"scan_id": "s1", "raw": "LOC:A1"}, namespace=NS, callback=True)
    assert (other["status"], other["code"]) == ("error", "idempotency_conflict")
    assert live.device_state("HH-1") == state


def test_two_tabs_of_one_device_both_get_session(app: Flask, operator_token: str) -> None:
    auth = {"token": operator_token, "device": "HH-1"}
    tab1, tab2 = sio_client(app, auth), sio_client(app, auth)
    other = sio_client(app, {"token": operator_token, "device": "HH-2"})
    for c in (tab1, tab2, other):
        c.get_received(NS)
    tab1.emit(
        "command", {"scan_id": "c1", "name": "mode", "args": "pick"}, namespace=NS, callback=True
    )
    assert [s["mode"] for s in pushes(tab1, "session")] == ["pick"]
    assert [s["mode"] for s in pushes(tab2, "session")] == ["pick"]
    assert pushes(other, "session") == []


def test_station_and_monitor_connections_receive_feedback_only(
    app: Flask, live: Tracking, operator_token: str
) -> None:
    reader, _ = live.create_token(name="wall", role="integration")
    monitor = sio_client(app, {"token": reader, "monitor": True})
    display = sio_client(app, {"token": reader, "station": "dock-1"})
    for c in (monitor, display):
        assert c.is_connected(NS)
        ack = c.emit("scan", {"scan_id": "s", "raw": "LOC:A1"}, namespace=NS, callback=True)
        assert (ack["status"], ack["code"]) == ("error", "permission_denied")
        c.get_received(NS)
    hh = sio_client(app, {"token": operator_token, "device": "HH-1"})
    hh.emit("scan", {"scan_id": "s1", "raw": "LOC:NOWHERE"}, namespace=NS, callback=True)
    (fb,) = pushes(monitor, "feedback")
    assert (fb["device"], fb["station"], fb["scan_id"], fb["raw"]) == (
        "HH-1",
        None,
        "s1",
        "LOC:NOWHERE",
    )
    assert fb["feedback"]["status"] == "error"
    assert pushes(display, "feedback") == []  # HH-1 is no station's


def test_revoking_disconnects_the_device_at_once(app: Flask, operator_token: str) -> None:
    auth = {"token": operator_token, "device": "HH-1"}
    tab1, tab2 = sio_client(app, auth), sio_client(app, auth)
    other = sio_client(app, {"token": operator_token, "device": "HH-2"})
    assert disconnect_device(app, "HH-1") == 2
    assert not tab1.is_connected(NS) and not tab2.is_connected(NS)
    assert other.is_connected(NS)
    assert disconnect_device(app, "HH-1") == 0
