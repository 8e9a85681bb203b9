"""Documents and their lines: what the ERP pushes in and the scanners work against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.catalog import item_row, location_row, partner_row
from tracking_core.context import Ctx
from tracking_core.errors import (
    DocumentNotOpen,
    DuplicateKey,
    InvalidInput,
    LineQuantityExceeded,
    TrackingDisabled,
    UnknownDocument,
    UnknownLine,
)
from tracking_core.models import (
    DOC_TYPES,
    Document,
    DocumentLine,
    ExpectedSerial,
    Item,
    LineLot,
    Location,
    Lot,
    LotTransaction,
    Partner,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.numbering import document_number
from tracking_core.partners import check_partner_kind
from tracking_core.values import DocumentInfo, LineInfo, LineSpec

INBOUND_TYPES = ("receipt", "customer_return")
OUTBOUND_TYPES = ("shipment", "vendor_return", "transfer")


def set_partner(ctx: Ctx, number: str, partner: str) -> DocumentInfo:
    """Name the partner of an open document (a scanned partner label)."""
    doc = open_document(ctx.session, number)
    row = partner_row(ctx.session, validate.code("partner", partner))
    check_partner_kind(doc.doc_type, row)
    doc.partner_id = row.id
    ctx.session.flush()
    return document_info(ctx.session, doc)


def direction_for(doc_type: str, given: str | None) -> str:
    if doc_type == "adjustment":
        if given not in ("in", "out"):
            raise InvalidInput(field="direction", reason="an adjustment line needs 'in' or 'out'")
        return given
    return "in" if doc_type in INBOUND_TYPES else "out"


def document_row(s: Session, number: str, *, lock: bool = False) -> Document:
    q = select(Document).where(Document.number == number)
    if lock:
        q = q.with_for_update()
    row = s.execute(q).scalar_one_or_none()
    if row is None:
        raise UnknownDocument(key=number)
    return row


def open_document(s: Session, number: str) -> Document:
    doc = document_row(s, number, lock=True)
    if doc.status != "open":
        raise DocumentNotOpen(document=doc.number, status=doc.status)
    return doc


def create_document(
    ctx: Ctx,
    doc_type: str,
    *,
    number: str | None = None,
    partner: str | None = None,
    reference: str | None = None,
    lines: Sequence[LineSpec] = (),
) -> DocumentInfo:
    s = ctx.session
    if doc_type not in DOC_TYPES:
        raise InvalidInput(field="doc_type", reason=f"must be one of {', '.join(DOC_TYPES)}")
    if number is not None:
        number = validate.code("number", number)
        if s.execute(select(Document.id).where(Document.number == number)).first():
            raise DuplicateKey(entity="document", key=number)
    partner_id = None
    if partner:
        prow = partner_row(s, validate.code("partner", partner))
        check_partner_kind(doc_type, prow)
        partner_id = prow.id
    doc = Document(
        number=number or document_number(s, doc_type),
        doc_type=doc_type,
        status="open",
        partner_id=partner_id,
        reference=validate.text("reference", reference, max_len=100) or None,
        created_at=ctx.now,
    )
    s.add(doc)
    s.flush()
    for spec in lines:
        _add_line(ctx, doc, spec)
    return document_info(s, doc)


def add_line(ctx: Ctx, number: str, spec: LineSpec) -> LineInfo:
    doc = open_document(ctx.session, number)
    line = _add_line(ctx, doc, spec)
    return line_info(ctx.session, doc, line)


def _add_line(ctx: Ctx, doc: Document, spec: LineSpec) -> DocumentLine:
    s = ctx.session
    item = item_row(s, validate.code("item", spec.item))
    if item.tracking == "serial" and not ctx.settings.use_serials:
        raise TrackingDisabled(tracking="serial")
    if item.tracking == "lot" and not ctx.settings.use_lots:
        raise TrackingDisabled(tracking="lot")
    direction = direction_for(doc.doc_type, spec.direction)
    qty = validate.quantity(spec.quantity)
    loc = location_row(s, validate.code("location", spec.location))
    to_loc: Location | None = None
    if doc.doc_type == "transfer":
        if not spec.to_location:
            raise InvalidInput(field="to_location", reason="a transfer line needs a destination")
        to_loc = location_row(s, validate.code("to_location", spec.to_location))
        if to_loc.id == loc.id:
            raise InvalidInput(field="to_location", reason="destination equals the source")
    elif spec.to_location:
        raise InvalidInput(field="to_location", reason="only transfer lines have a destination")
    cost = (
        validate.money("unit_cost", spec.unit_cost)
        if spec.unit_cost is not None
        else item.standard_cost
    )
    line_no = (
        s.execute(
            select(func.coalesce(func.max(DocumentLine.line_no), 0)).where(
                DocumentLine.document_id == doc.id
            )
        ).scalar_one()
        + 1
    )
    line = DocumentLine(
        document_id=doc.id,
        line_no=line_no,
        item_id=item.id,
        direction=direction,
        quantity=qty,
        unit_cost=cost,
        location_id=loc.id,
        to_location_id=to_loc.id if to_loc else None,
    )
    s.add(line)
    s.flush()
    expected = _unique_codes("expected_serials", spec.expected_serials)
    if expected:
        if item.tracking != "serial" or direction != "in":
            raise InvalidInput(
                field="expected_serials", reason="only inbound serialized lines expect serials"
            )
        if len(expected) > qty:
            raise InvalidInput(field="expected_serials", reason="more serials than the quantity")
        s.execute(insert(ExpectedSerial), [{"line_id": line.id, "serial": x} for x in expected])
    return line


def _unique_codes(field: str, values: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        code = validate.code(field, v)
        if code in seen:
            raise InvalidInput(field=field, reason=f"{code!r} is listed twice")
        seen.add(code)
        out.append(code)
    return out


def set_line_quantity(ctx: Ctx, number: str, line_no: int, quantity: int) -> LineInfo:
    s = ctx.session
    doc = open_document(s, number)
    line = line_row(s, doc, line_no)
    qty = validate.quantity(quantity)
    assigned = assigned_count(s, line)
    if qty < assigned:
        raise LineQuantityExceeded(
            document=doc.number, line=line.line_no, quantity=qty, assigned=assigned, requested=0
        )
    line.quantity = qty
    s.flush()
    return line_info(s, doc, line)


def line_row(s: Session, doc: Document, line_no: int) -> DocumentLine:
    line = s.execute(
        select(DocumentLine).where(
            DocumentLine.document_id == doc.id, DocumentLine.line_no == line_no
        )
    ).scalar_one_or_none()
    if line is None:
        raise UnknownLine(key=f"{doc.number}/{line_no}")
    return line


def find_line(s: Session, doc: Document, *, line_no: int | None, item: str | None) -> DocumentLine:
    """The line a step applies to: by number, or the first line of the item with room left."""
    if line_no is not None:
        return line_row(s, doc, line_no)
    if item is None:
        raise InvalidInput(field="line", reason="give a line number or an item")
    item_id = item_row(s, item).id
    lines = list(
        s.execute(
            select(DocumentLine)
            .where(DocumentLine.document_id == doc.id, DocumentLine.item_id == item_id)
            .order_by(DocumentLine.line_no)
        ).scalars()
    )
    if not lines:
        raise UnknownLine(key=f"{doc.number}/{item}")
    for line in lines:
        if assigned_count(s, line) < line.quantity:
            return line
    return lines[-1]


def assigned_count(s: Session, line: DocumentLine) -> int:
    item = s.get(Item, line.item_id)
    assert item is not None
    if item.tracking == "serial":
        return int(
            s.execute(
                select(func.count()).where(SerialNumber.reserved_line_id == line.id)
            ).scalar_one()
        )
    return int(
        s.execute(
            select(func.coalesce(func.sum(LineLot.quantity), 0)).where(LineLot.line_id == line.id)
        ).scalar_one()
    )


def check_room(s: Session, doc: Document, ln: DocumentLine, wanted: int) -> int:
    """The line's assigned count, after checking ``wanted`` more fit in its quantity."""
    assigned = assigned_count(s, ln)
    if assigned + wanted > ln.quantity:
        raise LineQuantityExceeded(
            document=doc.number,
            line=ln.line_no,
            quantity=ln.quantity,
            assigned=assigned,
            requested=wanted,
        )
    return assigned


