"""What the event worker and its senders share: a batch, grouped per document, and reports.

A batch holds several events per document, in seq order. A sender tries them and reports
each one it tried (``None``: the receiver took it, else the error), stopping a document at
its first failure and starting nothing after the batch's deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from tracking_core.delivery import Claimed

Report = Callable[[Claimed, "str | None"], None]


@runtime_checkable
class BatchSender(Protocol):
    def send_batch(self, claims: Sequence[Claimed], report: Report, *, deadline: float) -> None:
        """Try ``claims`` and ``report`` each one tried, from any thread; per document, stop
        at the first failure; start nothing after ``deadline`` (``time.monotonic()``)."""


def doc_key(c: Claimed) -> tuple[int, str | int]:
    """Events that must go in order: one document's, per subscription (no document: alone)."""
    doc = c.event.document
    return c.subscription.id, doc if doc is not None else -c.event.id


def groups(claims: Sequence[Claimed]) -> list[list[Claimed]]:
    """The claims per document, each in seq order, documents by their first event."""
    out: dict[tuple[int, str | int], list[Claimed]] = {}
    for c in claims:
        out.setdefault(doc_key(c), []).append(c)
    return list(out.values())
