"""A document's progress (assigned, open, expected per line) from a fixed number of statements.

What a line shows as assigned depends on its document's status: an open line counts what
is reserved on it (serials holding the line, lot quantities on it), a posted line its
transaction records, a cancelled line nothing. Each read is one prebuilt ``select()`` per
status, whatever the number of lines: the document view joins the lines, their item and
location codes to one grouped count per kind; a single line's read counts with correlated
subqueries on that line only (index lookups), for the scan-sized steps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, bindparam, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from tracking_core.context import Ctx
from tracking_core.models import (
    Document,
    DocumentLine,
    ExpectedSerial,
    Item,
    LineLot,
    Location,
    LotTransaction,
    Partner,
    SerialNumber,
    SerialTransaction,
)
from tracking_core.values import DocumentInfo, LineInfo
from tracking_core.vocabulary import DOC_STATUSES, Direction, DocStatus, TrackingKind

_DOC = bindparam("doc", type_=Integer)
_LINE = bindparam("line", type_=Integer)
_ITEM = bindparam("item", type_=Integer)
_FROM = aliased(Location, name="from_location")
_TO = aliased(Location, name="to_location")
_REVERSED = aliased(Document, name="reversed_document")
_DOC_LINES = select(DocumentLine.id).where(DocumentLine.document_id == _DOC)


def _assigned(status: DocStatus, serials: Any, lots: Any) -> ColumnElement[int]:
    """The line's assigned count: its serials or its lot quantity, by the item's tracking."""
    if status not in ("open", "posted"):
        return literal(0, Integer)
    return case(
        (Item.tracking == "serial", func.coalesce(serials, 0)),
        (Item.tracking == "lot", func.coalesce(lots, 0)),
        else_=0,
    )


# --- one line: correlated counts of that line only -----------------------------------


def _line_counts(status: DocStatus) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(assigned, expected) of the enclosing query's line."""
    expected = select(func.count()).where(ExpectedSerial.line_id == DocumentLine.id)
    if status == "posted":
        serials = select(func.count()).where(
            SerialTransaction.document_id == DocumentLine.document_id,
            SerialTransaction.line_id == DocumentLine.id,
        )
        lots = select(func.sum(LotTransaction.quantity)).where(
            LotTransaction.document_id == DocumentLine.document_id,
            LotTransaction.line_id == DocumentLine.id,
        )
    else:
        serials = select(func.count()).where(SerialNumber.reserved_line_id == DocumentLine.id)
        lots = select(func.sum(LineLot.quantity)).where(LineLot.line_id == DocumentLine.id)
    assigned = _assigned(status, serials.scalar_subquery(), lots.scalar_subquery())
    return assigned.label("assigned"), expected.scalar_subquery().label("expected")


def _line_select(status: DocStatus) -> Select[*tuple[Any, ...]]:
    """Lines with their item, location codes and counts, filtered by the caller."""
    assigned, expected = _line_counts(status)
    return (
        select(DocumentLine, Item, _FROM.code, _TO.code, assigned, expected)
        .join(Item, Item.id == DocumentLine.item_id)
        .join(_FROM, _FROM.id == DocumentLine.location_id)
        .outerjoin(_TO, _TO.id == DocumentLine.to_location_id)
        .where(DocumentLine.document_id == _DOC)
    )


_BY_NUMBER = {st: _line_select(st).where(DocumentLine.line_no == _LINE) for st in DOC_STATUSES}
_BY_ITEM = {
    st: _line_select(st).where(DocumentLine.item_id == _ITEM).order_by(DocumentLine.line_no)
    for st in DOC_STATUSES
}


def _line_info(
    line_no: int,
    sku: str,
    tracking: TrackingKind,
    direction: Direction,
    quantity: int,
    unit_cost: Any,
    unit_price: Any,
    location: str,
    to_location: str | None,
    assigned: int,
    expected: int,
) -> LineInfo:
    return LineInfo(
        line=line_no,
        item=sku,
        tracking=tracking,
        direction=direction,
        quantity=quantity,
        assigned=int(assigned),
        open=max(0, quantity - int(assigned)),
        unit_cost=unit_cost,
        location=location,
        to_location=to_location,
        expected=int(expected),
        unit_price=unit_price,
    )


def _info(ln: DocumentLine, it: Item, loc: str, to: str | None, n: int, exp: int) -> LineInfo:
    return _line_info(
        ln.line_no, it.sku, it.tracking, ln.direction, ln.quantity, ln.unit_cost,
        ln.unit_price, loc, to, n, exp,
    )  # fmt: skip


class LineRow(NamedTuple):
    """A line's row, its item's row and its progress, from one statement."""

    line: DocumentLine
    item: Item
    progress: LineInfo


def _rows(s: Session, stmt: Select[*tuple[Any, ...]], params: dict[str, int]) -> list[LineRow]:
    return [LineRow(ln, it, _info(ln, it, *rest)) for ln, it, *rest in s.execute(stmt, params)]


def line_by_number(s: Session, doc: Document, line_no: int) -> LineRow | None:
    """One line of a document with its item and progress: one statement."""
    rows = _rows(s, _BY_NUMBER[doc.status], {"doc": doc.id, "line": line_no})
    return rows[0] if rows else None


def lines_of_item(s: Session, doc: Document, item_id: int) -> list[LineRow]:
    """A document's lines of one item, by line number, with their progress: one statement."""
    return _rows(s, _BY_ITEM[doc.status], {"doc": doc.id, "item": item_id})


