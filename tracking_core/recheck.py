"""A received (pending) container checked after all: what is pending in it follows the check.

The operator's count is the truth (docs/receiving-by-sscc.md), before receiving and after:
serials not found are taken off the receipt (pending ones vanish), serials found are put in
the container (moved from the receipt's other container they were pending in, or generated
through ``serials.generate_serials``), and lot quantities follow the count (more generated
through ``lots.generate_lot``, fewer released from the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from tracking_core import lots, serials
from tracking_core.context import Ctx
from tracking_core.models import (
    Container,
    ContainerLot,
    ContainerSerial,
    Document,
    DocumentLine,
    Item,
    LineLot,
    Lot,
    SerialNumber,
)

Found = tuple[int, str | None, str | None, int]  # (line id, serial, lot, quantity)


def _line(s: Session, line_id: int) -> tuple[DocumentLine, Item]:
    ln = s.get(DocumentLine, line_id)
    assert ln is not None
    it = s.get(Item, ln.item_id)
    assert it is not None
    return ln, it


def follow_check(ctx: Ctx, doc: Document, box: Container, found: Sequence[Found]) -> None:
    """Make what is pending in the container (itself, not its children) what was found."""
    s = ctx.session
    box_id = box.id
    _follow_serials(ctx, doc, box_id, [(ln, str(sn)) for ln, sn, _, _ in found if sn])
    _follow_lots(
        ctx, doc, box_id, [(ln, str(lot), q) for ln, sn, lot, q in found if lot and not sn]
    )
    s.flush()


def _follow_serials(ctx: Ctx, doc: Document, box_id: int, found: list[tuple[int, str]]) -> None:
    s = ctx.session
    held = {
        (int(line_id or 0), str(sn)): int(i)
        for i, sn, line_id in s.execute(
            select(SerialNumber.id, SerialNumber.serial, SerialNumber.reserved_line_id)
            .join(ContainerSerial, ContainerSerial.serial_id == SerialNumber.id)
            .where(ContainerSerial.container_id == box_id)
        )
    }
    wanted = set(found)
    gone = [i for k, i in held.items() if k not in wanted]
    if gone:
        s.execute(
            delete(ContainerSerial)
            .where(ContainerSerial.serial_id.in_(gone))
            .execution_options(synchronize_session=False)
        )
        serials.release_serials(s, gone)
    new = [k for k in found if k not in held]
    by_line: dict[int, list[str]] = {}
    for line_id, sn in new:
        by_line.setdefault(line_id, []).append(sn)
    rows = cast(Table, ContainerSerial.__table__)
    for line_id, numbers in sorted(by_line.items()):
        pending = {
            str(sn): int(i)
            for i, sn in s.execute(
                select(SerialNumber.id, SerialNumber.serial).where(
                    SerialNumber.reserved_line_id == line_id, SerialNumber.serial.in_(numbers)
                )
            )
        }
        if pending:  # pending on the receipt already (in another case of it, or loose)
            ids = list(pending.values())
            s.execute(
                delete(ContainerSerial)
                .where(ContainerSerial.serial_id.in_(ids))
                .execution_options(synchronize_session=False)
            )
        fresh = [sn for sn in numbers if sn not in pending]
        if fresh:
            ln, _ = _line(s, line_id)
            serials.generate_serials(ctx, doc.number, line=ln.line_no, serials=fresh)
            pending.update(
                (str(sn), int(i))
                for i, sn in s.execute(
                    select(SerialNumber.id, SerialNumber.serial).where(
                        SerialNumber.reserved_line_id == line_id, SerialNumber.serial.in_(fresh)
                    )
                )
            )
        s.execute(
            insert(rows),
            [
                {"serial_id": i, "container_id": box_id, "location_id": None}
                for i in pending.values()
            ],
        )


def _follow_lots(ctx: Ctx, doc: Document, box_id: int, found: list[tuple[int, str, int]]) -> None:
    s = ctx.session
    held: dict[int, tuple[Lot, int]] = {
        lot.id: (lot, int(q))
        for lot, q in s.execute(
            select(Lot, ContainerLot.quantity)
            .join(ContainerLot, ContainerLot.lot_id == Lot.id)
            .where(ContainerLot.container_id == box_id)
        )
    }
    counted: dict[tuple[int, str], int] = {}
    for line_id, lot, q in found:
        counted[(line_id, lot)] = counted.get((line_id, lot), 0) + q
    seen: set[int] = set()
    for (line_id, lot_text), q in sorted(counted.items()):
        ln, it = _line(s, line_id)
        row = lots.lot_row(s, it, lot_text)
        have = held.get(row.id, (row, 0))[1] if row is not None else 0
        if row is not None:
            seen.add(row.id)
        if q > have:
            lots.generate_lot(ctx, doc.number, quantity=q - have, line=ln.line_no, lot=lot_text)
            row = lots.lot_row(s, it, lot_text)
            assert row is not None
        elif q < have:
            assert row is not None
            _release(s, doc, row.id, have - q)
        _set_packed(s, box_id, row.id if row else 0, q)
    for lot_id, (_lot, have) in held.items():
        if lot_id not in seen:
            _release(s, doc, lot_id, have)
            _set_packed(s, box_id, lot_id, 0)


def _release(s: Session, doc: Document, lot_id: int, qty: int) -> None:
    """``qty`` of a lot off the receipt's lines that hold it (the last line first)."""
    left = qty
    for ll, ln in s.execute(
        select(LineLot, DocumentLine)
        .join(DocumentLine, DocumentLine.id == LineLot.line_id)
        .where(DocumentLine.document_id == doc.id, LineLot.lot_id == lot_id)
        .order_by(DocumentLine.line_no.desc())
    ).all():
        take = min(left, ll.quantity)
        lots.release_line_lot(s, ln, ll, take)
        left -= take
        if not left:
            return


def _set_packed(s: Session, box_id: int, lot_id: int, qty: int) -> None:
    row = s.get(ContainerLot, (box_id, lot_id))
    if qty == 0:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(ContainerLot(container_id=box_id, lot_id=lot_id, location_id=None, quantity=qty))
    else:
        row.quantity = qty
    s.flush()
