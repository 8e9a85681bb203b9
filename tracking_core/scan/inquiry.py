"""Inquiry mode: any scan is answered with what it is."""

from __future__ import annotations

from typing import Any

from tracking_core import catalog, documents, inquiry
from tracking_core.codec import encode
from tracking_core.context import Ctx
from tracking_core.errors import (
    DomainError,
    InvalidContainerCode,
    NotFound,
    UnknownContainer,
    UnknownLot,
    UnknownSerial,
)
from tracking_core.scan import pack_steps
from tracking_core.scan.answer import Feedback, doc_title
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import Label


def _moves(history: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [encode(m) for m in history[-5:]]


def answer(ctx: Ctx, state: SessionState, b: Label) -> Feedback:
    s = ctx.session
    kind = b.kind
    if b.sscc is not None:
        try:
            return pack_steps.inquire(ctx, b.sscc)
        except (UnknownContainer, InvalidContainerCode):
            if kind != "plain":  # an SSCC label; a plain code may be a serial still
                raise
    if kind == "location":
        code = b.location or b.value
        rows = inquiry.stock(s, location=code)
        return Feedback(
            "ok",
            "location",
            f"{code}: {sum(r.on_hand for r in rows)} on hand",
            data={"stock": encode(rows)},
        )
    if kind == "document":
        number = b.document or b.value
        info = documents.document_info(s, documents.document_row(s, number))
        return Feedback(
            "ok",
            "document",
            f"{doc_title(info.doc_type)} {info.number} is {info.status}",
            data={"document": encode(info)},
        )
    item = catalog.item_row(s, b.gtin).sku if b.gtin else state.item
    if b.serial or (not b.lot and kind in ("plain", "vendor", "hibc")):
        number = b.serial or b.value
        try:
            sinfo = inquiry.serial_info(s, item=item if b.serial else None, serial=number)
        except UnknownSerial:
            if b.serial:
                raise
        else:
            where = f" at {sinfo.location}" if sinfo.location else ""
            return Feedback(
                "ok",
                "serial",
                f"{sinfo.item} serial {sinfo.serial}: {sinfo.status}{where}",
                data={"serial": encode(sinfo), "last": _moves(sinfo.history)},
            )
    if b.lot or kind in ("plain", "vendor", "hibc"):
        number = b.lot or b.value
        if item:
            try:
                lot = inquiry.lot_info(s, item=item, lot=number, today=ctx.today)
            except UnknownLot:
                if b.lot:
                    raise
            else:
                exp = f", expires {lot.expiry.isoformat()}" if lot.expiry else ""
                return Feedback(
                    "ok",
                    "lot",
                    f"{lot.item} lot {lot.lot}: {lot.status}, {lot.on_hand} on hand{exp}",
                    data={"lot": encode(lot), "last": _moves(lot.history)},
                )
    key = b.gtin or b.value
    try:
        it = catalog.item_row(s, key)
    except DomainError:
        raise NotFound(entity="label", key=b.value) from None
    rows = inquiry.stock(s, item=it.sku)
    return Feedback(
        "ok",
        "item",
        f"{it.sku}: {sum(r.on_hand for r in rows)} on hand",
        data={"item": encode(catalog.item_info(s, it)), "stock": encode(rows)},
    )
