"""Inquiry: stock, a serial, a lot, trace, and the ledger for the ERP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request

from tracking_core import LEDGER_KINDS, LedgerKind
from tracking_core.codec import encode
from tracking_core.ledger_feed import COLUMNS, csv_row, record
from tracking_core.values import LotInfo
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import (
    LedgerPage,
    LedgerRecordsById,
    Lot,
    Serial,
    Stock,
    StockLevel,
    TraceAnswer,
    ValuationAnswer,
)
from web_mobile.api.auth import core
from web_mobile.api.errors import invalid_request
from web_mobile.api.formats import answer_format, csv_lines, json_lines, streamed
from web_mobile.api.inputs import arg, choice_arg, int_arg, parse_date
from web_mobile.api.openapi import ANY_ROLE
from web_mobile.api.response_schema import present
from web_mobile.api.routing import endpoint

LEDGER_LIMIT = 10_000
VALUATION_COLUMNS = ("item", "location", "lot", "tracking", "on_hand", "value")


def lot_json(info: LotInfo) -> dict[str, Any]:
    out: dict[str, Any] = present(info, Lot)
    return out


@endpoint(bp, "GET", "/stock", roles=ANY_ROLE)
def stock() -> Any:
    rows = core().stock(item=arg("item"), location=arg("location"), lot=arg("lot"))
    answer: Stock = {
        "stock": [present(r, StockLevel) for r in rows],
        "value": encode(sum((r.value for r in rows), Decimal("0.0000"))),
    }
    return answer


@endpoint(bp, "GET", "/serials/<serial>", roles=ANY_ROLE)
def get_serial(serial: str) -> Any:
    return present(core().serial(serial, item=arg("item")), Serial)


@endpoint(bp, "GET", "/lots/<item>/<lot>", roles=ANY_ROLE)
def get_lot(item: str, lot: str) -> Any:
    return lot_json(core().lot(lot, item=item))


@endpoint(bp, "GET", "/trace", roles=ANY_ROLE)
def trace() -> Any:
    item = arg("item")
    if item is None:
        raise invalid_request("item", "is required")
    direction = choice_arg("direction", ("forward", "backward"), "forward")
    t = core().trace(
        item=item, serial=arg("serial"), lot=arg("lot"), forward=direction == "forward"
    )
    return present(t, TraceAnswer)


@endpoint(bp, "GET", "/ledger", roles=ANY_ROLE)
def ledger() -> Any:
    """The feed by seq (``since``; JSON, CSV or JSON Lines), or the old way by id per kind
    (``since_id``/``kind`` without ``since``: JSON, as before)."""
    kind = choice_arg("kind", LEDGER_KINDS)
    fmt = answer_format()
    if "since" in request.args and "since_id" in request.args:
        raise invalid_request("since_id", "give since (the seq) or since_id (old), not both")
    if "since" not in request.args and fmt == "json":
        return _ledger_by_id(kind)
    if "since_id" in request.args:
        raise invalid_request("format", "the old since_id paging answers JSON only; use since")
    since = int_arg("since", 0)
    if fmt == "json":
        # a cap, not an error: an export loop asking for too much still makes progress
        limit = min(int_arg("limit", 1000, low=1), LEDGER_LIMIT)
        page = core().ledger_page(since=since, limit=limit, kind=kind)
        records: list[Any] = [record(m) for m in page.records]  # Movements, as encoded
        answer: LedgerPage = {
            "records": records,
            "since": page.since,
            "next_since": page.next_since,
            "last": page.last,
            "more": page.more,
        }
        return answer
    bound = arg("limit")  # a stream has no cap: to the end as it is now, unless limited
    stream = core().ledger_stream(
        since=since, limit=int_arg("limit", 1, low=1) if bound else None, kind=kind
    )
    headers = {
        "X-Ledger-Next-Since": str(stream.next_since),
        "X-Ledger-Last": str(stream.last),
        "X-Ledger-More": "true" if stream.more else "false",
    }
    pages = stream.batches()
    if fmt == "csv":
        rows = ([csv_row(m) for m in p.records] for p in pages)
        return streamed(csv_lines(COLUMNS, rows), fmt, headers)
    return streamed(json_lines([record(m) for m in p.records] for p in pages), fmt, headers)


def _ledger_by_id(kind: LedgerKind | None) -> LedgerRecordsById:
    since_id = int_arg("since_id", 0)
    limit = min(int_arg("limit", 1000, low=1), LEDGER_LIMIT)  # a cap, as for since
    # Serial and lot records are numbered apart, so one since_id pages one kind.
    records: list[Any] = [record(m) for m in core().ledger(since_id=since_id, limit=limit)]
    return {"records": [r for r in records if kind is None or r["kind"] == kind]}


@endpoint(bp, "GET", "/valuation", roles=ANY_ROLE)
def valuation() -> Any:
    at_text = arg("at")
    at = parse_date(at_text, "at") if at_text is not None else None
    fmt = answer_format(("json", "csv"))
    v = core().valuation(at=at, item=arg("item"), location=arg("location"))
    if fmt == "json":
        return present(v, ValuationAnswer)
    rows = [[r.item, r.location, r.lot, r.tracking, r.on_hand, r.value] for r in v.rows]
    rows.append(["", "", "", "total", v.on_hand, v.value])  # tracking "total": the sums
    return streamed(csv_lines(VALUATION_COLUMNS, [rows]), fmt, {})