def line_view(s: Session, doc: Document, line_no: int) -> LineInfo | None:
    """One line's progress as the document view shows it, in one statement."""
    row = line_by_number(s, doc, line_no)
    return row.progress if row else None


def step_line(ctx: Ctx, doc: Document, line_no: int) -> LineInfo | None:
    """The progress of one line a step worked on (one statement; None: no such line)."""
    return line_view(ctx.session, doc, line_no)


def after_step(before: LineInfo, added: int) -> LineInfo:
    """A line's progress once a step put ``added`` more on it (or took ``-added`` off)."""
    assigned = before.assigned + added
    return replace(before, assigned=assigned, open=max(0, before.quantity - assigned))


# --- a whole document: one grouped count per kind, joined to its lines ----------------


def _grouped(key: Any, value: Any, where: ColumnElement[bool]) -> Any:
    return select(key.label("line_id"), value.label("n")).where(where).group_by(key).subquery()


def _grouped_counts(status: DocStatus) -> tuple[list[Any], ColumnElement[int], ColumnElement[int]]:
    """(grouped subqueries to join on line_id, assigned, expected) for a document's lines."""
    expected = _grouped(
        ExpectedSerial.line_id, func.count(), ExpectedSerial.line_id.in_(_DOC_LINES)
    )
    if status == "posted":
        serials = _grouped(
            SerialTransaction.line_id, func.count(), SerialTransaction.document_id == _DOC
        )
        lots = _grouped(
            LotTransaction.line_id,
            func.sum(LotTransaction.quantity),
            LotTransaction.document_id == _DOC,
        )
    else:
        serials = _grouped(
            SerialNumber.reserved_line_id,
            func.count(),
            SerialNumber.reserved_line_id.in_(_DOC_LINES),
        )
        lots = _grouped(
            LineLot.line_id, func.sum(LineLot.quantity), LineLot.line_id.in_(_DOC_LINES)
        )
    # a cancelled document counts nothing: its serial and lot counts are not joined
    joined = [expected, serials, lots] if status in ("open", "posted") else [expected]
    assigned = _assigned(status, serials.c.n, lots.c.n)
    return joined, assigned, func.coalesce(expected.c.n, 0)


def _join_counts(q: Select[*tuple[Any, ...]], joined: list[Any]) -> Select[*tuple[Any, ...]]:
    for sub in joined:
        q = q.outerjoin(sub, sub.c.line_id == DocumentLine.id)
    return q


def _document_select(status: DocStatus) -> Select[*tuple[Any, ...]]:
    joined, assigned, expected = _grouped_counts(status)
    q = select(
        Partner.code,
        _REVERSED.number,
        DocumentLine.line_no,
        Item.sku,
        Item.tracking,
        DocumentLine.direction,
        DocumentLine.quantity,
        DocumentLine.unit_cost,
        DocumentLine.unit_price,
        _FROM.code,
        _TO.code,
        assigned,
        expected,
    ).select_from(Document)
    q = (
        q.outerjoin(Partner, Partner.id == Document.partner_id)
        .outerjoin(_REVERSED, _REVERSED.id == Document.reverses_id)
        .outerjoin(DocumentLine, DocumentLine.document_id == Document.id)
        .outerjoin(Item, Item.id == DocumentLine.item_id)
        .outerjoin(_FROM, _FROM.id == DocumentLine.location_id)
        .outerjoin(_TO, _TO.id == DocumentLine.to_location_id)
    )
    return _join_counts(q, joined).where(Document.id == _DOC).order_by(DocumentLine.line_no)


def _lines_select(status: DocStatus) -> Select[*tuple[Any, ...]]:
    joined, assigned, _ = _grouped_counts(status)
    q = select(DocumentLine, Item, assigned).join(Item, Item.id == DocumentLine.item_id)
    q = _join_counts(q, joined)
    return q.where(DocumentLine.document_id == _DOC).order_by(DocumentLine.line_no)


_LINES = {st: _lines_select(st) for st in DOC_STATUSES}


def document_lines(s: Session, doc: Document) -> list[tuple[DocumentLine, Item, int]]:
    """Every line of a document, its item and its assigned count, by line: one statement."""
    rows = s.execute(_LINES[doc.status], {"doc": doc.id})
    return [(ln, it, int(n)) for ln, it, n in rows]


_DOCUMENT = {st: _document_select(st) for st in DOC_STATUSES}


def document_view(s: Session, doc: Document) -> DocumentInfo:
    """The document with each line's assigned, open and expected counts: one statement."""
    rows = s.execute(_DOCUMENT[doc.status], {"doc": doc.id}).all()
    partner, reverses = (rows[0][0], rows[0][1]) if rows else (None, None)
    lines = tuple(_line_info(*r[2:]) for r in rows if r[2] is not None)
    return document_info_of(doc, partner, reverses, lines)


def document_info_of(
    doc: Document, partner: str | None, reverses: str | None, lines: tuple[LineInfo, ...]
) -> DocumentInfo:
    """A document's row as the view shows it, with its partner's code and the number of the
    document it reverses."""
    return DocumentInfo(
        number=doc.number,
        doc_type=doc.doc_type,
        status=doc.status,
        partner=partner,
        reference=doc.reference,
        created_at=doc.created_at,
        posted_at=doc.posted_at,
        reverses=reverses,
        lines=lines,
    )
