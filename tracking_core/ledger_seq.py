"""The ledger's one sequence: every serial and lot record gets the next ``seq``, in commit order.

An ERP's incremental feed reads ``seq > N`` with a single cursor. For that to never miss a
record, the numbers must be handed out in the order the transactions commit: a reader that
has seen N must never later find a committed record below N. So the numbers come from one
counter row (``counters``, key ``ledger``) bumped with ``UPDATE ... RETURNING`` inside the
posting transaction: on PostgreSQL the row lock holds every other poster at the bump until
this one has committed; on SQLite there is one writer anyway. A rollback undoes the bump
with the records, so the committed numbers are 1..N without a gap.

A PostgreSQL SEQUENCE would not do: ``nextval`` is handed out at once and never rolled
back, so a transaction that took 5 and commits after another took 6 and committed lets a
reader see 6 before 5 exists, and skip 5 for good (and a rollback leaves holes).

The bump comes last in a posting, after every other row lock it takes (documents, serials,
lots, lot stock, number counters): a poster holding the counter then waits on nothing
another poster waiting for the counter could hold, so postings cannot deadlock on it, and
posters queue only for the inserts at their end. A block is taken at once for a whole
posting (the count is known): no round trip per record.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from tracking_core.models import LotTransaction, SerialTransaction
from tracking_core.numbering import bump, peek

KEY = "ledger"  # no '|': never the key of a mask's counter (tracking_core/masks.py)

Record = SerialTransaction | LotTransaction


def take(s: Session, count: int) -> int:
    """Reserve ``count`` consecutive numbers for records this transaction writes; the first.

    Call it only once every other lock of the posting is held (see the module docstring).
    """
    if count <= 0:
        raise ValueError(f"a block of {count} ledger numbers")
    return bump(s, KEY, count)


def place(records: Sequence[Record], first: int) -> None:
    """Number ``records`` in their order from ``first`` (a block from ``take``)."""
    for i, record in enumerate(records):
        record.seq = first + i


def append(s: Session, records: Sequence[Record]) -> None:
    """Number new records with one block and write them, in their order."""
    if not records:
        return
    place(records, take(s, len(records)))
    s.add_all(records)
    s.flush()


def last(s: Session) -> int:
    """The highest number committed (as this transaction sees it): every record up to it is
    there, since numbers are handed out in commit order without gaps."""
    return peek(s, KEY)
