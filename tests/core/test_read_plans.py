"""The reads an ERP polls go through indexes, so their cost does not grow with the ledger.

``GET /stock`` reads the serials on hand (not every serial ever received); a document with
its serials and lots reads its own ledger records (not the whole ledger). The plan is the
database's own answer: SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential
scans priced out, so an index that can serve the statement is the one it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracking_core import documents, inquiry
from tracking_core.core import Tracking
from tracking_core.values import LineSpec


def _plans(core: Tracking, read: Callable[[Session], Any], table: str) -> list[str]:
    """The plan of each statement naming ``table`` that ``read`` sends."""
    sent: list[tuple[str, Any]] = []

    def note(_c: Any, _cur: Any, stmt: str, params: Any, *_: Any) -> None:
        if re.search(rf"\b{table}\b", stmt):
            sent.append((stmt, params))

    event.listen(core.db.engine, "before_cursor_execute", note)
    try:
        core.db.run(read, readonly=True)
    finally:
        event.remove(core.db.engine, "before_cursor_execute", note)
    sqlite = core.db.dialect == "sqlite"
    plans = []
    with core.db.engine.connect() as c:
        if not sqlite:
            c.exec_driver_sql("SET enable_seqscan = off")
        for stmt, params in sent:
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = c.exec_driver_sql(explain + stmt, params).all()
            plans.append("\n".join(str(r[-1]) for r in rows))
    return plans


def _indexes(plan: str, table: str) -> set[str]:
    """The indexes a plan reads ``table`` through ("" for a scan of the whole table)."""
    sqlite = re.findall(rf"(?:SCAN|SEARCH) {table}(?: USING (?:COVERING )?INDEX (\w+))?", plan)
    pg = re.findall(rf"(?:Scan using|Bitmap Index Scan on) (\w*{table}\w*)", plan)
    pg += [""] * (f"Seq Scan on {table}" in plan)
    return set(sqlite + pg)


@pytest.mark.parametrize("filters", [{}, {"location": "A1"}, {"item": "LAP"}])
def test_the_serial_stock_query_reads_the_serials_on_hand_by_index(
    wh: Tracking, filters: dict[str, str]
) -> None:
    wh.receive(item="LAP", location="A1", quantity=3, partner="V1")
    (plan,) = _plans(wh, lambda s: inquiry.stock(s, **filters), "serial_numbers")
    expected = {"ix_serial_numbers_on_hand"}
    if "item" in filters and wh.db.dialect == "postgresql":
        # on a table this small PostgreSQL may go by the item's own index: never a scan
        expected.add("ix_serial_numbers_pick")
    assert _indexes(plan, "serial_numbers") and _indexes(plan, "serial_numbers") <= expected, plan


@pytest.mark.parametrize("detail", [True, False])
def test_a_document_reads_its_own_ledger_records(wh: Tracking, detail: bool) -> None:
    lines = [LineSpec("LAP", 2, "A1"), LineSpec("MILK", 3, "A1")]
    number = wh.create_document("receipt", lines=lines, partner="V1").number
    wh.generate_serials(number, line=1, count=2)
    wh.generate_lot(number, line=2, lot="L1", quantity=3)
    wh.post(number)

    def read(s: Session) -> Any:
        doc = documents.document_row(s, number)
        return documents.documents_info(s, [doc], detail=detail)

    for table in ("serial_transactions", "lot_transactions"):
        plans = _plans(wh, read, table)
        assert plans, table
        for plan in plans:
            assert _indexes(plan, table) == {f"ix_{table}_document_id"}, plan
