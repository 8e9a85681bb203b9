"""What one page of the export reads: the outbox rows, then everything they point at in a
fixed number of statements (documents, their ledger records, label jobs, items, locations,
containers), each batched over the whole page, whatever its size.

Everything read is history that does not change (ledger records, label jobs, outbox rows)
or master data (GTINs, GLNs, container schemes): a page read again gives the same events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracking_core.models import (
    Container,
    Document,
    Item,
    ItemGtin,
    LabelJob,
    Location,
    Lot,
    LotTransaction,
    OutboxEvent,
    Partner,
    SerialNumber,
    SerialTransaction,
)

DOCUMENT_KINDS = ("document.posted", "document.reversed")
LOT_KINDS = ("lot.recalled", "lot.quarantined", "lot.released")
CONTAINER_KINDS = ("container.packed", "container.unpacked")
# the kinds that can make an EPCIS event; the others are read past, never translated
KINDS = (*DOCUMENT_KINDS, *LOT_KINDS, *CONTAINER_KINDS, "serial.status_changed")


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    kind: str
    occurred_at: dt.datetime
    document: str | None
    item: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Doc:
    id: int
    number: str
    doc_type: str
    reference: str | None
    partner: str | None
    posted_at: dt.datetime | None
    reverses: int | None  # the id of the document it reverses


@dataclass(frozen=True)
class Record:
    """One ledger record: a serial (quantity 1) or a lot quantity at a place."""

    item: str
    serial: str | None
    lot: str | None
    expiry: dt.date | None
    source: int | None  # location ids
    target: int | None
    quantity: int
    container: tuple[str, str] | None  # (code, scheme)


@dataclass(frozen=True)
class ItemKeys:
    gtin: str | None  # the lowest of its GTINs
    uom: str


@dataclass
class Facts:
    """The page's rows and what they point at, by key."""

    rows: list[OutboxRow]
    documents: dict[str, Doc] = field(default_factory=dict)  # by number
    documents_by_id: dict[int, Doc] = field(default_factory=dict)
    records: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    generated: set[tuple[str, str, str, str]] = field(default_factory=set)  # doc, kind, sku, no
    items: dict[str, ItemKeys] = field(default_factory=dict)
    locations: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # code, gln
    location_codes: dict[str, str | None] = field(default_factory=dict)  # code -> gln
    container_schemes: dict[str, str] = field(default_factory=dict)


def outbox_rows(s: Session, since: int, top: int) -> list[OutboxRow]:
    rows = s.execute(
        select(
            OutboxEvent.seq,
            OutboxEvent.kind,
            OutboxEvent.occurred_at,
            OutboxEvent.document,
            OutboxEvent.item,
            OutboxEvent.data,
        )
        .where(
            OutboxEvent.seq > since,
            OutboxEvent.seq <= top,
            OutboxEvent.kind.in_(KINDS),
            # a posting's serial status changes (with every serial, the bulk of the outbox's
            # JSON) are its document's events already: only holds by hand are read
            or_(OutboxEvent.kind != "serial.status_changed", OutboxEvent.document.is_(None)),
        )
        .order_by(OutboxEvent.seq)
    ).all()
    return [OutboxRow(r[0], r[1], r[2], r[3], r[4], dict(r[5] or {})) for r in rows]


def read(s: Session, rows: list[OutboxRow]) -> Facts:
    facts = Facts(rows)
    numbers = {r.document for r in rows if r.kind in DOCUMENT_KINDS and r.document}
    numbers |= {str(r.data["reverses"]) for r in rows if r.kind == "document.reversed"}
    packing = {
        str(r.data["document"])
        for r in rows
        if r.kind in CONTAINER_KINDS and r.data.get("document")
    }
    _documents(s, facts, numbers | packing)
    # a reversal is told as its original's events declared erroneous: the original's records
    wanted = [d.id for d in facts.documents.values() if d.reverses is None and d.number in numbers]
    _records(s, facts, wanted)
    _generated(s, facts, [facts.documents_by_id[i].number for i in wanted])
    skus = {r.item for recs in facts.records.values() for r in recs}
    codes: set[str] = set()
    children: set[str] = set()
    for r in rows:
        if r.item:
            skus.add(r.item)
        if r.kind in CONTAINER_KINDS:
            skus |= {x["item"] for x in r.data.get("serials", ())}
            skus |= {x["item"] for x in r.data.get("lots", ())}
            children |= set(r.data.get("containers", ()))
            if r.data.get("location"):
                codes.add(r.data["location"])
    _items(s, facts, skus)
    ids = {i for recs in facts.records.values() for r in recs for i in (r.source, r.target)}
    _locations(s, facts, {i for i in ids if i is not None}, codes)
    _schemes(s, facts, children)
    return facts


