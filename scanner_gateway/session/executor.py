"""execute(ctx, state, step) -> (Feedback, new state), with the core's service functions.

Runs inside the core's scan transaction (``Tracking.run_scan``): a domain error rolls
the step and the state change back together.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from scanner_gateway.session.feedback import Feedback, Status
from scanner_gateway.session.planner import (
    Assign,
    Cancel,
    Confirm,
    CountSerial,
    GenerateN,
    Inquire,
    NewDocument,
    Refuse,
    SetDocument,
    SetItem,
    SetLocation,
    SetLot,
    SetMode,
    SetOperator,
    SetQuantity,
    Step,
    Undo,
    Verify,
)
from scanner_gateway.session.state import SessionState
from tracking_core import catalog, documents, inquiry, lots, posting, serials, validate
from tracking_core.context import Ctx
from tracking_core.errors import (
    DocumentNotOpen,
    InvalidInput,
    SerialLotMismatch,
    SerialNotOnLine,
    UnknownLine,
    WrongDocumentType,
)
from tracking_core.models import DocumentLine, Item, SerialNumber
from tracking_core.values import Assignment, DocumentInfo, LineSpec


def ok(code: str, message: str, **data: Any) -> Feedback:
    return Feedback(status="ok", code=code, message=message, data=data)


# --- prompts and progress -------------------------------------------------------------


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


def prompt(ctx: Ctx, state: SessionState, info: DocumentInfo | None = None) -> str:
    """What to scan next, in the operator's words (``info``: the document, if read already)."""
    mode = state.mode
    if mode == "inquiry":
        return "Scan anything to see what it is"
    if mode == "count":
        return "Scan a location" if not state.location else f"Scan serials at {state.location}"
    if mode == "ship":
        return "Scan a shipment" if not state.document else "Scan serials to check, or confirm"
    if state.document is None and state.location is None:
        return "Scan a document or a location"
    if state.location is None and state.adhoc:
        return "Scan a location"
    if mode == "transfer" and state.location and not state.to_location:
        return f"Scan the destination for the transfer from {state.location}"
    if state.item is None:
        return "Scan an item"
    it = catalog.item_row(ctx.session, state.item)
    where = f" at {state.location}" if state.location else ""
    if state.document:
        info = info or _doc(ctx, state.document)
        line = next((ln for ln in info.lines if ln.item == it.sku and ln.open), None)
        if line is not None:
            if it.tracking == "serial":
                pending = state.lot_for(it.sku)
                of_lot = f" (lot {pending[0]})" if pending else ""
                n = line.assigned + 1
                return f"Scan serial {n} of {line.quantity} for {it.sku}{where}{of_lot}"
            suggested = None if state.inbound else _suggested_lot(ctx, info.number, line.line)
            if suggested:
                return f"Scan lot {suggested} for {it.sku}{where} ({line.open} open)"
            return f"Scan a lot for {it.sku}{where} ({line.open} open)"
        if not state.adhoc:
            return f"{it.sku} is complete on {state.document}: scan the next item or confirm"
    return f"Scan a {it.tracking} for {it.sku}{where}"


def _suggested_lot(ctx: Ctx, number: str, line_no: int) -> str | None:
    """The lot the allocation order would pick next for an outbound line."""
    doc = documents.document_row(ctx.session, number)
    ln = documents.line_row(ctx.session, doc, line_no)
    it = ctx.session.get(Item, ln.item_id)
    if it is None or it.tracking != "lot" or ln.direction != "out":
        return None
    first = next(iter(lots.suggest_lots(ctx, doc, ln, it)), None)
    return first[1] if first else None


def _doc(ctx: Ctx, number: str) -> DocumentInfo:
    return documents.document_info(ctx.session, documents.document_row(ctx.session, number))


def _answer(ctx: Ctx, state: SessionState, fb: Feedback) -> tuple[Feedback, SessionState]:
    data = dict(fb.data)
    data.setdefault("mode", state.mode)
    info = _doc(ctx, state.document) if state.document else None
    if info is not None and "document" not in data:
        data["progress"] = progress(info)
    return Feedback(fb.status, fb.code, fb.message, prompt(ctx, state, info), data), state


# --- the steps ---------------------------------------------------------------------


def execute(ctx: Ctx, state: SessionState, step: Step) -> tuple[Feedback, SessionState]:
    ctx.operator = state.operator or ctx.operator
    if isinstance(step, Refuse):
        fb = Feedback("error", step.code, step.message)
        return Feedback(fb.status, fb.code, fb.message, prompt(ctx, state), fb.data), state
    handler = _HANDLERS[type(step)]
    fb, new_state = handler(ctx, state, step)
    return _answer(ctx, new_state, fb)


def _set_mode(ctx: Ctx, state: SessionState, step: SetMode) -> tuple[Feedback, SessionState]:
    new = SessionState(mode=step.mode, operator=state.operator, location=state.location)
    return ok("mode", f"Mode: {step.mode.replace('_', ' ')}"), new


