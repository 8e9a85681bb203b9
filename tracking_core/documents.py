"""Documents and their lines: what the ERP pushes in and the scanners work against."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tracking_core import progress, validate
from tracking_core.catalog import item_row, location_row, partner_row
from tracking_core.context import Ctx
from tracking_core.errors import (
    DocumentNotOpen,
    DuplicateKey,
    InvalidInput,
    LineQuantityExceeded,
    PriceNotCost,
    TrackingDisabled,
    UnknownDocument,
    UnknownLine,
)
from tracking_core.models import (
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
from tracking_core.values import (
    DocumentInfo,
    ExpectedLine,
    ExpectedSerialState,
    LineInfo,
    LineSpec,
    ShipNotice,
)
from tracking_core.vocabulary import DIRECTIONS, DOC_TYPES, Direction, DocStatus, DocType, one_of

INBOUND_TYPES: tuple[DocType, ...] = ("receipt", "customer_return")
OUTBOUND_TYPES: tuple[DocType, ...] = ("shipment", "vendor_return", "transfer")


def set_partner(ctx: Ctx, number: str, partner: str) -> DocumentInfo:
    """Name the partner of an open document (a scanned partner label)."""
    doc = open_document(ctx.session, number)
    row = partner_row(ctx.session, validate.code("partner", partner))
    check_partner_kind(doc.doc_type, row)
    doc.partner_id = row.id
    ctx.session.flush()
    return document_info(ctx.session, doc)


def direction_for(doc_type: DocType, given: str | None) -> Direction:
    if doc_type == "adjustment":
        why = "an adjustment line needs 'in' or 'out'"
        return one_of("direction", given, DIRECTIONS, reason=why)
    return "in" if doc_type in INBOUND_TYPES else "out"


DOCUMENTS_SEEN = "scantrack.documents"  # Session.info: number -> (row, locked)


def document_row(s: Session, number: str, *, lock: bool = False) -> Document:
    """A document by number; none read twice in one transaction (a lock is taken once)."""
    seen: dict[str, tuple[Document, bool]] = s.info.setdefault(DOCUMENTS_SEEN, {})
    known = seen.get(number)
    if known is not None and (known[1] or not lock):
        return known[0]
    q = select(Document).where(Document.number == number)
    if lock:
        q = q.with_for_update()
    row = s.execute(q).scalar_one_or_none()
    if row is None:
        raise UnknownDocument(key=number)
    seen[number] = (row, lock)
    return row


def open_document(s: Session, number: str) -> Document:
    doc = document_row(s, number, lock=True)
    if doc.status != "open":
        raise DocumentNotOpen(document=doc.number, status=doc.status)
    return doc


def create_document(
    ctx: Ctx,
    doc_type: DocType,
    *,
    number: str | None = None,
    partner: str | None = None,
    reference: str | None = None,
    lines: Sequence[LineSpec] = (),
) -> DocumentInfo:
    s = ctx.session
    doc_type = one_of("doc_type", doc_type, DOC_TYPES)
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
    cost, price = _line_money(doc.doc_type, direction, item, spec)
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
        unit_price=price,
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


def _line_money(
    doc_type: str, direction: str, item: Item, spec: LineSpec
) -> tuple[Decimal, Decimal | None]:
    """A line's unit cost and price (see tracking_core.costing).

    An inbound line's cost is what it brings in (default: the item's standard cost). An
    outbound line moves stock at the stock's own cost: a cost given for it is refused (for a
    shipment, the number the ERP means is its price: ``unit_price``).
    """
    if direction == "in":
        cost = item.standard_cost
        if spec.unit_cost is not None:
            cost = validate.money("unit_cost", spec.unit_cost)
    elif spec.unit_cost is not None:
        if doc_type == "shipment":
            raise PriceNotCost(field="unit_cost", reason="a shipment line has a price, not a cost")
        raise InvalidInput(
            field="unit_cost", reason="an outbound line moves stock at its own cost; give none"
        )
    else:
        cost = Decimal("0.0000")  # as stored (Money), so the answer reads as a reread would
    if spec.unit_price is None:
        return cost, None
    if doc_type != "shipment":
        raise InvalidInput(field="unit_price", reason="only shipment lines have a price")
    return cost, validate.money("unit_price", spec.unit_price)


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
    row = find_line_row(s, doc, line_no=line_no, item=None)
    qty = validate.quantity(quantity)
    assigned = row.progress.assigned
    if qty < assigned:
        raise LineQuantityExceeded(
            document=doc.number, line=line_no, quantity=qty, assigned=assigned, requested=0
        )
    row.line.quantity = qty
    s.flush()
    return replace(row.progress, quantity=qty, open=max(0, qty - assigned))


def line_row(s: Session, doc: Document, line_no: int) -> DocumentLine:
    line = s.execute(
        select(DocumentLine).where(
            DocumentLine.document_id == doc.id, DocumentLine.line_no == line_no
        )
    ).scalar_one_or_none()
    if line is None:
        raise UnknownLine(key=f"{doc.number}/{line_no}")
    return line


def find_line_row(
    s: Session, doc: Document, *, line_no: int | None, item: str | None
) -> progress.LineRow:
    """The line a step applies to, with its item and progress (one statement, two by item):
    by number, or the first line of the item with room left (else its last line)."""
    if line_no is not None:
        row = progress.line_by_number(s, doc, line_no)
        if row is None:
            raise UnknownLine(key=f"{doc.number}/{line_no}")
        return row
    if item is None:
        raise InvalidInput(field="line", reason="give a line number or an item")
    rows = progress.lines_of_item(s, doc, item_row(s, item).id)
    if not rows:
        raise UnknownLine(key=f"{doc.number}/{item}")
    return next((r for r in rows if r.progress.assigned < r.line.quantity), rows[-1])


def find_line(s: Session, doc: Document, *, line_no: int | None, item: str | None) -> DocumentLine:
    return find_line_row(s, doc, line_no=line_no, item=item).line


# Statements bind at most this many ids at once (SQLite's and drivers' limits).
CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def _codes(
    s: Session, model: type[Document | Location | Partner], ids: Iterable[int | None]
) -> dict[int, str]:
    """Code (a document's number) by id, for the ids given."""
    name = model.number if model is Document else model.code  # type: ignore[union-attr]
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, str] = {}
    for chunk in _chunks(wanted):
        out.update((i, c) for i, c in s.execute(select(model.id, name).where(model.id.in_(chunk))))
    return out


