"""Upgrading a ledger from before its one sequence (0008 -> head, migration 0009).

Records written at 0008 (by SQL, as that revision's code wrote them) get a seq in the order
(posted_at, serial before lot, id); their ids stay; the counter carries on after them; and
the database refuses to change a seq, to reuse one across the tables, or to take one the
counter never gave. On SQLite and on PostgreSQL (a database of its own, dropped after).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.conftest import PG_URL
from tests.core.test_races import KINDS
from tracking_core.core import Tracking
from tracking_core.db import Database, make_engine
from tracking_core.errors import LedgerImmutable
from tracking_core.migrate import upgrade

T1, T2, T3 = (f"2026-11-24 {h}:00:00+00:00" for h in ("09", "10", "11"))
OLD_DATA = [
    "INSERT INTO items (id, sku, description, tracking, uom, standard_cost) VALUES"
    " (1, 'LAP', '', 'serial', 'EA', 0), (2, 'MILK', '', 'lot', 'EA', 0)",
    "INSERT INTO locations (id, code, name, kind) VALUES (1, 'A1', '', 'bin')",
    "INSERT INTO partners (id, code, name, kind) VALUES (1, 'V1', '', 'vendor'),"
    " (2, 'C1', '', 'customer')",
    "INSERT INTO documents (id, number, doc_type, status, partner_id, created_at) VALUES"
    f" (1, 'R-1', 'receipt', 'posted', 1, '{T1}'), (2, 'S-1', 'shipment', 'posted', 2, '{T2}'),"
    f" (3, 'R-2', 'receipt', 'posted', 1, '{T3}')",
    "INSERT INTO document_lines (id, document_id, line_no, item_id, direction, quantity,"
    " unit_cost, location_id) VALUES (1, 1, 1, 1, 'in', 2, 10, 1), (2, 1, 2, 2, 'in', 10, 1, 1),"
    " (3, 2, 1, 1, 'out', 1, 0, 1), (4, 2, 2, 2, 'out', 4, 0, 1),"
    " (5, 3, 1, 1, 'in', 1, 10, 1), (6, 3, 2, 2, 'in', 3, 1, 1)",
    "INSERT INTO serial_numbers (id, item_id, serial, status, location_id, quarantine, cost)"
    " VALUES (1, 1, 'S1', 'shipped', NULL, false, 10), (2, 1, 'S2', 'in_stock', 1, false, 10),"
    " (3, 1, 'S3', 'in_stock', 1, false, 10)",
    "INSERT INTO lots (id, item_id, lot, status, created_at, unit_cost) VALUES"
    f" (1, 2, 'L1', 'available', '{T1}', 1), (2, 2, 'L2', 'available', '{T3}', 1)",
    "INSERT INTO lot_stock (lot_id, location_id, on_hand, allocated) VALUES (1, 1, 6, 0),"
    " (2, 1, 3, 0)",
    # serial id 3 (R-2's, at T3) was written before id 4 (S-1's, back-dated to T2)
    "INSERT INTO serial_transactions (id, serial_id, item_id, document_id, line_id, doc_type,"
    " partner_id, from_location_id, to_location_id, cost, posted_at) VALUES"
    f" (1, 1, 1, 1, 1, 'receipt', 1, NULL, 1, 10, '{T1}'),"
    f" (2, 2, 1, 1, 1, 'receipt', 1, NULL, 1, 10, '{T1}'),"
    f" (3, 3, 1, 3, 5, 'receipt', 1, NULL, 1, 10, '{T3}'),"
    f" (4, 1, 1, 2, 3, 'shipment', 2, 1, NULL, 10, '{T2}')",
    "INSERT INTO lot_transactions (id, lot_id, item_id, document_id, line_id, doc_type,"
    " partner_id, from_location_id, to_location_id, quantity, cost, posted_at) VALUES"
    f" (1, 1, 2, 1, 2, 'receipt', 1, NULL, 1, 10, 10, '{T1}'),"
    f" (2, 1, 2, 2, 4, 'shipment', 2, 1, NULL, 4, 4, '{T2}'),"
    f" (3, 2, 2, 3, 6, 'receipt', 1, NULL, 1, 3, 3, '{T3}')",
]
IDS = [sql.split()[2] for sql in OLD_DATA if "(id," in sql]
# (posted_at, serial before lot, id): the seq each old record gets
NUMBERED = [
    ("serial", 1, "R-1"),
    ("serial", 2, "R-1"),
    ("lot", 1, "R-1"),
    ("serial", 4, "S-1"),
    ("lot", 2, "S-1"),
    ("serial", 3, "R-2"),
    ("lot", 3, "R-2"),
]


@pytest.fixture
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the parametrized kind, not migrated at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"scantrack_seq_migration_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_ledger(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine, "0008")
    with engine.begin() as c:
        for sql in OLD_DATA:
            c.execute(text(sql))
        if engine.dialect.name == "postgresql":  # explicit ids: the id sequences carry on
            for table in IDS:
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id))"
                        f" FROM {table}"
                    )
                )
    upgrade(engine)
    return engine


def _seqs(engine: Engine) -> list[tuple[str, int, int]]:
    with engine.connect() as c:
        return [
            (str(kind), int(i), int(seq))
            for kind, i, seq in c.execute(
                text(
                    "SELECT 'serial', id, seq FROM serial_transactions"
                    " UNION ALL SELECT 'lot', id, seq FROM lot_transactions ORDER BY 3"
                )
            )
        ]


@pytest.mark.parametrize("old_url", KINDS, indirect=True)
def test_old_records_get_seq_in_posting_order_and_keep_their_ids(old_url: str) -> None:
    engine = _old_ledger(old_url)
    assert _seqs(engine) == [(k, i, seq) for seq, (k, i, _) in enumerate(NUMBERED, start=1)]
    engine.dispose()
    db = Database.from_url(old_url)
    core = Tracking(db)
    page = core.ledger_page(since=0)
    assert (page.next_since, page.last, page.more) == (7, 7, False)
    assert [(m.kind, m.id, m.document) for m in page.records] == NUMBERED
    assert [m.seq for m in page.records] == list(range(1, 8))
    # the old way still reads the old ids, now with their seq
    by_id = core.ledger(since_id=2)
    assert [(m.kind, m.id, m.seq) for m in by_id] == [
        ("serial", 3, 6),
        ("serial", 4, 4),
        ("lot", 3, 7),
    ]
    # the counter carries on after the old records: the next posting is 8
    core.receive(item="MILK", location="A1", quantity=1, lot="L9", partner="V1")
    new = core.ledger_page(since=7)
    assert [(m.kind, m.id, m.seq, m.lot) for m in new.records] == [("lot", 4, 8, "L9")]
    db.dispose()


@pytest.mark.parametrize("old_url", KINDS, indirect=True)
@pytest.mark.parametrize("table", ["serial_transactions", "lot_transactions"])
def test_the_upgraded_ledger_refuses_a_changed_or_foreign_seq(old_url: str, table: str) -> None:
    _old_ledger(old_url).dispose()
    db = Database.from_url(old_url)
    update = text(f"UPDATE {table} SET seq = 100 WHERE id = 1")
    with pytest.raises(LedgerImmutable) as refused:
        db.run(lambda s: s.execute(update))
    assert refused.value.table == table
    # a seq the other table holds (3 is lot 1's, 4 serial 4's), or one never handed out
    taken = 3 if table == "serial_transactions" else 4
    for seq in (taken, 8):
        columns = "serial_id, item_id, document_id, line_id, doc_type, cost, posted_at, seq"
        values = f"1, 1, 1, 1, 'receipt', 10, '{T3}', {seq}"
        if table == "lot_transactions":
            columns = columns.replace("serial_id", "lot_id") + ", quantity"
            values = values.replace("1, 1, 1, 1", "1, 2, 1, 2", 1) + ", 1"
        with db.engine.connect() as c, pytest.raises(DBAPIError) as foreign:
            c.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"))
        assert "ledger seq taken or not handed out" in str(foreign.value.orig)
    assert _seqs(db.engine) == [(k, i, seq) for seq, (k, i, _) in enumerate(NUMBERED, start=1)]
    db.dispose()
