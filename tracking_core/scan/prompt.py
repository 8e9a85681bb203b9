"""What the operator sees after a step: the document's progress and the next scan asked for.

Both come from the document as read once per scan (``DocumentInfo``), never re-read.
"""

from __future__ import annotations

from typing import Any

from tracking_core import catalog, documents, lots
from tracking_core.context import Ctx
from tracking_core.models import Item
from tracking_core.partners import PARTNER_KIND
from tracking_core.scan.answer import box_name
from tracking_core.scan.state import SessionState
from tracking_core.values import DocumentInfo


def progress(info: DocumentInfo) -> dict[str, Any]:
    return {
        "document": info.number,
        "doc_type": info.doc_type,
        "status": info.status,
        "lines": [
            {
                "line": ln.line,
                "item": ln.item,
                "quantity": ln.quantity,
                "done": ln.assigned,
                "open": ln.open,
                "location": ln.location,
                "expected": ln.expected,  # serials on the advance ship notice
            }
            for ln in info.lines
        ],
        "done": sum(ln.assigned for ln in info.lines),
        "open": sum(ln.open for ln in info.lines),
    }


def document(ctx: Ctx, number: str) -> DocumentInfo:
    return documents.document_info(ctx.session, documents.document_row(ctx.session, number))


def prompt(ctx: Ctx, state: SessionState, info: DocumentInfo | None = None) -> str:
    """What to scan next, in the operator's words (``info``: the document, if read already)."""
    if state.pending is not None:
        gs1, literal = (r["text"] for r in state.pending["readings"])
        return f"Scan CMD:CHOOSE:GS1 for {gs1}, or CMD:CHOOSE:LITERAL for {literal}"
    mode = state.mode
    if mode == "inquiry":
        return "Scan anything to see what it is"
    if mode == "count":
        return "Scan a location" if not state.location else f"Scan serials at {state.location}"
    if mode == "ship":
        return "Scan a shipment" if not state.document else "Scan serials to check, or confirm"
    if mode == "pack":
        return pack_prompt(state)
    if state.document is None and state.location is None:
        return "Scan a document or a location"
    need = missing_partner(ctx, state)
    if need is not None:
        return f"Scan the {need}"
    if state.location is None and state.adhoc:
        return "Scan a location"
    if mode == "transfer" and state.location and not state.to_location:
        return f"Scan the destination for the transfer from {state.location}"
    if state.item is None:
        return "Scan an item"
    it = catalog.item_row(ctx.session, state.item)
    where = f" at {state.location}" if state.location else ""
    if state.document:
        info = info or document(ctx, state.document)
        line = next((ln for ln in info.lines if ln.item == it.sku and ln.open), None)
        if line is not None:
            if it.tracking == "serial":
                pending = state.lot_for(it.sku)
                of_lot = f" (lot {pending[0]})" if pending else ""
                n = line.assigned + 1
                return f"Scan serial {n} of {line.quantity} for {it.sku}{where}{of_lot}"
            suggested = None if state.inbound else suggested_lot(ctx, info.number, line.line)
            if suggested:
                return f"Scan lot {suggested} for {it.sku}{where} ({line.open} open)"
            return f"Scan a lot for {it.sku}{where} ({line.open} open)"
        if not state.adhoc:
            return f"{it.sku} is complete on {state.document}: scan the next item or confirm"
    return f"Scan a {it.tracking} for {it.sku}{where}"


def pack_prompt(state: SessionState) -> str:
    if state.container is not None:
        return f"Scan serials, lots or cases for {box_name(state.container)}, then confirm"
    if state.location is None:
        return "Scan a location, or the SSCC of a container to pack"
    return f"Scan an SSCC, or CMD:NEW for a new one at {state.location}"


def missing_partner(ctx: Ctx, state: SessionState) -> str | None:
    """The partner kind an ad-hoc document still needs ("customer", "vendor"), if any."""
    need = PARTNER_KIND.get(state.doc_type or "")
    if need is None or not state.adhoc or not state.document:
        return None
    if not ctx.settings.require_partners:
        return None
    # the document as this transaction read it already (documents.document_row remembers it)
    doc = documents.document_row(ctx.session, state.document)
    return need if doc.partner_id is None else None


NEXT_LOT = "scantrack.next_lot"  # Session.info: the suggestion a pick step already knows


def ranked_lots(ctx: Ctx, number: str, line_no: int) -> list[tuple[int, str, int]]:
    """(lot id, lot, available) for an outbound lot line, in allocation order."""
    doc = documents.document_row(ctx.session, number)
    ln = documents.line_row(ctx.session, doc, line_no)
    it = ctx.session.get(Item, ln.item_id)
    if it is None or it.tracking != "lot" or ln.direction != "out":
        return []
    return lots.suggest_lots(ctx, doc, ln, it)


def suggested_lot(ctx: Ctx, number: str, line_no: int) -> str | None:
    """The lot the allocation order would pick next for an outbound line."""
    known: dict[tuple[str, int], str | None] = ctx.session.info.get(NEXT_LOT, {})
    if (number, line_no) in known:
        return known[(number, line_no)]
    first = next(iter(ranked_lots(ctx, number, line_no)), None)
    return first[1] if first else None


def picked(
    ctx: Ctx, number: str, line_no: int, ranked: list[tuple[int, str, int]], lot: str, qty: int
) -> None:
    """After ``qty`` of ``lot`` was picked: the next suggestion, without asking again."""
    left = ((name, avail - qty if name == lot else avail) for _, name, avail in ranked)
    following = next((name for name, avail in left if avail > 0), None)
    ctx.session.info.setdefault(NEXT_LOT, {})[(number, line_no)] = following
