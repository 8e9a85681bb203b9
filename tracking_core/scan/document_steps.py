"""The steps that write to a document: assign, generate, verify, confirm, undo.

Each takes the context, the session's state and its step, and answers ``(Feedback, new
state)``; the scan unit of work (``tracking_core.scan.unit``) runs them in its
transaction, so a domain error rolls the step and the state change back together.
Ad-hoc documents (opened by a scan) grow a line as the scans come.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from tracking_core import catalog, documents, inquiry
from tracking_core.command_handlers import handle
from tracking_core.commands import (
    AddLine,
    AllocateLot,
    AllocateSerials,
    GenerateLot,
    GenerateSerials,
    PostDocument,
    SetLineQuantity,
    UnassignLot,
    UnassignSerial,
)
from tracking_core.context import Ctx
from tracking_core.errors import InvalidInput, SerialLotMismatch, SerialNotOnLine, UnknownLine
from tracking_core.models import DocumentLine
from tracking_core.partners import partner_fits
from tracking_core.scan.answer import Feedback, Status, doc_title, ok
from tracking_core.scan.prompt import document, picked, progress, ranked_lots
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import Assign, Confirm, GenerateN, Undo, Verify
from tracking_core.values import Assignment, LineSpec


def adhoc_partner(ctx: Ctx, state: SessionState, doc_type: str) -> str | None:
    """The partner of a new ad-hoc document: scanned, else the station's if it fits."""
    if state.partner:
        return state.partner
    if partner_fits(ctx, doc_type, state.station_partner):
        return state.station_partner
    return None


def line_for(ctx: Ctx, state: SessionState, sku: str, count: int) -> tuple[str, int, SessionState]:
    """The document and line a step lands on; ad-hoc documents grow a line as scans come."""
    doc_type = state.doc_type
    if doc_type is None:
        raise InvalidInput(
            field="mode", reason=f"nothing is received or picked in {state.mode} mode"
        )
    if state.document is None:
        if state.location is None:
            raise InvalidInput(field="location", reason="scan a location or a document first")
        partner = adhoc_partner(ctx, state, doc_type)
        info = documents.create_document(ctx, doc_type, partner=partner, reference="scanned")
        state = state.with_(document=info.number, adhoc=True)
    assert state.document is not None
    doc = documents.open_document(ctx.session, state.document)
    if not state.adhoc:
        try:
            line = documents.find_line(ctx.session, doc, line_no=None, item=sku)
        except UnknownLine:
            raise UnknownLine(key=f"{doc.number}/{sku}") from None
        return doc.number, line.line_no, state
    if doc_type == "transfer" and not state.to_location:
        raise InvalidInput(field="to_location", reason="scan the destination location first")
    loc = catalog.location_row(ctx.session, state.location or "")
    item_id = catalog.item_row(ctx.session, sku).id
    existing = ctx.session.execute(
        select(DocumentLine).where(
            DocumentLine.document_id == doc.id,
            DocumentLine.item_id == item_id,
            DocumentLine.location_id == loc.id,
        )
    ).scalar_one_or_none()
    if existing is None:
        spec = LineSpec(item=sku, quantity=count, location=loc.code, to_location=state.to_location)
        added = handle(ctx, AddLine(doc.number, spec))
        return doc.number, added.line, state
    grown = SetLineQuantity(doc.number, line=existing.line_no, quantity=existing.quantity + count)
    handle(ctx, grown)
    return doc.number, existing.line_no, state


def assign(ctx: Ctx, state: SessionState, step: Assign) -> tuple[Feedback, SessionState]:
    number, line, state = line_for(ctx, state, step.item.sku, step.quantity)
    a: Assignment
    if step.item.tracking == "serial":
        assert step.serial is not None
        if state.inbound:
            made = GenerateSerials(
                number,
                line=line,
                serials=[step.serial],
                lot=step.lot,
                expiry=step.expiry,
                production_date=step.production_date,
            )
            a = handle(ctx, made)
        else:
            a = handle(ctx, AllocateSerials(number, line=line, serials=[step.serial], lot=step.lot))
        entry: dict[str, Any] = {
            "kind": "serial",
            "document": number,
            "serial": step.serial,
            "item": a.item,
        }
        text = f"{a.item} serial {step.serial}" + (f" (lot {step.lot})" if step.lot else "")
    else:
        if state.inbound:
            new_lot = GenerateLot(
                number,
                line=line,
                lot=step.lot,
                quantity=step.quantity,
                expiry=step.expiry,
                production_date=step.production_date,
            )
            a = handle(ctx, new_lot)
        else:
            ranked = ranked_lots(ctx, number, line)
            suggested = ranked[0][1] if ranked else None
            a = handle(ctx, AllocateLot(number, line=line, lot=step.lot, quantity=step.quantity))
            picked(ctx, number, line, ranked, step.lot or "", step.quantity)
            if suggested and step.lot != suggested:
                # Another lot than the allocation order's is allowed, but said out loud.
                note = f"lot {step.lot} picked; the allocation order suggests {suggested}"
                a = replace(a, warnings=(*a.warnings, note))
        entry = {
            "kind": "lot",
            "document": number,
            "lot": step.lot,
            "item": a.item,
            "quantity": step.quantity,
            "line": line,
        }
        text = f"{a.item} lot {step.lot} x {step.quantity}"
    verb = "received" if state.inbound else "picked"
    new = state.pushed({**entry, "adhoc": state.adhoc, "line": line}).with_(
        item=step.item.sku, quantity=None
    )
    status: Status = "warn" if a.warnings else "ok"
    data: dict[str, Any] = {
        "assignment": {"line": a.line, "assigned": a.assigned, "quantity": a.line_quantity}
    }
    if a.warnings:
        data["warnings"] = list(a.warnings)
    message = f"{text} {verb} ({a.assigned}/{a.line_quantity})"
    if a.warnings:
        message += "; " + "; ".join(a.warnings)
    return Feedback(status, "generated" if state.inbound else "allocated", message, data=data), new


