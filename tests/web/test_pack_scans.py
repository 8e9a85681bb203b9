"""Pack mode over HTTP (``POST /api/v1/scans``): the same gateway path as a handheld."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Api, snapshot


def scan(api: Api, n: int, raw: str) -> Any:
    return api.ok("POST", "/scans", {"device": "HH-P", "scan_id": f"p-{n}", "raw": raw})


def test_pack_two_serials_into_a_new_sscc_over_http(master: Api) -> None:
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-1",
            "lines": [{"item": "LAP", "quantity": 2, "location": "A1"}],
        },
        201,
    )
    master.ok("POST", "/documents/R-1/serials", {"action": "generate", "line": 1, "count": 2}, 201)
    master.ok("POST", "/documents/R-1/post")
    for n, raw in enumerate(("CMD:PACK", "LOC:A1")):
        assert scan(master, n, raw)["status"] == "ok"
    opened = scan(master, 2, "CMD:NEW")
    code = opened["data"]["container"]["code"]
    assert (opened["code"], opened["sound"]) == ("container_opened", "beep")
    session = master.ok("GET", "/devices/HH-P/session")
    assert (session["mode"], session["container"]) == ("pack", code)
    before = snapshot(master)
    bad = scan(master, 3, "00106141410000000018")  # a case's label, a bad check digit
    assert (bad["status"], bad["code"], bad["sound"]) == ("error", "invalid_container_code", "buzz")
    assert snapshot(master) == before
    for n, serial in enumerate(("SN0001", "SN0002"), start=4):
        fb = scan(master, n, serial)  # the serial alone: pack mode finds its item
        assert (fb["status"], fb["code"]) == ("ok", "packed")
    assert fb["message"] == f"Packed LAP serial SN0002 into …{code[-4:]} (2 items)"
    done = scan(master, 6, "CMD:CONFIRM")
    assert (done["code"], done["data"]["container"]["items"]) == ("container_closed", 2)
    job = master.ok("GET", f"/labels/jobs/{done['data']['label_job']}")
    assert (job["job"]["kind"], job["job"]["payload"]["ssccs"]) == ("sscc", [code])
    assert master.ok("GET", "/devices/HH-P/session")["container"] is None
