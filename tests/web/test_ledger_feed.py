"""GET /ledger?since=: one cursor over serial and lot records, in JSON, CSV and JSON Lines;
and GET /valuation, stock and value at a date from the ledger."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import ADMIN_TOKEN, Api
from tests.web.openapi_check import validate_component
from tracking_core.codec import encode
from tracking_core.core import Tracking
from tracking_core.ledger_feed import COLUMNS, record
from tracking_core.values import Movement

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def valid(data: Any, schema: str) -> None:
    validate_component(data, schema)


COST = {("receipt", "LAP"): {"unit_cost": "10.00"}, ("receipt", "MILK"): {"unit_cost": "1.50"}}


@pytest.fixture
def fed(master: Api) -> Api:
    """R-1: 2 serials at 10.00 and lot L1 (10 at 1.50) at A1; S-1 ships 1 serial and 4 of L1;
    R-2 brings lot L2 (3 at 1.50)."""
    for number, doc_type, partner, lines in (
        ("R-1", "receipt", "V1", [("LAP", 2), ("MILK", 10)]),
        ("S-1", "shipment", "C1", [("LAP", 1), ("MILK", 4)]),
        ("R-2", "receipt", "V1", [("MILK", 3)]),
    ):
        master.ok(
            "POST",
            "/documents",
            {
                "type": doc_type,
                "partner": partner,
                "number": number,
                "lines": [
                    {"item": i, "quantity": q, "location": "A1", **COST.get((doc_type, i), {})}
                    for i, q in lines
                ],
            },
            201,
        )
        inbound = doc_type == "receipt"
        for line, (item, quantity) in enumerate(lines, start=1):
            if item == "LAP":
                action = {"action": "generate" if inbound else "allocate", "count": quantity}
                master.ok("POST", f"/documents/{number}/serials", {**action, "line": line}, 201)
            else:
                lot = {"lot": "L1" if number != "R-2" else "L2", "quantity": quantity}
                action = {"action": "generate" if inbound else "allocate", "line": line, **lot}
                master.ok("POST", f"/documents/{number}/lots", action, 201)
        master.ok("POST", f"/documents/{number}/post")
    return master


# serials SN0001, SN0002 then lot L1; S-1: the serial, then L1; R-2: L2
EXPECTED = [
    (1, "serial", "R-1", "SN0001", None),
    (2, "serial", "R-1", "SN0002", None),
    (3, "lot", "R-1", None, "L1"),
    (4, "serial", "S-1", "SN0001", None),
    (5, "lot", "S-1", None, "L1"),
    (6, "lot", "R-2", None, "L2"),
]


def brief(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["seq"], r["kind"], r["document"], r["serial"], r["lot"]) for r in records]


def test_one_sequence_over_both_kinds_in_posting_order(fed: Api) -> None:
    page = fed.ok("GET", "/ledger?since=0")
    valid(page, "LedgerPage")
    assert brief(page["records"]) == EXPECTED
    assert (page["since"], page["next_since"], page["last"], page["more"]) == (0, 6, 6, False)
    # the ids stay as they were: each kind numbered apart
    assert [(r["kind"], r["id"]) for r in page["records"]] == [
        ("serial", 1),
        ("serial", 2),
        ("lot", 1),
        ("serial", 3),
        ("lot", 2),
        ("lot", 3),
    ]
    assert set(page["records"][0]) == set(COLUMNS) == {f.name for f in dataclasses.fields(Movement)}


def test_the_cursor_loop_gets_every_record_once(fed: Api) -> None:
    since, seen, pages = 0, [], 0
    while True:
        page = fed.ok("GET", f"/ledger?since={since}&limit=4")
        valid(page, "LedgerPage")
        seen += page["records"]
        pages += 1
        since = page["next_since"]
        if not page["more"]:
            break
    assert brief(seen) == EXPECTED and pages == 2 and since == 6
    # nothing new: the same cursor answers an empty page and keeps it
    assert fed.ok("GET", "/ledger?since=6") == {
        "records": [],
        "since": 6,
        "next_since": 6,
        "last": 6,
        "more": False,
    }


def test_past_the_end_is_an_empty_page_not_an_error(fed: Api) -> None:
    page = fed.ok("GET", "/ledger?since=1000&limit=10")
    assert (page["records"], page["next_since"], page["last"], page["more"]) == ([], 1000, 6, False)
    assert fed.ok("GET", "/ledger?since=1000&format=csv") is None  # CSV: no JSON body


def test_kind_filters_the_range_and_the_cursor_still_moves(fed: Api) -> None:
    page = fed.ok("GET", "/ledger?since=0&limit=3&kind=lot")
    assert brief(page["records"]) == [EXPECTED[2]]
    assert (page["next_since"], page["more"]) == (3, True)
    page = fed.ok("GET", "/ledger?since=3&kind=lot")
    assert brief(page["records"]) == [EXPECTED[4], EXPECTED[5]]


def test_the_json_page_is_capped(fed: Api, core: Tracking, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = core.ledger_page

    def spy(**kw: Any) -> Any:
        asked.append(kw["limit"])
        return real(**kw)

    monkeypatch.setattr(core, "ledger_page", spy)
    for query in ("", "&limit=5", "&limit=10000", "&limit=2000000"):
        fed.ok("GET", f"/ledger?since=0{query}")
    assert asked == [1000, 5, 10000, 10000]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=-1", "since"),
        ("since=x", "since"),
        ("since=1.5", "since"),
        ("since=0&limit=0", "limit"),
        ("since=0&limit=ten", "limit"),
        ("since=0&format=xml", "format"),
        ("since=0&kind=box", "kind"),
        ("since=0&since_id=0", "since_id"),
        ("since_id=0&format=csv", "format"),
        ("since=0&sinse=3", "sinse"),
        ("at=2026-13-01", "at"),
    ],
)
def test_bad_queries_are_refused_naming_the_field(fed: Api, query: str, field: str) -> None:
    path = "/valuation" if query.startswith("at=") else "/ledger"
    status, data = fed("GET", f"{path}?{query}")
    assert (status, data["error"]["code"], data["error"]["details"]["field"]) == (
        422,
        "invalid_request",
        field,
    )


def _get(client: FlaskClient, path: str, accept: str | None = None) -> Any:
    headers = {**AUTH, **({"Accept": accept} if accept else {})}
    return client.get(f"/api/v1{path}", headers=headers)


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?since=0&format=csv", None), ("?since=0", "text/csv"), ("", "text/csv")],
)
def test_csv_streams_the_cli_export_columns(
    fed: Api, client: FlaskClient, query: str, accept: str | None
) -> None:
    resp = _get(client, f"/ledger{query}", accept)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.is_streamed  # written as read, never built whole
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert tuple(rows[0]) == COLUMNS
    as_json = fed.ok("GET", "/ledger?since=0")["records"]
    assert rows[1:] == [["" if r[c] is None else str(r[c]) for c in COLUMNS] for r in as_json]
    assert (resp.headers["X-Ledger-Next-Since"], resp.headers["X-Ledger-More"]) == ("6", "false")


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("?since=2&format=jsonl", None),
        ("?since=2", "application/x-ndjson"),
        ("?since=2", "application/jsonl"),
        ("?since=2", "application/jsonl;q=0.9, application/json;q=0.1"),
    ],
)
def test_json_lines_one_record_a_line(
    fed: Api, client: FlaskClient, query: str, accept: str | None
) -> None:
    resp = _get(client, f"/ledger{query}", accept)
    assert resp.status_code == 200 and resp.mimetype == "application/x-ndjson"
    lines = [json.loads(x) for x in resp.get_data(as_text=True).splitlines()]
    for line in lines:
        valid(line, "LedgerRecord")
    assert lines == fed.ok("GET", "/ledger?since=2")["records"]


def test_a_bounded_stream_and_its_cursor(fed: Api, client: FlaskClient) -> None:
    resp = _get(client, "/ledger?since=1&limit=3&format=jsonl")
    seqs = [json.loads(x)["seq"] for x in resp.get_data(as_text=True).splitlines()]
    assert seqs == [2, 3, 4]
    assert (resp.headers["X-Ledger-Next-Since"], resp.headers["X-Ledger-Last"]) == ("4", "6")
    assert resp.headers["X-Ledger-More"] == "true"


def test_a_stream_reads_in_batches_up_to_where_it_was_opened(fed: Api, core: Tracking) -> None:
    stream = core.ledger_stream(since=0, batch=4)
    assert (stream.next_since, stream.last) == (6, 6)
    pages = stream.batches()
    first = next(pages)
    assert [m.seq for m in first.records] == [1, 2, 3, 4]
    # a record posted meanwhile is past the stream's end: the next stream starts there
    core.receive(item="MILK", location="A1", quantity=1, lot="L3", partner="V1")
    assert [m.seq for p in pages for m in p.records] == [5, 6]
    assert [m.seq for m in core.ledger_stream(since=stream.next_since)] == [7]


def test_the_old_way_pages_each_kind_by_id(fed: Api) -> None:
    serials = fed.ok("GET", "/ledger?kind=serial&since_id=1")
    valid(serials, "LedgerRecordsById")
    assert [(r["id"], r["seq"]) for r in serials["records"]] == [(2, 2), (3, 4)]
    lots = fed.ok("GET", "/ledger?kind=lot&since_id=0&limit=2")["records"]
    assert [(r["id"], r["seq"]) for r in lots] == [(1, 3), (2, 5)]
    assert set(fed.ok("GET", "/ledger")) == {"records"}  # without since: the old answer


def test_the_valuation_view_and_its_csv(fed: Api, client: FlaskClient) -> None:
    today = fed.ok("GET", "/valuation")
    valid(today, "Valuation")
    assert [(r["item"], r["lot"], r["on_hand"], r["value"]) for r in today["rows"]] == [
        ("LAP", None, 1, "10.0000"),  # SN0002 (SN0001 shipped)
        ("MILK", "L1", 6, "9.0000"),  # 10 - 4, at 1.50
        ("MILK", "L2", 3, "4.5000"),
    ]
    assert (today["at"], today["on_hand"], today["value"]) == ("2026-11-24", 10, "23.5000")
    assert today["reconciliation"] == {
        "ledger_value": "23.5000",
        "stock_value": "23.5000",
        "differences": [],
        "ok": True,
    }
    before = fed.ok("GET", "/valuation?at=2026-11-23&item=MILK&location=A1")
    valid(before, "Valuation")
    assert (before["rows"], before["value"], before["reconciliation"]) == ([], "0.0000", None)
    resp = _get(client, "/valuation?item=MILK", "text/csv")
    assert resp.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(resp.get_data(as_text=True)))) == [
        ["item", "location", "lot", "tracking", "on_hand", "value"],
        ["MILK", "A1", "L1", "lot", "6", "9.0000"],
        ["MILK", "A1", "L2", "lot", "3", "4.5000"],
        ["", "", "", "total", "9", "13.5000"],
    ]
    assert fed.error("GET", "/valuation?format=jsonl") == (422, "invalid_request")
    assert fed.error("GET", "/valuation?item=NOPE") == (404, "unknown_item")


def test_a_record_is_what_the_generic_encoder_makes_of_it(fed: Api, core: Tracking) -> None:
    records = list(core.ledger_stream(since=0))
    priced = dataclasses.replace(records[3], unit_price=Decimal("12.50"))
    for m in [*records, priced]:
        assert json.dumps(record(m)) == json.dumps(encode(m))  # the same keys, in order
    assert record(priced)["unit_price"] == "12.50" and record(records[0])["unit_price"] is None
