"""A hypothesis state machine drives random flows; the ledger and stock must always agree.

After every step: ledger sums equal on-hand per (item, location, lot); no serial is in
two places; nothing is negative or over-allocated; lot reservations match open lines;
a replayed scan changes nothing; a refused step changed nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import case, create_engine, func, select, text

from tests.conftest import PG_URL
from tracking_core.core import ScanKey, Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError
from tracking_core.models import (
    Base,
    Document,
    DocumentLine,
    LineLot,
    LotStock,
    LotTransaction,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.values import LineSpec

LOCS = ("A1", "A2", "Q")
LOTS = ("LA", "LB", "LC")
EXAMPLES = int(os.environ.get("SCANTRACK_HYPOTHESIS_EXAMPLES", "10" if PG_URL else "30"))


def snapshot(core: Tracking) -> Any:
    def read(s: Any) -> Any:
        return (
            sorted(
                s.execute(
                    select(
                        SerialNumber.serial,
                        SerialNumber.status,
                        SerialNumber.location_id,
                        SerialNumber.reserved_line_id,
                    )
                ).all()
            ),
            sorted(
                s.execute(
                    select(
                        LotStock.lot_id, LotStock.location_id, LotStock.on_hand, LotStock.allocated
                    )
                ).all()
            ),
            s.execute(select(func.count()).select_from(SerialTransaction)).scalar_one(),
            s.execute(select(func.count()).select_from(LotTransaction)).scalar_one(),
            sorted(s.execute(select(Document.number, Document.status)).all()),
        )

    return core.db.run(read, readonly=True)


class Flows(RuleBasedStateMachine):
    fresh: Callable[[], str]

    def __init__(self) -> None:
        super().__init__()
        self.db = Database.from_url(self.fresh())
        self.core = Tracking(self.db, clock=lambda: dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
        c = self.core
        for loc in LOCS:
            c.create_location(code=loc, kind="quarantine" if loc == "Q" else "bin")
        c.create_partner(code="V", kind="vendor")
        c.create_partner(code="C", kind="customer")
        c.create_item(sku="SER", tracking="serial", serial_mask="S%%%%%")
        c.create_item(sku="LOT", tracking="lot")
        c.update_settings({"allow_different_quantities": True}, actor="t", role="setup")
        self.scans = 0

    def teardown(self) -> None:
        self.db.dispose()

    # --- helpers ---------------------------------------------------------------------

    def attempt(self, fn: Callable[[], Any]) -> Any:
        """Run a step; a refused one must leave everything as it was."""
        before = snapshot(self.core)
        try:
            return fn()
        except DomainError as err:
            assert err.code != "storage_error", err
            assert snapshot(self.core) == before, f"{err.code} changed state"
            return None

    def serials(self, status: str) -> list[tuple[str, str | None]]:
        def read(s: Any) -> list[tuple[str, str | None]]:
            from tracking_core.models import Location

            q = (
                select(SerialNumber.serial, Location.code)
                .outerjoin(Location, Location.id == SerialNumber.location_id)
                .where(SerialNumber.status == status)
                .order_by(SerialNumber.serial)
            )
            return [(a, b) for a, b in s.execute(q).all()]

        return self.core.db.run(read, readonly=True)

    # --- rules ---------------------------------------------------------------------

    @rule(loc=st.sampled_from(LOCS), n=st.integers(1, 3), by_mask=st.booleans())
    def receive_serials(self, loc: str, n: int, by_mask: bool) -> None:
        serials = None if by_mask else [f"X{uuid.uuid4().hex[:6]}" for _ in range(n)]
        self.attempt(
            lambda: self.core.receive(
                item="SER", location=loc, quantity=n, serials=serials, partner="V"
            )
        )

    @rule(loc=st.sampled_from(LOCS), lot=st.sampled_from(LOTS), q=st.integers(1, 9))
    def receive_lot(self, loc: str, lot: str, q: int) -> None:
        self.attempt(
            lambda: self.core.receive(item="LOT", location=loc, quantity=q, lot=lot, partner="V")
        )

    @rule(
        loc=st.sampled_from(LOCS),
        n=st.integers(1, 2),
        doc_type=st.sampled_from(["shipment", "vendor_return", "adjustment"]),
    )
    def ship_serials_by_suggestion(self, loc: str, n: int, doc_type: str) -> None:
        self.attempt(
            lambda: self.core.ship(
                item="SER", location=loc, quantity=n, doc_type=doc_type, partner="C"
            )
        )

    @rule(data=st.data())
    def ship_a_known_serial(self, data: st.DataObject) -> None:
        stock = self.serials("in_stock") + self.serials("allocated")
        if stock:
            sn, loc = data.draw(st.sampled_from(stock))
            self.attempt(
                lambda: self.core.ship(
                    item="SER", location=loc or "A1", quantity=1, serials=[sn], partner="C"
                )
            )

    @rule(
        loc=st.sampled_from(LOCS),
        lot=st.one_of(st.none(), st.sampled_from(LOTS)),
        q=st.integers(1, 6),
    )
    def ship_lot(self, loc: str, lot: str | None, q: int) -> None:
        self.attempt(
            lambda: self.core.ship(item="LOT", location=loc, quantity=q, lot=lot, partner="C")
        )

    @rule(data=st.data(), to=st.sampled_from(LOCS))
    def customer_return(self, data: st.DataObject, to: str) -> None:
        shipped = self.serials("shipped")
        if shipped:
            sn, _ = data.draw(st.sampled_from(shipped))
            self.attempt(
                lambda: self.core.receive(
                    item="SER", location=to, quantity=1, serials=[sn], doc_type="customer_return"
                )
            )

    @rule(
        src=st.sampled_from(LOCS),
        dst=st.sampled_from(LOCS),
        q=st.integers(1, 4),
        item=st.sampled_from(["SER", "LOT"]),
    )
    def transfer(self, src: str, dst: str, q: int, item: str) -> None:
        self.attempt(
            lambda: self.core.ship(
                item=item, location=src, quantity=q, doc_type="transfer", to_location=dst
            )
        )

    @rule(loc=st.sampled_from(LOCS), q=st.integers(1, 3))
    def open_shipment_then_cancel(self, loc: str, q: int) -> None:
        doc = self.attempt(lambda: self.core.ship(item="LOT", location=loc, quantity=q, post=False))
        if doc is not None:
            self.core.cancel(doc.number)

    @rule(data=st.data())
    def reverse_a_document(self, data: st.DataObject) -> None:
        posted = [d.number for d in self.core.documents(status="posted", limit=50)]
        if posted:
            number = data.draw(st.sampled_from(posted))
            self.attempt(lambda: self.core.reverse(number))

    @rule(lot=st.sampled_from(LOTS), recall=st.booleans())
    def recall_or_release(self, lot: str, recall: bool) -> None:
        if recall:
            self.attempt(lambda: self.core.recall_lot(item="LOT", lot=lot, recall_number="R1"))
        else:
            self.attempt(lambda: self.core.release_lot(item="LOT", lot=lot))

    @rule(loc=st.sampled_from(LOCS), q=st.integers(1, 3))
    def scan_step_and_replay(self, loc: str, q: int) -> None:
        c = self.core
        doc = self.attempt(lambda: c.create_document("receipt", lines=[LineSpec("LOT", q, loc)]))
        if doc is None:
            return
        self.scans += 1
        key = ScanKey("HH", f"scan-{self.scans}")
        first = self.attempt(
            lambda: c.generate_lot(doc.number, line=1, lot="LA", quantity=q, scan=key)
        )
        before = snapshot(c)
        again = self.attempt(
            lambda: c.generate_lot(doc.number, line=1, lot="LA", quantity=q, scan=key)
        )
        assert again == first and snapshot(c) == before
        if first is None:  # refused: nothing was stored, so there is nothing to conflict with
            return
        with pytest.raises(DomainError) as e:
            c.generate_lot(doc.number, line=1, lot="LB", quantity=q, scan=key)
        assert e.value.code == "idempotency_conflict" and snapshot(c) == before
        self.attempt(lambda: c.post(doc.number))

    # --- invariants ------------------------------------------------------------------

    @invariant()
    def ledger_equals_stock(self) -> None:
        def check(s: Any) -> None:
            # lots: per (lot, location), records in minus records out equals on hand
            flows: dict[tuple[int, int], int] = {}
            for lot_id, frm, to, qty in s.execute(
                select(
                    LotTransaction.lot_id,
                    LotTransaction.from_location_id,
                    LotTransaction.to_location_id,
                    LotTransaction.quantity,
                )
            ).all():
                if to is not None:
                    flows[(lot_id, to)] = flows.get((lot_id, to), 0) + qty
                if frm is not None:
                    flows[(lot_id, frm)] = flows.get((lot_id, frm), 0) - qty
            stock = {
                (lot_id, loc): (oh, al)
                for lot_id, loc, oh, al in s.execute(
                    select(
                        LotStock.lot_id, LotStock.location_id, LotStock.on_hand, LotStock.allocated
                    )
                ).all()
            }
            for key in set(flows) | set(stock):
                on_hand, allocated = stock.get(key, (0, 0))
                assert flows.get(key, 0) == on_hand, key
                assert 0 <= allocated <= on_hand, key
            # lot reservations equal the quantities on open outbound lines
            reserved = dict(
                ((a, b), int(q))
                for a, b, q in s.execute(
                    select(LineLot.lot_id, DocumentLine.location_id, func.sum(LineLot.quantity))
                    .join(DocumentLine, DocumentLine.id == LineLot.line_id)
                    .join(Document, Document.id == DocumentLine.document_id)
                    .where(Document.status == "open", DocumentLine.direction == "out")
                    .group_by(LineLot.lot_id, DocumentLine.location_id)
                ).all()
            )
            for key, (_oh, al) in stock.items():
                assert reserved.get(key, 0) == al, key
            # serials: per (item, location), in stock or allocated equals records in - out
            sflows: dict[tuple[int, int], int] = {}
            for item, frm, to in s.execute(
                select(
                    SerialTransaction.item_id,
                    SerialTransaction.from_location_id,
                    SerialTransaction.to_location_id,
                )
            ).all():
                if to is not None:
                    sflows[(item, to)] = sflows.get((item, to), 0) + 1
                if frm is not None:
                    sflows[(item, frm)] = sflows.get((item, frm), 0) - 1
            here = {
                (i, loc): n
                for i, loc, n in s.execute(
                    select(SerialNumber.item_id, SerialNumber.location_id, func.count())
                    .where(SerialNumber.status.in_(("in_stock", "allocated")))
                    .group_by(SerialNumber.item_id, SerialNumber.location_id)
                ).all()
            }
            for key in set(sflows) | set(here):
                assert sflows.get(key, 0) == here.get(key, 0), key
            # one place and state per serial; held serials are held by open documents
            bad = s.execute(
                select(func.count()).where(
                    case((SerialNumber.status.in_(("in_stock", "allocated")), 1), else_=0)
                    != case((SerialNumber.location_id.is_not(None), 1), else_=0)
                )
            ).scalar_one()
            assert bad == 0
            stale = s.execute(
                select(func.count())
                .select_from(SerialNumber)
                .join(DocumentLine, DocumentLine.id == SerialNumber.reserved_line_id)
                .join(Document, Document.id == DocumentLine.document_id)
                .where(Document.status != "open")
            ).scalar_one()
            assert stale == 0

        self.core.db.run(check, readonly=True)


def test_random_flows_keep_ledger_and_stock_in_step(_template: str, tmp_path: Path) -> None:
    counter = iter(range(10_000))

    def fresh() -> str:
        if PG_URL:
            engine = create_engine(_template)
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with engine.begin() as c:
                c.execute(text("SET session_replication_role = replica"))
                c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            engine.dispose()
            return _template
        path = tmp_path / f"sm{next(counter)}.db"
        shutil.copy(_template, path)
        return f"sqlite:///{path}"

    Flows.fresh = staticmethod(fresh)  # type: ignore[method-assign,assignment]
    run_state_machine_as_test(
        Flows,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
