"""The steps that set the session up: mode, operator, partner, document, location,
item, lot, quantity, counting, cancel, and the question about an ambiguous scan.
"""

from __future__ import annotations

from tracking_core import catalog, documents, operators, validate
from tracking_core.context import Ctx
from tracking_core.errors import DocumentNotOpen, InvalidInput, PinRequired, WrongDocumentType
from tracking_core.models import Partner
from tracking_core.partners import check_partner_kind
from tracking_core.scan.answer import Feedback, doc_title, doc_words, ok
from tracking_core.scan.document_steps import adhoc_partner
from tracking_core.scan.prompt import document, progress
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import (
    Ask,
    Cancel,
    NewDocument,
    SetDocument,
    SetItem,
    SetLocation,
    SetLot,
    SetMode,
    SetOperator,
    SetPartner,
    SetQuantity,
)


def set_mode(ctx: Ctx, state: SessionState, step: SetMode) -> tuple[Feedback, SessionState]:
    new = state.kept(mode=step.mode)
    return ok("mode", f"Mode: {step.mode.replace('_', ' ')}"), new


def set_operator(
    ctx: Ctx, state: SessionState, step: SetOperator
) -> tuple[Feedback, SessionState]:
    row = operators.signed_in(ctx.session, step.badge)  # checked before any lookup
    if row.pin_hash is not None:  # a badge alone could be a photocopy
        raise PinRequired(badge=row.badge)
    text = f"Operator {row.badge} ({row.name})"
    new = state.with_(operator=row.badge, operator_until=None, operator_idle=None)
    return ok("operator", text, operator=row.badge), new


def set_partner(ctx: Ctx, state: SessionState, step: SetPartner) -> tuple[Feedback, SessionState]:
    """A partner label: the vendor or customer of the ad-hoc document (this one or the next)."""
    row = catalog.partner_row(ctx.session, step.code)
    if state.document is not None:
        doc = documents.document_row(ctx.session, state.document)
        if not state.adhoc and doc.partner_id not in (None, row.id):
            current = ctx.session.get(Partner, doc.partner_id)
            raise InvalidInput(
                field="partner",
                reason=f"{doc.number} is for {current.code if current else '?'}, not {row.code}",
            )
        documents.set_partner(ctx, doc.number, row.code)  # checks the kind
    elif state.doc_type is not None:
        check_partner_kind(state.doc_type, row)
    return ok("partner", f"Partner {row.code} {row.name}".strip()), state.with_(partner=row.code)


def set_document(
    ctx: Ctx, state: SessionState, step: SetDocument
) -> tuple[Feedback, SessionState]:
    doc = documents.document_row(ctx.session, step.number)
    want = state.doc_type
    if want and doc.doc_type != want:
        raise WrongDocumentType(document=doc.number, doc_type=doc.doc_type, expected=want)
    if state.mode != "count" and doc.status != "open":
        raise DocumentNotOpen(document=doc.number, status=doc.status)
    info = document(ctx, doc.number)
    new = state.with_(document=doc.number, adhoc=False, item=None, quantity=None, undo=(), lot=None)
    if state.location is None and info.lines:
        new = new.with_(location=info.lines[0].location)
    return ok("document", f"{doc_title(info.doc_type)} {info.number}", progress=progress(info)), new


def new_document(
    ctx: Ctx, state: SessionState, step: NewDocument
) -> tuple[Feedback, SessionState]:
    if state.doc_type is None:
        raise InvalidInput(field="mode", reason=f"{state.mode} mode works without documents")
    partner = adhoc_partner(ctx, state, state.doc_type)
    info = documents.create_document(ctx, state.doc_type, partner=partner, reference="scanned")
    new = state.with_(document=info.number, adhoc=True, item=None, undo=())
    return ok("document", f"New {doc_words(info.doc_type)} {info.number}"), new


def set_location(
    ctx: Ctx, state: SessionState, step: SetLocation
) -> tuple[Feedback, SessionState]:
    loc = catalog.location_row(ctx.session, step.code)
    if state.mode == "transfer" and state.location and state.location != loc.code:
        return ok("destination", f"Destination {loc.code}"), state.with_(to_location=loc.code)
    new = state.with_(location=loc.code)
    if state.mode == "count":
        new = new.with_(counted=())
    return ok("location", f"Location {loc.code}"), new


def set_item(ctx: Ctx, state: SessionState, step: SetItem) -> tuple[Feedback, SessionState]:
    it = catalog.item_row(ctx.session, step.sku)
    new = state.with_(item=it.sku)
    if state.lot and state.lot.get("item") != it.sku:  # a pending lot is for its own item
        new = new.with_(lot=None)
    return ok("item", f"{it.sku} {it.description}".strip(), item=it.sku), new


def set_lot(ctx: Ctx, state: SessionState, step: SetLot) -> tuple[Feedback, SessionState]:
    """Remember a serialized item's lot label; nothing is stored until its serials come."""
    it = catalog.item_row(ctx.session, step.item.sku)
    lot = validate.code("lot", step.lot)
    pending = {
        "item": it.sku,
        "lot": lot,
        "expiry": step.expiry.isoformat() if step.expiry else None,
        "production_date": step.production_date.isoformat() if step.production_date else None,
    }
    text = f"{it.sku} lot {lot}"
    if step.expiry:
        text += f", expiry {step.expiry.isoformat()}"
    return ok("lot", f"{text}: scan its serials", item=it.sku, lot=lot), state.with_(
        item=it.sku, lot=pending
    )


def set_quantity(
    ctx: Ctx, state: SessionState, step: SetQuantity
) -> tuple[Feedback, SessionState]:
    return ok("quantity", f"Quantity {step.quantity}"), state.with_(quantity=step.quantity)


def cancel(ctx: Ctx, state: SessionState, step: Cancel) -> tuple[Feedback, SessionState]:
    left = state.document
    new = state.kept()
    msg = f"Session cleared; {left} stays open" if left else "Session cleared"
    return ok("cancelled", msg), new


def ask(ctx: Ctx, state: SessionState, step: Ask) -> tuple[Feedback, SessionState]:
    """Nothing stored: the two readings are remembered for ``CMD:CHOOSE``."""
    gs1 = dict(step.gs1)
    gs1_text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in gs1.items())
    literal_text = f"{step.number} {step.raw}"
    readings = [
        {"reading": "gs1", **gs1, "label": "CMD:CHOOSE:GS1", "text": gs1_text},
        {"reading": "literal", step.number: step.raw, "label": "CMD:CHOOSE:LITERAL",
         "text": literal_text},
    ]  # fmt: skip
    pending = {
        "raw": step.raw,
        "item": step.item.sku,
        **{k: dict(v) for k, v in step.choices.items()},
        "readings": readings,
    }
    message = (
        f"{step.raw} may be a GS1 element string without its symbology identifier: "
        f"{gs1_text} (GS1), or {literal_text} (as printed); nothing was stored"
    )
    data = {"scanned": step.raw, "item": step.item.sku, "readings": readings}
    return Feedback("warn", "ambiguous_scan", message, data=data), state.with_(pending=pending)
