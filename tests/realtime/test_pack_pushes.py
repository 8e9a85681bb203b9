"""Pack mode over Socket.IO: the acks, and the session push showing the open container."""

from __future__ import annotations

from flask import Flask

from tests.realtime.conftest import NS, sio_client
from tracking_core.core import Tracking


def test_pack_scans_push_the_open_container(
    app: Flask, live: Tracking, operator_token: str
) -> None:
    live.create_location(code="A1")
    live.create_partner(code="V1", kind="vendor")
    live.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    live.receive(item="LAP", location="A1", quantity=2, serials=["PK1", "PK2"], partner="V1")
    c = sio_client(app, {"token": operator_token, "device": "HH-P"})
    for i, raw in enumerate(("CMD:PACK", "LOC:A1")):
        assert (
            c.emit("scan", {"scan_id": f"s{i}", "raw": raw}, namespace=NS, callback=True)["status"]
            == "ok"
        )
    opened = c.emit("command", {"scan_id": "n", "name": "new"}, namespace=NS, callback=True)
    code = opened["data"]["container"]["code"]
    c.get_received(NS)
    packed = c.emit("scan", {"scan_id": "p1", "raw": "PK1"}, namespace=NS, callback=True)
    assert (packed["code"], packed["data"]["container"]["items"]) == ("packed", 1)
    sessions = [r["args"][0] for r in c.get_received(NS) if r["name"] == "session"]
    assert sessions[-1]["mode"] == "pack"
    assert (sessions[-1]["container"]["code"], sessions[-1]["container"]["items"]) == (code, 1)
    # a replay of the same scan id answers the same and packs nothing more
    again = c.emit("scan", {"scan_id": "p1", "raw": "PK1"}, namespace=NS, callback=True)
    assert again == packed
    assert [c.serial for c in live.container(code).contents] == ["PK1"]
    done = c.emit("command", {"scan_id": "c", "name": "confirm"}, namespace=NS, callback=True)
    assert done["code"] == "container_closed"
    received = c.get_received(NS)
    sessions = [r["args"][0] for r in received if r["name"] == "session"]
    assert sessions[-1]["container"] is None
    # the SSCC label with the contents is pushed to the handheld like a serial's
    labels = [r["args"][0] for r in received if r["name"] == "label"]
    assert [(x["kind"], x["job_id"]) for x in labels] == [("sscc", done["data"]["label_job"])]
