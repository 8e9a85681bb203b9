"""Containers on documents: allocated whole, posted with their contents, released.

Allocating a container allocates each serial and lot quantity inside it on the document's
line for its item, through the same steps (and checks) as scanning them one by one; any
refusal refuses the whole container, saying which content and why. Posting writes every
unit's own record naming its container (``posting``) and then moves the containers here.
A case taken alone from a pallet, or a serial picked from a case, is unpacked first, with
a record naming the document. See docs/containers.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracking_core import lots, packing, serials
from tracking_core.containers import container_row, require_free, subtree_ids
from tracking_core.context import Ctx
from tracking_core.documents import open_document
from tracking_core.errors import (
    CannotReverse,
    ContainerContentRefused,
    ContainerNotAvailable,
    DomainError,
    InvalidInput,
    WrongDocumentType,
)
from tracking_core.models import (
    Container,
    ContainerLot,
    ContainerSerial,
    Document,
    DocumentLine,
    Item,
    LineLot,
    Lot,
    LotStock,
    LotTransaction,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.step_lines import unassigned
from tracking_core.values import Assignment, ContainerAssignment

# the documents that move a container whole (a receipt brings one in by its ship notice)
MOVES_WHOLE = ("shipment", "vendor_return", "transfer")
LEAVES = ("shipment", "vendor_return")


def _held_lots(s: Session, ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
    """(lot id, item, lot, quantity) packed anywhere in the containers ``ids``."""
    q = (
        select(Lot.id, Item.sku, Lot.lot, func.sum(ContainerLot.quantity))
        .select_from(ContainerLot)
        .join(Lot, ContainerLot.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .where(ContainerLot.container_id.in_(ids))
        .group_by(Lot.id, Item.sku, Lot.lot)
        .order_by(Item.sku, Lot.lot)
    )
    return [(int(i), str(sku), str(lot), int(q)) for i, sku, lot, q in s.execute(q)]


def _held_serials(s: Session, ids: Sequence[int]) -> list[tuple[str, str]]:
    q = (
        select(Item.sku, SerialNumber.serial)
        .select_from(ContainerSerial)
        .join(SerialNumber, SerialNumber.id == ContainerSerial.serial_id)
        .join(Item, Item.id == SerialNumber.item_id)
        .where(ContainerSerial.container_id.in_(ids))
        .order_by(Item.sku, SerialNumber.id)
    )
    return [(str(sku), str(sn)) for sku, sn in s.execute(q)]


def _packed(s: Session, lot_id: int, location_id: int | None, qty: int) -> None:
    if location_id is None:
        return
    s.execute(
        update(LotStock)
        .where(LotStock.lot_id == lot_id, LotStock.location_id == location_id)
        .values(packed=LotStock.packed + qty)
        .execution_options(synchronize_session="fetch")
    )


def allocate_container(ctx: Ctx, number: str, code: str) -> ContainerAssignment:
    s = ctx.session
    doc = open_document(s, number)
    if doc.doc_type not in MOVES_WHOLE:
        raise WrongDocumentType(
            document=doc.number, doc_type=doc.doc_type, expected=" or ".join(MOVES_WHOLE)
        )
    box = container_row(s, code, lock=True)
    require_free(s, box, f"only a container in stock and free can go on {doc.number}")
    unpacked_from = None
    if box.parent_id is not None:  # a case picked alone from its pallet
        parent = s.get(Container, box.parent_id, with_for_update=True)
        assert parent is not None
        packing.unpack(ctx, parent.code, containers=[box.code], document=doc)
        unpacked_from = parent.code
    ids = subtree_ids(s, box.id)
    held_lots = _held_lots(s, ids)
    held_serials = _held_serials(s, ids)
    if not held_lots and not held_serials:
        raise ContainerNotAvailable(
            container=box.code, status="empty", reason="there is nothing in it to move"
        )
    s.execute(
        update(Container)
        .where(Container.id.in_(ids))
        .values(status="allocated", document_id=doc.id)
        .execution_options(synchronize_session="fetch")
    )
    for lot_id, _sku, _lot, qty in held_lots:  # held now: counted as allocated, not packed
        _packed(s, lot_id, box.location_id, -qty)
    done: list[Assignment] = []
    try:
        for sku, group in groupby(held_serials, key=lambda x: x[0]):
            numbers = [sn for _, sn in group]
            done.append(serials.allocate_serials(ctx, number, item=sku, serials=numbers))
        for _lot_id, sku, lot, qty in held_lots:
            done.append(lots.allocate_lot(ctx, number, item=sku, lot=lot, quantity=qty))
    except DomainError as err:  # the whole transaction rolls back
        raise ContainerContentRefused(container=box.code, reason=str(err), cause=err.code) from err
    _check_one_destination(s, box, done, doc)
    warnings = tuple(w for a in done for w in a.warnings)
    return ContainerAssignment(
        document=doc.number,
        container=box.code,
        action="allocate",
        assignments=tuple(done),
        unpacked_from=unpacked_from,
        warnings=warnings,
    )


def _check_one_destination(
    s: Session, box: Container, done: list[Assignment], doc: Document
) -> None:
    """A container moves whole: every line it went on must send it to the same place."""
    numbers = sorted({a.line for a in done})
    places = set(
        s.execute(
            select(DocumentLine.location_id, DocumentLine.to_location_id).where(
                DocumentLine.document_id == doc.id, DocumentLine.line_no.in_(numbers)
            )
        ).all()
    )
    if len(places) > 1:
        raise ContainerContentRefused(
            container=box.code,
            reason=f"its contents are on lines {', '.join(map(str, numbers))} of {doc.number}, "
            "which send them to different locations",
            cause="different_destinations",
        )


def unassign_container(ctx: Ctx, number: str, code: str) -> ContainerAssignment:
    """Take a container allocated whole off the document: its contents go back to stock."""
    s = ctx.session
    doc = open_document(s, number)
    box = container_row(s, code, lock=True)
    if box.status != "allocated" or box.document_id != doc.id:
        raise ContainerNotAvailable(
            container=box.code, status=box.status, reason=f"it is not allocated to {doc.number}"
        )
    if box.parent_id is not None:
        parent = s.get(Container, box.parent_id)
        assert parent is not None
        raise ContainerNotAvailable(
            container=box.code,
            status=f"inside {parent.code}",
            reason=f"take {parent.code} off {doc.number} instead",
        )
    ids = subtree_ids(s, box.id)
    out = _release(ctx, doc, box, ids)
    return ContainerAssignment(
        document=doc.number, container=box.code, action="unassign", assignments=tuple(out)
    )


def _release(ctx: Ctx, doc: Document, box: Container, ids: list[int]) -> list[Assignment]:
    s = ctx.session
    out: list[Assignment] = []
    rows = s.execute(
        select(SerialNumber.id, SerialNumber.serial, DocumentLine.line_no)
        .join(ContainerSerial, ContainerSerial.serial_id == SerialNumber.id)
        .join(DocumentLine, DocumentLine.id == SerialNumber.reserved_line_id)
        .where(ContainerSerial.container_id.in_(ids), DocumentLine.document_id == doc.id)
        .order_by(DocumentLine.line_no, SerialNumber.id)
    ).all()
    serials.release_serials(s, [r[0] for r in rows])
    for line_no, group in groupby(rows, key=lambda r: r[2]):
        out.append(unassigned(s, doc, line_no, serials=tuple(r[1] for r in group)))
    for lot_id, _sku, lot, qty in _held_lots(s, ids):
        left = qty
        for ll, ln in s.execute(
            select(LineLot, DocumentLine)
            .join(DocumentLine, DocumentLine.id == LineLot.line_id)
            .where(DocumentLine.document_id == doc.id, LineLot.lot_id == lot_id)
            .order_by(DocumentLine.line_no)
            .with_for_update(of=LineLot)
        ).all():
            take = min(left, ll.quantity)
            lots.release_line_lot(s, ln, ll, take)
            out.append(unassigned(s, doc, ln.line_no, lots=((lot, take),)))
            left -= take
            if not left:
                break
        # back in a container no document holds: packed again (after allocated went down)
        _packed(s, lot_id, box.location_id, qty)
    s.execute(
        update(Container)
        .where(Container.id.in_(ids))
        .values(status="in_stock", document_id=None)
        .execution_options(synchronize_session="fetch")
    )
    s.flush()
    return out


def release_document(ctx: Ctx, doc: Document) -> None:
    """A cancelled document's containers go back to stock (its lines are released first)."""
    s = ctx.session
    roots = s.execute(
        select(Container)
        .where(Container.document_id == doc.id, Container.status == "allocated")
        .where(Container.parent_id.is_(None) | ~Container.parent_id.in_(_held_by(doc)))
        .with_for_update()
    ).scalars()
    for box in list(roots):
        ids = subtree_ids(s, box.id)
        for lot_id, _sku, _lot, qty in _held_lots(s, ids):
            _packed(s, lot_id, box.location_id, qty)
        s.execute(
            update(Container)
            .where(Container.id.in_(ids))
            .values(status="in_stock", document_id=None)
            .execution_options(synchronize_session="fetch")
        )


