"""What a ship notice's containers hold, as rows: the notice's expected contents, the latest
open-and-check of each, and what receiving brings in (the check if there is one). Shared by
receiving (``receiving_containers``), checking (``container_checks``) and the report
(``ship_notice_report``); docs/receiving-by-sscc.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from tracking_core.documents import open_document
from tracking_core.errors import (
    ContainerAlreadyReceived,
    ContainerNotAvailable,
    WrongDocumentType,
)
from tracking_core.models import (
    Base,
    CheckedContent,
    Container,
    ContainerCheck,
    Document,
    DocumentLine,
    ExpectedContent,
    Item,
)
from tracking_core.serials import chunks
from tracking_core.ship_notice_values import (
    NoticeContent,
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


def receipt_row(s: Session, number: str) -> Document:
    doc = open_document(s, number)
    if doc.doc_type != "receipt":
        raise WrongDocumentType(document=doc.number, doc_type=doc.doc_type, expected="receipt")
    return doc


def require_announced(s: Session, doc: Document, box: Container, *, checking: bool) -> None:
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


def as_notice_content(r: Content, line_rows: dict[int, tuple[DocumentLine, Item]]) -> NoticeContent:
    ln, it = line_rows[r.line_id]
    return NoticeContent(ln.line_no, it.sku, r.quantity, r.serial, r.lot, r.expiry)
