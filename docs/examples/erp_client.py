"""A typed ERP client for scantrack's REST API v1: the standard library only.

An ERP pushes a document in, lets the dock scan it, posts it and takes the posted ledger
records out through the one incremental feed (``GET /ledger?since=N``). The TypedDicts below
are the fields of the OpenAPI document's schemas (``/api/v1/openapi.json``) that this client
reads; a test holds them to that document, so they cannot drift from what the server answers.

Run it against a running scantrack (``make run``):

    python3 docs/examples/erp_client.py --api http://127.0.0.1:8000/api/v1 \\
        --token-file var/admin.token

It creates an adjustment that brings a lot of MILK-1L in, posts it and prints the ledger
records written since the cursor it kept in ``var/erp.cursor`` (a second run prints only
the new ones).
"""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypedDict, cast

DocType = Literal[
    "receipt", "shipment", "customer_return", "vendor_return", "transfer", "adjustment"
]


class ErrorBody(TypedDict):
    code: str
    message: str
    details: dict[str, Any]


class DocumentLine(TypedDict):
    line: int
    item: str
    quantity: int
    assigned: int
    open: int


class Document(TypedDict):
    number: str
    doc_type: DocType
    status: Literal["open", "posted", "cancelled"]
    lines: list[DocumentLine]


class Posted(TypedDict):
    document: str
    doc_type: DocType
    posted_at: str
    serial_records: int
    lot_records: int


class LedgerRecord(TypedDict):
    seq: int
    kind: Literal["serial", "lot"]
    posted_at: str
    document: str
    item: str
    serial: str | None
    lot: str | None
    quantity: int
    cost: str  # a decimal as a string: every digit kept


class LedgerPage(TypedDict):
    records: list[LedgerRecord]
    next_since: int
    last: int
    more: bool


class ScantrackError(Exception):
    """An error answer: ``{"error": {"code", "message", "details"}}`` and its HTTP status."""

    def __init__(self, status: int, error: ErrorBody) -> None:
        super().__init__(f"{status} {error['code']}: {error['message']}")
        self.status = status
        self.code = error["code"]
        self.details = error["details"]


class Client:
    def __init__(self, api: str, token: str, *, timeout: float = 30.0) -> None:
        self.api = api.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.api + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            raise ScantrackError(e.code, json.load(e)["error"]) from None

    def create_document(
        self, doc_type: DocType, number: str, lines: list[dict[str, Any]]
    ) -> Document:
        body = {"type": doc_type, "number": number, "lines": lines}
        return cast(Document, self._call("POST", "/documents", body))

    def generate_lot(self, number: str, line: int, lot: str, quantity: int) -> None:
        body = {"action": "generate", "line": line, "lot": lot, "quantity": quantity}
        self._call("POST", f"/documents/{number}/lots", body)

    def post(self, number: str) -> Posted:
        return cast(Posted, self._call("POST", f"/documents/{number}/post"))

    def ledger(self, since: int, limit: int = 1000) -> LedgerPage:
        return cast(LedgerPage, self._call("GET", f"/ledger?since={since}&limit={limit}"))

    def follow(self, since: int) -> Iterator[tuple[LedgerRecord, int]]:
        """Every record after ``since``, each with the cursor to keep once it is handled."""
        while True:
            page = self.ledger(since)
            for record in page["records"]:
                yield record, record["seq"]
            since = page["next_since"]
            if not page["more"]:
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000/api/v1")
    parser.add_argument("--token-file", type=Path, default=Path("var/admin.token"))
    parser.add_argument("--cursor-file", type=Path, default=Path("var/erp.cursor"))
    args = parser.parse_args(argv)
    client = Client(args.api, args.token_file.read_text().strip())

    since = int(args.cursor_file.read_text()) if args.cursor_file.exists() else 0
    number = f"ERP-{since}"  # one document per run, named after where the feed stood
    try:
        doc = client.create_document(
            "adjustment",
            number,
            [
                {
                    "item": "MILK-1L",
                    "quantity": 12,
                    "location": "A-01-02",
                    "direction": "in",
                    "unit_cost": "0.75",
                }
            ],
        )
        client.generate_lot(doc["number"], 1, f"L-{number}", 12)
        posted = client.post(doc["number"])
    except ScantrackError as e:
        print(f"refused: {e} {e.details}")
        return 1
    print(f"posted {posted['document']}: {posted['lot_records']} lot record(s)")

    for record, cursor in client.follow(since):
        what = record["serial"] or record["lot"]
        print(
            f"{record['seq']} {record['document']} {record['item']} {what} "
            f"quantity {record['quantity']} cost {record['cost']}"
        )
        args.cursor_file.write_text(str(cursor))  # kept after each record: at-least-once
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