def _sums(
    s: Session,
    key: Any,
    value: Any,
    line_ids: Sequence[int],
    within: Callable[[list[int]], Any] | None = None,
) -> dict[int, int]:
    """``value`` (a count or a sum) grouped by ``key`` over the given line ids; ``within``
    narrows each chunk by its lines' documents (``_in_documents``)."""

    def query(c: list[int]) -> Any:
        q = select(key, value).where(key.in_(c))
        return (q if within is None else q.where(within(c))).group_by(key)

    return {line_id: int(n or 0) for line_id, n in _per_line(s, query, line_ids)}


def _in_documents(column: Any, doc_of: dict[int, int]) -> Callable[[list[int]], Any]:
    """A ledger table's ``document_id`` among the documents of a chunk of line ids: the
    records are found through that index (there is none on ``line_id``, which would cost
    every posting), not by a scan of the whole ledger."""
    return lambda c: column.in_(sorted({doc_of[i] for i in c}))


@dataclass
class _LineFacts:
    """What a line shows besides its own columns: assigned numbers and the ASN's count."""

    assigned: int = 0
    serials: list[str] = field(default_factory=list)
    lots: list[tuple[str, int]] = field(default_factory=list)
    expected: int = 0


def _per_line(
    s: Session, query: Callable[[list[int]], Any], line_ids: Sequence[int]
) -> Iterator[Any]:
    """The rows of ``query(chunk)`` over all ``line_ids``, a few hundred ids at a time."""
    for chunk in _chunks(line_ids):
        yield from s.execute(query(chunk))


