"""Stock, serial and lot inquiry, trace, the ledger, quarantine and recall."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import core
from web_mobile.api.errors import ApiError
from web_mobile.api.spec import MASTER, Schema, endpoint


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ApiError(422, "invalid_request", f"{name} must be a whole number", {"field": name})
    return int(raw)


@endpoint(
    bp,
    "GET",
    "/stock",
    "On hand and allocated by item, location and lot",
    tag="inquiry",
    query={
        "item": ("string", False, ""),
        "location": ("string", False, ""),
        "lot": ("string", False, ""),
    },
)
def stock() -> Any:
    rows = core().stock(
        item=request.args.get("item"),
        location=request.args.get("location"),
        lot=request.args.get("lot"),
    )
    return jsonify(stock=[{**encode(r), "available": r.available} for r in rows])


@endpoint(
    bp,
    "GET",
    "/serials/<serial>",
    "A serial's status and history",
    tag="inquiry",
    query={"item": ("string", False, "needed when several items share the serial")},
)
def serial(serial: str) -> Any:
    return jsonify(encode(core().serial(serial, item=request.args.get("item"))))


@endpoint(
    bp,
    "GET",
    "/lots/<item>/<lot>",
    "A lot's status, quantity per location and history",
    tag="inquiry",
)
def lot(item: str, lot: str) -> Any:
    return jsonify(_lot_json(item, lot))


def _lot_json(item: str, lot: str) -> dict[str, Any]:
    info = core().lot(lot, item=item)
    return {**encode(info), "on_hand": info.on_hand}


@endpoint(
    bp,
    "GET",
    "/trace",
    "Forward or backward trace of a serial or lot",
    tag="inquiry",
    query={
        "item": ("string", True, ""),
        "serial": ("string", False, ""),
        "lot": ("string", False, ""),
        "direction": ("string", False, "forward | backward"),
    },
)
def trace() -> Any:
    item = request.args.get("item")
    if not item:
        raise ApiError(422, "invalid_request", "item is required", {"field": "item"})
    direction = request.args.get("direction", "forward")
    if direction not in ("forward", "backward"):
        raise ApiError(
            422, "invalid_request", "direction must be forward or backward", {"field": "direction"}
        )
    t = core().trace(
        item=item,
        serial=request.args.get("serial"),
        lot=request.args.get("lot"),
        forward=direction == "forward",
    )
    return jsonify({**encode(t), "partners": list(t.partners)})


@endpoint(
    bp,
    "GET",
    "/ledger",
    "Transaction records after an id",
    tag="inquiry",
    query={"since_id": ("integer", False, ""), "limit": ("integer", False, "at most 10000")},
)
def ledger() -> Any:
    limit = min(_int_arg("limit", 1000), 10_000)
    return jsonify(records=encode(core().ledger(since_id=_int_arg("since_id", 0), limit=limit)))


RECALL: Schema = {"recall_number": ("string", True, ""), "reason": ("string", False, "")}


@endpoint(
    bp,
    "POST",
    "/lots/<item>/<lot>/recall",
    "Recall a lot",
    roles=MASTER,
    body=RECALL,
    tag="stock control",
)
def recall(item: str, lot: str, body: dict[str, Any]) -> Any:
    core().recall_lot(
        item=item, lot=lot, recall_number=body["recall_number"], reason=body.get("reason", "")
    )
    return jsonify(_lot_json(item, lot))


@endpoint(
    bp,
    "POST",
    "/lots/<item>/<lot>/release",
    "Release a recalled or quarantined lot",
    roles=MASTER,
    tag="stock control",
)
def release(item: str, lot: str) -> Any:
    core().release_lot(item=item, lot=lot)
    return jsonify(_lot_json(item, lot))


QUARANTINE: Schema = {
    "item": ("string", True, ""),
    "serial": ("string", False, "a serial, or"),
    "lot": ("string", False, "a lot"),
    "on": ("boolean", True, "true: quarantine, false: release"),
    "until": ("date", False, "quarantine ends by itself on this date"),
}


@endpoint(
    bp,
    "POST",
    "/quarantine",
    "Quarantine or release a serial or lot",
    roles=MASTER,
    body=QUARANTINE,
    tag="stock control",
)
def quarantine(body: dict[str, Any]) -> Any:
    c = core()
    if body["on"]:
        c.quarantine(
            item=body["item"],
            serial=body.get("serial"),
            lot=body.get("lot"),
            until=body.get("until"),
        )
    else:
        c.release_quarantine(item=body["item"], serial=body.get("serial"), lot=body.get("lot"))
    if body.get("serial"):
        return jsonify(encode(c.serial(body["serial"], item=body["item"])))
    return jsonify(_lot_json(body["item"], body.get("lot") or ""))


@endpoint(
    bp,
    "POST",
    "/serials/<serial>/scrap",
    "Scrap a serial (an adjustment, posted)",
    roles=MASTER,
    body={"item": ("string", True, ""), "reason": ("string", False, "")},
    tag="stock control",
)
def scrap(serial: str, body: dict[str, Any]) -> Any:
    return jsonify(
        encode(core().scrap_serial(item=body["item"], serial=serial, reason=body.get("reason", "")))
    ), 201
