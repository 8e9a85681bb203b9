"""Open and check: an operator opens an announced container, scans what it holds itself,
and the check is stored and compared with the notice (missing, extra, wrong lot, wrong
quantity). The latest check is what receiving the container brings in; a check after it
was received makes what is pending in it follow the count (``recheck``). See
docs/receiving-by-sscc.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tracking_core import recheck, validate
from tracking_core.catalog import item_row, location_code
from tracking_core.containers import container_row, subtree_ids
from tracking_core.context import Ctx
from tracking_core.errors import (
    ContainerSpansLocations,
    InvalidInput,
    UnknownLine,
)
from tracking_core.models import (
    CheckedContent,
    Container,
    ContainerCheck,
    Document,
    DocumentLine,
    ExpectedContent,
    Item,
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
    CheckResult,
    Discrepancy,
)


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
    doc = receipt_row(s, number)
    box = container_row(s, code, lock=True)
    require_announced(s, doc, box, checking=True)
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


def discrepancies_of(s: Session, ids: Sequence[int]) -> tuple[Discrepancy, ...]:
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