def _line_facts(
    s: Session, pairs: Sequence[tuple[Document, DocumentLine]], items: dict[int, Item], detail: bool
) -> dict[int, _LineFacts]:
    """Every line's facts in a fixed number of statements, however many lines and documents.

    A posted line counts its transaction records, an open line what is reserved on it, a
    cancelled line nothing; with ``detail`` the numbers themselves, sorted.
    """
    facts = {ln.id: _LineFacts() for _, ln in pairs}
    doc_of = {ln.id: doc.id for doc, ln in pairs}
    serial_docs = _in_documents(SerialTransaction.document_id, doc_of)
    lot_docs = _in_documents(LotTransaction.document_id, doc_of)
    tracking = {ln.id: items[ln.item_id].tracking for _, ln in pairs}
    status = {ln.id: doc.status for doc, ln in pairs}

    def ids(track: str, *statuses: str) -> list[int]:
        return [
            i for i in facts if tracking[i] == track and (not statuses or status[i] in statuses)
        ]

    posted_serials, open_serials = ids("serial", "posted"), ids("serial", "open", "cancelled")
    if detail:
        for line_id, sn in _per_line(
            s,
            lambda c: (
                select(SerialTransaction.line_id, SerialNumber.serial)
                .join(SerialNumber, SerialTransaction.serial_id == SerialNumber.id)
                .where(SerialTransaction.line_id.in_(c), serial_docs(c))
                .order_by(SerialNumber.serial)
            ),
            posted_serials,
        ):
            facts[line_id].serials.append(sn)
        for line_id, sn in _per_line(
            s,
            lambda c: (
                select(SerialNumber.reserved_line_id, SerialNumber.serial)
                .where(SerialNumber.reserved_line_id.in_(c))
                .order_by(SerialNumber.serial)
            ),
            open_serials,
        ):
            facts[line_id].serials.append(sn)
        for f in facts.values():  # each line's numbers came in the database's order
            f.assigned = len(f.serials)
    else:
        for col, lines, within in (
            (SerialTransaction.line_id, posted_serials, serial_docs),
            (SerialNumber.reserved_line_id, open_serials, None),
        ):
            for line_id, n in _sums(s, col, func.count(), lines, within).items():
                facts[line_id].assigned = n
    lot_sum = func.sum(LotTransaction.quantity)
    for line_id, n in _sums(
        s, LotTransaction.line_id, lot_sum, ids("lot", "posted"), lot_docs
    ).items():
        facts[line_id].assigned = n
    open_lots = set(ids("lot", "open"))
    lot_lines = ids("lot") if detail else sorted(open_lots)
    for line_id, lot, qty in _per_line(
        s,
        lambda c: (
            select(LineLot.line_id, Lot.lot, LineLot.quantity)
            .join(Lot, LineLot.lot_id == Lot.id)
            .where(LineLot.line_id.in_(c))
            .order_by(Lot.lot)
        ),
        lot_lines,
    ):
        if detail:
            facts[line_id].lots.append((str(lot), int(qty)))
        if line_id in open_lots:
            facts[line_id].assigned += int(qty)
    for line_id in ids("serial", "cancelled") + ids("lot", "cancelled"):
        facts[line_id].assigned = 0
    for line_id, n in _sums(s, ExpectedSerial.line_id, func.count(), list(facts)).items():
        facts[line_id].expected = n
    return facts


def _line_infos(
    s: Session, pairs: Sequence[tuple[Document, DocumentLine]], *, detail: bool
) -> dict[int, LineInfo]:
    """LineInfo by line id for lines of any documents, read in a fixed number of statements."""
    item_ids = sorted({ln.item_id for _, ln in pairs})
    items: dict[int, Item] = {}
    for chunk in _chunks(item_ids):
        items.update(
            (it.id, it) for it in s.execute(select(Item).where(Item.id.in_(chunk))).scalars()
        )
    locations = _codes(
        s, Location, [x for _, ln in pairs for x in (ln.location_id, ln.to_location_id)]
    )
    facts = _line_facts(s, pairs, items, detail)
    out: dict[int, LineInfo] = {}
    for _, line in pairs:
        item, f = items[line.item_id], facts[line.id]
        out[line.id] = LineInfo(
            line=line.line_no,
            item=item.sku,
            tracking=item.tracking,
            direction=line.direction,
            quantity=line.quantity,
            assigned=f.assigned,
            open=max(0, line.quantity - f.assigned),
            unit_cost=line.unit_cost,
            unit_price=line.unit_price,
            location=locations.get(line.location_id, ""),
            to_location=locations.get(line.to_location_id) if line.to_location_id else None,
            expected=f.expected,
            serials=tuple(f.serials),
            lots=tuple(f.lots),
        )
    return out


