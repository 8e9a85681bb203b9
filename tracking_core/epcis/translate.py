"""One outbox event as EPCIS 2.0 events (JSON-LD objects), from the page's ``Facts``.

A pure function of the outbox row and the history it points at: the same row gives the
same events, ids included. The mapping (docs/epcis.md, "Mapping"):

- ``document.posted``: each ledger record is a move in (a receipt, a return, an
  adjustment in), out (a shipment, a vendor return, an adjustment out) or between two
  locations (a transfer); a record that stays put (a revaluation) is no event. Numbers
  made from a mask are commissioned first (``ADD``, lot and expiry in the ILMD).
- ``document.reversed``: the original's events again, each with an ``errorDeclaration``
  (reason ``did_not_occur``): their ids are the originals', so a receiver marks them.
- ``lot.*`` and a serial's quarantine: the lot's class (or the serial) with the new
  disposition; ``container.*``: an ``AggregationEvent``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from tracking_core.epcis.event_hash import event_id
from tracking_core.epcis.identifiers import Uris
from tracking_core.epcis.reading import CONTAINER_KINDS, LOT_KINDS, Doc, Facts, OutboxRow, Record

Event = dict[str, Any]

# our document as a business transaction, and the reference (the ERP's order) beside it
DOCUMENT_TYPES = {
    "receipt": "recadv",
    "shipment": "desadv",
    "customer_return": "rma",
    "vendor_return": "rma",
}
REFERENCE_TYPES = {
    "receipt": "po",
    "shipment": "po",
    "customer_return": "rma",
    "vendor_return": "rma",
}
# (bizStep, disposition) of the observation after commissioning, by document type
IN_STEPS = {
    "receipt": ("OBSERVE", "receiving", "in_progress"),
    "customer_return": ("OBSERVE", "receiving", "returned"),
    "adjustment": ("ADD", "stock_taking", "sellable_accessible"),
}
OUT_STEPS = {
    "shipment": ("OBSERVE", "shipping", "in_transit"),
    "vendor_return": ("OBSERVE", "shipping", "returned"),
    "adjustment": ("DELETE", "destroying", "destroyed"),
}
LOT_STEPS = {
    "lot.recalled": ("holding", "recalled"),
    "lot.quarantined": ("holding", "non_sellable_other"),
    "lot.released": (None, "sellable_accessible"),
}
_UOM = re.compile(r"[A-Z0-9]{2,3}")  # a UN/ECE Recommendation 20 code, as EPCIS takes it


def time(at: dt.datetime) -> str:
    """UTC with milliseconds, as the event hash takes it (so it hashes as written)."""
    u = at.astimezone(dt.UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
        f".{u.microsecond // 1000:03d}Z"
    )


class Translator:
    def __init__(self, facts: Facts, uris: Uris) -> None:
        self.facts, self.uris = facts, uris
        self._kinds: dict[str, Callable[[OutboxRow], list[Event]]] = {
            "document.posted": self._posted,
            "document.reversed": self._reversed,
            "serial.status_changed": self._serial_hold,
        }
        for kind in LOT_KINDS:
            self._kinds[kind] = self._lot
        for kind in CONTAINER_KINDS:
            self._kinds[kind] = self._aggregation

    def events(self, row: OutboxRow) -> list[Event]:
        handler = self._kinds.get(row.kind)
        return handler(row) if handler else []

    # --- identifiers -------------------------------------------------------------------

    def _gtin(self, sku: str) -> str | None:
        keys = self.facts.items.get(sku)
        return keys.gtin if keys else None

    def _serial(self, sku: str, serial: str) -> str:
        return self.uris.serial(self._gtin(sku), sku, serial)

    def _lot_class(self, sku: str, lot: str) -> str:
        return self.uris.lot_class(self._gtin(sku), sku, lot)

    def _quantity(self, sku: str, lot: str, quantity: int | None) -> dict[str, Any]:
        out: dict[str, Any] = {"epcClass": self._lot_class(sku, lot)}
        if quantity is not None:
            out["quantity"] = quantity
            keys = self.facts.items.get(sku)
            if keys and _UOM.fullmatch(keys.uom):
                out["uom"] = keys.uom
        return out

    def _place(self, location_id: int) -> str:
        code, gln = self.facts.locations[location_id]
        return self.uris.location(code, gln)

    def _place_by_code(self, code: str) -> str:
        return self.uris.location(code, self.facts.location_codes.get(code))

    def _transactions(self, doc: Doc) -> list[dict[str, str]]:
        typed = DOCUMENT_TYPES.get(doc.doc_type) or self.uris.transaction_type(doc.doc_type)
        out = [{"type": typed, "bizTransaction": self.uris.document(doc.number)}]
        if doc.reference:
            ref = REFERENCE_TYPES.get(doc.doc_type) or self.uris.transaction_type("reference")
            out.append({"type": ref, "bizTransaction": self.uris.reference(doc.reference)})
        return out

    # --- documents ---------------------------------------------------------------------

    def _posted(self, row: OutboxRow) -> list[Event]:
        doc = self.facts.documents.get(row.document or "")
        if doc is None or doc.reverses is not None:
            return []
        return self._movements(doc, time(row.occurred_at))

    def _reversed(self, row: OutboxRow) -> list[Event]:
        original = self.facts.documents.get(str(row.data.get("reverses")))
        if original is None or original.posted_at is None:
            return []
        # the original's events were stamped with its posting's time, which is its outbox
        # row's (one clock reading in one transaction: tracking_core/posting.py)
        declared = {"declarationTime": time(row.occurred_at), "reason": "did_not_occur"}
        return [
            {**e, "errorDeclaration": declared}
            for e in self._movements(original, time(original.posted_at))
        ]

    def _movements(self, doc: Doc, at: str) -> list[Event]:
        groups: dict[tuple[int | None, int | None], list[Record]] = {}
        for r in self.facts.records.get(doc.id, ()):
            if r.source == r.target or (r.serial is None and r.quantity == 0):
                continue  # a revaluation: nothing moved
            groups.setdefault((r.source, r.target), []).append(r)
        out: list[Event] = []
        for (src, dst), records in groups.items():
            if src is None and dst is not None:
                out += self._moved_in(doc, at, dst, records)
            elif dst is None and src is not None:
                out += self._moved_out(doc, at, src, records)
            elif src is not None and dst is not None:
                out += self._moved_between(doc, at, src, dst, records)
        return out

    def _what(self, records: Iterable[Record], *, containers: bool) -> dict[str, Any]:
        """``epcList`` (serials, then the containers they moved in) and ``quantityList``."""
        epcs: list[str] = []
        boxes: dict[str, None] = {}
        lots: dict[tuple[str, str], int] = {}
        for r in records:
            if r.serial is not None:
                epcs.append(self._serial(r.item, r.serial))
            elif r.lot is not None:
                lots[(r.item, r.lot)] = lots.get((r.item, r.lot), 0) + r.quantity
            if containers and r.container is not None:
                boxes[self.uris.container(*r.container)] = None
        out: dict[str, Any] = {}
        if epcs or boxes:
            out["epcList"] = epcs + list(boxes)
        if lots:
            out["quantityList"] = [self._quantity(i, lot, q) for (i, lot), q in lots.items()]
        return out

    def _event(self, at: str, what: dict[str, Any], action: str, **fields: Any) -> Event:
        event: Event = {
            "type": "ObjectEvent",
            "eventTime": at,
            "eventTimeZoneOffset": "+00:00",
            **what,
            "action": action,
        }
        event.update({k: v for k, v in fields.items() if v})
        event["eventID"] = event_id(event)
        return event

    def _party(self, doc: Doc, role: str) -> list[dict[str, str]]:
        if doc.partner is None or doc.doc_type in ("transfer", "adjustment"):
            return []
        return [{"type": "owning_party", role: self.uris.party(doc.partner)}]

    def _moved_in(self, doc: Doc, at: str, dst: int, records: list[Record]) -> list[Event]:
        place = {"id": self._place(dst)}
        common = {
            "readPoint": place,
            "bizLocation": place,
            "bizTransactionList": self._transactions(doc),
        }
        flags = [self._generated(doc, r) for r in records]
        made = [r for r, generated in zip(records, flags, strict=True) if generated]
        out = [
            self._event(
                at,
                self._what(batch, containers=False),
                "ADD",
                bizStep="commissioning",
                disposition="active",
                **common,
                ilmd=self._ilmd(batch[0]),
            )
            for batch in _by_class(made)
        ]
        action, step, disposition = IN_STEPS.get(doc.doc_type, IN_STEPS["receipt"])
        if action == "ADD":  # an adjustment: what was not commissioned is added as found
            seen = [r for r, generated in zip(records, flags, strict=True) if not generated]
        else:
            seen = records
        if seen:
            out.append(
                self._event(
                    at,
                    self._what(seen, containers=True),
                    action,
                    bizStep=step,
                    disposition=disposition,
                    **common,
                    sourceList=self._party(doc, "source"),
                    destinationList=[{"type": "location", "destination": place["id"]}],
                )
            )
        return out

    def _moved_out(self, doc: Doc, at: str, src: int, records: list[Record]) -> list[Event]:
        action, step, disposition = OUT_STEPS.get(doc.doc_type, OUT_STEPS["shipment"])
        place = self._place(src)
        moving = action == "OBSERVE"
        return [
            self._event(
                at,
                self._what(records, containers=moving),
                action,
                bizStep=step,
                disposition=disposition,
                readPoint={"id": place},
                bizTransactionList=self._transactions(doc),
                sourceList=[{"type": "location", "source": place}] if moving else [],
                destinationList=self._party(doc, "destination"),
            )
        ]

    def _moved_between(
        self, doc: Doc, at: str, src: int, dst: int, records: list[Record]
    ) -> list[Event]:
        """A transfer: departing at the source, arriving at the destination (docs/epcis.md)."""
        here, there = self._place(src), self._place(dst)
        what = self._what(records, containers=True)
        ends = {
            "bizTransactionList": self._transactions(doc),
            "sourceList": [{"type": "location", "source": here}],
            "destinationList": [{"type": "location", "destination": there}],
        }
        return [
            self._event(
                at,
                what,
                "OBSERVE",
                bizStep="departing",
                disposition="in_transit",
                readPoint={"id": here},
                **ends,
            ),
            self._event(
                at,
                what,
                "OBSERVE",
                bizStep="arriving",
                disposition="sellable_accessible",
                readPoint={"id": there},
                bizLocation={"id": there},
                **ends,
            ),
        ]

    def _generated(self, doc: Doc, r: Record) -> bool:
        if r.serial is not None:
            return (doc.number, "serial", r.item, r.serial) in self.facts.generated
        return (doc.number, "lot", r.item, r.lot or "") in self.facts.generated

    @staticmethod
    def _ilmd(r: Record) -> dict[str, str]:
        out = {}
        if r.lot is not None:
            out["cbvmda:lotNumber"] = r.lot
        if r.expiry is not None:
            out["cbvmda:itemExpirationDate"] = r.expiry.isoformat()
        return out

    # --- statuses and containers ---------------------------------------------------------

    def _lot(self, row: OutboxRow) -> list[Event]:
        lot = row.data.get("lot")
        if row.item is None or lot is None:
            return []
        step, disposition = LOT_STEPS[row.kind]
        transactions = []
        if row.data.get("recall_number"):
            transactions.append(
                {
                    "type": self.uris.transaction_type("recall"),
                    "bizTransaction": self.uris.recall(str(row.data["recall_number"])),
                }
            )
        # the class alone, without a quantity: the status is the whole lot's, wherever it is
        what = {"quantityList": [self._quantity(row.item, str(lot), None)]}
        return [
            self._event(
                time(row.occurred_at),
                what,
                "OBSERVE",
                bizStep=step,
                disposition=disposition,
                bizTransactionList=transactions,
            )
        ]

    def _serial_hold(self, row: OutboxRow) -> list[Event]:
        """A serial put into or out of quarantine by hand; a posting's status changes are
        its document's events already."""
        if row.document is not None or "quarantine" not in row.data or row.item is None:
            return []
        on = bool(row.data["quarantine"])
        what = {"epcList": [self._serial(row.item, str(s)) for s in row.data.get("serials", ())]}
        return [
            self._event(
                time(row.occurred_at),
                what,
                "OBSERVE",
                bizStep="holding" if on else None,
                disposition="non_sellable_other" if on else "sellable_accessible",
            )
        ]

    def _aggregation(self, row: OutboxRow) -> list[Event]:
        d = row.data
        children = [self._serial(x["item"], str(x["serial"])) for x in d.get("serials", ())]
        schemes = self.facts.container_schemes
        children += [
            self.uris.container(c, schemes.get(c, _scheme(c))) for c in d.get("containers", ())
        ]
        quantities = [
            self._quantity(x["item"], str(x["lot"]), int(x["quantity"])) for x in d.get("lots", ())
        ]
        if not children and not quantities:
            return []
        packed = row.kind == "container.packed"
        event: Event = {
            "type": "AggregationEvent",
            "eventTime": time(row.occurred_at),
            "eventTimeZoneOffset": "+00:00",
            "parentID": self.uris.container(str(d["container"]), str(d.get("scheme", "sscc"))),
        }
        if children:
            event["childEPCs"] = children
        if quantities:
            event["childQuantityList"] = quantities
        event["action"] = "ADD" if packed else "DELETE"
        event["bizStep"] = "packing" if packed else "unpacking"
        if d.get("location"):
            place = {"id": self._place_by_code(str(d["location"]))}
            event["readPoint"] = place
            event["bizLocation"] = place
        doc = self.facts.documents.get(str(d.get("document")))
        if doc is not None:
            event["bizTransactionList"] = self._transactions(doc)
        event["eventID"] = event_id(event)
        return [event]


def _scheme(code: str) -> str:
    """A child container no longer known by its code: an SSCC by its shape, else a plate."""
    return "sscc" if len(code) == 18 and code.isdigit() else "plate"


def _by_class(records: list[Record]) -> list[list[Record]]:
    """Commissioned numbers by (item, lot, expiry): the ILMD is one per event."""
    groups: dict[tuple[str, str | None, dt.date | None], list[Record]] = {}
    for r in records:
        groups.setdefault((r.item, r.lot, r.expiry), []).append(r)
    return list(groups.values())
