"""Packing and unpacking containers, each step recorded (who, when, where) and reversible.

Everything packed must be in stock at the container's location, held by no document and
in no other container (``repack`` takes serials and cases out of theirs first, as a
step of its own); a lot quantity takes loose units only. Unpacking takes out only what
is in the container itself. Each step writes one ``pack_operations`` record with its
lines and a ``container.packed`` / ``container.unpacked`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tracking_core import events, validate
from tracking_core.catalog import item_row, location_code
from tracking_core.containers import (
    ancestor_ids,
    container_row,
    raise_height,
    require_free,
)
from tracking_core.context import Ctx
from tracking_core.errors import (
    AlreadyPacked,
    ContainerCycle,
    InvalidInput,
    NotPackable,
    NotPacked,
    PackAlreadyReversed,
    SerialAmbiguous,
    TrackingMismatch,
    UnknownLot,
    UnknownPackOperation,
    UnknownSerial,
)
from tracking_core.models import (
    Container,
    ContainerLot,
    ContainerSerial,
    Document,
    Item,
    Lot,
    LotStock,
    PackOperation,
    PackOperationLine,
    SerialNumber,
)
from tracking_core.serial_lots import lot_row
from tracking_core.values import PackedLot, PackedSerial, PackRecord
from tracking_core.vocabulary import PackAction

SerialRef = tuple[str | None, str]  # (item or None: by the serial alone, serial)
LotRef = tuple[str, str, int]  # (item, lot, quantity)


@dataclass
class _Things:
    """What one step moves, resolved to rows."""

    serials: list[SerialNumber] = field(default_factory=list)
    lots: list[tuple[Lot, int]] = field(default_factory=list)
    children: list[Container] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.serials or self.lots or self.children)


def _serial(ctx: Ctx, item: str | None, serial: str) -> SerialNumber:
    s = ctx.session
    sn = validate.code("serial", serial)
    q = select(SerialNumber).where(SerialNumber.serial == sn)
    if item:
        q = q.where(SerialNumber.item_id == item_row(s, item).id)
    rows = s.execute(q.with_for_update()).scalars().all()
    if not rows:
        raise UnknownSerial(item=item, serial=sn)
    if len(rows) > 1:
        skus = s.execute(select(Item.sku).where(Item.id.in_([r.item_id for r in rows])))
        raise SerialAmbiguous(serial=sn, items=sorted(skus.scalars()))
    return rows[0]


def _lot(ctx: Ctx, item: str, lot: str) -> Lot:
    s = ctx.session
    it = item_row(s, item)
    if it.tracking != "lot":
        raise TrackingMismatch(item=it.sku, tracking=it.tracking, expected="lot")
    row = lot_row(s, it, validate.code("lot", lot), lock=True)
    if row is None:
        raise UnknownLot(item=it.sku, lot=lot)
    return row


def _what_serial(ctx: Ctx, row: SerialNumber) -> str:
    it = ctx.session.get(Item, row.item_id)
    return f"serial {row.serial} of {it.sku if it else '?'}"


def _code(ctx: Ctx, container_id: int) -> str:
    return str(
        ctx.session.execute(select(Container.code).where(Container.id == container_id)).scalar_one()
    )


def _resolve(
    ctx: Ctx,
    serials: Sequence[SerialRef],
    lots: Sequence[LotRef],
    containers: Sequence[str],
) -> _Things:
    things = _Things()
    seen: set[int] = set()
    for item, sn in serials:
        row = _serial(ctx, item, sn)
        if row.id in seen:
            raise InvalidInput(field="serials", reason=f"serial {row.serial} is listed twice")
        seen.add(row.id)
        things.serials.append(row)
    lot_seen: set[int] = set()
    for item, lot, qty in lots:
        lot_row_ = _lot(ctx, item, lot)
        if lot_row_.id in lot_seen:
            raise InvalidInput(field="lots", reason=f"lot {lot_row_.lot} is listed twice")
        lot_seen.add(lot_row_.id)
        things.lots.append((lot_row_, validate.quantity(qty)))
    codes: set[str] = set()
    for code in containers:
        child = container_row(ctx.session, code, lock=True)
        if child.code in codes:
            raise InvalidInput(field="containers", reason=f"container {child.code} is listed twice")
        codes.add(child.code)
        things.children.append(child)
    return things


def pack(
    ctx: Ctx,
    code: str,
    *,
    serials: Sequence[SerialRef] = (),
    lots: Sequence[LotRef] = (),
    containers: Sequence[str] = (),
    repack: bool = False,
) -> PackRecord:
    """Put serials, loose lot quantities and containers into the container ``code``."""
    s = ctx.session
    box = container_row(s, code, lock=True)
    require_free(s, box, "only a container in stock and held by no document can be packed")
    things = _resolve(ctx, serials, lots, containers)
    if not things:
        raise InvalidInput(field="serials", reason="nothing to pack")
    return _pack_things(ctx, box, things, repack=repack)


def _pack_things(
    ctx: Ctx, box: Container, things: _Things, *, repack: bool, reverses: int | None = None
) -> PackRecord:
    """Check that ``things`` may go into ``box``, put them in and record the step."""
    s = ctx.session
    here = location_code(s, box.location_id)
    moved_out: dict[int, _Things] = {}  # repack: what leaves which container first
    for row in things.serials:
        what = _what_serial(ctx, row)
        if row.status != "in_stock" or row.reserved_line_id is not None:
            raise NotPackable(what=what, container=box.code, reason=f"it is {row.status}")
        if row.location_id != box.location_id:
            there = location_code(s, row.location_id)
            raise NotPackable(
                what=what, container=box.code, reason=f"it is at {there}, the container at {here}"
            )
        held = s.get(ContainerSerial, row.id)
        if held is not None:
            if held.container_id == box.id or not repack:
                raise AlreadyPacked(what=what, container=_code(ctx, held.container_id))
            moved_out.setdefault(held.container_id, _Things()).serials.append(row)
    for lot, qty in things.lots:
        stock = s.get(LotStock, (lot.id, box.location_id), with_for_update=True)
        loose = stock.on_hand - stock.allocated - stock.packed if stock else 0
        if loose < qty:
            raise NotPackable(
                what=f"{qty} of lot {lot.lot}",
                container=box.code,
                reason=f"{max(loose, 0)} are loose and free at {here}",
            )
    inside = [box.id, *ancestor_ids(s, box)]
    for child in things.children:
        if child.id in inside:
            raise ContainerCycle(container=child.code, into=box.code)
        require_free(s, child, "only a container in stock and held by no document can be packed")
        if child.location_id != box.location_id:
            there = location_code(s, child.location_id)
            raise NotPackable(
                what=f"container {child.code}",
                container=box.code,
                reason=f"it is at {there}, the container at {here}",
            )
        if child.parent_id is not None:
            if not repack:
                raise AlreadyPacked(
                    what=f"container {child.code}", container=_code(ctx, child.parent_id)
                )
            moved_out.setdefault(child.parent_id, _Things()).children.append(child)
    for old_id, out in sorted(moved_out.items()):
        old = s.get(Container, old_id, with_for_update=True)
        assert old is not None
        _take_out(ctx, old, out)
        _record(ctx, "unpack", old, out)
    _put_in(ctx, box, things)
    return _record(ctx, "pack", box, things, reverses=reverses)


def unpack(
    ctx: Ctx,
    code: str,
    *,
    serials: Sequence[SerialRef] = (),
    lots: Sequence[LotRef] = (),
    containers: Sequence[str] = (),
    everything: bool = False,
    document: Document | None = None,
) -> PackRecord:
    """Take things out of the container ``code`` (``everything``: all it holds itself)."""
    s = ctx.session
    box = container_row(s, code, lock=True)
    if document is None:
        require_free(s, box, "only a container in stock and held by no document can be unpacked")
    if everything:
        if serials or lots or containers:
            raise InvalidInput(field="all", reason="give either all or what to unpack")
        things = _everything(ctx, box)
        if not things:
            raise InvalidInput(field="all", reason=f"container {box.code} is empty")
    else:
        things = _resolve(ctx, serials, lots, containers)
        if not things:
            raise InvalidInput(field="serials", reason="nothing to unpack")
    _take_out(ctx, box, things)
    return _record(ctx, "unpack", box, things, document=document)


def _everything(ctx: Ctx, box: Container) -> _Things:
    s = ctx.session
    ids = select(ContainerSerial.serial_id).where(ContainerSerial.container_id == box.id)
    return _Things(
        serials=list(
            s.execute(
                select(SerialNumber).where(SerialNumber.id.in_(ids)).order_by(SerialNumber.id)
            ).scalars()
        ),
        lots=[
            (lot, int(q))
            for lot, q in s.execute(
                select(Lot, ContainerLot.quantity)
                .join(ContainerLot, ContainerLot.lot_id == Lot.id)
                .where(ContainerLot.container_id == box.id)
                .order_by(Lot.id)
            )
        ],
        children=list(
            s.execute(
                select(Container).where(Container.parent_id == box.id).order_by(Container.id)
            ).scalars()
        ),
    )


def _put_in(ctx: Ctx, box: Container, things: _Things) -> None:
    s = ctx.session
    for row in things.serials:
        s.add(ContainerSerial(serial_id=row.id, container_id=box.id, location_id=box.location_id))
    for lot, qty in things.lots:
        held = s.get(ContainerLot, (box.id, lot.id), with_for_update=True)
        if held is None:
            s.add(
                ContainerLot(
                    container_id=box.id, lot_id=lot.id, location_id=box.location_id, quantity=qty
                )
            )
        else:
            held.quantity += qty
        _packed(ctx, lot.id, box.location_id, qty)
    for child in things.children:
        raise_height(s, box, child.height + 1)
        child.parent_id = box.id
        child.parent_height = box.height
    s.flush()


def _take_out(ctx: Ctx, box: Container, things: _Things) -> None:
    s = ctx.session
    for row in things.serials:
        held = s.get(ContainerSerial, row.id)
        if held is None or held.container_id != box.id:
            raise NotPacked(what=_what_serial(ctx, row), container=box.code)
    for lot, qty in things.lots:
        held_lot = s.get(ContainerLot, (box.id, lot.id), with_for_update=True)
        if held_lot is None or held_lot.quantity < qty:
            raise NotPacked(what=f"{qty} of lot {lot.lot}", container=box.code)
    for child in things.children:
        if child.parent_id != box.id:
            raise NotPacked(what=f"container {child.code}", container=box.code)
    if things.serials:
        s.execute(
            delete(ContainerSerial)
            .where(ContainerSerial.serial_id.in_([r.id for r in things.serials]))
            .execution_options(synchronize_session="fetch")
        )
    for lot, qty in things.lots:
        held_lot = s.get(ContainerLot, (box.id, lot.id))
        assert held_lot is not None
        if held_lot.quantity == qty:
            s.delete(held_lot)
        else:
            held_lot.quantity -= qty
        if box.status == "in_stock":  # a held container's units are counted as allocated
            _packed(ctx, lot.id, box.location_id, -qty)
    for child in things.children:
        child.parent_id = None
        child.parent_height = None
    s.flush()


def _packed(ctx: Ctx, lot_id: int, location_id: int | None, qty: int) -> None:
    if location_id is None or qty == 0:
        return
    ctx.session.execute(
        update(LotStock)
        .where(LotStock.lot_id == lot_id, LotStock.location_id == location_id)
        .values(packed=LotStock.packed + qty)
        .execution_options(synchronize_session="fetch")
    )


def _record(
    ctx: Ctx,
    action: PackAction,
    box: Container,
    things: _Things,
    *,
    document: Document | None = None,
    reverses: int | None = None,
) -> PackRecord:
    s = ctx.session
    op = PackOperation(
        action=action,
        container_id=box.id,
        location_id=box.location_id,
        document_id=document.id if document else None,
        reverses_id=reverses,
        at=ctx.now,
        **ctx.who(),
    )
    s.add(op)
    s.flush()
    lines: list[dict[str, Any]] = []
    for row in things.serials:
        lines.append({"serial_id": row.id, "quantity": 1})
    for lot, qty in things.lots:
        lines.append({"lot_id": lot.id, "quantity": qty})
    for child in things.children:
        lines.append({"child_id": child.id, "quantity": 1})
    s.add_all(PackOperationLine(operation_id=op.id, line_no=i, **x) for i, x in enumerate(lines, 1))
    s.flush()
    record = _as_record(ctx, op, box, things, document)
    events.emit(
        ctx,
        f"container.{'packed' if action == 'pack' else 'unpacked'}",
        document=record.document,
        data={
            "operation": record.id,
            "container": box.code,
            "scheme": box.scheme,
            "location": record.location,
            "document": record.document,
            "reverses": reverses,
            "serials": [{"item": x.item, "serial": x.serial} for x in record.serials],
            "lots": [{"item": x.item, "lot": x.lot, "quantity": x.quantity} for x in record.lots],
            "containers": list(record.containers),
        },
    )
    return record


def _skus(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    q = select(Item.id, Item.sku).where(Item.id.in_(ids))
    return {int(i): str(sku) for i, sku in ctx.session.execute(q)}


def _as_record(
    ctx: Ctx, op: PackOperation, box: Container, things: _Things, document: Document | None
) -> PackRecord:
    skus = _skus(ctx, {r.item_id for r in things.serials} | {lot.item_id for lot, _ in things.lots})
    return PackRecord(
        id=op.id,
        action=op.action,
        container=box.code,
        location=location_code(ctx.session, op.location_id),
        document=document.number if document else None,
        at=op.at,
        operator=op.operator,
        token=op.token,
        device=op.device,
        reverses=op.reverses_id,
        serials=tuple(PackedSerial(skus[r.item_id], r.serial) for r in things.serials),
        lots=tuple(PackedLot(skus[lot.item_id], lot.lot, qty) for lot, qty in things.lots),
        containers=tuple(c.code for c in things.children),
    )


def _operation_things(ctx: Ctx, op_id: int) -> _Things:
    s = ctx.session
    things = _Things()
    for ln in s.execute(
        select(PackOperationLine)
        .where(PackOperationLine.operation_id == op_id)
        .order_by(PackOperationLine.line_no)
    ).scalars():
        if ln.serial_id is not None:
            row = s.get(SerialNumber, ln.serial_id, with_for_update=True)
            assert row is not None
            things.serials.append(row)
        elif ln.lot_id is not None:
            lot = s.get(Lot, ln.lot_id, with_for_update=True)
            assert lot is not None
            things.lots.append((lot, ln.quantity))
        elif ln.child_id is not None:
            child = s.get(Container, ln.child_id, with_for_update=True)
            assert child is not None
            things.children.append(child)
    return things


def reverse_pack(ctx: Ctx, operation: int) -> PackRecord:
    """Undo a packing step with the opposite step, which names it; a step is undone once."""
    s = ctx.session
    if not isinstance(operation, int) or isinstance(operation, bool) or operation < 1:
        raise InvalidInput(field="operation", reason="must be a packing step's id")
    op = s.get(PackOperation, operation)
    if op is None:
        raise UnknownPackOperation(key=str(operation))
    done = s.execute(
        select(PackOperation.id).where(PackOperation.reverses_id == op.id)
    ).scalar_one_or_none()
    if done is not None:
        raise PackAlreadyReversed(operation=op.id, reversal=int(done))
    if op.reverses_id is not None:
        raise InvalidInput(
            field="operation", reason=f"step {op.id} is itself a reversal: pack or unpack anew"
        )
    box = s.get(Container, op.container_id, with_for_update=True)
    assert box is not None
    require_free(s, box, "only a container in stock and held by no document can be repacked")
    things = _operation_things(ctx, op.id)
    if op.action == "pack":
        _take_out(ctx, box, things)
        return _record(ctx, "unpack", box, things, reverses=op.id)
    # packing back makes every check a pack makes (still here, still free, still loose)
    return _pack_things(ctx, box, things, repack=False, reverses=op.id)


def unpack_picked(ctx: Ctx, doc: Document, serial_ids: Sequence[int]) -> None:
    """Serials allocated one by one out of a case no document holds: a partial pick,
    which takes them out of it (an unpack record naming the document)."""
    s = ctx.session
    if not serial_ids:
        return
    rows = s.execute(
        select(Container.code, Item.sku, SerialNumber.serial)
        .join(ContainerSerial, ContainerSerial.container_id == Container.id)
        .join(SerialNumber, SerialNumber.id == ContainerSerial.serial_id)
        .join(Item, Item.id == SerialNumber.item_id)
        .where(ContainerSerial.serial_id.in_(serial_ids), Container.status == "in_stock")
        .order_by(Container.code, SerialNumber.id)
    ).all()
    for code, group in groupby(rows, key=lambda r: r[0]):
        picked = [(sku, sn) for _, sku, sn in group]
        unpack(ctx, code, serials=picked, document=doc)


def records_of(s: Session, box: Container) -> list[PackRecord]:
    """A container's packing steps, oldest first (a fixed number of queries)."""
    ops = list(
        s.execute(
            select(PackOperation)
            .where(PackOperation.container_id == box.id)
            .order_by(PackOperation.id)
        ).scalars()
    )
    if not ops:
        return []
    lines = s.execute(
        select(PackOperationLine, SerialNumber.serial, Lot.lot, Item.sku, Container.code)
        .outerjoin(SerialNumber, SerialNumber.id == PackOperationLine.serial_id)
        .outerjoin(Lot, Lot.id == PackOperationLine.lot_id)
        .outerjoin(Item, Item.id == func.coalesce(SerialNumber.item_id, Lot.item_id))
        .outerjoin(Container, Container.id == PackOperationLine.child_id)
        .where(PackOperationLine.operation_id.in_([o.id for o in ops]))
        .order_by(PackOperationLine.operation_id, PackOperationLine.line_no)
    ).all()
    by_op: dict[int, list[Any]] = {}
    for ln, serial, lot, sku, child in lines:
        by_op.setdefault(ln.operation_id, []).append((ln, serial, lot, sku, child))
    docs = {
        d.id: d.number
        for d in s.execute(
            select(Document).where(Document.id.in_({o.document_id for o in ops}))
        ).scalars()
    }
    out = []
    for op in ops:
        got = by_op.get(op.id, [])
        out.append(
            PackRecord(
                id=op.id,
                action=op.action,
                container=box.code,
                location=location_code(s, op.location_id),
                document=docs.get(op.document_id) if op.document_id else None,
                at=op.at,
                operator=op.operator,
                token=op.token,
                device=op.device,
                reverses=op.reverses_id,
                serials=tuple(PackedSerial(sku, sn) for ln, sn, _l, sku, _c in got if sn),
                lots=tuple(PackedLot(sku, lot, ln.quantity) for ln, _s, lot, sku, _c in got if lot),
                containers=tuple(c for _ln, _s, _l, _k, c in got if c),
            )
        )
    return out
