"""POST /api/v1/scans: an ambiguous scan is asked, answered by /commands or a label, and a
serial outside the number character set is refused the same as by REST steps."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Clock
from tests.web.conftest import Api, snapshot


def scan(api: Api, clock: Clock, scan_id: str, raw: str) -> dict[str, Any]:
    clock.advance(seconds=2)
    body: dict[str, Any] = api.ok(
        "POST", "/scans", {"device": "HH-1", "scan_id": scan_id, "raw": raw}
    )
    return body


def start_receipt(master: Api, clock: Clock) -> None:
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "number": "R-1",
            "partner": "V1",
            "lines": [{"item": "LAP", "quantity": 2, "location": "D1"}],
        },
        201,
    )
    scan(master, clock, "m", "CMD:MODE:RECEIVE")
    scan(master, clock, "d", "DOC:R-1")
    assert scan(master, clock, "i", "LAP")["code"] == "item"


@pytest.mark.parametrize(("how", "stored"), [("label", "SN3"), ("command", "21SN3")])
def test_ambiguous_scan_over_http(master: Api, clock: Clock, how: str, stored: str) -> None:
    start_receipt(master, clock)
    before = snapshot(master)
    fb = scan(master, clock, "a", "21SN3")
    assert (fb["status"], fb["code"], fb["sound"]) == ("warn", "ambiguous_scan", "double-beep")
    assert [(r["reading"], r["serial"]) for r in fb["data"]["readings"]] == [
        ("gs1", "SN3"),
        ("literal", "21SN3"),
    ]
    assert snapshot(master) == before  # nothing stored
    session = master.ok("GET", "/devices/HH-1/session")
    assert session["pending"]["raw"] == "21SN3"
    if how == "label":
        answer = scan(master, clock, "c", "CMD:CHOOSE:GS1")
        again = master.ok(
            "POST", "/scans", {"device": "HH-1", "scan_id": "c", "raw": "CMD:CHOOSE:GS1"}
        )
    else:
        body = {"device": "HH-1", "scan_id": "c", "command": "choose", "argument": "literal"}
        answer = master.ok("POST", "/commands", body)
        again = master.ok("POST", "/commands", body)
    assert (answer["status"], answer["code"]) == ("ok", "generated")
    assert again == answer  # the replay applies nothing twice
    doc = master.ok("GET", "/documents/R-1")
    assert doc["lines"][0]["serials"] == [stored]
    assert master.ok("GET", "/devices/HH-1/session")["pending"] is None


def test_a_serial_outside_the_charset_is_refused_by_scan_and_by_rest(
    master: Api, clock: Clock
) -> None:
    start_receipt(master, clock)
    before = snapshot(master)
    fb = scan(master, clock, "f", "SN\uff11")
    assert (fb["status"], fb["code"], fb["data"]["error"]["position"]) == (
        "error",
        "invalid_serial",
        2,
    )
    status, err = master(
        "POST", "/documents/R-1/serials", {"action": "generate", "line": 1, "serials": ["SN\uff11"]}
    )
    assert (status, err["error"]["code"], err["error"]["details"]["character"]) == (
        422,
        "invalid_serial",
        "\uff11",
    )
    fb = scan(master, clock, "g", "0109506000134352172613312112345")
    assert (fb["status"], fb["code"]) == ("error", "invalid_barcode")
    assert snapshot(master) == before