def _set_operator(
    ctx: Ctx, state: SessionState, step: SetOperator
) -> tuple[Feedback, SessionState]:
    return ok("operator", f"Operator {step.badge}"), state.with_(operator=step.badge)


def _set_document(
    ctx: Ctx, state: SessionState, step: SetDocument
) -> tuple[Feedback, SessionState]:
    doc = documents.document_row(ctx.session, step.number)
    want = state.doc_type
    if want and doc.doc_type != want:
        raise WrongDocumentType(document=doc.number, doc_type=doc.doc_type, expected=want)
    if state.mode != "count" and doc.status != "open":
        raise DocumentNotOpen(document=doc.number, status=doc.status)
    info = _doc(ctx, doc.number)
    new = state.with_(document=doc.number, adhoc=False, item=None, quantity=None, undo=(), lot=None)
    if state.location is None and info.lines:
        new = new.with_(location=info.lines[0].location)
    return ok("document", f"{info.doc_type} {info.number}", progress=progress(info)), new


def _new_document(
    ctx: Ctx, state: SessionState, step: NewDocument
) -> tuple[Feedback, SessionState]:
    if state.doc_type is None:
        raise InvalidInput(field="mode", reason=f"{state.mode} mode works without documents")
    info = documents.create_document(ctx, state.doc_type, reference="scanned")
    new = state.with_(document=info.number, adhoc=True, item=None, undo=())
    return ok("document", f"New {info.doc_type} {info.number}"), new


def _set_location(
    ctx: Ctx, state: SessionState, step: SetLocation
) -> tuple[Feedback, SessionState]:
    loc = catalog.location_row(ctx.session, step.code)
    if state.mode == "transfer" and state.location and state.location != loc.code:
        return ok("destination", f"Destination {loc.code}"), state.with_(to_location=loc.code)
    new = state.with_(location=loc.code)
    if state.mode == "count":
        new = new.with_(counted=())
    return ok("location", f"Location {loc.code}"), new


def _set_item(ctx: Ctx, state: SessionState, step: SetItem) -> tuple[Feedback, SessionState]:
    it = catalog.item_row(ctx.session, step.sku)
    new = state.with_(item=it.sku)
    if state.lot and state.lot.get("item") != it.sku:  # a pending lot is for its own item
        new = new.with_(lot=None)
    return ok("item", f"{it.sku} {it.description}".strip(), item=it.sku), new


def _set_lot(ctx: Ctx, state: SessionState, step: SetLot) -> tuple[Feedback, SessionState]:
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


def _set_quantity(
    ctx: Ctx, state: SessionState, step: SetQuantity
) -> tuple[Feedback, SessionState]:
    return ok("quantity", f"Quantity {step.quantity}"), state.with_(quantity=step.quantity)


def _line_for(ctx: Ctx, state: SessionState, sku: str, count: int) -> tuple[str, int, SessionState]:
    """The document and line a step lands on; ad-hoc documents grow a line as scans come."""
    doc_type = state.doc_type
    if doc_type is None:
        raise InvalidInput(
            field="mode", reason=f"nothing is received or picked in {state.mode} mode"
        )
    if state.document is None:
        if state.location is None:
            raise InvalidInput(field="location", reason="scan a location or a document first")
        info = documents.create_document(ctx, doc_type, reference="scanned")
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
        added = documents.add_line(ctx, doc.number, spec)
        return doc.number, added.line, state
    documents.set_line_quantity(ctx, doc.number, existing.line_no, existing.quantity + count)
    return doc.number, existing.line_no, state


def _assign(ctx: Ctx, state: SessionState, step: Assign) -> tuple[Feedback, SessionState]:
    number, line, state = _line_for(ctx, state, step.item.sku, step.quantity)
    a: Assignment
    if step.item.tracking == "serial":
        assert step.serial is not None
        fn = serials.generate_serials if state.inbound else serials.allocate_serials
        a = fn(ctx, number, line=line, serials=[step.serial], lot=step.lot, **_dates(state, step))
        entry: dict[str, Any] = {
            "kind": "serial",
            "document": number,
            "serial": step.serial,
            "item": a.item,
        }
        text = f"{a.item} serial {step.serial}" + (f" (lot {step.lot})" if step.lot else "")
    else:
        if state.inbound:
            a = lots.generate_lot(
                ctx,
                number,
                line=line,
                lot=step.lot,
                quantity=step.quantity,
                expiry=step.expiry,
                production_date=step.production_date,
            )
        else:
            suggested = _suggested_lot(ctx, number, line)
            a = lots.allocate_lot(ctx, number, line=line, lot=step.lot, quantity=step.quantity)
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


def _dates(state: SessionState, step: Assign) -> dict[str, Any]:
    if not state.inbound:
        return {}
    return {"expiry": step.expiry, "production_date": step.production_date}


