"""Counters that never hand out a number twice.

A counter row is bumped with ``UPDATE ... RETURNING`` inside the transaction that
inserts the numbers: the row lock (PostgreSQL) or the write lock (SQLite) serialises
concurrent generators, and a crash or rollback undoes the bump together with the
numbers, so nothing is handed out twice or lost in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.orm import Session

from tracking_core.errors import MaskExhausted
from tracking_core.masks import Mask
from tracking_core.models import Counter

DOC_PREFIX = {
    "receipt": "RC",
    "shipment": "SH",
    "customer_return": "CR",
    "vendor_return": "VR",
    "transfer": "TR",
    "adjustment": "AD",
}


def _ensure(s: Session, key: str) -> None:
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        s.execute(pg_insert(Counter).values(key=key, value=0).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        s.execute(sqlite_insert(Counter).values(key=key, value=0).on_conflict_do_nothing())


def bump(s: Session, key: str, count: int) -> int:
    """Reserve ``count`` values of counter ``key``; returns the first."""
    _ensure(s, key)
    last = s.execute(
        update(Counter)
        .where(Counter.key == key)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    ).scalar_one()
    return int(last) - count + 1


def peek(s: Session, key: str) -> int:
    row = s.get(Counter, key)
    return row.value if row else 0


def next_numbers(
    s: Session,
    mask: Mask,
    count: int,
    on: dt.date,
    taken: Callable[[list[str]], set[str]],
) -> list[str]:
    """``count`` new numbers from ``mask``, skipping any that ``taken`` reports as used."""
    key = mask.counter_key(on)
    numbers: list[str] = []
    while len(numbers) < count:
        need = count - len(numbers)
        first = bump(s, key, need)
        if first + need - 1 > mask.capacity:
            raise MaskExhausted(mask=mask.text, capacity=mask.capacity)
        batch = mask.render_many(first, need, on)
        used = taken(batch)
        numbers.extend(n for n in batch if n not in used)
    return numbers


def document_number(s: Session, doc_type: str) -> str:
    prefix = DOC_PREFIX[doc_type]
    return f"{prefix}-{bump(s, f'doc:{doc_type}', 1):06d}"
