"""Serial and lot inquiry with history; the recall trace drawn as SVG."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from tests.web.conftest import Api
from tests.web.supervisor.conftest import Page, code

SVG = "{http://www.w3.org/2000/svg}"


def post_doc(api: Api, doc_type: str, number: str, partner: str, item: str, qty: int) -> None:
    line = {"item": item, "quantity": qty, "location": "A1"}
    api.ok(
        "POST",
        "/documents",
        {"type": doc_type, "number": number, "partner": partner, "lines": [line]},
        201,
    )


@pytest.fixture
def shipped(master: Api) -> Api:
    """Lot L1 of MILK: 10 received from V1, 3 shipped to C1 (S-1), 2 to C2 (S-2); LAP SN1."""
    master.ok("POST", "/partners", {"code": "C2", "kind": "customer"}, 201)
    post_doc(master, "receipt", "R-1", "V1", "MILK", 10)
    master.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 1, "lot": "L1", "quantity": 10},
        201,
    )
    master.ok("POST", "/documents/R-1/post")
    for number, customer, qty in (("S-1", "C1", 3), ("S-2", "C2", 2)):
        post_doc(master, "shipment", number, customer, "MILK", qty)
        master.ok(
            "POST",
            f"/documents/{number}/lots",
            {"action": "allocate", "line": 1, "lot": "L1", "quantity": qty},
            201,
        )
        master.ok("POST", f"/documents/{number}/post")
    post_doc(master, "receipt", "R-2", "V1", "LAP", 1)
    master.ok(
        "POST", "/documents/R-2/serials", {"action": "generate", "line": 1, "serials": ["SN1"]}, 201
    )
    master.ok("POST", "/documents/R-2/post")
    return master


def test_serial_inquiry_shows_its_history(shipped: Api, admin_page: Page) -> None:
    resp = admin_page.get("/inquiry?serial=SN1")
    assert resp.status_code == 302 and resp.headers["Location"] == "/supervisor/serials/SN1"
    html = admin_page.get("/serials/SN1").get_data(as_text=True)
    assert 'data-testid="serial-status">in_stock<' in html
    assert 'href="/supervisor/documents/R-2"' in html


def test_lot_inquiry_shows_stock_and_every_movement(shipped: Api, admin_page: Page) -> None:
    resp = admin_page.get("/inquiry?lot=L1&item=MILK")
    assert resp.headers["Location"] == "/supervisor/lots/MILK/L1"
    html = admin_page.get("/lots/MILK/L1").get_data(as_text=True)
    assert "<th>On hand</th><td>5</td>" in html
    for number in ("R-1", "S-1", "S-2"):
        assert f'href="/supervisor/documents/{number}"' in html


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/serials/NOPE", 404, "unknown_serial"),
        ("/lots/MILK/NOPE", 404, "unknown_lot"),
        ("/lots/NOPE/L1", 404, "unknown_item"),
        ("/inquiry?lot=L1", 422, "invalid_input"),  # a lot needs its item
        ("/serials/SN1?item=NOPE", 404, "unknown_item"),
        ("/trace?lot=L1", 422, "invalid_input"),
        ("/trace?item=MILK", 422, "invalid_input"),  # neither a lot nor a serial
        ("/trace?item=MILK&lot=L1&direction=up", 422, "invalid_input"),
        ("/inquiry?serial=S%01N", 422, "invalid_input"),
    ],
)
def test_bad_inquiries_are_clear_errors(
    shipped: Api, admin_page: Page, path: str, status: int, error: str
) -> None:
    resp = admin_page.get(path)
    assert (resp.status_code, code(resp)) == (status, error)


def svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", html, re.S)
    assert found, html
    return ET.fromstring(found.group(0))  # well-formed XML, or this raises


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def test_recall_trace_is_a_picture_from_the_lot_to_its_customers(
    shipped: Api, admin_page: Page
) -> None:
    html = admin_page.get("/trace?item=MILK&lot=L1").get_data(as_text=True)
    svg = svg_of(html)
    words = texts(svg)
    for expected in ("L1", "S-1", "S-2", "C1", "C2", "3", "2"):
        assert expected in words, words
    boxes = svg.findall(f".//{SVG}rect")
    assert len(boxes) == 5  # the lot, two shipments, two customers
    assert len(svg.findall(f".//{SVG}path")) == 4  # lot -> shipment -> customer, twice
    # the boxes do not overlap: each column's boxes stack with room between them
    ys = sorted(float(r.get("y", 0)) for r in boxes if r.get("x") == boxes[1].get("x"))
    assert all(b - a >= 46 for a, b in itertools.pairwise(ys))


def test_backward_trace_goes_to_the_vendor(shipped: Api, admin_page: Page) -> None:
    html = admin_page.get("/trace?item=MILK&lot=L1&direction=backward").get_data(as_text=True)
    words = texts(svg_of(html))
    assert "V1" in words and "R-1" in words and "S-1" not in words


def test_a_lot_never_shipped_says_so(master: Api, admin_page: Page) -> None:
    post_doc(master, "receipt", "R-1", "V1", "MILK", 1)
    master.ok(
        "POST",
        "/documents/R-1/lots",
        {"action": "generate", "line": 1, "lot": "L9", "quantity": 1},
        201,
    )
    master.ok("POST", "/documents/R-1/post")
    words = texts(svg_of(admin_page.get("/trace?item=MILK&lot=L9").get_data(as_text=True)))
    assert "no shipments" in words