def _code(s: Session, model: type[Location] | type[Partner], id_: int | None) -> str | None:
    if id_ is None:
        return None
    code: str | None = s.execute(select(model.code).where(model.id == id_)).scalar()
    return code


def line_info(s: Session, doc: Document, line: DocumentLine, *, detail: bool = False) -> LineInfo:
    item = s.get(Item, line.item_id)
    assert item is not None
    serials: tuple[str, ...] = ()
    lots: tuple[tuple[str, int], ...] = ()
    if doc.status == "posted" and item.tracking == "serial":
        assigned = int(
            s.execute(select(func.count()).where(SerialTransaction.line_id == line.id)).scalar_one()
        )
        if detail:
            serials = tuple(
                s.execute(
                    select(SerialNumber.serial)
                    .join(SerialTransaction, SerialTransaction.serial_id == SerialNumber.id)
                    .where(SerialTransaction.line_id == line.id)
                    .order_by(SerialNumber.serial)
                ).scalars()
            )
    elif doc.status == "posted" and item.tracking == "lot":
        assigned = int(
            s.execute(
                select(func.coalesce(func.sum(LotTransaction.quantity), 0)).where(
                    LotTransaction.line_id == line.id
                )
            ).scalar_one()
        )
    else:
        assigned = assigned_count(s, line) if doc.status == "open" else 0
        if detail and item.tracking == "serial":
            serials = tuple(
                s.execute(
                    select(SerialNumber.serial)
                    .where(SerialNumber.reserved_line_id == line.id)
                    .order_by(SerialNumber.serial)
                ).scalars()
            )
    if detail and item.tracking == "lot":
        lots = tuple(
            (str(n), int(q))
            for n, q in s.execute(
                select(Lot.lot, LineLot.quantity)
                .join(LineLot, LineLot.lot_id == Lot.id)
                .where(LineLot.line_id == line.id)
                .order_by(Lot.lot)
            )
        )
    expected = int(
        s.execute(select(func.count()).where(ExpectedSerial.line_id == line.id)).scalar_one()
    )
    return LineInfo(
        line=line.line_no,
        item=item.sku,
        tracking=item.tracking,
        direction=line.direction,
        quantity=line.quantity,
        assigned=assigned,
        open=max(0, line.quantity - assigned),
        unit_cost=line.unit_cost,
        location=_code(s, Location, line.location_id) or "",
        to_location=_code(s, Location, line.to_location_id),
        expected=expected,
        serials=serials,
        lots=lots,
    )


def document_info(s: Session, doc: Document, *, detail: bool = False) -> DocumentInfo:
    lines = s.execute(
        select(DocumentLine)
        .where(DocumentLine.document_id == doc.id)
        .order_by(DocumentLine.line_no)
    ).scalars()
    reverses = s.get(Document, doc.reverses_id).number if doc.reverses_id else None  # type: ignore[union-attr]
    return DocumentInfo(
        number=doc.number,
        doc_type=doc.doc_type,
        status=doc.status,
        partner=_code(s, Partner, doc.partner_id),
        reference=doc.reference,
        created_at=doc.created_at,
        posted_at=doc.posted_at,
        reverses=reverses,
        lines=tuple(line_info(s, doc, ln, detail=detail) for ln in lines),
    )


def list_documents(
    s: Session, *, doc_type: str | None = None, status: str | None = None, limit: int = 100
) -> list[DocumentInfo]:
    q = select(Document).order_by(Document.id.desc()).limit(min(limit, 1000))
    if doc_type:
        q = q.where(Document.doc_type == doc_type)
    if status:
        q = q.where(Document.status == status)
    return [document_info(s, d) for d in s.execute(q).scalars()]
