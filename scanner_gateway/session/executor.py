"""execute(ctx, state, step) -> (Feedback, new state), with the core's service functions.

Runs inside the core's scan transaction (``Tracking.run_scan``): a domain error rolls
the step and the state change back together.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from scanner_gateway.session.feedback import Feedback, Status, doc_title, doc_words
from scanner_gateway.session.planner import (
    Ask,
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
    SetPartner,
    SetQuantity,
    Step,
    Undo,
    Verify,
)
from scanner_gateway.session.state import SessionState
from tracking_core import (
    auth,
    catalog,
    documents,
    inquiry,
    lots,
    operators,
    posting,
    serials,
    validate,
)
from tracking_core.context import Ctx
from tracking_core.errors import (
    DocumentNotOpen,
    InvalidInput,
    PinRequired,
    SerialLotMismatch,
    SerialNotOnLine,
    SignInExpired,
    UnknownLine,
    WrongDocumentType,
)
from tracking_core.models import Document, DocumentLine, Item, Partner, SerialNumber
from tracking_core.partners import PARTNER_KIND, check_partner_kind, partner_fits
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
    if state.document is None and state.location is None:
        return "Scan a document or a location"
    need = _missing_partner(ctx, state)
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


def _missing_partner(ctx: Ctx, state: SessionState) -> str | None:
    """The partner kind an ad-hoc document still needs ("customer", "vendor"), if any."""
    need = PARTNER_KIND.get(state.doc_type or "")
    if need is None or not state.adhoc or not state.document:
        return None
    if not ctx.settings.require_partners:
        return None
    partner_id = ctx.session.execute(
        select(Document.partner_id).where(Document.number == state.document)
    ).scalar()
    return need if partner_id is None else None


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


def required_action(state: SessionState, step: Step) -> str:
    """The action of ``tracking_core.auth.PERMISSIONS`` a step needs in this state.

    Scans against an existing document, and its confirm, are ``scan``; a step that makes
    an ad-hoc document, or assigns, generates or confirms on one, is ``scan_adhoc``.
    """
    if state.doc_type is None:  # count and inquiry make no documents
        return "scan"
    if isinstance(step, NewDocument):
        return "scan_adhoc"
    if isinstance(step, Assign | GenerateN):
        return "scan_adhoc" if state.document is None or state.adhoc else "scan"
    if isinstance(step, Confirm):
        return "scan_adhoc" if state.adhoc else "scan"
    return "scan"


_WHAT = {
    NewDocument: "starting an ad-hoc document",
    Assign: "scanning onto an ad-hoc document",
    GenerateN: "generating numbers on an ad-hoc document",
    Confirm: "confirming an ad-hoc document",
}


def execute(ctx: Ctx, state: SessionState, step: Step) -> tuple[Feedback, SessionState]:
    if isinstance(step, Refuse):
        fb = Feedback("error", step.code, step.message)
        return Feedback(fb.status, fb.code, fb.message, prompt(ctx, state), fb.data), state
    action = required_action(state, step)
    what = _WHAT.get(type(step), "scanning") if action == "scan_adhoc" else "scanning"
    auth.require(ctx.role, action, ctx.settings, what=what)
    if state.operator and not isinstance(step, SetOperator):
        if state.sign_in_lapsed(ctx.now):
            raise SignInExpired(badge=state.operator, device=ctx.device or "")
        # deactivated since signing in: nothing more is recorded under that badge
        row = operators.signed_in(ctx.session, state.operator)
        ctx.operator, ctx.operator_id = row.badge, row.id
    handler = _HANDLERS[type(step)]
    fb, new_state = handler(ctx, state, step)
    return _answer(ctx, new_state, fb)


def _set_mode(ctx: Ctx, state: SessionState, step: SetMode) -> tuple[Feedback, SessionState]:
    new = state.kept(mode=step.mode)
    return ok("mode", f"Mode: {step.mode.replace('_', ' ')}"), new


def _set_operator(
    ctx: Ctx, state: SessionState, step: SetOperator
) -> tuple[Feedback, SessionState]:
    row = operators.signed_in(ctx.session, step.badge)  # checked before any lookup
    if row.pin_hash is not None:  # a badge alone could be a photocopy
        raise PinRequired(badge=row.badge)
    text = f"Operator {row.badge} ({row.name})"
    new = state.with_(operator=row.badge, operator_until=None, operator_idle=None)
    return ok("operator", text, operator=row.badge), new


def _set_partner(ctx: Ctx, state: SessionState, step: SetPartner) -> tuple[Feedback, SessionState]:
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


def _adhoc_partner(ctx: Ctx, state: SessionState, doc_type: str) -> str | None:
    """The partner of a new ad-hoc document: scanned, else the station's if it fits."""
    if state.partner:
        return state.partner
    if partner_fits(ctx, doc_type, state.station_partner):
        return state.station_partner
    return None


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
    return ok("document", f"{doc_title(info.doc_type)} {info.number}", progress=progress(info)), new