def _documents(s: Session, facts: Facts, numbers: set[str]) -> None:
    if not numbers:
        return
    found = s.execute(
        select(
            Document.id,
            Document.number,
            Document.doc_type,
            Document.reference,
            Partner.code,
            Document.posted_at,
            Document.reverses_id,
        )
        .outerjoin(Partner, Partner.id == Document.partner_id)
        .where(Document.number.in_(sorted(numbers)))
    ).all()
    for row in found:
        doc = Doc(*row)
        facts.documents[doc.number] = doc
        facts.documents_by_id[doc.id] = doc


def _container(code: str | None, scheme: str | None) -> tuple[str, str] | None:
    return (code, scheme) if code is not None and scheme is not None else None


def _records(s: Session, facts: Facts, doc_ids: list[int]) -> None:
    if not doc_ids:
        return
    st = SerialTransaction
    serials = s.execute(
        select(
            st.document_id,
            Item.sku,
            SerialNumber.serial,
            SerialNumber.lot_number,
            SerialNumber.expiry_date,
            st.from_location_id,
            st.to_location_id,
            Container.code,
            Container.scheme,
        )
        .join(SerialNumber, SerialNumber.id == st.serial_id)
        .join(Item, Item.id == st.item_id)
        .outerjoin(Container, Container.id == st.container_id)
        .where(st.document_id.in_(doc_ids))
        .order_by(st.seq)
    ).all()
    for doc_id, sku, serial, lot, expiry, src, dst, code, scheme in serials:
        facts.records[doc_id].append(
            Record(sku, serial, lot, expiry, src, dst, 1, _container(code, scheme))
        )
    lt = LotTransaction
    lots = s.execute(
        select(
            lt.document_id,
            Item.sku,
            Lot.lot,
            Lot.expiry_date,
            lt.from_location_id,
            lt.to_location_id,
            lt.quantity,
            Container.code,
            Container.scheme,
        )
        .join(Lot, Lot.id == lt.lot_id)
        .join(Item, Item.id == lt.item_id)
        .outerjoin(Container, Container.id == lt.container_id)
        .where(lt.document_id.in_(doc_ids))
        .order_by(lt.seq)
    ).all()
    for doc_id, sku, lot, expiry, src, dst, qty, code, scheme in lots:
        facts.records[doc_id].append(
            Record(sku, None, lot, expiry, src, dst, qty, _container(code, scheme))
        )


def _generated(s: Session, facts: Facts, numbers: list[str]) -> None:
    """The numbers made from a mask: those a label job was written for (a scanned vendor
    number is on the goods already and gets none; tracking_core/serials.py, lots.py)."""
    if not numbers:
        return
    jobs = s.execute(
        select(LabelJob.document, LabelJob.kind, LabelJob.payload).where(
            LabelJob.document.in_(numbers), LabelJob.kind.in_(("serial", "lot"))
        )
    ).all()
    for doc, kind, payload in jobs:
        sku = str(payload.get("item"))
        if kind == "serial":
            facts.generated.update((doc, "serial", sku, str(n)) for n in payload["serials"])
        elif payload.get("lot") is not None:
            facts.generated.add((doc, "lot", sku, str(payload["lot"])))


def _items(s: Session, facts: Facts, skus: Iterable[str]) -> None:
    wanted = sorted(set(skus))
    if not wanted:
        return
    found = s.execute(
        select(Item.sku, Item.uom, func.min(ItemGtin.gtin))
        .outerjoin(ItemGtin, ItemGtin.item_id == Item.id)
        .where(Item.sku.in_(wanted))
        .group_by(Item.sku, Item.uom)
    ).all()
    facts.items = {sku: ItemKeys(gtin, uom) for sku, uom, gtin in found}


def _locations(s: Session, facts: Facts, ids: set[int], codes: set[str]) -> None:
    if not ids and not codes:
        return
    found = s.execute(
        select(Location.id, Location.code, Location.gln).where(
            or_(Location.id.in_(sorted(ids)), Location.code.in_(sorted(codes)))
        )
    ).all()
    for loc_id, code, gln in found:
        facts.locations[loc_id] = (code, gln)
        facts.location_codes[code] = gln


def _schemes(s: Session, facts: Facts, codes: set[str]) -> None:
    if not codes:
        return
    found = s.execute(
        select(Container.code, Container.scheme).where(Container.code.in_(sorted(codes)))
    ).all()
    facts.container_schemes = {code: scheme for code, scheme in found}
