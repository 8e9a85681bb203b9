"""Containers: their codes, rows, creation and the tree as inquiry shows it.

A container's code is an SSCC (18 digits whose last is the GS1 check digit) or a licence
plate (any other code). Packing is in ``packing``, moving containers through documents in
``container_moves``; docs/containers.md has the whole picture.

>>> parse_code("106141412345678908")
('106141412345678908', 'sscc')
>>> parse_code("LP-000017")
('LP-000017', 'plate')
>>> try:
...     parse_code("106141412345678909")
... except InvalidContainerCode as e:
...     print(e)
Invalid container code '106141412345678909': SSCC check digit should be 8, not 9
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from biip.checksums import gs1_standard_check_digit
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from tracking_core import numbering, outbox, validate
from tracking_core.catalog import location_code, location_row
from tracking_core.codec import encode
from tracking_core.context import Ctx
from tracking_core.errors import (
    ContainerExists,
    ContainerNotAvailable,
    InvalidContainerCode,
    InvalidInput,
    MaskExhausted,
    UnknownContainer,
)
from tracking_core.models import (
    Container,
    ContainerLot,
    ContainerSerial,
    Document,
    Item,
    ItemGtin,
    Lot,
    SerialNumber,
)
from tracking_core.sscc import make_sscc, sscc_capacity
from tracking_core.values import ContainerContent, ContainerInfo, ContainerTotal
from tracking_core.vocabulary import ContainerScheme

SSCC_LENGTH = 18


def parse_code(raw: object) -> tuple[str, ContainerScheme]:
    """A container code and its scheme; 18 digits are an SSCC and must check."""
    code = validate.code("container", raw)
    if code.isascii() and code.isdigit() and len(code) == SSCC_LENGTH:
        digit = gs1_standard_check_digit(code[:-1])
        if str(digit) != code[-1]:
            raise InvalidContainerCode(
                value=code, reason=f"SSCC check digit should be {digit}, not {code[-1]}"
            )
        return code, "sscc"
    if code.isascii() and code.isdigit() and len(code) in (17, 19, 20):
        # an SSCC with a digit dropped or the AI (00) left on: never a plate by accident
        raise InvalidContainerCode(
            value=code, reason=f"an SSCC has {SSCC_LENGTH} digits, this has {len(code)}"
        )
    return code, "plate"


def container_row(s: Session, code: str, *, lock: bool = False) -> Container:
    key, _ = parse_code(code)
    q = select(Container).where(Container.code == key)
    if lock:
        q = q.with_for_update()
    row = s.execute(q).scalar_one_or_none()
    if row is None:
        raise UnknownContainer(key=key)
    return row


def new_ssccs(ctx: Ctx, n: int) -> list[str]:
    """``n`` new SSCCs from the configured company prefix and extension digit."""
    st = ctx.settings
    first = numbering.bump(ctx.session, f"sscc:{st.sscc_extension}{st.sscc_company_prefix}", n)
    capacity = sscc_capacity(st.sscc_company_prefix)
    if first + n - 1 > capacity:
        raise MaskExhausted(mask=f"SSCC {st.sscc_company_prefix}", capacity=capacity)
    return [
        make_sscc(
            company_prefix=st.sscc_company_prefix,
            extension=st.sscc_extension,
            serial_reference=ref,
        )
        for ref in range(first, first + n)
    ]


def create_container(ctx: Ctx, *, location: str, code: str | None = None) -> Container:
    """A new empty container in stock at ``location``: the code scanned from a pre-printed
    label, or a new SSCC."""
    s = ctx.session
    loc = location_row(s, location)
    if code is None:
        key, scheme = new_ssccs(ctx, 1)[0], "sscc"
    else:
        key, scheme = parse_code(code)
    if s.execute(select(Container.id).where(Container.code == key)).first() is not None:
        raise ContainerExists(container=key)
    row = Container(
        code=key,
        scheme=scheme,
        status="in_stock",
        location_id=loc.id,
        height=0,
        created_at=ctx.now,
    )
    s.add(row)
    s.flush()
    return row


def require_free(s: Session, row: Container, reason: str) -> None:
    """In stock and held by no document, or ``ContainerNotAvailable`` saying ``reason``."""
    if row.status != "in_stock":
        holder = s.get(Document, row.document_id) if row.document_id else None
        status = row.status + (f" on {holder.number}" if holder else "")
        raise ContainerNotAvailable(container=row.code, status=status, reason=reason)


def subtree_ids(s: Session, root_id: int) -> list[int]:
    """The container and every container inside it, root first (one recursive query)."""
    root = select(Container.id, literal(0).label("depth")).where(Container.id == root_id)
    base = root.cte("tree", recursive=True)
    child = select(Container.id, base.c.depth + 1).join(base, Container.parent_id == base.c.id)
    tree = base.union_all(child)
    rows = s.execute(select(tree.c.id).order_by(tree.c.depth, tree.c.id)).scalars()
    return [int(i) for i in rows]


def ancestor_ids(s: Session, row: Container) -> list[int]:
    """The containers ``row`` is inside, nearest first."""
    out: list[int] = []
    parent = row.parent_id
    while parent is not None:
        out.append(parent)
        parent = s.execute(select(Container.parent_id).where(Container.id == parent)).scalar()
        if len(out) > 1000:  # the heights make a cycle impossible; never loop on a bug
            raise RuntimeError(f"container {row.code} is nested more than 1000 deep")
    return out


def _gtins(s: Session, item_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    q = (
        select(ItemGtin.item_id, func.min(ItemGtin.gtin))
        .where(ItemGtin.item_id.in_(ids))
        .group_by(ItemGtin.item_id)
    )
    return {int(i): str(g) for i, g in s.execute(q)}


def _contents(s: Session, ids: Sequence[int]) -> dict[int, list[ContainerContent]]:
    """What each container holds itself: serials (one row each), then lot quantities."""
    out: dict[int, list[ContainerContent]] = {i: [] for i in ids}
    if not ids:
        return out
    serials = s.execute(
        select(
            ContainerSerial.container_id,
            Item.id,
            Item.sku,
            Item.description,
            SerialNumber.serial,
            SerialNumber.lot_number,
            SerialNumber.expiry_date,
        )
        .join(SerialNumber, SerialNumber.id == ContainerSerial.serial_id)
        .join(Item, Item.id == SerialNumber.item_id)
        .where(ContainerSerial.container_id.in_(ids))
        .order_by(ContainerSerial.container_id, Item.sku, SerialNumber.serial)
    ).all()
    lots = s.execute(
        select(
            ContainerLot.container_id,
            Item.id,
            Item.sku,
            Item.description,
            Lot.lot,
            Lot.expiry_date,
            ContainerLot.quantity,
        )
        .join(Lot, Lot.id == ContainerLot.lot_id)
        .join(Item, Item.id == Lot.item_id)
        .where(ContainerLot.container_id.in_(ids))
        .order_by(ContainerLot.container_id, Item.sku, Lot.lot)
    ).all()
    gtins = _gtins(s, [r[1] for r in serials] + [r[1] for r in lots])
    for cid, item_id, sku, desc, serial, lot, expiry in serials:
        out[cid].append(
            ContainerContent(sku, 1, serial, lot, expiry, gtins.get(item_id), desc or "")
        )
    for cid, item_id, sku, desc, lot, expiry, qty in lots:
        out[cid].append(
            ContainerContent(sku, int(qty), None, lot, expiry, gtins.get(item_id), desc or "")
        )
    return out


def _totals(contents: Iterable[ContainerContent]) -> tuple[ContainerTotal, ...]:
    sums: dict[tuple[str, str | None, Any], list[Any]] = {}
    for c in contents:
        key = (c.item, c.lot, c.expiry)
        row = sums.setdefault(key, [0, c.gtin, c.description])
        row[0] += c.quantity
    return tuple(
        ContainerTotal(item, qty, lot, expiry, gtin, desc)
        for (item, lot, expiry), (qty, gtin, desc) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", str(kv[0][2]))
        )
    )


def container_info(s: Session, row: Container) -> ContainerInfo:
    """The container with its whole tree: a fixed number of queries, whatever its size."""
    ids = subtree_ids(s, row.id)
    rows = {r.id: r for r in s.execute(select(Container).where(Container.id.in_(ids))).scalars()}
    contents = _contents(s, ids)
    locations = {i: location_code(s, i) for i in {r.location_id for r in rows.values()} if i}
    docs = {
        d.id: d.number
        for d in s.execute(
            select(Document).where(Document.id.in_({r.document_id for r in rows.values()}))
        ).scalars()
    }
    kids: dict[int, list[int]] = {}
    for r in rows.values():
        if r.parent_id is not None and r.parent_id in rows:
            kids.setdefault(r.parent_id, []).append(r.id)
    parent_code = (
        s.execute(select(Container.code).where(Container.id == row.parent_id)).scalar()
        if row.parent_id
        else None
    )

    def build(cid: int, parent: str | None) -> tuple[ContainerInfo, list[ContainerContent]]:
        r = rows[cid]
        children = []
        everything = list(contents[cid])
        for k in sorted(kids.get(cid, []), key=lambda i: rows[i].code):
            info, inside = build(k, r.code)
            children.append(info)
            everything += inside
        info = ContainerInfo(
            code=r.code,
            scheme=r.scheme,
            status=r.status,
            location=locations.get(r.location_id) if r.location_id else None,
            document=docs.get(r.document_id) if r.document_id else None,
            parent=parent,
            created_at=r.created_at,
            contents=tuple(contents[cid]),
            children=tuple(children),
            totals=_totals(everything),
        )
        return info, everything

    return build(row.id, parent_code)[0]


def list_containers(
    s: Session,
    *,
    location: str | None = None,
    status: str | None = None,
    top_only: bool = True,
    limit: int = 100,
) -> list[ContainerInfo]:
    """Containers (top-level ones by default) with their trees, newest first."""
    q = select(Container)
    if location is not None:
        q = q.where(Container.location_id == location_row(s, location).id)
    if status is not None:
        q = q.where(Container.status == status)
    if top_only:
        q = q.where(Container.parent_id.is_(None))
    rows = s.execute(q.order_by(Container.id.desc()).limit(limit)).scalars().all()
    return [container_info(s, r) for r in rows]


def raise_height(s: Session, row: Container, need: int) -> None:
    """Make ``row`` at least ``need`` high: its ancestors first, so every row's check
    (``parent_height > height``) holds at each statement; the deferred keys let the
    children's ``parent_height`` follow in the same transaction."""
    if row.height >= need:
        return
    if row.parent_id is not None:
        parent = s.get(Container, row.parent_id, with_for_update=True)
        assert parent is not None
        raise_height(s, parent, need + 1)
        row.parent_height = parent.height
    row.height = need
    s.flush()
    s.execute(
        update(Container)
        .where(Container.parent_id == row.id)
        .values(parent_height=need)
        .execution_options(synchronize_session="fetch")
    )


def enqueue_label(
    ctx: Ctx, info: ContainerInfo, *, printer: str | None = None, copies: int = 1
) -> int:
    """The SSCC label job listing what the container holds now (a plate has no SSCC label).

    The payload is what the labels read: ``{"ssccs": [code], "container": <ContainerInfo>}``."""
    if info.scheme != "sscc":
        raise InvalidInput(field="container", reason=f"{info.code} is a licence plate, not an SSCC")
    return outbox.enqueue(
        ctx,
        kind="sscc",
        payload={"ssccs": [info.code], "container": encode(info)},
        labels=1,
        copies=copies,
        printer=printer,
    )
