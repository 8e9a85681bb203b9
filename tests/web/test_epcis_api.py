"""``GET /api/v1/epcis/events``: the EPCIS export over HTTP, paged by its Link header;
locations' GLNs through the master data routes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.epcis_check import check
from tests.web.conftest import ADMIN_TOKEN, LAPTOP_GTIN, Api
from tests.web.openapi_check import conform
from tracking_core.core import Tracking

GLN = "4012345000016"


def get(client: FlaskClient, url: str, token: str = ADMIN_TOKEN, **headers: str) -> Any:
    resp = client.get(url, headers={"Authorization": f"Bearer {token}", **headers})
    conform("GET", url, resp)
    return resp


@pytest.fixture
def moved(master: Api, core: Tracking) -> Tracking:
    master.ok("PATCH", "/locations/A1", {"gln": GLN})
    core.receive(partner="V1", item="LAP", location="A1", quantity=3)
    core.receive(partner="V1", item="MILK", location="A1", quantity=5, lot="L1")
    core.ship(partner="C1", item="LAP", location="A1", quantity=1)
    core.ship(
        item="MILK", location="A1", quantity=2, lot="L1", doc_type="transfer", to_location="B2"
    )
    return core


def test_the_export_is_an_epcis_document_paged_by_its_link(
    client: FlaskClient, moved: Tracking
) -> None:
    whole = get(client, "/api/v1/epcis/events?limit=10000")
    assert whole.mimetype == "application/json" and whole.headers["GS1-EPCIS-Version"] == "2.0.0"
    everything = check(whole.get_json())
    steps = [e["bizStep"] for e in everything]
    assert steps == [
        "commissioning",
        "receiving",
        "receiving",
        "shipping",
        "departing",
        "arriving",
    ]
    assert everything[0]["epcList"][0].startswith(f"https://id.gs1.org/01/{LAPTOP_GTIN}/21/")
    assert everything[0]["readPoint"] == {"id": f"https://id.gs1.org/414/{GLN}"}
    seen: list[dict[str, Any]] = []
    url = "/api/v1/epcis/events?since=0&limit=1"
    while True:
        resp = get(client, url, Accept="application/ld+json")
        assert resp.mimetype == "application/ld+json"
        seen += check(resp.get_json(force=True))
        (link,) = re.findall(r'<http://localhost(/[^>]+)>; rel="next"', resp.headers["Link"])
        if resp.headers["X-EPCIS-More"] == "false":
            break
        url = link
    assert seen == everything
    assert resp.headers["X-EPCIS-Next-Since"] == resp.headers["X-EPCIS-Last"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=-1", "since"),
        ("since=x", "since"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("since=1&limit=1&kind=lot", "kind"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_422(
    client: FlaskClient, moved: Tracking, query: str, field: str
) -> None:
    resp = get(client, f"/api/v1/epcis/events?{query}")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"]["field"] == field


def test_whoever_reads_the_ledger_feed_reads_the_export(
    client: FlaskClient, moved: Tracking, as_role: Callable[[str], Api]
) -> None:
    for role in ("operator", "integration", "setup"):
        token, _ = moved.create_token(name=f"{role}-epcis", role=role)
        assert get(client, "/api/v1/epcis/events", token).status_code == 200
    assert get(client, "/api/v1/epcis/events", "no-such-token").status_code == 401


def test_a_location_gln_is_set_checked_and_answered(master: Api) -> None:
    made = master.ok("POST", "/locations", {"code": "G1", "gln": GLN}, 201)
    assert made["gln"] == GLN
    assert master.error("PATCH", "/locations/G1", {"gln": "4012345000017"}) == (
        422,
        "invalid_input",
    )
    assert master.error("POST", "/locations", {"code": "G2", "gln": "123"})[0] == 422
    assert {loc["code"]: loc["gln"] for loc in master.ok("GET", "/locations")["locations"]}[
        "G1"
    ] == GLN
    assert master.ok("PATCH", "/locations/G1", {"gln": None})["gln"] is None
    assert master.error("PATCH", "/locations/NOPE", {"name": "x"})[0] == 404