def _generate_n(ctx: Ctx, state: SessionState, step: GenerateN) -> tuple[Feedback, SessionState]:
    if not state.inbound:
        raise InvalidInput(field="mode", reason="numbers are generated in receive or return mode")
    if state.item is None:
        raise InvalidInput(field="item", reason="scan the item to generate numbers for")
    it = catalog.item_row(ctx.session, state.item)
    count = step.count if it.tracking == "serial" else 1
    number, line, state = _line_for(ctx, state, it.sku, step.count)
    if it.tracking == "serial":
        lot, expiry, production_date = state.lot_for(it.sku) or (None, None, None)
        a = serials.generate_serials(
            ctx,
            number,
            line=line,
            count=step.count,
            lot=lot,
            expiry=expiry,
            production_date=production_date,
        )
        made = list(a.serials)
    elif it.tracking == "lot":
        a = lots.generate_lot(ctx, number, line=line, quantity=step.count)
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


def _verify(ctx: Ctx, state: SessionState, step: Verify) -> tuple[Feedback, SessionState]:
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


def _count(ctx: Ctx, state: SessionState, step: CountSerial) -> tuple[Feedback, SessionState]:
    if state.location is None:
        raise InvalidInput(field="location", reason="scan the location you are counting")
    if step.serial in state.counted:
        return Feedback("warn", "counted_twice", f"{step.serial} was counted already"), state
    new = state.with_(counted=(*state.counted, step.serial))
    return ok("counted", f"{step.serial} counted ({len(new.counted)})"), new


def _count_report(ctx: Ctx, state: SessionState) -> dict[str, Any]:
    loc = catalog.location_row(ctx.session, state.location or "")
    expected = set(
        ctx.session.execute(
            select(SerialNumber.serial).where(
                SerialNumber.location_id == loc.id,
                SerialNumber.status.in_(("in_stock", "allocated")),
            )
        ).scalars()
    )
    seen = set(state.counted)
    return {
        "location": loc.code,
        "counted": len(seen),
        "expected": len(expected),
        "missing": sorted(expected - seen),
        "unexpected": sorted(seen - expected),
    }


def _confirm(ctx: Ctx, state: SessionState, step: Confirm) -> tuple[Feedback, SessionState]:
    if state.mode == "count":
        report = _count_report(ctx, state)
        status: Status = "ok" if not (report["missing"] or report["unexpected"]) else "warn"
        msg = (
            f"Count at {report['location']}: {report['counted']} counted, "
            f"{len(report['missing'])} missing, {len(report['unexpected'])} unexpected"
        )
        return Feedback(status, "count_result", msg, data={"count": report}), state.with_(
            counted=()
        )
    if state.document is None:
        raise InvalidInput(field="document", reason="there is no document to confirm")
    result = posting.post(ctx, state.document)
    info = _doc(ctx, state.document)
    new = state.with_(
        document=None, adhoc=False, item=None, quantity=None, undo=(), to_location=None, lot=None
    )
    return ok(
        "posted",
        f"{info.doc_type} {result.document} posted",
        document=progress(info),
        records=result.serial_records + result.lot_records,
    ), new


def _undo(ctx: Ctx, state: SessionState, step: Undo) -> tuple[Feedback, SessionState]:
    if not state.undo:
        raise InvalidInput(field="undo", reason="there is nothing to undo")
    last = state.undo[-1]
    doc = last["document"]
    if last["kind"] == "serial":
        serials.unassign_serial(ctx, doc, serial=last["serial"], item=last["item"])
        qty, text = 1, f"serial {last['serial']}"
    else:
        lots.unassign_lot(ctx, doc, lot=last["lot"], item=last["item"], quantity=last["quantity"])
        qty, text = int(last["quantity"]), f"lot {last['lot']} x {last['quantity']}"
    if last.get("adhoc"):
        d = documents.document_row(ctx.session, doc)
        line = documents.line_row(ctx.session, d, int(last["line"]))
        if line.quantity - qty > 0:
            documents.set_line_quantity(ctx, doc, line.line_no, line.quantity - qty)
    return ok("undone", f"Undone: {last['item']} {text}"), state.with_(undo=state.undo[:-1])


def _cancel(ctx: Ctx, state: SessionState, step: Cancel) -> tuple[Feedback, SessionState]:
    left = state.document
    new = SessionState(mode=state.mode, operator=state.operator, location=state.location)
    msg = f"Session cleared; {left} stays open" if left else "Session cleared"
    return ok("cancelled", msg), new


def _inquire(ctx: Ctx, state: SessionState, step: Inquire) -> tuple[Feedback, SessionState]:
    from scanner_gateway.session.inquiry import answer

    return answer(ctx, state, step.barcode), state


_HANDLERS: dict[type, Any] = {
    SetMode: _set_mode,
    SetOperator: _set_operator,
    SetDocument: _set_document,
    NewDocument: _new_document,
    SetLocation: _set_location,
    SetItem: _set_item,
    SetQuantity: _set_quantity,
    Assign: _assign,
    SetLot: _set_lot,
    GenerateN: _generate_n,
    Verify: _verify,
    CountSerial: _count,
    Confirm: _confirm,
    Undo: _undo,
    Cancel: _cancel,
    Inquire: _inquire,
}
