"""Receiving announced containers: one scan of an SSCC, open-and-check, posting, cancel.

Receiving a container generates everything under it on the receipt's lines through the
same steps as scanning each number (``serials.generate_serials``, ``lots.generate_lot``:
their checks hold), makes the tree ``pending`` and packs the contents in it (no location
yet). A container that was opened and checked (``check_container``) is received as the
check found it: the operator's count is the truth, the notice a claim, and the
discrepancies stay on record. Posting puts the trees in stock at their line's location
and writes one ``pack`` record per container naming the receipt (the vendor's packing, as
received); cancelling drops the receipt's announced containers. See
docs/receiving-by-sscc.md.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from tracking_core import events, lots, serials
from tracking_core.catalog import location_code
from tracking_core.container_checks import discrepancies_of
from tracking_core.containers import container_row, subtree_ids
from tracking_core.context import Ctx
from tracking_core.models import (
    CheckedContent,
    Container,
    ContainerCheck,
    ContainerLot,
    ContainerSerial,
    Document,
    DocumentLine,
    ExpectedContent,
    Item,
    Lot,
    LotStock,
    PackOperation,
    PackOperationLine,
    SerialNumber,
)
from tracking_core.notice_contents import (
    Content,
    checked_rows,
    effective_contents,
    expected_rows,
    latest_checks,
    lines_by_id,
    receipt_row,
    require_announced,
    table,
)
from tracking_core.serials import chunks
from tracking_core.ship_notice_values import (
    ContainerReceipt,
    ReceivedLine,
)


def receive_container(ctx: Ctx, number: str, code: str) -> ContainerReceipt:
    """One scan of an announced SSCC: everything under it, pending on the receipt's lines."""
    s = ctx.session
    doc = receipt_row(s, number)
    box = container_row(s, code, lock=True)
    require_announced(s, doc, box, checking=False)
    ids = subtree_ids(s, box.id)
    checks = latest_checks(s, ids)
    found = checked_rows(s, checks)
    # a serial found in a checked case is not also in an unopened one that was to hold it
    seen = {(r.line_id, r.serial) for r in found if r.serial is not None}
    rows = [
        r
        for r in expected_rows(s, ids)
        if r.container_id not in checks and (r.line_id, r.serial) not in seen
    ]
    rows += found
    checked = set(checks)
    line_rows = lines_by_id(s, {r.line_id for r in rows})
    warnings: list[str] = []
    received: list[ReceivedLine] = []

    def key(r: Content) -> tuple[int, str, str, str]:
        return (line_rows[r.line_id][0].line_no, r.lot or "", str(r.expiry or ""), r.serial or "")

    by_line = sorted(rows, key=key)
    for line_id, group in groupby(by_line, key=lambda r: r.line_id):
        ln, it = line_rows[line_id]
        here = list(group)
        done = _receive_line(ctx, doc, ln, it, here, warnings)
        received.append(done)
    s.execute(
        update(Container)
        .where(Container.id.in_(ids))
        .values(status="pending")
        .execution_options(synchronize_session="fetch")
    )
    _pack_pending(s, rows, line_rows)
    codes = dict(s.execute(select(Container.id, Container.code).where(Container.id.in_(ids))).all())
    diffs = discrepancies_of(s, sorted(checked, key=lambda i: codes[i]))
    return ContainerReceipt(
        document=doc.number,
        container=box.code,
        containers=tuple(codes[i] for i in ids),
        lines=tuple(received),
        checked=tuple(sorted(codes[i] for i in checked)),
        discrepancies=diffs,
        warnings=tuple(warnings),
    )


def _receive_line(
    ctx: Ctx, doc: Document, ln: DocumentLine, it: Item, rows: list[Content], warnings: list[str]
) -> ReceivedLine:
    """Generate a line's contents: one step per (lot, expiry), as scanning them would."""
    lot_qty: list[tuple[str, int]] = []
    serial_count = 0
    assigned = 0
    units = sum(r.quantity for r in rows)
    for (lot, expiry), group in groupby(rows, key=lambda r: (r.lot, r.expiry)):
        part = list(group)
        if it.tracking == "serial":
            a = serials.generate_serials(
                ctx,
                doc.number,
                line=ln.line_no,
                serials=[str(r.serial) for r in part],
                lot=lot,
                expiry=expiry,
            )
            serial_count += len(part)
        elif it.tracking == "lot":
            qty = sum(r.quantity for r in part)
            a = lots.generate_lot(
                ctx, doc.number, quantity=qty, line=ln.line_no, lot=lot, expiry=expiry
            )
            lot_qty.append((str(lot), qty))
        else:
            continue  # untracked: no stock rows to make; the line's quantity says it
        assigned = a.assigned
        warnings += a.warnings
    return ReceivedLine(
        line=ln.line_no,
        item=it.sku,
        serials=serial_count,
        lots=tuple(lot_qty),
        quantity=units,
        assigned=assigned,
        line_quantity=ln.quantity,
    )