def generate_n(ctx: Ctx, state: SessionState, step: GenerateN) -> tuple[Feedback, SessionState]:
    if not state.inbound:
        raise InvalidInput(field="mode", reason="numbers are generated in receive or return mode")
    if state.item is None:
        raise InvalidInput(field="item", reason="scan the item to generate numbers for")
    it = catalog.item_row(ctx.session, state.item)
    count = step.count if it.tracking == "serial" else 1
    number, line, state = line_for(ctx, state, it.sku, step.count)
    if it.tracking == "serial":
        lot, expiry, production_date = state.lot_for(it.sku) or (None, None, None)
        batch = GenerateSerials(
            number,
            line=line,
            count=step.count,
            lot=lot,
            expiry=expiry,
            production_date=production_date,
        )
        a = handle(ctx, batch)
        made = list(a.serials)
    elif it.tracking == "lot":
        a = handle(ctx, GenerateLot(number, line=line, quantity=step.count))
        made = [a.lots[0][0]]
    else:
        raise InvalidInput(field="item", reason=f"{it.sku} is not tracked by serial or lot")
    new = state
    for n in made:
        entry = {
            "kind": it.tracking,
            "document": number,
            "item": it.sku,
            "line": line,
            "adhoc": state.adhoc,
        }
        entry.update(
            {"serial": n} if it.tracking == "serial" else {"lot": n, "quantity": step.count}
        )
        new = new.pushed(entry)
    what = f"{count} serials" if it.tracking == "serial" else f"lot {made[0]} x {step.count}"
    if it.tracking == "serial" and a.serials and (pending := state.lot_for(it.sku)):
        what += f" of lot {pending[0]}"
    return ok("generated", f"{it.sku}: {what} generated, labels queued", numbers=made), new


def verify(ctx: Ctx, state: SessionState, step: Verify) -> tuple[Feedback, SessionState]:
    if state.document is None:
        raise InvalidInput(field="document", reason="scan the shipment to check first")
    info = inquiry.serial_info(ctx.session, item=step.item.sku, serial=step.serial, history=False)
    if info.held_by != state.document:
        raise SerialNotOnLine(serial=step.serial, line=0)
    if step.lot is not None and info.lot is not None and info.lot != step.lot:
        raise SerialLotMismatch(
            item=info.item, serial=info.serial, lot=info.lot, label_lot=step.lot
        )
    return ok("verified", f"{step.item.sku} serial {step.serial} is on {state.document}"), state


def confirm(ctx: Ctx, state: SessionState, step: Confirm) -> tuple[Feedback, SessionState]:
    if state.document is None:
        raise InvalidInput(field="document", reason="there is no document to confirm")
    result = handle(ctx, PostDocument(state.document))
    info = document(ctx, state.document)
    new = state.with_(
        document=None,
        adhoc=False,
        item=None,
        quantity=None,
        undo=(),
        to_location=None,
        partner=None,
        lot=None,
    )
    return ok(
        "posted",
        f"{doc_title(info.doc_type)} {result.document} posted",
        document=progress(info),
        records=result.serial_records + result.lot_records,
    ), new


def undo(ctx: Ctx, state: SessionState, step: Undo) -> tuple[Feedback, SessionState]:
    if not state.undo:
        raise InvalidInput(field="undo", reason="there is nothing to undo")
    last = state.undo[-1]
    doc = last["document"]
    if last["kind"] == "serial":
        handle(ctx, UnassignSerial(doc, serial=last["serial"], item=last["item"]))
        qty, text = 1, f"serial {last['serial']}"
    else:
        handle(ctx, UnassignLot(doc, lot=last["lot"], item=last["item"], quantity=last["quantity"]))
        qty, text = int(last["quantity"]), f"lot {last['lot']} x {last['quantity']}"
    if last.get("adhoc"):
        d = documents.document_row(ctx.session, doc)
        line = documents.line_row(ctx.session, d, int(last["line"]))
        if line.quantity - qty > 0:
            handle(ctx, SetLineQuantity(doc, line=line.line_no, quantity=line.quantity - qty))
    return ok("undone", f"Undone: {last['item']} {text}"), state.with_(undo=state.undo[:-1])