def _held_by(doc: Document):  # type: ignore[no-untyped-def]
    return select(Container.id).where(Container.document_id == doc.id)


def lot_portions(
    s: Session, doc: Document, lot_id: int, location_id: int, qty: int
) -> list[tuple[int | None, int]]:
    """How a line's lot quantity splits over the containers the document moves whole:
    ``(container id, quantity)`` each, then ``(None, the loose rest)`` if any."""
    q = (
        select(ContainerLot.container_id, ContainerLot.quantity)
        .join(Container, Container.id == ContainerLot.container_id)
        .where(
            Container.document_id == doc.id,
            Container.status == "allocated",
            ContainerLot.lot_id == lot_id,
            ContainerLot.location_id == location_id,
        )
        .order_by(ContainerLot.container_id)
    )
    out: list[tuple[int | None, int]] = []
    left = qty
    for cid, n in s.execute(q):
        take = min(int(n), left)
        if take:
            out.append((int(cid), take))
            left -= take
    if left:
        out.append((None, left))
    return out


def after_posting(ctx: Ctx, doc: Document) -> None:
    """Move the containers the posted document held: out (shipped) or to the transfer's
    destination, with their contents' locations (the deferred keys check them at commit)."""
    s = ctx.session
    held = list(
        s.execute(
            select(Container).where(
                Container.document_id == doc.id, Container.status == "allocated"
            )
        ).scalars()
    )
    if not held:
        return
    ids = [c.id for c in held]
    if doc.doc_type in LEAVES:
        dest, status = None, "shipped"
    else:
        dest = _destination(s, doc, ids)
        status = "in_stock"
    source = held[0].location_id
    s.execute(
        update(Container)
        .where(Container.id.in_(ids))
        .values(status=status, location_id=dest, document_id=None)
        .execution_options(synchronize_session="fetch")
    )
    s.execute(
        update(ContainerSerial)
        .where(ContainerSerial.container_id.in_(ids))
        .values(location_id=dest)
        .execution_options(synchronize_session="fetch")
    )
    lots_held = _held_lots(s, ids)
    s.execute(
        update(ContainerLot)
        .where(ContainerLot.container_id.in_(ids))
        .values(location_id=dest)
        .execution_options(synchronize_session="fetch")
    )
    del source
    for lot_id, _sku, _lot, qty in lots_held:  # in a container no document holds again
        _packed(s, lot_id, dest, qty)


