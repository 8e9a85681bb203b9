"""Inquiry: stock, a serial, a lot, trace, and the ledger for the ERP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tracking_core.codec import encode
from tracking_core.values import LotInfo, Movement
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import core
from web_mobile.api.errors import invalid_request
from web_mobile.api.inputs import arg, choice_arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, INT32_MAX
from web_mobile.api.routing import endpoint

LEDGER_LIMIT = 10_000


def lot_json(info: LotInfo) -> dict[str, Any]:
    out: dict[str, Any] = encode(info)
    out["on_hand"] = info.on_hand
    return out


def movement_json(m: Movement) -> dict[str, Any]:
    out: dict[str, Any] = encode(m)
    out["kind"] = "serial" if m.serial is not None else "lot"
    return out


@endpoint(bp, "GET", "/stock", roles=ANY_ROLE)
def stock() -> Any:
    rows = core().stock(item=arg("item"), location=arg("location"), lot=arg("lot"))
    return {
        "stock": [{**encode(r), "available": r.available} for r in rows],
        "value": str(sum((r.value for r in rows), Decimal("0.0000"))),
    }


@endpoint(bp, "GET", "/serials/<serial>", roles=ANY_ROLE)
def get_serial(serial: str) -> Any:
    return encode(core().serial(serial, item=arg("item")))


@endpoint(bp, "GET", "/lots/<item>/<lot>", roles=ANY_ROLE)
def get_lot(item: str, lot: str) -> Any:
    return lot_json(core().lot(lot, item=item))


@endpoint(bp, "GET", "/trace", roles=ANY_ROLE)
def trace() -> Any:
    item = arg("item")
    if item is None:
        raise invalid_request("item", "is required")
    direction = choice_arg("direction", ("forward", "backward"), "forward")
    t = core().trace(
        item=item, serial=arg("serial"), lot=arg("lot"), forward=direction == "forward"
    )
    return {**encode(t), "partners": list(t.partners)}


@endpoint(bp, "GET", "/ledger", roles=ANY_ROLE)
def ledger() -> Any:
    kind = choice_arg("kind", ("serial", "lot"))
    since_id = int_arg("since_id", 0)
    # a cap, not an error: an export loop asking for too much still makes progress
    limit = min(int_arg("limit", 1000, low=1, high=INT32_MAX), LEDGER_LIMIT)
    # Serial and lot records are numbered apart, so one since_id pages one kind.
    records = [movement_json(m) for m in core().ledger(since_id=since_id, limit=limit)]
    return {"records": [r for r in records if kind is None or r["kind"] == kind]}
