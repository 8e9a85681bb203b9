"""Scan-sized steps as values: one frozen command per step, run by ``Tracking.execute``.

A command knows its ``action`` (the name its idempotency hash is taken under), its
``payload()`` (the data hashed with it) and its result type, so a stored result decodes
back to what the step returned. ``command_handlers.handle`` runs one.

>>> cmd = GenerateSerials("RC-1", line=1, count=2)
>>> cmd.action, cmd.result_type.__name__
('generate_serials', 'Assignment')
>>> cmd.payload()["document"], cmd.payload()["serials"]
('RC-1', None)
>>> GenerateSerials("RC-1", line=1, serials=["SN1"], count=1)
Traceback (most recent call last):
...
tracking_core.errors.InvalidInput: Invalid serials: give either serials or a count
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, cast

from tracking_core.codec import decode
from tracking_core.errors import InvalidInput
from tracking_core.ship_notice_values import (
    AnnouncedContainer,
    Announcement,
    CheckResult,
    ContainerReceipt,
)
from tracking_core.values import (
    Assignment,
    ContainerAssignment,
    DocumentInfo,
    LineInfo,
    LineSpec,
    PackRecord,
    PostResult,
)

R = TypeVar("R", covariant=True)


@dataclass(frozen=True)
class Step(Generic[R]):
    """Base of the commands: ``class X(Step[Result], action="name")``.

    The action name and the payload are the idempotency hash's input, so they stay as
    the steps were hashed before they were commands (stored results must still replay).
    """

    action: ClassVar[str]
    result_type: ClassVar[type[Any]]

    def __init_subclass__(cls, *, action: str, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls.action = action
        # the R of ``Step[R]`` in the class statement: what a stored result decodes to
        (base,) = cls.__dict__["__orig_bases__"]
        (cls.result_type,) = typing.get_args(base)

    def payload(self) -> dict[str, object]:
        """What the idempotency hash covers besides the action: every field."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def decode_result(self, data: object) -> R:
        return cast(R, decode(self.result_type, data))


def _serial_tuple(cmd: Step[Any], serials: Sequence[str] | None, count: int | None) -> None:
    """Serials as a tuple (a frozen value), and exactly one of serials or count."""
    if isinstance(serials, str):  # one text would be read as one serial per character
        raise InvalidInput(field="serials", reason="a list of serials, not one text")
    if (serials is None) == (count is None):
        raise InvalidInput(field="serials", reason="give either serials or a count")
    if serials is not None:
        object.__setattr__(cmd, "serials", tuple(serials))


@dataclass(frozen=True)
class GenerateSerials(Step[Assignment], action="generate_serials"):
    """Serials scanned (``serials``) or made from the mask (``count``) on an inbound line."""

    document: str
    _: KW_ONLY
    line: int | None = None
    item: str | None = None  # SKU or GTIN: its first line with room, instead of ``line``
    serials: Sequence[str] | None = None
    count: int | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None

    def __post_init__(self) -> None:
        _serial_tuple(self, self.serials, self.count)


@dataclass(frozen=True)
class AllocateSerials(Step[Assignment], action="allocate_serials"):
    """In-stock serials scanned, or ``count`` by suggestion, reserved for an outbound line."""

    document: str
    _: KW_ONLY
    line: int | None = None
    item: str | None = None
    serials: Sequence[str] | None = None
    count: int | None = None
    lot: str | None = None  # the lot on the scanned labels, or the lot to take from

    def __post_init__(self) -> None:
        _serial_tuple(self, self.serials, self.count)

    def payload(self) -> dict[str, object]:
        out = super().payload()
        if self.lot is None:  # hashed only when given, as before ``lot`` existed
            del out["lot"]
        return out


@dataclass(frozen=True)
class UnassignSerial(Step[Assignment], action="unassign_serial"):
    """Take a serial off an open document (the undo of a generate or allocate)."""

    document: str
    _: KW_ONLY
    serial: str
    item: str | None = None


@dataclass(frozen=True)
class GenerateLot(Step[Assignment], action="generate_lot"):
    """Lot quantity on an inbound line: a given lot (new or existing) or one from the mask."""

    document: str
    _: KW_ONLY
    quantity: int
    line: int | None = None
    item: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None


@dataclass(frozen=True)
class AllocateLot(Step[Assignment], action="allocate_lot"):
    """Lot quantity reserved for an outbound line: the scanned lot, or by allocation order."""

    document: str
    _: KW_ONLY
    quantity: int
    line: int | None = None
    item: str | None = None
    lot: str | None = None


@dataclass(frozen=True)
class UnassignLot(Step[Assignment], action="unassign_lot"):
    """Take a lot quantity off an open document (``quantity`` None: all of it)."""

    document: str
    _: KW_ONLY
    lot: str
    item: str | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class AddLine(Step[LineInfo], action="add_line"):
    document: str
    spec: LineSpec


@dataclass(frozen=True)
class SetLineQuantity(Step[LineInfo], action="set_line_quantity"):
    """A line's quantity; never below what is assigned to it."""

    document: str
    _: KW_ONLY
    line: int
    quantity: int


