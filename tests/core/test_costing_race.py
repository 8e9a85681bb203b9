"""PostgreSQL: a shipment posting holds its serials, so a cost change lands before or after.

Deterministic: another connection holds one serial's row lock (as a cost adjustment does)
and changes its cost; the posting must wait for that lock before it reads the cost, which
the test sees in ``pg_locks``; then the change commits and the posting goes on.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, text

from tracking_core.core import Tracking
from tracking_core.db import Database


def test_a_cost_change_racing_a_shipment_posting_is_carried_by_its_record(
    db: Database, wh: Tracking
) -> None:
    wh.receive(
        partner="V1", item="LAP", location="A1", quantity=2, serials=["S1", "S2"], unit_cost="100"
    )
    doc = wh.ship(
        partner="C1", item="LAP", location="A1", quantity=2, serials=["S1", "S2"], post=False
    )
    other = create_engine(db.engine.url.render_as_string(hide_password=False))
    done: list[BaseException | None] = []
    with other.connect() as conn:
        conn.execute(text("SELECT id FROM serial_numbers WHERE serial = 'S2' FOR UPDATE"))
        conn.execute(text("UPDATE serial_numbers SET cost = 130 WHERE serial = 'S2'"))

        def post() -> None:
            try:
                wh.post(doc.number)
                done.append(None)
            except BaseException as e:  # reported by the main thread
                done.append(e)

        worker = threading.Thread(target=post)
        worker.start()
        # until the posting waits for the row this connection holds (no clock involved)
        waiting = 0
        while waiting == 0 and worker.is_alive():
            waiting = conn.execute(
                text(
                    "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE NOT l.granted AND a.datname = current_database()"
                )
            ).scalar_one()
            time.sleep(0.01)  # pacing only: the loop ends on what the posting does
        conn.commit()
        worker.join()
    other.dispose()
    assert done == [None]
    shipped = {m.serial: m.cost for m in wh.ledger() if m.document == doc.number}
    assert shipped == {"S1": 100, "S2": 130}  # the cost S2 had when it left
    assert wh.serial("S2").cost == 130
