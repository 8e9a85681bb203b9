"""Pushes of the handheld protocol: label, feedback to station displays; one scan path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.gateway.test_sources_support import Pty
from tests.realtime.conftest import NS, Handheld, Server, pushes, sio_client
from tracking_core.core import Tracking
from tracking_core.values import LineSpec

GTIN = "09506000134352"


@pytest.fixture
def receipt(live: Tracking) -> str:
    live.create_location(code="DOCK")
    live.create_item(sku="LAP", tracking="serial", gtins=[GTIN], serial_mask="SN%%%%")
    return live.create_document("receipt", lines=[LineSpec("LAP", 5, "DOCK")]).number


def test_generating_pushes_the_queued_label(
    app: Flask, live: Tracking, operator_token: str, receipt: str
) -> None:
    c = sio_client(app, {"token": operator_token, "device": "HH-1"})
    for i, raw in enumerate(("CMD:MODE:RECEIVE", f"DOC:{receipt}", "LAP")):
        ack = c.emit("scan", {"scan_id": f"s{i}", "raw": raw}, namespace=NS, callback=True)
        assert ack["status"] == "ok", ack
    c.get_received(NS)
    fb = c.emit(
        "command", {"scan_id": "g1", "name": "generate", "args": 2}, namespace=NS, callback=True
    )
    assert (fb["code"], fb["data"]["numbers"]) == ("generated", ["SN0001", "SN0002"])
    (job,) = live.outbox.jobs()
    got = c.get_received(NS)
    (label,) = [r["args"][0] for r in got if r["name"] == "label"]
    assert label == {
        "job_id": job.id,
        "kind": "serial",
        "document": receipt,
        "status": "pending",
        "labels": 2,
        "preview_url": f"/api/v1/labels/jobs/{job.id}/label.png",
    }
    session = [r["args"][0] for r in got if r["name"] == "session"]
    assert session[-1]["progress"]["done"] == 2


def test_a_scan_over_http_and_over_the_socket_answer_the_same(
    app: Flask, live: Tracking, operator_token: str, receipt: str
) -> None:
    """Two devices, the same scans, one over POST /scans and one over /scan."""
    http = app.test_client()
    sock = sio_client(app, {"token": operator_token, "device": "HH-S"})
    headers = {"Authorization": f"Bearer {operator_token}"}
    # one receipt each, the same shape, so the two answers can be the same
    other = live.create_document("receipt", lines=[LineSpec("LAP", 5, "DOCK")]).number
    scans = ["CMD:MODE:RECEIVE", "DOC:{doc}", f"]C101{GTIN}21SER-{{doc}}", "SER-{doc}", "\x07"]
    for i, raw in enumerate(scans):
        r = http.post(
            "/api/v1/scans",
            json={"device": "HH-H", "scan_id": f"s{i}", "raw": raw.format(doc=receipt)},
            headers=headers,
        )
        scan = {"scan_id": f"s{i}", "raw": raw.format(doc=other)}
        over_socket = sock.emit("scan", scan, namespace=NS, callback=True)
        over_http = r.get_json()
        assert r.status_code == 200
        same = {receipt: other, f"SER-{receipt}": f"SER-{other}"}
        assert _swap(over_http, same) == over_socket, raw
    # the HTTP device's own tabs heard of its steps too
    tab = sio_client(app, {"token": operator_token, "device": "HH-H"})
    tab.get_received(NS)
    http.post(
        "/api/v1/scans",
        json={"device": "HH-H", "scan_id": "s9", "raw": "LOC:DOCK"},
        headers=headers,
    )
    assert pushes(tab, "session")[-1]["location"] == "DOCK"


def _swap(value: Any, names: dict[str, str]) -> Any:
    """``value`` with one document's names in every string replaced by the other's."""
    if isinstance(value, dict):
        return {k: _swap(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, names) for v in value]
    if isinstance(value, str):
        for a, b in sorted(names.items(), key=lambda kv: -len(kv[0])):
            value = value.replace(a, b)
    return value


@pytest.fixture
def pty() -> Iterator[Pty]:
    p = Pty.open()
    yield p
    p.close()


def test_a_station_display_gets_a_serial_scanners_feedback(
    start_server: Callable[..., Server],
    connect: Callable[..., Handheld],
    live: Tracking,
    receipt: str,
    pty: Pty,
    tmp_path: Path,
) -> None:
    config = tmp_path / "stations.toml"
    config.write_text(
        f'[stations.dock-1]\nsource = "serial://{pty.path}?backoff=0.02&backoff_max=0.1"\n'
        'mode = "receive"\nlocation = "DOCK"\n'
    )
    srv = start_server("--threads", "8", "--stations", str(config))
    token, _ = live.create_token(name="wall", role="integration")
    display = connect(srv.url, {"token": token, "station": "dock-1"})
    monitor = connect(srv.url, {"token": token, "monitor": True})
    assert display.next("hello")["station"] == "dock-1"
    pty.write(f"DOC:{receipt}\r\n".encode())
    seen = display.next("feedback")
    assert (seen["device"], seen["station"], seen["raw"]) == ("dock-1", "dock-1", f"DOC:{receipt}")
    assert (seen["feedback"]["status"], seen["feedback"]["code"]) == ("ok", "document")
    assert monitor.next("feedback")["scan_id"] == seen["scan_id"]
    pty.write(f"]C101{GTIN}21SER-7\r\n".encode())
    fb = display.next("feedback")["feedback"]
    assert (fb["status"], fb["code"]) == ("ok", "generated"), fb
    assert live.document(receipt, detail=True).lines[0].serials == ("SER-7",)
