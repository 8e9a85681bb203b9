"""Documents: create expected documents, read progress, assign numbers, post, reverse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import g, jsonify, request

from tracking_core.codec import encode
from tracking_core.core import Actor, ScanKey
from tracking_core.values import LineSpec
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import core
from web_mobile.api.errors import ApiError
from web_mobile.api.spec import MASTER, SCAN, Schema, _check, endpoint

LINE: Schema = {
    "item": ("string", True, "SKU or GTIN"),
    "quantity": ("integer", True, "whole units"),
    "location": ("string", True, "where stock arrives or leaves"),
    "unit_cost": ("number", False, ""),
    "to_location": ("string", False, "transfers: the destination"),
    "direction": ("string", False, "adjustments: in | out"),
    "expected_serials": ("array", False, "receipts: the advance ship notice"),
}
DOCUMENT: Schema = {
    "type": (
        "string",
        True,
        "receipt | shipment | customer_return | vendor_return | transfer | adjustment",
    ),
    "number": ("string", False, "default: the next number of the type"),
    "partner": ("string", False, ""),
    "reference": ("string", False, "the ERP's reference"),
    "lines": ("array", False, "document lines"),
}


def _line(data: Any, where: str) -> LineSpec:
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", f"{where} must be an object", {"field": where})
    unknown = sorted(set(data) - set(LINE))
    if unknown:
        raise ApiError(
            422,
            "invalid_request",
            f"unknown field {where}.{unknown[0]}",
            {"field": f"{where}.{unknown[0]}"},
        )
    vals: dict[str, Any] = {}
    for name, (kind, required, _d) in LINE.items():
        if data.get(name) is None:
            if required:
                raise ApiError(
                    422,
                    "invalid_request",
                    f"{where}.{name} is required",
                    {"field": f"{where}.{name}"},
                )
            continue
        vals[name] = _check(data[name], kind, f"{where}.{name}")
    if "unit_cost" in vals:
        vals["unit_cost"] = Decimal(str(vals["unit_cost"]))
    if "expected_serials" in vals:
        vals["expected_serials"] = tuple(vals["expected_serials"])
    return LineSpec(**vals)


@endpoint(
    bp,
    "GET",
    "/documents",
    "List documents (newest first)",
    tag="documents",
    query={
        "type": ("string", False, ""),
        "status": ("string", False, ""),
        "limit": ("integer", False, "at most 1000"),
    },
)
def list_documents() -> Any:
    limit = request.args.get("limit", "100")
    if not limit.isdigit():
        raise ApiError(422, "invalid_request", "limit must be a whole number", {"field": "limit"})
    docs = core().documents(
        doc_type=request.args.get("type"), status=request.args.get("status"), limit=int(limit)
    )
    return jsonify(documents=[_doc_json(d) for d in docs])


def _doc_json(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = encode(info)
    out["quantity"], out["assigned"] = info.quantity, info.assigned
    return out


@endpoint(
    bp,
    "POST",
    "/documents",
    "Create a document with its lines",
    roles=MASTER,
    body=DOCUMENT,
    tag="documents",
)
def create_document(body: dict[str, Any]) -> Any:
    lines = [_line(x, f"lines[{i}]") for i, x in enumerate(body.get("lines") or [])]
    info = core().create_document(
        body["type"],
        number=body.get("number"),
        partner=body.get("partner"),
        reference=body.get("reference"),
        lines=lines,
    )
    return jsonify(_doc_json(info)), 201


@endpoint(
    bp,
    "GET",
    "/documents/<number>",
    "A document with its lines, numbers and progress",
    tag="documents",
)
def get_document(number: str) -> Any:
    return jsonify(_doc_json(core().document(number, detail=True)))


@endpoint(
    bp,
    "POST",
    "/documents/<number>/lines",
    "Add a line to an open document",
    roles=MASTER,
    body=LINE,
    tag="documents",
)
def add_line(number: str, body: dict[str, Any]) -> Any:
    return jsonify(encode(core().add_line(number, _line(body, "line")))), 201


def _actor() -> Actor:
    return Actor(operator=g.token.name)


@endpoint(
    bp,
    "POST",
    "/documents/<number>/post",
    "Post an open document",
    roles=(*MASTER, "operator"),
    tag="documents",
)
def post_document(number: str) -> Any:
    return jsonify(encode(core().post(number, actor=_actor())))


@endpoint(
    bp,
    "POST",
    "/documents/<number>/cancel",
    "Cancel an open document",
    roles=MASTER,
    tag="documents",
)
def cancel_document(number: str) -> Any:
    return jsonify(_doc_json(core().cancel(number, actor=_actor())))


@endpoint(
    bp,
    "POST",
    "/documents/<number>/reverse",
    "Reverse a posted document",
    roles=MASTER,
    body={"number": ("string", False, "number of the reversal document")},
    tag="documents",
)
def reverse_document(number: str, body: dict[str, Any]) -> Any:
    return jsonify(
        encode(core().reverse(number, reversal_number=body.get("number"), actor=_actor()))
    ), 201


SCAN_KEY: Schema = {
    "device": ("string", False, "with scan_id: makes the step idempotent"),
    "scan_id": ("string", False, "unique per scan of the device"),
}
SERIALS: Schema = {
    "action": ("string", True, "generate | allocate"),
    "line": ("integer", False, "line number; or give item"),
    "item": ("string", False, "SKU or GTIN: the first line of it with room"),
    "serials": ("array", False, "the serials; or give count"),
    "count": ("integer", False, "generate from the mask / allocate by suggestion"),
    "lot": ("string", False, "lot printed beside the serial"),
    "expiry": ("date", False, ""),
    "production_date": ("date", False, ""),
    **SCAN_KEY,
}


def _scan(body: dict[str, Any]) -> ScanKey | None:
    device, scan_id = body.pop("device", None), body.pop("scan_id", None)
    if (device is None) != (scan_id is None):
        raise ApiError(
            422, "invalid_request", "give device and scan_id together", {"field": "scan_id"}
        )
    return ScanKey(device, scan_id) if device is not None else None


def _action(body: dict[str, Any]) -> str:
    action = body.pop("action")
    if action not in ("generate", "allocate"):
        raise ApiError(
            422, "invalid_request", "action must be generate or allocate", {"field": "action"}
        )
    return str(action)


@endpoint(
    bp,
    "POST",
    "/documents/<number>/serials",
    "Generate or allocate serials on a line",
    roles=SCAN,
    body=SERIALS,
    tag="scanning",
)
def assign_serials(number: str, body: dict[str, Any]) -> Any:
    scan, action = _scan(body), _action(body)
    c = core()
    if action == "generate":
        a = c.generate_serials(number, scan=scan, actor=_actor(), **body)
    else:
        extra = sorted({"lot", "expiry", "production_date"} & body.keys())
        if extra:
            raise ApiError(
                422, "invalid_request", f"{extra[0]} is for generate only", {"field": extra[0]}
            )
        a = c.allocate_serials(number, scan=scan, actor=_actor(), **body)
    return jsonify(encode(a)), 201


LOTS: Schema = {
    "action": ("string", True, "generate | allocate"),
    "line": ("integer", False, ""),
    "item": ("string", False, ""),
    "lot": (
        "string",
        False,
        "generate: default a new lot from the mask; allocate: default by suggestion",
    ),
    "quantity": ("integer", True, "whole units"),
    "expiry": ("date", False, "generate only"),
    "production_date": ("date", False, "generate only"),
    **SCAN_KEY,
}


@endpoint(
    bp,
    "POST",
    "/documents/<number>/lots",
    "Generate or allocate a lot quantity",
    roles=SCAN,
    body=LOTS,
    tag="scanning",
)
def assign_lots(number: str, body: dict[str, Any]) -> Any:
    scan, action = _scan(body), _action(body)
    c = core()
    if action == "generate":
        a = c.generate_lot(number, scan=scan, actor=_actor(), **body)
    else:
        extra = sorted({"expiry", "production_date"} & body.keys())
        if extra:
            raise ApiError(
                422, "invalid_request", f"{extra[0]} is for generate only", {"field": extra[0]}
            )
        a = c.allocate_lot(number, scan=scan, actor=_actor(), **body)
    return jsonify(encode(a)), 201


@endpoint(
    bp,
    "DELETE",
    "/documents/<number>/serials/<serial>",
    "Take a serial off a document",
    roles=SCAN,
    tag="scanning",
)
def unassign_serial(number: str, serial: str) -> Any:
    return jsonify(
        encode(core().unassign_serial(number, serial=serial, item=request.args.get("item")))
    )


@endpoint(
    bp,
    "DELETE",
    "/documents/<number>/lots/<lot>",
    "Take a lot (quantity) off a document",
    roles=SCAN,
    tag="scanning",
    query={"item": ("string", False, ""), "quantity": ("integer", False, "default all")},
)
def unassign_lot(number: str, lot: str) -> Any:
    qty = request.args.get("quantity")
    if qty is not None and not qty.isdigit():
        raise ApiError(
            422, "invalid_request", "quantity must be a whole number", {"field": "quantity"}
        )
    return jsonify(
        encode(
            core().unassign_lot(
                number, lot=lot, item=request.args.get("item"), quantity=int(qty) if qty else None
            )
        )
    )
