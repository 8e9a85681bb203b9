"""POST /api/v1/scans and /commands: the gateway over HTTP, answered with Feedback."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tracking_core.core import Tracking
from tracking_core.values import LineSpec


def call(
    client: FlaskClient, token: str, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    r = client.open(
        f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    return r.status_code, r.get_json()


def test_scans_over_http(client: FlaskClient, core: Tracking) -> None:
    core.create_location(code="A1")
    core.create_item(sku="PHONE", tracking="serial", gtins=["09506000134376"])
    doc = core.create_document("receipt", lines=[LineSpec("PHONE", 2, "A1")])
    token, _ = core.create_token(name="hh", role="operator")
    status, fb = call(
        client,
        token,
        "POST",
        "/commands",
        {"device": "HH-1", "scan_id": "c1", "command": "mode", "argument": "receive"},
    )
    assert (status, fb["status"], fb["code"]) == (200, "ok", "mode")
    call(
        client,
        token,
        "POST",
        "/scans",
        {"device": "HH-1", "scan_id": "s1", "raw": f"DOC:{doc.number}"},
    )
    body = {
        "device": "HH-1",
        "scan_id": "s2",
        "raw": "0109506000134376" + "21IMEI-1",
        "symbology": "]C1",
    }
    status, fb = call(client, token, "POST", "/scans", body)
    assert (status, fb["status"], fb["code"], fb["sound"]) == (200, "ok", "generated", "beep")
    assert fb["prompt"] == "Scan serial 2 of 2 for PHONE at A1"
    assert fb["data"]["progress"]["done"] == 1
    assert call(client, token, "POST", "/scans", body) == (200, fb)  # a replay answers the same
    status, bad = call(
        client, token, "POST", "/scans", {"device": "HH-1", "scan_id": "s3", "raw": "\u0007"}
    )
    assert (status, bad["status"], bad["code"], bad["sound"]) == (
        200,
        "error",
        "invalid_barcode",
        "buzz",
    )
    status, state = call(client, token, "GET", "/devices/HH-1/session")
    assert (state["mode"], state["document"], state["item"]) == ("receive", doc.number, "PHONE")
    status, err = call(client, token, "POST", "/scans", {"device": "HH-1", "raw": "X"})
    assert (status, err["error"]["code"]) == (422, "invalid_request")
    assert core.document(doc.number).assigned == 1
