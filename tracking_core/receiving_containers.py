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

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from tracking_core import events, lots, recheck, serials, validate
from tracking_core.catalog import item_row, location_code
from tracking_core.containers import container_row, subtree_ids
from tracking_core.context import Ctx
from tracking_core.documents import open_document
from tracking_core.errors import (
    ContainerAlreadyReceived,
    ContainerNotAvailable,
    ContainerSpansLocations,
    InvalidInput,
    UnknownLine,
    WrongDocumentType,
)
from tracking_core.models import (
    Base,
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
from tracking_core.serials import chunks
from tracking_core.ship_notice_values import (
    CheckResult,
    ContainerReceipt,
    Discrepancy,
    NoticeContent,
    ReceivedLine,
)


def table(model: type[Base]) -> Table:
    """A model's table, for Core inserts: many rows at once without the ORM's bookkeeping
    (its bulk insert costs a pallet of serials most of a second)."""
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class Content:
    """One expected (or checked) thing in a container, as rows hold it."""

    container_id: int
    line_id: int
    serial: str | None
    lot: str | None
    quantity: int
    expiry: Any


def expected_rows(s: Session, ids: Sequence[int]) -> list[Content]:
    """What the notice says the containers ``ids`` hold themselves (plain rows: a pallet's
    10,000 serials are read as tuples, not as ORM objects)."""
    e = ExpectedContent
    out: list[Content] = []
    for part in chunks(list(ids)):
        q = (
            select(e.container_id, e.line_id, e.serial, e.lot, e.quantity, e.expiry_date)
            .where(e.container_id.in_(part))
            .order_by(e.id)
        )
        out += [Content(*r) for r in s.execute(q)]
    return out


def latest_checks(s: Session, ids: Sequence[int]) -> dict[int, ContainerCheck]:
    """Each checked container's latest check."""
    out: dict[int, ContainerCheck] = {}
    for part in chunks(list(ids)):
        last = (
            select(func.max(ContainerCheck.id))
            .where(ContainerCheck.container_id.in_(part))
            .group_by(ContainerCheck.container_id)
        )
        for row in s.execute(select(ContainerCheck).where(ContainerCheck.id.in_(last))).scalars():
            out[row.container_id] = row
    return out


def checked_rows(s: Session, checks: dict[int, ContainerCheck]) -> list[Content]:
    by_check = {c.id: cid for cid, c in checks.items()}
    out: list[Content] = []
    for part in chunks(list(by_check)):
        c = CheckedContent
        q = select(c.check_id, c.line_id, c.serial, c.lot, c.quantity, c.expiry_date)
        out += [
            Content(by_check[r[0]], *r[1:])
            for r in s.execute(q.where(c.check_id.in_(part)).order_by(c.id))
        ]
    return out


def effective_contents(s: Session, ids: Sequence[int]) -> tuple[list[Content], set[int]]:
    """What receiving the containers ``ids`` brings in: a checked container's latest check,
    an unchecked one's expected contents; and the ids of the checked ones."""
    checks = latest_checks(s, ids)
    rows = [r for r in expected_rows(s, ids) if r.container_id not in checks]
    return rows + checked_rows(s, checks), set(checks)


def _receipt(s: Session, number: str) -> Document:
    doc = open_document(s, number)
    if doc.doc_type != "receipt":
        raise WrongDocumentType(document=doc.number, doc_type=doc.doc_type, expected="receipt")
    return doc


def _require_expected(s: Session, doc: Document, box: Container, *, checking: bool) -> None:
    """``box`` is announced on ``doc`` and, to be received, not received yet and not on a
    pallet still expected (a case arrives with its pallet); a check may come after."""
    if box.document_id != doc.id or box.status not in ("expected", "pending"):
        holder = s.get(Document, box.document_id) if box.document_id else None
        status = box.status + (f" on {holder.number}" if holder else "")
        raise ContainerNotAvailable(
            container=box.code,
            status=status,
            reason=f"it is not on the ship notice of {doc.number}",
        )
    top = box
    while top.parent_id is not None:
        parent = s.get(Container, top.parent_id)
        assert parent is not None
        top = parent
    if box.status == "pending" and not checking:
        pallet = top.code if top.id != box.id else None
        raise ContainerAlreadyReceived(container=box.code, document=doc.number, pallet=pallet)
    if box.parent_id is not None and not checking:
        raise ContainerNotAvailable(
            container=box.code,
            status=f"inside {top.code}",
            reason=f"receive {top.code}: a case arrives with its pallet",
        )


def lines_by_id(s: Session, line_ids: set[int]) -> dict[int, tuple[DocumentLine, Item]]:
    if not line_ids:
        return {}
    q = (
        select(DocumentLine, Item)
        .join(Item, Item.id == DocumentLine.item_id)
        .where(DocumentLine.id.in_(sorted(line_ids)))
    )
    return {ln.id: (ln, it) for ln, it in s.execute(q)}


def receive_container(ctx: Ctx, number: str, code: str) -> ContainerReceipt:
    """One scan of an announced SSCC: everything under it, pending on the receipt's lines."""
    s = ctx.session
    doc = _receipt(s, number)
    box = container_row(s, code, lock=True)
    _require_expected(s, doc, box, checking=False)
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
    diffs = _discrepancies_of(s, sorted(checked, key=lambda i: codes[i]))
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


# --- open and check ----------------------------------------------------------------------


@dataclass
class _Scanned:
    line_id: int
    item_id: int
    serial: str | None
    lot: str | None
    quantity: int


def _line_for(
    s: Session,
    doc: Document,
    it: Item | None,
    expected: list[Content],
    everywhere: dict[str, int],
    line_rows: dict[int, tuple[DocumentLine, Item]],
    *,
    serial: str | None = None,
    lot: str | None = None,
    what: str,
) -> int:
    """The receipt line a scanned thing arrives on: the one the notice expects it on, else
    the container's (or, failing that, the receipt's) one line for its item."""
    if serial is not None and serial in everywhere:
        line_id = everywhere[serial]
        if it is None or line_rows[line_id][1].id == it.id:
            return line_id
    for r in expected:
        eit = line_rows[r.line_id][1]
        same_thing = (lot is not None and r.lot == lot) or (
            serial is not None and r.serial == serial
        )
        if same_thing and (it is None or eit.id == it.id):
            return r.line_id
    if it is None:  # the container's one line of this kind, if it has one
        tracked = "serial" if serial is not None else "lot"
        fits = {r.line_id for r in expected if line_rows[r.line_id][1].tracking == tracked}
        if len(fits) == 1:
            return next(iter(fits))
        raise InvalidInput(field="item", reason=f"{what}: name its item")
    own = sorted({r.line_id for r in expected if line_rows[r.line_id][1].id == it.id})
    if own:
        return own[0]
    lines = (
        s.execute(
            select(DocumentLine.id)
            .where(DocumentLine.document_id == doc.id, DocumentLine.item_id == it.id)
            .order_by(DocumentLine.line_no)
        )
        .scalars()
        .first()
    )
    if lines is None:
        raise UnknownLine(key=f"{doc.number}/{it.sku}")
    return int(lines)


def check_container(
    ctx: Ctx,
    number: str,
    code: str,
    *,
    serials: Sequence[tuple[str | None, str]] = (),
    lots: Sequence[tuple[str | None, str, int]] = (),
    quantities: Sequence[tuple[str, int]] = (),
) -> CheckResult:
    """An operator opened an announced container and scanned what it holds itself: the
    check is stored (the latest one is what receiving it brings in) and compared with the
    notice. Not received yet: check before receiving."""
    s = ctx.session
    doc = _receipt(s, number)
    box = container_row(s, code, lock=True)
    _require_expected(s, doc, box, checking=True)
    expected = expected_rows(s, [box.id])
    notice_serials = {
        str(sn): int(line_id)
        for sn, line_id in s.execute(
            select(ExpectedContent.serial, ExpectedContent.line_id)
            .join(DocumentLine, DocumentLine.id == ExpectedContent.line_id)
            .where(DocumentLine.document_id == doc.id, ExpectedContent.serial.is_not(None))
        )
    }
    all_lines = {
        ln.id
        for ln in s.execute(
            select(DocumentLine).where(DocumentLine.document_id == doc.id)
        ).scalars()
    }
    line_rows = lines_by_id(s, all_lines)
    scanned: list[_Scanned] = []
    seen: set[tuple[int, str]] = set()
    for item, raw in serials:
        sn = validate.serial_number(raw)
        it = item_row(s, item) if item else None
        line_id = _line_for(
            s, doc, it, expected, notice_serials, line_rows, serial=sn, what=f"serial {sn}"
        )
        key = (line_rows[line_id][1].id, sn)
        if key in seen:
            raise InvalidInput(field="serials", reason=f"serial {sn} is scanned twice")
        seen.add(key)
        _tracked(line_rows[line_id][1], "serial")
        scanned.append(_Scanned(line_id, line_rows[line_id][1].id, sn, None, 1))
    lot_seen: set[tuple[int, str]] = set()
    for item, raw_lot, qty in lots:
        lot = validate.lot_number(raw_lot)
        it = item_row(s, item) if item else None
        line_id = _line_for(s, doc, it, expected, {}, line_rows, lot=lot, what=f"lot {lot}")
        key = (line_rows[line_id][1].id, lot)
        if key in lot_seen:
            raise InvalidInput(field="lots", reason=f"lot {lot} is scanned twice")
        lot_seen.add(key)
        _tracked(line_rows[line_id][1], "lot")
        scanned.append(_Scanned(line_id, key[0], None, lot, validate.quantity(qty)))
    for item, qty in quantities:
        it = item_row(s, item)
        line_id = _line_for(s, doc, it, expected, {}, line_rows, what=f"item {it.sku}")
        _tracked(it, "none")
        scanned.append(_Scanned(line_id, it.id, None, None, validate.quantity(qty)))
    _one_place(s, box, expected, scanned, line_rows)
    if box.status == "pending":  # checked after it was received: what is pending follows
        recheck.follow_check(
            ctx, doc, box, [(x.line_id, x.serial, x.lot, x.quantity) for x in scanned]
        )
    check = ContainerCheck(container_id=box.id, document_id=doc.id, at=ctx.now, **ctx.who())
    s.add(check)
    s.flush()
    expiry = {(r.line_id, r.lot): r.expiry for r in expected if r.lot is not None}
    rows = [
        {
            "check_id": check.id,
            "line_id": x.line_id,
            "serial": x.serial,
            "lot": x.lot,
            "quantity": x.quantity,
            "expiry_date": expiry.get((x.line_id, x.lot)) if x.lot else None,
        }
        for x in scanned
    ]
    for part in chunks(rows):
        s.execute(insert(table(CheckedContent)), list(part))
    mine = [Content(box.id, x.line_id, x.serial, x.lot, x.quantity, None) for x in scanned]
    return CheckResult(
        document=doc.number,
        container=box.code,
        checked_at=ctx.now,
        expected=sum(r.quantity for r in expected),
        scanned=sum(x.quantity for x in scanned),
        discrepancies=compare(expected, mine, line_rows),
    )


def _tracked(it: Item, tracking: str) -> None:
    if it.tracking != tracking:
        names = {"serial": "serials", "lot": "lots", "none": "quantities"}
        raise InvalidInput(
            field=names[tracking], reason=f"{it.sku} is tracked by {it.tracking}: scan it so"
        )


def _one_place(
    s: Session,
    box: Container,
    expected: list[Content],
    scanned: list[_Scanned],
    line_rows: dict[int, tuple[DocumentLine, Item]],
) -> None:
    top = box
    while top.parent_id is not None:
        parent = s.get(Container, top.parent_id)
        assert parent is not None
        top = parent
    tree, _ = effective_contents(s, subtree_ids(s, top.id))
    places = {
        line_rows[r.line_id][0].location_id for r in tree + expected if r.line_id in line_rows
    }
    places |= {line_rows[x.line_id][0].location_id for x in scanned}
    if len(places) > 1:
        codes = sorted(location_code(s, i) or "?" for i in places)
        raise ContainerSpansLocations(container=box.code, locations=codes)


def compare(
    expected: list[Content], scanned: list[Content], line_rows: dict[int, tuple[DocumentLine, Item]]
) -> tuple[Discrepancy, ...]:
    """The discrepancies between what a container should hold and what was scanned in it."""
    out: list[Discrepancy] = []

    def at(r: Content) -> tuple[int, str]:
        ln, it = line_rows[r.line_id]
        return ln.line_no, it.sku

    # serials: by item and number
    want = {(line_rows[r.line_id][1].id, r.serial): r for r in expected if r.serial}
    got = {(line_rows[r.line_id][1].id, r.serial): r for r in scanned if r.serial}
    for k in sorted(set(want) - set(got), key=lambda k: (at(want[k]), k[1])):
        r = want[k]
        out.append(Discrepancy("missing", *at(r), 1, serial=r.serial, lot=r.lot))
    for k in sorted(set(got) - set(want), key=lambda k: (at(got[k]), k[1])):
        out.append(Discrepancy("extra", *at(got[k]), 1, serial=got[k].serial))

    # lots and untracked quantities: by item and lot
    def sums(rows: list[Content]) -> dict[tuple[int, str | None], int]:
        out: dict[tuple[int, str | None], int] = {}
        for r in rows:
            k = (line_rows[r.line_id][1].id, r.lot)
            out[k] = out.get(k, 0) + r.quantity
        return out

    wq = sums([r for r in expected if not r.serial])
    gq = sums([r for r in scanned if not r.serial])
    item_of = {line_rows[r.line_id][1].id: r for r in expected + scanned}
    for item_id in sorted(set(k[0] for k in wq) | set(k[0] for k in gq)):
        sample = item_of[item_id]
        line_no, sku = at(sample)
        w = {lot: q for (i, lot), q in wq.items() if i == item_id}
        g = {lot: q for (i, lot), q in gq.items() if i == item_id}
        for lot in sorted(set(w) & set(g), key=str):
            if w[lot] != g[lot]:
                out.append(
                    Discrepancy(
                        "wrong_quantity", line_no, sku, g[lot], lot=lot, expected_quantity=w[lot]
                    )
                )
        only_w = sorted((lot for lot in w if lot not in g), key=str)
        only_g = sorted((lot for lot in g if lot not in w), key=str)
        for lot in list(only_w):
            other = next((x for x in only_g if g[x] == w[lot]), None)
            if other is not None:  # the same quantity under another lot
                out.append(
                    Discrepancy(
                        "wrong_lot",
                        line_no,
                        sku,
                        g[other],
                        lot=other,
                        expected_lot=lot,
                        expected_quantity=w[lot],
                    )
                )
                only_w.remove(lot)
                only_g.remove(other)
        out += [Discrepancy("missing", line_no, sku, w[lot], lot=lot) for lot in only_w]
        out += [Discrepancy("extra", line_no, sku, g[lot], lot=lot) for lot in only_g]
    return tuple(out)


def _discrepancies_of(s: Session, ids: Sequence[int]) -> tuple[Discrepancy, ...]:
    """The discrepancies of the latest checks of the containers ``ids``."""
    checks = latest_checks(s, ids)
    if not checks:
        return ()
    expected = expected_rows(s, list(checks))
    scanned = checked_rows(s, checks)
    line_rows = lines_by_id(s, {r.line_id for r in expected + scanned})
    out: list[Discrepancy] = []
    for cid in ids:
        if cid in checks:
            mine = [r for r in expected if r.container_id == cid]
            found = [r for r in scanned if r.container_id == cid]
            out += compare(mine, found, line_rows)
    return tuple(out)


def as_notice_content(r: Content, line_rows: dict[int, tuple[DocumentLine, Item]]) -> NoticeContent:
    ln, it = line_rows[r.line_id]
    return NoticeContent(ln.line_no, it.sku, r.quantity, r.serial, r.lot, r.expiry)


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