def _destination(s: Session, doc: Document, ids: list[int]) -> int:
    for tx in (SerialTransaction, LotTransaction):
        dest = s.execute(
            select(tx.to_location_id)
            .where(tx.document_id == doc.id, tx.container_id.in_(ids))
            .limit(1)
        ).scalar()
        if dest is not None:
            return int(dest)
    raise InvalidInput(field="container", reason="a container moved with no contents")


def check_reversible(s: Session, doc: Document) -> None:
    """A document whose units are packed now, or that moved containers, is not reversed
    unit by unit behind the containers' backs: unpack first."""
    for tx in (SerialTransaction, LotTransaction):
        moved = s.execute(
            select(Container.code)
            .join(tx, tx.container_id == Container.id)
            .where(tx.document_id == doc.id)
            .limit(1)
        ).scalar()
        if moved is not None:
            raise CannotReverse(
                document=doc.number,
                reason=f"it moved container {moved} whole; move the container back instead",
            )
    packed = s.execute(
        select(Container.code)
        .join(ContainerSerial, ContainerSerial.container_id == Container.id)
        .join(SerialTransaction, SerialTransaction.serial_id == ContainerSerial.serial_id)
        .where(SerialTransaction.document_id == doc.id)
        .limit(1)
    ).scalar()
    if packed is None:
        packed = s.execute(
            select(Container.code)
            .join(ContainerLot, ContainerLot.container_id == Container.id)
            .join(LotTransaction, LotTransaction.lot_id == ContainerLot.lot_id)
            .where(LotTransaction.document_id == doc.id, Container.status == "in_stock")
            .limit(1)
        ).scalar()
    if packed is not None:
        raise CannotReverse(
            document=doc.number, reason=f"some of its units are packed in {packed}: unpack first"
        )