def _new_document(
    ctx: Ctx, state: SessionState, step: NewDocument
) -> tuple[Feedback, SessionState]:
    if state.doc_type is None:
        raise InvalidInput(field="mode", reason=f"{state.mode} mode works without documents")
    partner = _adhoc_partner(ctx, state, state.doc_type)
    info = documents.create_document(ctx, state.doc_type, partner=partner, reference="scanned")
    new = state.with_(document=info.number, adhoc=True, item=None, undo=())
    return ok("document", f"New {doc_words(info.doc_type)} {info.number}"), new


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
        partner = _adhoc_partner(ctx, state, doc_type)
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
    new = state.kept()
    msg = f"Session cleared; {left} stays open" if left else "Session cleared"
    return ok("cancelled", msg), new


_READ = ("serial", "lot", "expiry", "best_before", "production_date", "quantity")


def _reading(b: Any) -> dict[str, Any]:
    """What a GS1 reading says, named: serial, lot, dates, quantity (else its AIs)."""
    out: dict[str, Any] = {}
    for name in _READ:
        v = getattr(b, name)
        if v is not None:
            out[name] = v if isinstance(v, str | int) else v.isoformat()
    return out or {"fields": dict(b.fields)}


def _ask(ctx: Ctx, state: SessionState, step: Ask) -> tuple[Feedback, SessionState]:
    b = step.barcode
    gs1 = _reading(b.gs1_reading)
    gs1_text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in gs1.items())
    literal_text = f"{step.number} {b.value}"
    readings = [
        {"reading": "gs1", **gs1, "label": "CMD:CHOOSE:GS1", "text": gs1_text},
        {"reading": "literal", step.number: b.value, "label": "CMD:CHOOSE:LITERAL",
         "text": literal_text},
    ]  # fmt: skip
    pending = {
        "raw": b.value,
        "item": step.item.sku,
        "gs1": b.gs1_reading.to_dict(),
        "literal": {**b.to_dict(), "gs1_reading": None},
        "readings": readings,
    }
    message = (
        f"{b.value} may be a GS1 element string without its symbology identifier: "
        f"{gs1_text} (GS1), or {literal_text} (as printed); nothing was stored"
    )
    data = {"scanned": b.value, "item": step.item.sku, "readings": readings}
    return Feedback("warn", "ambiguous_scan", message, data=data), state.with_(pending=pending)


def _inquire(ctx: Ctx, state: SessionState, step: Inquire) -> tuple[Feedback, SessionState]:
    from scanner_gateway.session.inquiry import answer

    return answer(ctx, state, step.barcode), state


_HANDLERS: dict[type, Any] = {
    SetMode: _set_mode,
    SetOperator: _set_operator,
    SetPartner: _set_partner,
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
    Ask: _ask,
}