def _pack_serials(s: Session, rows: list[Content]) -> None:
    """Each pending serial into its container: the lines' serials read as plain rows and
    inserted in chunks (an INSERT ... SELECT joining on the serial text plans badly on
    SQLite)."""
    wanted = [r for r in rows if r.serial is not None]
    ids: dict[tuple[int, str], int] = {}
    for line_id in sorted({r.line_id for r in wanted}):
        q = select(SerialNumber.id, SerialNumber.serial).where(
            SerialNumber.reserved_line_id == line_id
        )
        ids.update(((line_id, str(sn)), int(i)) for i, sn in s.execute(q))
    packed = [
        {
            "serial_id": ids[(r.line_id, str(r.serial))],
            "container_id": r.container_id,
            "location_id": None,
        }
        for r in wanted
    ]
    for part in chunks(packed):
        s.execute(insert(table(ContainerSerial)), list(part))


def _pack_pending(
    s: Session,
    rows: list[Content],
    line_rows: dict[int, tuple[DocumentLine, Item]],
) -> None:
    """The pending contents into their containers (no location until posting)."""
    _pack_serials(s, rows)
    sums: dict[tuple[int, int], int] = {}
    for r in rows:
        it = line_rows[r.line_id][1]
        if it.tracking != "lot" or r.lot is None:
            continue
        lot = lots.lot_row(s, it, r.lot)
        assert lot is not None  # generated just now
        k = (r.container_id, lot.id)
        sums[k] = sums.get(k, 0) + r.quantity
    if sums:
        s.execute(
            insert(table(ContainerLot)),
            [
                {"container_id": c, "lot_id": lot_id, "location_id": None, "quantity": q}
                for (c, lot_id), q in sorted(sums.items())
            ],
        )
    s.flush()


# --- posting and cancelling (called from tracking_core/posting.py) ----------------------------


PORTIONS = "scantrack.pending_lot_portions"  # Session.info: doc id -> the split, per post


def _pending_lots(s: Session, doc: Document) -> dict[tuple[int, str], dict[int, int]]:
    """(line id, lot) -> {container id: quantity} over the document's pending containers,
    read once per posting (``after_posting`` forgets it)."""
    cache: dict[int, dict[tuple[int, str], dict[int, int]]] = s.info.setdefault(PORTIONS, {})
    if doc.id not in cache:
        pending = list(
            s.execute(
                select(Container.id).where(
                    Container.document_id == doc.id, Container.status == "pending"
                )
            ).scalars()
        )
        split: dict[tuple[int, str], dict[int, int]] = {}
        for r in effective_contents(s, pending)[0] if pending else []:
            if r.lot is not None and r.serial is None:
                per = split.setdefault((r.line_id, r.lot), {})
                per[r.container_id] = per.get(r.container_id, 0) + r.quantity
        cache[doc.id] = split
    return cache[doc.id]


def lot_portions(
    s: Session, doc: Document, line_id: int, lot_id: int, qty: int
) -> list[tuple[int | None, int]]:
    """How an inbound line's lot quantity splits over the pending containers it came in:
    ``(container id, quantity)`` each, then ``(None, the loose rest)`` if any."""
    split = _pending_lots(s, doc)
    out: list[tuple[int | None, int]] = []
    left = qty
    if split:
        lot = s.get(Lot, lot_id)  # posting has read it: no statement
        assert lot is not None
        for cid, n in sorted(split.get((line_id, lot.lot), {}).items()):
            take = min(n, left)
            if take:
                out.append((cid, take))
                left -= take
    if left:
        out.append((None, left))
    return out


def after_posting(ctx: Ctx, doc: Document) -> None:
    """The posted receipt's pending containers go into stock at their line's location,
    packed (one ``pack`` record each, naming the receipt); announced ones never scanned in
    did not arrive, and go."""
    s = ctx.session
    s.info.get(PORTIONS, {}).pop(doc.id, None)
    held = list(
        s.execute(
            select(Container)
            .where(Container.document_id == doc.id, Container.status == "pending")
            .order_by(Container.id)
        ).scalars()
    )
    ids = [c.id for c in held]
    if held:
        rows, _ = effective_contents(s, ids)
        expected = expected_rows(s, ids)
        line_rows = lines_by_id(s, {r.line_id for r in rows + expected})
        place = {r.container_id: line_rows[r.line_id][0].location_id for r in expected + rows}
        roots = [c for c in held if c.parent_id is None]
        for root in roots:
            tree = subtree_ids(s, root.id)
            loc = next(place[i] for i in tree if i in place)
            _shelve(ctx, doc, tree, loc)
    drop_announced(ctx, doc, statuses=("expected",))


