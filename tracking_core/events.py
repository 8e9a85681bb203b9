"""The event outbox: what happened, written in the transaction that made it happen.

``emit`` adds events to the caller's transaction; a rolled-back change leaves none. Each
event takes the next number of one counter row (``counters``, key ``event_outbox.seq``),
bumped with ``UPDATE ... RETURNING`` inside the writing transaction: the row stays locked
until commit, so numbers are committed in order (a SEQUENCE would hand them out in start
order and let a later number commit first).

Serial status changes of a posting are written set-based: one ``serial.status_changed``
event per (document, item, new status), carrying its serials as one list. A posting of
50,000 serials of one item is one SELECT, one counter UPDATE and one executemany INSERT,
not 50,000 rows; a receiver still learns every serial's new status, in ledger order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tracking_core.context import Ctx
from tracking_core.models import (
    Counter,
    Document,
    Item,
    Location,
    OutboxEvent,
    SerialNumber,
    SerialTransaction,
)

SEQ_KEY = "event_outbox.seq"
EventKind = Literal[
    "document.posted",
    "document.cancelled",
    "document.reversed",
    "serial.status_changed",
    "lot.quarantined",
    "lot.released",
    "lot.recalled",
    "label.printed",
    "label.failed",
    "scan.refused",
    "container.packed",
    "container.unpacked",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)


@dataclass(frozen=True)
class NewEvent:
    kind: str
    document: str | None
    item: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    occurred_at: dt.datetime
    document: str | None
    item: str | None
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "document": self.document,
            "item": self.item,
            "data": self.data,
        }


def _take_numbers(s: Session, n: int) -> int:
    """Reserve ``n`` sequence numbers; returns the last. Locks the counter row until commit."""
    last = s.execute(
        update(Counter)
        .where(Counter.key == SEQ_KEY)
        .values(value=Counter.value + n)
        .returning(Counter.value)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if last is None:  # a schema made without the migration's seed row
        s.add(Counter(key=SEQ_KEY, value=n))
        s.flush()
        last = n
    return int(last)


def emit_many(s: Session, now: dt.datetime, events: list[NewEvent]) -> list[int]:
    """Add ``events`` to the transaction in one counter bump and one INSERT."""
    if not events:
        return []
    for e in events:
        if e.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {e.kind!r}")
    last = _take_numbers(s, len(events))
    first = last - len(events) + 1
    rows = [
        {
            "seq": first + i,
            "kind": e.kind,
            "occurred_at": now,
            "document": e.document,
            "item": e.item,
            "data": e.data,
        }
        for i, e in enumerate(events)
    ]
    s.execute(insert(OutboxEvent), rows)
    return list(range(first, last + 1))


def emit(
    ctx: Ctx,
    kind: str,
    *,
    document: str | None = None,
    item: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    (seq,) = emit_many(ctx.session, ctx.now, [NewEvent(kind, document, item, data or {})])
    return seq


def serial_changes(s: Session, doc: Document) -> list[NewEvent]:
    """The document's serial moves as one event per (item, status, location, quarantine):
    one SELECT in all. ``location`` is where the serials are now (None once they left);
    ``quarantine`` is there only for quarantined serials (received into quarantine)."""
    rows = s.execute(
        select(
            Item.sku,
            SerialNumber.status,
            Location.code,
            SerialNumber.quarantine,
            SerialNumber.serial,
        )
        .select_from(SerialTransaction)
        .join(SerialNumber, SerialNumber.id == SerialTransaction.serial_id)
        .join(Item, Item.id == SerialTransaction.item_id)
        .outerjoin(Location, Location.id == SerialNumber.location_id)
        .where(SerialTransaction.document_id == doc.id)
        .order_by(Item.sku, SerialNumber.status, SerialTransaction.id)
    ).all()
    groups: dict[tuple[str, str, str | None, bool], list[str]] = {}
    for sku, status, location, quarantine, serial in rows:
        groups.setdefault((sku, status, location, bool(quarantine)), []).append(serial)
    out = []
    for (item, now_status, now_at, held), serials in groups.items():
        data: dict[str, Any] = {"status": now_status, "location": now_at}
        if held:
            data["quarantine"] = True
        out.append(
            NewEvent(
                "serial.status_changed",
                doc.number,
                item,
                {**data, "count": len(serials), "serials": serials},
            )
        )
    return out


def document_events(
    s: Session,
    now: dt.datetime,
    kind: str,
    doc: Document,
    data: dict[str, Any],
    *,
    serials: bool = True,
) -> list[int]:
    """A document event followed by its serial changes, in one bump of the counter.

    ``serials=False``: a posting that moves no serial (a cost adjustment) reports none.
    """
    events = [NewEvent(kind, doc.number, None, {"doc_type": doc.doc_type, **data})]
    if serials and kind != "document.cancelled":
        events += serial_changes(s, doc)
    return emit_many(s, now, events)


def events_after(s: Session, after: int, limit: int = 1000) -> list[Event]:
    rows = s.execute(
        select(OutboxEvent).where(OutboxEvent.seq > after).order_by(OutboxEvent.seq).limit(limit)
    ).scalars()
    return [Event(r.seq, r.kind, r.occurred_at, r.document, r.item, dict(r.data)) for r in rows]
