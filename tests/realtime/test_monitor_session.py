"""The supervisor pages' live monitor joins the ``/scan`` monitor room with its session
cookie (``auth={"monitor": true}``, no token); without a signed-in session it is refused."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.realtime.conftest import NS, pushes
from tracking_core.core import Tracking
from web_mobile.app import create_app

SECRET = "monitor-test-secret-0123456789-abcdef"


def signed_in(app: Flask, form: dict[str, str]) -> FlaskClient:
    browser = app.test_client()
    html = browser.get("/supervisor/signin").get_data(as_text=True)
    csrf = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    resp = browser.post("/supervisor/signin", data={"csrf_token": csrf, **form})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return browser


def test_a_signed_in_supervisor_monitors_scans_made_over_rest(live: Tracking) -> None:
    app = create_app({"TRACKING": live, "MIGRATE": False, "SECRET_KEY": SECRET})
    admin, _ = live.create_token(name="desk", role="admin")
    hh, _ = live.create_token(name="hh", role="operator")
    live.create_device("HH-1", station="dock-1")
    browser = signed_in(app, {"method": "token", "token": admin})
    sio = app.extensions["socketio"]
    monitor = sio.test_client(app, namespace=NS, auth={"monitor": True}, flask_test_client=browser)
    assert monitor.is_connected(NS)
    monitor.get_received(NS)
    body = {"device": "HH-1", "scan_id": "m1", "raw": "LOC:NOWHERE"}
    resp = browser.post("/api/v1/scans", json=body, headers={"Authorization": f"Bearer {hh}"})
    assert resp.status_code == 200
    (fb,) = pushes(monitor, "feedback")
    assert (fb["device"], fb["station"], fb["scan_id"], fb["raw"]) == (
        "HH-1",
        "dock-1",
        "m1",
        "LOC:NOWHERE",
    )
    ack = monitor.emit("scan", {"scan_id": "x", "raw": "LOC:A1"}, namespace=NS, callback=True)
    assert ack["code"] == "permission_denied"  # a monitor only receives


def test_an_operator_session_monitors_too(live: Tracking) -> None:
    app = create_app({"TRACKING": live, "MIGRATE": False, "SECRET_KEY": SECRET})
    live.create_operator(badge="0044", name="Pat", pin="1234")
    browser = signed_in(app, {"method": "operator", "badge": "0044", "pin": "1234"})
    sio = app.extensions["socketio"]
    monitor = sio.test_client(app, namespace=NS, auth={"monitor": True}, flask_test_client=browser)
    assert monitor.is_connected(NS)


def test_without_a_signed_in_session_the_monitor_is_refused(live: Tracking) -> None:
    app = create_app({"TRACKING": live, "MIGRATE": False, "SECRET_KEY": SECRET})
    sio = app.extensions["socketio"]
    nobody = sio.test_client(
        app, namespace=NS, auth={"monitor": True}, flask_test_client=app.test_client()
    )
    assert not nobody.is_connected(NS)
    token = live.create_token(name="t", role="admin")[0]
    browser = signed_in(app, {"method": "token", "token": token})
    html = browser.get("/supervisor/documents").get_data(as_text=True)
    csrf = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert browser.post("/supervisor/signout", data={"csrf_token": csrf}).status_code == 302
    gone = sio.test_client(app, namespace=NS, auth={"monitor": True}, flask_test_client=browser)
    assert not gone.is_connected(NS)