def _shelve(ctx: Ctx, doc: Document, tree: list[int], loc: int) -> None:
    s = ctx.session
    for model in (ContainerSerial, ContainerLot):
        s.execute(
            update(model)
            .where(model.container_id.in_(tree))
            .values(location_id=loc)
            .execution_options(synchronize_session="fetch")
        )
    s.execute(
        update(Container)
        .where(Container.id.in_(tree))
        .values(status="in_stock", location_id=loc, document_id=None)
        .execution_options(synchronize_session="fetch")
    )
    for lot_id, qty in s.execute(
        select(ContainerLot.lot_id, func.sum(ContainerLot.quantity))
        .where(ContainerLot.container_id.in_(tree))
        .group_by(ContainerLot.lot_id)
    ).all():
        s.execute(
            update(LotStock)
            .where(LotStock.lot_id == lot_id, LotStock.location_id == loc)
            .values(packed=LotStock.packed + int(qty))
            .execution_options(synchronize_session=False)
        )
    for cid in tree:
        _pack_record(ctx, doc, cid, loc)
    s.flush()


def _pack_record(ctx: Ctx, doc: Document, cid: int, loc: int) -> None:
    """The vendor's packing, as received: what the container holds itself and its children."""
    s = ctx.session
    box = s.get(Container, cid)
    assert box is not None
    op = PackOperation(
        action="pack",
        container_id=cid,
        location_id=loc,
        document_id=doc.id,
        at=ctx.now,
        **ctx.who(),
    )
    s.add(op)
    s.flush()
    sns = s.execute(
        select(SerialNumber.id, Item.sku, SerialNumber.serial)
        .join(ContainerSerial, ContainerSerial.serial_id == SerialNumber.id)
        .join(Item, Item.id == SerialNumber.item_id)
        .where(ContainerSerial.container_id == cid)
        .order_by(SerialNumber.id)
    ).all()
    lot_rows = s.execute(
        select(Lot.id, Item.sku, Lot.lot, ContainerLot.quantity)
        .join(ContainerLot, ContainerLot.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .where(ContainerLot.container_id == cid)
        .order_by(Lot.id)
    ).all()
    kids = s.execute(
        select(Container.id, Container.code)
        .where(Container.parent_id == cid)
        .order_by(Container.id)
    ).all()
    lines: list[dict[str, Any]] = [{"serial_id": i, "quantity": 1} for i, _, _ in sns]
    lines += [{"lot_id": i, "quantity": q} for i, _, _, q in lot_rows]
    lines += [{"child_id": i, "quantity": 1} for i, _ in kids]
    rows = [{"operation_id": op.id, "line_no": n, **x} for n, x in enumerate(lines, 1)]
    for part in chunks(rows):
        s.execute(insert(table(PackOperationLine)), list(part))
    where = location_code(s, loc)
    events.emit(
        ctx,
        "container.packed",
        document=doc.number,
        data={
            "operation": op.id,
            "container": box.code,
            "scheme": box.scheme,
            "location": where,
            "document": doc.number,
            "reverses": None,
            "serials": [{"item": sku, "serial": sn} for _, sku, sn in sns],
            "lots": [{"item": sku, "lot": lot, "quantity": q} for _, sku, lot, q in lot_rows],
            "containers": [c for _, c in kids],
        },
    )


def drop_announced(
    ctx: Ctx, doc: Document, *, statuses: tuple[str, ...] = ("expected", "pending")
) -> None:
    """Remove the document's announced containers (cancel: all; posting: those never
    scanned in). No record names them, so their rows go; pending contents are released by
    the caller after this (their serials vanish with the line's)."""
    s = ctx.session
    ids = list(
        s.execute(
            select(Container.id).where(
                Container.document_id == doc.id, Container.status.in_(statuses)
            )
        ).scalars()
    )
    if not ids:
        return
    checks = select(ContainerCheck.id).where(ContainerCheck.container_id.in_(ids))
    for stmt in (
        delete(ContainerSerial).where(ContainerSerial.container_id.in_(ids)),
        delete(ContainerLot).where(ContainerLot.container_id.in_(ids)),
        delete(CheckedContent).where(CheckedContent.check_id.in_(checks)),
        delete(ContainerCheck).where(ContainerCheck.container_id.in_(ids)),
        delete(ExpectedContent).where(ExpectedContent.container_id.in_(ids)),
        delete(Container).where(Container.id.in_(ids)),
    ):
        s.execute(stmt.execution_options(synchronize_session=False))