def line_info(s: Session, doc: Document, line: DocumentLine, *, detail: bool = False) -> LineInfo:
    if not detail:
        view = progress.line_view(s, doc, line.line_no)
        assert view is not None  # the caller holds the line
        return view
    return _line_infos(s, [(doc, line)], detail=detail)[line.id]


def documents_info(
    s: Session, docs: Sequence[Document], *, detail: bool = False
) -> list[DocumentInfo]:
    """Several documents with their lines, in a fixed number of statements (no query per line)."""
    by_doc: dict[int, list[DocumentLine]] = {d.id: [] for d in docs}
    for chunk in _chunks(list(by_doc)):
        for ln in s.execute(
            select(DocumentLine)
            .where(DocumentLine.document_id.in_(chunk))
            .order_by(DocumentLine.line_no)
        ).scalars():
            by_doc[ln.document_id].append(ln)
    infos = _line_infos(s, [(d, ln) for d in docs for ln in by_doc[d.id]], detail=detail)
    partners = _codes(s, Partner, [d.partner_id for d in docs])
    reversed_numbers = _codes(s, Document, [d.reverses_id for d in docs])
    return [
        progress.document_info_of(
            doc,
            partners.get(doc.partner_id) if doc.partner_id else None,
            reversed_numbers.get(doc.reverses_id) if doc.reverses_id else None,
            tuple(infos[ln.id] for ln in by_doc[doc.id]),
        )
        for doc in docs
    ]


def document_info(s: Session, doc: Document, *, detail: bool = False) -> DocumentInfo:
    """The document and its lines' progress; with ``detail`` each line's serials and lots."""
    if not detail:
        return progress.document_view(s, doc)
    return documents_info(s, [doc], detail=True)[0]


def list_documents(
    s: Session,
    *,
    doc_type: DocType | None = None,
    status: DocStatus | None = None,
    limit: int = 100,
) -> list[DocumentInfo]:
    """The newest documents with their lines' serials and lots, as one document shows them."""
    q = select(Document).order_by(Document.id.desc()).limit(min(limit, 1000))
    if doc_type:
        q = q.where(Document.doc_type == doc_type)
    if status:
        q = q.where(Document.status == status)
    return documents_info(s, list(s.execute(q).scalars()), detail=True)


def ship_notice(s: Session, doc: Document) -> ShipNotice:
    """The advance ship notice of a document's lines against what was generated on them.

    A serial on the notice is ``received`` once generated on its line (reserved while the
    document is open, in the ledger once posted) and ``missing`` until then; a serial
    generated on a line with a notice but not on it is ``unexpected``. Lines without a
    notice are left out.
    """
    info = documents_info(s, [doc], detail=True)[0]
    line_ids: dict[int, int] = {
        no: id_
        for no, id_ in s.execute(
            select(DocumentLine.line_no, DocumentLine.id).where(DocumentLine.document_id == doc.id)
        )
    }
    notice: dict[int, list[str]] = {}
    for line_id, serial in _per_line(
        s,
        lambda c: (
            select(ExpectedSerial.line_id, ExpectedSerial.serial)
            .where(ExpectedSerial.line_id.in_(c))
            .order_by(ExpectedSerial.serial)
        ),
        list(line_ids.values()),
    ):
        notice.setdefault(line_id, []).append(serial)
    lines: list[ExpectedLine] = []
    for ln in info.lines:
        expected = notice.get(line_ids[ln.line], [])
        if not expected:
            continue
        have, wanted = set(ln.serials), set(expected)
        states = [
            ExpectedSerialState(sn, "received" if sn in have else "missing") for sn in expected
        ] + [ExpectedSerialState(sn, "unexpected") for sn in ln.serials if sn not in wanted]
        received = len(have & wanted)
        lines.append(
            ExpectedLine(
                line=ln.line,
                item=ln.item,
                quantity=ln.quantity,
                expected=len(expected),
                received=received,
                missing=len(expected) - received,
                unexpected=len(have - wanted),
                serials=tuple(states),
            )
        )
    return ShipNotice(
        document=info.number,
        doc_type=info.doc_type,
        status=info.status,
        partner=info.partner,
        complete=all(ln.missing == 0 and ln.unexpected == 0 for ln in lines),
        lines=tuple(lines),
    )