@dataclass(frozen=True)
class PostDocument(Step[PostResult], action="post"):
    """Post an open document: its assignments become stock movements."""

    document: str


@dataclass(frozen=True)
class CancelDocument(Step[DocumentInfo], action="cancel"):
    """Cancel an open document, releasing its reservations and pending numbers."""

    document: str


@dataclass(frozen=True)
class ReverseDocument(Step[PostResult], action="reverse"):
    """Undo a posted document with a reversal document (``reversal_number`` or the next)."""

    document: str
    _: KW_ONLY
    reversal_number: str | None = None


def _refs(cmd: Step[Any], name: str, width: int) -> None:
    """A list of references as a tuple of tuples (a frozen, hashable value)."""
    value = getattr(cmd, name)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(field=name, reason="must be a list")
    out: list[object] = []
    for ref in value:
        if isinstance(ref, str) and width == 1:
            out.append(ref)
        elif isinstance(ref, Sequence) and not isinstance(ref, str) and len(ref) == width:
            out.append(tuple(ref))
        else:
            raise InvalidInput(field=name, reason=f"{ref!r} is not a reference of {width}")
    object.__setattr__(cmd, name, tuple(out))


@dataclass(frozen=True)
class PackContainer(Step[PackRecord], action="pack"):
    """Serials ``(item or None, serial)``, lot quantities ``(item, lot, quantity)`` and
    containers into ``container``; ``repack`` takes them out of their containers first."""

    container: str
    _: KW_ONLY
    serials: Sequence[tuple[str | None, str]] = ()
    lots: Sequence[tuple[str, str, int]] = ()
    containers: Sequence[str] = ()
    repack: bool = False

    def __post_init__(self) -> None:
        _refs(self, "serials", 2)
        _refs(self, "lots", 3)
        _refs(self, "containers", 1)


@dataclass(frozen=True)
class UnpackContainer(Step[PackRecord], action="unpack"):
    """Take things out of ``container``; ``everything``: all it holds itself."""

    container: str
    _: KW_ONLY
    serials: Sequence[tuple[str | None, str]] = ()
    lots: Sequence[tuple[str, str, int]] = ()
    containers: Sequence[str] = ()
    everything: bool = False

    def __post_init__(self) -> None:
        _refs(self, "serials", 2)
        _refs(self, "lots", 3)
        _refs(self, "containers", 1)


@dataclass(frozen=True)
class ReversePack(Step[PackRecord], action="reverse_pack"):
    """Undo a packing step (once) with the opposite step."""

    operation: int


@dataclass(frozen=True)
class AllocateContainer(Step[ContainerAssignment], action="allocate_container"):
    """Allocate everything in a container on an open outbound document, to move it whole."""

    document: str
    _: KW_ONLY
    container: str


@dataclass(frozen=True)
class UnassignContainer(Step[ContainerAssignment], action="unassign_container"):
    """Take a container allocated whole off an open document, with all it holds."""

    document: str
    _: KW_ONLY
    container: str


# --- receiving by SSCC (docs/receiving-by-sscc.md) -----------------------------------------


@dataclass(frozen=True)
class AnnounceContainers(Step[Announcement], action="announce_containers"):
    """A ship notice's SSCC hierarchy on an open receipt: all of it, or nothing."""

    document: str
    _: KW_ONLY
    containers: Sequence[AnnouncedContainer]

    def __post_init__(self) -> None:
        if isinstance(self.containers, str) or not isinstance(self.containers, Sequence):
            raise InvalidInput(field="containers", reason="must be a list")
        object.__setattr__(self, "containers", tuple(self.containers))


@dataclass(frozen=True)
class ReceiveContainer(Step[ContainerReceipt], action="receive_container"):
    """One scan of an announced SSCC: everything under it, pending on the receipt."""

    document: str
    _: KW_ONLY
    container: str


@dataclass(frozen=True)
class CheckContainer(Step[CheckResult], action="check_container"):
    """What an operator scanned in an opened announced container: serials ``(item or None,
    serial)``, lots ``(item or None, lot, quantity)``, untracked ``(item, quantity)``."""

    document: str
    _: KW_ONLY
    container: str
    serials: Sequence[tuple[str | None, str]] = ()
    lots: Sequence[tuple[str | None, str, int]] = ()
    quantities: Sequence[tuple[str, int]] = ()

    def __post_init__(self) -> None:
        _refs(self, "serials", 2)
        _refs(self, "lots", 3)
        _refs(self, "quantities", 2)


#: Every command: ``command_handlers`` matches on this union, exhaustively.
Command: TypeAlias = (
    GenerateSerials
    | AllocateSerials
    | UnassignSerial
    | GenerateLot
    | AllocateLot
    | UnassignLot
    | AddLine
    | SetLineQuantity
    | PostDocument
    | CancelDocument
    | ReverseDocument
    | PackContainer
    | UnpackContainer
    | ReversePack
    | AllocateContainer
    | UnassignContainer
    | AnnounceContainers
    | ReceiveContainer
    | CheckContainer
)
