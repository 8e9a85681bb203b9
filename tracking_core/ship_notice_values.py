"""The values of receiving by SSCC: a ship notice's containers as announced, an open-and-check's
discrepancies, a container received, and the notice as the dock sees it.

See docs/receiving-by-sscc.md. Commands carry the announced values; services return the rest.

>>> box = AnnouncedContainer("106141412345678908", contents=[AnnouncedContent(line=1,
...     serials=["SN1", "SN2"])])
>>> box.contents[0].serials, box.units
(('SN1', 'SN2'), 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from tracking_core.errors import InvalidInput
from tracking_core.values import ShipNotice

DiscrepancyKind = Literal["missing", "extra", "wrong_lot", "wrong_quantity"]
DISCREPANCY_KINDS: tuple[DiscrepancyKind, ...] = ("missing", "extra", "wrong_lot", "wrong_quantity")


def _frozen(obj: object, name: str, value: object) -> None:
    """A list given for a tuple field, as a tuple (a frozen, hashable value)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(field=name, reason="must be a list")
    object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True)
class AnnouncedContent:
    """What a ship notice says a container holds itself, on a receipt line (``line``, or the
    only line of ``item``): serials of a serialized item (with the lot on their labels, if
    any), a lot quantity, or an untracked quantity."""

    line: int | None = None
    item: str | None = None
    serials: Sequence[str] = ()
    lot: str | None = None
    quantity: int | None = None
    expiry: dt.date | None = None

    def __post_init__(self) -> None:
        _frozen(self, "serials", self.serials)

    @property
    def units(self) -> int:
        return len(self.serials) or (self.quantity if isinstance(self.quantity, int) else 0)


@dataclass(frozen=True)
class AnnouncedContainer:
    """An SSCC of a ship notice: its contents and the containers in it (``children``, or
    containers listed alongside that name it as their ``parent``)."""

    sscc: str
    parent: str | None = None
    contents: Sequence[AnnouncedContent] = ()
    children: Sequence[AnnouncedContainer] = ()

    def __post_init__(self) -> None:
        _frozen(self, "contents", self.contents)
        _frozen(self, "children", self.children)

    @property
    def units(self) -> int:
        """Units announced in it and in its children."""
        return sum(c.units for c in self.contents) + sum(c.units for c in self.children)


@dataclass(frozen=True)
class Announcement:
    """What announcing containers on a receipt did."""

    document: str
    containers: tuple[str, ...]  # the SSCCs announced, each parent before its children
    contents: int  # expected content rows written
    units: int


@dataclass(frozen=True)
class NoticeContent:
    """One thing expected in a container (or found in it by a check)."""

    line: int
    item: str
    quantity: int
    serial: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None


@dataclass(frozen=True)
class Discrepancy:
    """A difference between what the notice said a container holds and what a check found.

    ``missing``: expected, not scanned (serial, lot and quantity as expected); ``extra``:
    scanned, not expected; ``wrong_lot``: the same item and quantity under another lot
    (``lot`` scanned, ``expected_lot``); ``wrong_quantity``: the same lot (or untracked
    item) in another quantity (``quantity`` scanned, ``expected_quantity``)."""

    kind: DiscrepancyKind
    line: int
    item: str
    quantity: int
    serial: str | None = None
    lot: str | None = None
    expected_lot: str | None = None
    expected_quantity: int | None = None


@dataclass(frozen=True)
class CheckResult:
    """An open-and-check of one container: what was expected, scanned, and how they differ."""

    document: str
    container: str
    checked_at: dt.datetime
    expected: int  # units the notice announced in it (itself, not its children)
    scanned: int
    discrepancies: tuple[Discrepancy, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.discrepancies


@dataclass(frozen=True)
class ReceivedLine:
    """What receiving a container put on one receipt line: pending until posting."""

    line: int
    item: str
    serials: int = 0
    lots: tuple[tuple[str, int], ...] = ()  # (lot, quantity)
    quantity: int = 0  # units in all (untracked ones included)
    assigned: int = 0  # the line's assigned count after the step
    line_quantity: int = 0


@dataclass(frozen=True)
class ContainerReceipt:
    """One scan of an SSCC received everything under it on the receipt's lines.

    ``checked``: the containers received as an open-and-check found them (the operator's
    count, not the notice's); ``discrepancies``: what those checks found."""

    document: str
    container: str
    containers: tuple[str, ...]  # the tree received, the scanned one first
    lines: tuple[ReceivedLine, ...] = ()
    checked: tuple[str, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def quantity(self) -> int:
        return sum(x.quantity for x in self.lines)


@dataclass(frozen=True)
class NoticeContainer:
    """A container of a ship notice: its status, what it is expected to hold itself, its
    latest check and that check's discrepancies, and its children."""

    code: str
    status: str
    location: str | None
    parent: str | None
    expected: tuple[NoticeContent, ...] = ()
    checked_at: dt.datetime | None = None
    scanned: tuple[NoticeContent, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    children: tuple[NoticeContainer, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ContainerNotice:
    """A receipt's advance ship notice: the per-serial notice of its lines and its
    containers' trees. ``complete``: every container received, no discrepancy."""

    document: str
    status: str
    complete: bool
    expected: int  # containers still expected (not scanned in)
    discrepancies: int
    containers: tuple[NoticeContainer, ...] = ()
    serials: ShipNotice | None = None
