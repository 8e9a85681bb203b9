"""Labels over HTTP: list, fetch as PNG/PDF/SVG/ZPL, reprint and decide, with their errors."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image

from tests.web.conftest import ADMIN_TOKEN, LAPTOP_GTIN, Api
from tests.web.openapi_check import validate_component
from tracking_core.core import Tracking

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def serial_job(core: Tracking, *serials: str, document: str | None = None) -> int:
    payload = {
        "item": "LAP",
        "description": "Laptop",
        "serials": list(serials),
        "gtin": LAPTOP_GTIN,
    }
    return core.outbox.enqueue(
        kind="serial", payload=payload, labels=len(serials), document=document
    )


def unconfirmed_job(core: Tracking) -> int:
    job = serial_job(core, "SN-U1")
    claimed = core.outbox.claim(worker="w1")
    assert [j.id for j in claimed] == [job]
    core.outbox.unconfirmed(job, worker="w1", error="connection reset")
    return job


def valid(data: Any, schema: str) -> None:
    """A real answer fits its documented schema."""
    validate_component(data, schema)


def test_list_filters_and_pages(api: Api, core: Tracking) -> None:
    ids = [serial_job(core, f"SN-{i}", document="D1" if i % 2 else None) for i in range(5)]
    page = api.ok("GET", "/labels/jobs?limit=2")
    valid(page, "LabelJobList")
    assert [j["id"] for j in page["jobs"]] == ids[::-1][:2] and page["next"] == ids[3]
    seen = [j["id"] for j in page["jobs"]]
    while page["next"] is not None:
        page = api.ok("GET", f"/labels/jobs?limit=2&after={page['next']}")
        seen += [j["id"] for j in page["jobs"]]
    assert seen == ids[::-1]
    docs = api.ok("GET", "/labels/jobs?document=D1")["jobs"]
    assert {j["id"] for j in docs} == {ids[1], ids[3]}
    assert api.ok("GET", "/labels/jobs?status=printed&kind=serial") == {"jobs": [], "next": None}


@pytest.mark.parametrize(
    "query",
    ["status=done", "kind=box", "limit=0", "limit=1001", "after=x", "statsu=pending"],
)
def test_bad_list_queries(api: Api, query: str) -> None:
    assert api.error("GET", f"/labels/jobs?{query}") == (422, "invalid_request")


def test_label_bodies_decode(client: FlaskClient, core: Tracking) -> None:
    job = serial_job(core, "SN-A1", "SN-A2")
    resp = client.get(f"/api/v1/labels/jobs/{job}/label.png?label=2", headers=AUTH)
    assert resp.status_code == 200 and resp.content_type == "image/png"
    assert resp.headers["Content-Disposition"] == f'inline; filename="label-job-{job}.png"'
    texts = {b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(resp.data)))}
    assert "SN-A2" in texts
    resp = client.get(f"/api/v1/labels/jobs/{job}/label.pdf?dpi=300", headers=AUTH)
    assert resp.content_type == "application/pdf"
    pdf = pypdfium2.PdfDocument(resp.data)
    try:
        pages = [p.render(scale=300 / 72).to_pil() for p in pdf]
    finally:
        pdf.close()
    found = {b.text for img in pages for b in zxingcpp.read_barcodes(img)}
    assert {"SN-A1", "SN-A2"} <= found
    svg = client.get(f"/api/v1/labels/jobs/{job}/label.svg", headers=AUTH)
    assert svg.content_type == "image/svg+xml" and svg.data.startswith(b"<")
    zpl = client.get(f"/api/v1/labels/jobs/{job}/label.zpl", headers=AUTH)
    assert zpl.content_type.startswith("text/plain") and zpl.data.count(b"^XA") == 2
    assert zpl.headers["Content-Disposition"].startswith("attachment;")


def test_label_body_errors(api: Api, client: FlaskClient, core: Tracking) -> None:
    job = serial_job(core, "SN-B1")
    assert api.error("GET", f"/labels/jobs/{job}/label.gif") == (404, "unknown_label_format")
    assert api.error("GET", "/labels/jobs/999/label.png") == (404, "not_found")
    assert api.error("GET", f"/labels/jobs/{job}/label.png?dpi=72") == (422, "invalid_request")
    assert api.error("GET", f"/labels/jobs/{job}/label.png?label=2")[0] == 422
    assert client.get(f"/api/v1/labels/jobs/{job}/label.png").status_code == 401


def test_reprint_is_a_new_audited_job(
    api: Api, core: Tracking, as_role: Callable[[str], Api]
) -> None:
    job = serial_job(core, "SN-C1")
    operator = as_role("operator")
    made = operator.ok(
        "POST", f"/labels/jobs/{job}/reprint", {"reason": "label torn", "copies": 2}, 201
    )
    valid(made, "LabelJobDetail")
    new = made["job"]
    assert (new["status"], new["copies"], new["payload"]["serials"]) == ("pending", 2, ["SN-C1"])
    assert [(e["event"], e["job"], e["actor"], e["reason"]) for e in made["events"]] == [
        ("reprint_of", job, "operator-user", "label torn")
    ]
    original = api.ok("GET", f"/labels/jobs/{job}")
    valid(original, "LabelJobDetail")
    assert [(e["event"], e["job"], e["reason"]) for e in original["events"]] == [
        ("reprinted_as", new["id"], "label torn")
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "invalid_request"),
        ({"reason": "  "}, 422, "invalid_request"),
        ({"reason": "x" * 201}, 422, "invalid_input"),
        ({"reason": "torn", "copies": 0}, 422, "invalid_request"),
        ({"reason": "torn", "extra": 1}, 422, "invalid_request"),
    ],
)
def test_bad_reprints_change_nothing(
    api: Api, core: Tracking, body: dict[str, Any], status: int, code: str
) -> None:
    job = serial_job(core, "SN-D1")
    assert api.error("POST", f"/labels/jobs/{job}/reprint", body) == (status, code)
    assert [j.id for j in core.outbox.jobs()] == [job] and core.outbox.events(job) == []


def test_reprint_of_unknown_job(api: Api) -> None:
    assert api.error("POST", "/labels/jobs/999/reprint", {"reason": "torn"}) == (404, "not_found")


def test_decide_unconfirmed(api: Api, core: Tracking, as_role: Callable[[str], Api]) -> None:
    job = unconfirmed_job(core)
    assert as_role("integration").error(
        "POST", f"/labels/jobs/{job}/decide", {"outcome": "printed", "reason": "seen it"}
    ) == (403, "permission_denied")
    done = as_role("operator").ok(
        "POST", f"/labels/jobs/{job}/decide", {"outcome": "printed", "reason": "seen it"}
    )
    valid(done, "LabelJobDetail")
    assert done["job"]["status"] == "printed"
    assert (done["events"][-1]["event"], done["events"][-1]["actor"]) == (
        "printed",
        "operator-user",
    )
    # decided: deciding again is a conflict, and changes nothing
    assert api.error(
        "POST", f"/labels/jobs/{job}/decide", {"outcome": "cancel", "reason": "x"}
    ) == (409, "label_job_not_unconfirmed")
    assert core.outbox.job(job).status == "printed"


@pytest.mark.parametrize(("outcome", "status"), [("resend", "pending"), ("cancel", "cancelled")])
def test_decide_outcomes(api: Api, core: Tracking, outcome: str, status: str) -> None:
    job = unconfirmed_job(core)
    done = api.ok("POST", f"/labels/jobs/{job}/decide", {"outcome": outcome, "reason": "checked"})
    assert done["job"]["status"] == status


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "printed"}, 422, "invalid_request"),
        ({"outcome": "printed", "reason": ""}, 422, "invalid_request"),
        ({"outcome": "burn", "reason": "x"}, 422, "invalid_request"),
    ],
)
def test_bad_decisions(
    api: Api, core: Tracking, body: dict[str, Any], status: int, code: str
) -> None:
    job = unconfirmed_job(core)
    assert api.error("POST", f"/labels/jobs/{job}/decide", body) == (status, code)
    assert core.outbox.job(job).status == "unconfirmed"
    pending = serial_job(core, "SN-P1")
    assert api.error(
        "POST", f"/labels/jobs/{pending}/decide", {"outcome": "cancel", "reason": "x"}
    ) == (409, "label_job_not_unconfirmed")
    assert api.error("POST", "/labels/jobs/999/decide", {"outcome": "cancel", "reason": "x"}) == (
        404,
        "not_found",
    )


def test_sscc_numbers_and_their_job(api: Api, core: Tracking, client: FlaskClient) -> None:
    api.ok("PATCH", "/settings", {"sscc_company_prefix": "0614141", "sscc_extension": 1})
    made = api.ok("POST", "/labels/sscc", {"count": 2, "kind": "case", "printer": "dock"}, 201)
    valid(made, "SsccLabels")
    job = made["job"]
    assert len(made["ssccs"]) == 2 and all(len(x) == 18 for x in made["ssccs"])
    assert (job["kind"], job["labels"], job["printer"]) == ("sscc", 2, "dock")
    assert job["payload"]["ssccs"] == made["ssccs"]
    png = client.get(f"/api/v1/labels/jobs/{job['id']}/label.png", headers=AUTH)
    texts = {b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))}
    assert any(made["ssccs"][0] in t for t in texts)
    again = api.ok("POST", "/labels/sscc", {"count": 1}, 201)
    assert again["ssccs"][0] > made["ssccs"][1]
    assert api.error("POST", "/labels/sscc", {"count": 1001}) == (422, "invalid_request")
    assert api.error("POST", "/labels/sscc", {"count": 1, "kind": "box"}) == (
        422,
        "invalid_request",
    )
    assert len(core.outbox.jobs()) == 2


def test_location_labels(master: Api, core: Tracking, client: FlaskClient) -> None:
    made = master.ok("POST", "/labels/locations", {"from": "A1", "to": "B2"}, 201)
    valid(made, "LabelJobDetail")
    job = made["job"]
    assert [x["code"] for x in job["payload"]["locations"]] == ["A1", "B2"]
    assert (job["kind"], job["labels"]) == ("location", 2)
    png = client.get(f"/api/v1/labels/jobs/{job['id']}/label.png?label=2", headers=AUTH)
    texts = {b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))}
    assert texts == {"LOC:B2"}
    one = master.ok("POST", "/labels/locations", {"codes": ["D1"]}, 201)
    assert one["job"]["labels"] == 1
    before = len(core.outbox.jobs())
    for body, expect in (
        ({"codes": ["A1", "NOPE", "ZZ"]}, (404, "unknown_location")),
        ({"from": "A1", "to": "NOPE"}, (404, "unknown_location")),
        ({"from": "B2", "to": "A1"}, (422, "invalid_input")),
        ({"from": "A1"}, (422, "invalid_request")),
        ({}, (422, "invalid_request")),
        ({"codes": ["A1"], "from": "A1", "to": "B2"}, (422, "invalid_request")),
        ({"codes": []}, (422, "invalid_input")),
    ):
        assert master.error("POST", "/labels/locations", body) == expect, body
    _, data = master("POST", "/labels/locations", {"codes": ["A1", "NOPE", "ZZ"]})
    assert data["error"]["details"]["key"] == "NOPE, ZZ"
    assert len(core.outbox.jobs()) == before
