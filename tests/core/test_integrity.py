"""The database itself refuses corruption, whatever path a write takes.

Each test goes around the services and writes raw SQL through ``core.db.run``: a second
row for a serial, a serial shared by two items, negative or over-allocated lot stock, a
reservation without a holder, changes to the append-only ledger. Every one must come
back as a typed domain error (``StorageError`` or ``LedgerImmutable``) naming what was
violated, and must have changed nothing.

Counters survive a crash: a generating process killed with SIGKILL while its
transaction is open takes its counter bump with it, so the next generation hands out
the very same numbers, once, and nothing of the dead one remains.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.core.test_state_machine import check_invariants, snapshot
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.errors import (
    DomainError,
    DuplicateKey,
    LedgerImmutable,
    StorageError,
)
from tracking_core.models import LotTransaction, SerialTransaction
from tracking_core.values import LineSpec

# --- a warehouse with a little of everything ---------------------------------------------


@pytest.fixture
def stocked(wh: Tracking) -> Tracking:
    """LAP S1, S2 at A1 (S2 allocated to an open shipment); MILK lot L1: 10 in, 3 out."""
    wh.create_item(sku="PHN", tracking="serial", serial_mask="PH%%%%")
    wh.receive(item="LAP", location="A1", quantity=2, serials=["S1", "S2"], partner="V1")
    wh.receive(item="MILK", location="A1", quantity=10, lot="L1", partner="V1")
    wh.ship(item="MILK", location="A1", quantity=3, lot="L1", partner="C1")
    open_ship = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    wh.allocate_serials(open_ship.number, line=1, serials=["S2"])
    return wh


def _state(core: Tracking) -> dict[str, list[tuple[Any, ...]]]:
    return core.db.run(snapshot, readonly=True)


def _refused(core: Tracking, sql: str) -> DomainError:
    """Run ``sql`` raw; it must be refused with a domain error and change nothing."""
    before = _state(core)
    with pytest.raises(DomainError) as e:
        core.db.run(lambda s: s.execute(text(sql)))
    assert _state(core) == before
    core.db.run(lambda s: check_invariants(s, strict_quantities=True), readonly=True)
    return e.value


def _dialect_text(core: Tracking, *, sqlite: str, postgresql: str) -> str:
    return postgresql if core.db.dialect == "postgresql" else sqlite


def _names(core: Tracking, err: DomainError, *constraints: str) -> None:
    """The refusal is a StorageError naming one of ``constraints`` (a row may break two)."""
    assert isinstance(err, StorageError)
    assert (err.code, err.category) == ("storage_error", "unavailable")
    assert err.reason.startswith("constraint violated: ")
    if core.db.dialect == "postgresql":
        wanted = [f'"{c}"' for c in constraints]
    else:
        wanted = [
            "FOREIGN KEY constraint failed"
            if c.startswith("fk_")
            else f"CHECK constraint failed: {c}"
            for c in constraints
        ]
    assert any(w in err.reason for w in wanted), (err.reason, wanted)


SERIAL_COLUMNS = "item_id, serial, unique_serial, status, location_id, quarantine, cost"


# --- serials ----------------------------------------------------------------------------


def test_a_second_row_for_the_same_item_and_serial_is_refused(stocked: Tracking) -> None:
    err = _refused(
        stocked,
        f"INSERT INTO serial_numbers ({SERIAL_COLUMNS})"
        " SELECT item_id, serial, NULL, 'in_stock', location_id, quarantine, cost"
        " FROM serial_numbers WHERE serial = 'S1'",
    )
    assert isinstance(err, StorageError)
    assert err.code == "storage_error"
    assert err.reason.startswith("constraint violated: ")
    assert (
        _dialect_text(
            stocked,
            sqlite="UNIQUE constraint failed: serial_numbers.item_id, serial_numbers.serial",
            postgresql='"uq_serial_numbers_item_id_serial"',
        )
        in err.reason
    )


def test_the_same_serial_for_another_item_only_once_duplicates_are_allowed(
    stocked: Tracking,
) -> None:
    other_item = (
        f"INSERT INTO serial_numbers ({SERIAL_COLUMNS})"
        " SELECT (SELECT id FROM items WHERE sku = 'PHN'), serial, {unique}, 'reversed',"
        " NULL, quarantine, cost FROM serial_numbers WHERE serial = 'S1'"
    )
    # Duplicates not allowed: the row carries unique_serial = serial, which collides.
    err = _refused(stocked, other_item.format(unique="serial"))
    assert isinstance(err, StorageError)
    assert (
        _dialect_text(
            stocked,
            sqlite="UNIQUE constraint failed: serial_numbers.unique_serial",
            postgresql='"uq_serial_numbers_unique_serial"',
        )
        in err.reason
    )

    stocked.update_settings({"allow_duplicate_serials": True}, actor="t", role="setup")
    nulls = stocked.db.run(
        lambda s: s.execute(
            text("SELECT COUNT(*) FROM serial_numbers WHERE unique_serial IS NOT NULL")
        ).scalar_one(),
        readonly=True,
    )
    assert nulls == 0  # the setting switched the column off for every row
    stocked.db.run(lambda s: s.execute(text(other_item.format(unique="NULL"))))
    rows = stocked.db.run(
        lambda s: s.execute(
            text(
                "SELECT i.sku, s.serial, s.unique_serial FROM serial_numbers s"
                " JOIN items i ON i.id = s.item_id WHERE s.serial = 'S1' ORDER BY i.sku"
            )
        ).all(),
        readonly=True,
    )
    assert [tuple(r) for r in rows] == [("LAP", "S1", None), ("PHN", "S1", None)]
    # (item, serial) still holds with duplicates allowed
    err = _refused(
        stocked,
        f"INSERT INTO serial_numbers ({SERIAL_COLUMNS})"
        " SELECT item_id, serial, NULL, 'in_stock', location_id, quarantine, cost"
        " FROM serial_numbers WHERE serial = 'S1' AND unique_serial IS NULL"
        " AND item_id = (SELECT id FROM items WHERE sku = 'PHN')",
    )
    assert isinstance(err, StorageError)
    # and the setting cannot go back while S1 belongs to two items
    before = _state(stocked)
    with pytest.raises(DuplicateKey) as dup:
        stocked.update_settings({"allow_duplicate_serials": False}, actor="t", role="setup")
    assert (dup.value.code, dup.value.key) == ("duplicate", "S1")
    assert _state(stocked) == before


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        pytest.param(
            "UPDATE serial_numbers SET status = 'allocated' WHERE serial = 'S1'",
            "ck_serial_numbers_reservation",
            id="allocated-without-holder",
        ),
        pytest.param(
            "UPDATE serial_numbers SET status = 'pending' WHERE serial = 'S1'",
            "ck_serial_numbers_reservation",
            id="pending-without-holder",
        ),
        pytest.param(
            "UPDATE serial_numbers SET status = 'in_stock' WHERE serial = 'S2'",
            "ck_serial_numbers_reservation",
            id="in-stock-but-held",
        ),
        pytest.param(
            "UPDATE serial_numbers SET location_id = NULL WHERE serial = 'S1'",
            "ck_serial_numbers_located",
            id="in-stock-nowhere",
        ),
        pytest.param(
            "UPDATE serial_numbers SET status = 'lost' WHERE serial = 'S1'",
            ("ck_serial_numbers_status", "ck_serial_numbers_reservation"),
            id="unknown-status",
        ),
        pytest.param(
            "UPDATE serial_numbers SET reserved_line_id = 999999 WHERE serial = 'S2'",
            "fk_serial_numbers_reserved_line_id_document_lines",
            id="held-by-no-line",
        ),
    ],
)
def test_a_serial_in_an_impossible_state_is_refused(
    stocked: Tracking, sql: str, constraint: str | tuple[str, ...]
) -> None:
    names = (constraint,) if isinstance(constraint, str) else constraint
    _names(stocked, _refused(stocked, sql), *names)


# --- lots ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        pytest.param(
            "UPDATE lot_stock SET on_hand = -1",
            # allocated 0 > -1 as well, and allocated + packed > on_hand
            ("ck_lot_stock_on_hand", "ck_lot_stock_allocated", "ck_lot_stock_packed"),
            id="negative",
        ),
        pytest.param(
            "UPDATE lot_stock SET allocated = on_hand + 1",
            ("ck_lot_stock_allocated", "ck_lot_stock_packed"),
            id="over-allocated",
        ),
        pytest.param(
            "UPDATE lot_stock SET allocated = -1", "ck_lot_stock_allocated", id="negative-alloc"
        ),
        pytest.param(
            "INSERT INTO line_lots (line_id, lot_id, quantity)"
            " SELECT (SELECT MIN(id) FROM document_lines), id, 0 FROM lots",
            "ck_line_lots_quantity",
            id="zero-on-a-line",
        ),
        pytest.param(
            "UPDATE counters SET value = -1",
            "ck_counters_value",
            id="negative-counter",
        ),
        pytest.param(
            "INSERT INTO documents (number, doc_type, status, reverses_id, created_at)"
            " SELECT 'RV-2', doc_type, 'posted', reverses_id, created_at FROM documents"
            " WHERE reverses_id IS NOT NULL",
            "uq_documents_reverses_id",
            id="reversed-twice",
        ),
    ],
)
def test_stock_and_documents_out_of_range_are_refused(
    stocked: Tracking, sql: str, constraint: str | tuple[str, ...]
) -> None:
    stocked.reverse(stocked.documents(doc_type="shipment", status="posted")[0].number)
    err = _refused(stocked, sql)
    if constraint == "uq_documents_reverses_id":
        expected = _dialect_text(
            stocked,
            sqlite="UNIQUE constraint failed: documents.reverses_id",
            postgresql=f'"{constraint}"',
        )
        assert isinstance(err, StorageError) and expected in err.reason
        return
    _names(stocked, err, *((constraint,) if isinstance(constraint, str) else constraint))


# --- the ledger -----------------------------------------------------------------------


LEDGER_WRITES = [
    ("serial_transactions", "UPDATE serial_transactions SET cost = 0"),
    ("serial_transactions", "UPDATE serial_transactions SET to_location_id = NULL WHERE id = 1"),
    ("serial_transactions", "DELETE FROM serial_transactions"),
    ("serial_transactions", "DELETE FROM serial_transactions WHERE id = 1"),
    ("lot_transactions", "UPDATE lot_transactions SET quantity = quantity + 1"),
    ("lot_transactions", "DELETE FROM lot_transactions"),
]
if os.environ.get("SCANTRACK_TEST_DATABASE_URL"):  # PostgreSQL has TRUNCATE, SQLite does not
    LEDGER_WRITES += [
        ("serial_transactions", "TRUNCATE serial_transactions CASCADE"),
        ("lot_transactions", "TRUNCATE lot_transactions CASCADE"),
    ]


@pytest.mark.parametrize(("table", "sql"), LEDGER_WRITES)
def test_ledger_rows_are_never_updated_or_deleted(stocked: Tracking, table: str, sql: str) -> None:
    err = _refused(stocked, sql)
    assert isinstance(err, LedgerImmutable)
    assert (err.code, err.table) == ("ledger_immutable", table)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s, row: setattr(row, "cost", row.cost + 1), id="orm-update"),
        pytest.param(lambda s, row: s.delete(row), id="orm-delete"),
    ],
)
@pytest.mark.parametrize("model", [SerialTransaction, LotTransaction])
def test_the_orm_refuses_ledger_changes_too(
    stocked: Tracking, model: type[Any], change: Callable[[Session, Any], None]
) -> None:
    before = _state(stocked)

    def write(s: Session) -> None:
        row = s.execute(select(model).order_by(model.id).limit(1)).scalar_one()
        change(s, row)
        s.flush()

    with pytest.raises(LedgerImmutable) as e:
        stocked.db.run(write)
    assert e.value.table == model.__tablename__
    assert _state(stocked) == before


def test_appending_to_the_ledger_is_still_allowed(stocked: Tracking) -> None:
    """The triggers refuse changes, not new records (the control for the tests above)."""
    count = "SELECT COUNT(*) FROM lot_transactions"
    n = stocked.db.run(lambda s: s.execute(text(count)).scalar_one(), readonly=True)
    stocked.reverse(stocked.documents(doc_type="shipment", status="posted")[0].number)
    assert stocked.db.run(lambda s: s.execute(text(count)).scalar_one(), readonly=True) == n + 1


# --- counters and a crash ------------------------------------------------------------


def _generate_and_hang(url: str, number: str, count: int, hook: str, q: Any) -> None:
    """In a child process: generate serials, then hang inside the open transaction."""
    from tracking_core import numbering, outbox

    def report_and_sleep(what: Any) -> None:
        q.put(what)
        time.sleep(600)  # killed here, with the transaction open

    if hook == "after_bump":
        bump = numbering.bump

        def hanging_bump(s: Any, key: str, n: int) -> int:
            first = bump(s, key, n)
            s.flush()
            report_and_sleep(("bumped", key, first, n))
            return first

        numbering.bump = hanging_bump  # type: ignore[assignment]
    else:
        enqueue = outbox.enqueue

        def hanging_enqueue(ctx: Any, **kw: Any) -> int:
            job = enqueue(ctx, **kw)
            ctx.session.flush()
            report_and_sleep(("inserted", kw["payload"]["serials"]))
            return job

        outbox.enqueue = hanging_enqueue  # type: ignore[assignment]
    core = Tracking(Database.from_url(url), clock=Clock())
    core.generate_serials(number, line=1, count=count)
    q.put(("committed", None))  # never reached


def _transaction_is_open(core: Tracking, url: str) -> bool:
    if core.db.dialect == "postgresql":
        return bool(
            core.db.run(
                lambda s: s.execute(
                    text(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one(),
                readonly=True,
            )
        )
    conn = sqlite3.connect(str(make_url(url).database), timeout=0.2, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        conn.close()
    return False


@pytest.mark.parametrize("hook", ["after_bump", "after_insert"])
def test_a_generator_killed_mid_transaction_hands_out_no_number_twice(
    wh: Tracking, db_url: str, hook: str
) -> None:
    done = wh.receive(item="LAP", location="A1", quantity=3, partner="V1")  # SN-26-00001..3
    dead = wh.create_document("receipt", lines=[LineSpec("LAP", 5, "A1")], partner="V1").number
    alive = wh.create_document("receipt", lines=[LineSpec("LAP", 5, "A1")], partner="V1").number
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=_generate_and_hang, args=(db_url, dead, 5, hook, q))
    child.start()
    try:
        seen = q.get(timeout=60)
        if hook == "after_bump":
            assert seen == ("bumped", "SN-{YY}-#####|26", 4, 5)
        else:
            assert seen == ("inserted", [f"SN-26-{i:05d}" for i in range(4, 9)])
        assert _transaction_is_open(wh, db_url)
        # A second generator starts meanwhile and waits for the counter.
        result: list[Any] = []
        waiting = threading.Thread(
            target=lambda: result.append(wh.generate_serials(alive, line=1, count=5))
        )
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive() and result == []  # blocked behind the open transaction
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL
        waiting.join(timeout=60)
        assert not waiting.is_alive()
    finally:
        if child.is_alive():
            child.kill()
            child.join()
    # The dead transaction took its bump along: the same numbers again, handed out once.
    assert result[0].serials == tuple(f"SN-26-{i:05d}" for i in range(4, 9))
    assert wh.document(dead).assigned == 0
    wh.post(alive)

    def read(s: Session) -> tuple[Any, ...]:
        return (
            s.execute(text("SELECT key, value FROM counters WHERE key LIKE 'SN%'")).all(),
            s.execute(text("SELECT serial, status FROM serial_numbers ORDER BY serial")).all(),
            s.execute(text("SELECT document, labels FROM label_jobs ORDER BY id")).all(),
        )

    counters, serials, jobs = wh.db.run(read, readonly=True)
    assert [tuple(r) for r in counters] == [("SN-{YY}-#####|26", 8)]
    assert [tuple(r) for r in serials] == [(f"SN-26-{i:05d}", "in_stock") for i in range(1, 9)]
    assert [tuple(r) for r in jobs] == [(done.number, 3), (alive, 5)]
    wh.db.run(lambda s: check_invariants(s, strict_quantities=True), readonly=True)
