"""GET /stock reads the serials on hand through their index, not every serial ever received.

The plan is the database's own answer (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with
sequential scans priced out, so an index that can serve the query is the one chosen).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import event

from tracking_core import inquiry
from tracking_core.core import Tracking


def _plans(core: Tracking, **filters: Any) -> list[str]:
    """The plan of each serial_numbers statement ``inquiry.stock`` sends."""
    sent: list[tuple[str, Any]] = []

    def note(_c: Any, _cur: Any, stmt: str, params: Any, *_: Any) -> None:
        if "serial_numbers" in stmt:
            sent.append((stmt, params))

    event.listen(core.db.engine, "before_cursor_execute", note)
    try:
        core.db.run(lambda s: inquiry.stock(s, **filters), readonly=True)
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


def _serial_indexes(plan: str) -> set[str]:
    """The indexes a plan reads serial_numbers through ("" for a scan of the table)."""
    sqlite = re.findall(
        r"(?:SCAN|SEARCH) serial_numbers(?: USING (?:COVERING )?INDEX (\w+))?", plan
    )
    pg = re.findall(r"(?:Scan using|Bitmap Index Scan on) (\w*serial_numbers\w*)", plan)
    pg += [""] * ("Seq Scan on serial_numbers" in plan)
    return set(sqlite + pg)


@pytest.mark.parametrize("filters", [{}, {"location": "A1"}, {"item": "LAP"}])
def test_the_serial_stock_query_reads_the_serials_on_hand_by_index(
    wh: Tracking, filters: dict[str, str]
) -> None:
    wh.receive(item="LAP", location="A1", quantity=3, partner="V1")
    (plan,) = _plans(wh, **filters)
    expected = {"ix_serial_numbers_stock"}
    if "item" in filters and wh.db.dialect == "postgresql":
        # on a table this small PostgreSQL may go by the item's own index: never a scan
        expected.add("ix_serial_numbers_pick")
    assert _serial_indexes(plan) and _serial_indexes(plan) <= expected, plan
