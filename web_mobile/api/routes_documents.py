"""Documents: create expected documents with lines, read progress, post, cancel, reverse."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tracking_core import DOC_STATUSES, DOC_TYPES
from tracking_core.codec import encode
from tracking_core.values import DocumentInfo, LineSpec
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import actor, core
from web_mobile.api.errors import invalid_request
from web_mobile.api.inputs import choice_arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, DOCUMENTS, EXPECTED_STATES, INT32_MAX
from web_mobile.api.routing import endpoint


def line_spec(data: dict[str, Any], where: str) -> LineSpec:
    """A checked ``Line`` body as the core's value (costs as Decimal, never float)."""
    fields = dict(data)
    for money in ("unit_cost", "unit_price"):
        if money in fields:
            try:
                fields[money] = Decimal(str(fields[money]))
            except InvalidOperation:
                raise invalid_request(f"{where}{money}", "must be a decimal number") from None
    if "expected_serials" in fields:
        fields["expected_serials"] = tuple(fields["expected_serials"])
    return LineSpec(**fields)


def document_json(info: DocumentInfo) -> dict[str, Any]:
    out: dict[str, Any] = encode(info)
    out["quantity"], out["assigned"] = info.quantity, info.assigned
    return out


@endpoint(bp, "GET", "/documents", roles=ANY_ROLE)
def list_documents() -> Any:
    docs = core().documents(
        doc_type=choice_arg("type", DOC_TYPES),
        status=choice_arg("status", DOC_STATUSES),
        limit=int_arg("limit", 100, low=1, high=INT32_MAX),
    )
    return {"documents": [document_json(d) for d in docs]}


@endpoint(bp, "POST", "/documents", roles=DOCUMENTS, body="DocumentCreate", status=201)
def create_document(body: dict[str, Any]) -> Any:
    info = core().create_document(
        body["type"],
        number=body.get("number"),
        partner=body.get("partner"),
        reference=body.get("reference"),
        lines=[line_spec(x, f"lines[{i}].") for i, x in enumerate(body.get("lines", []))],
    )
    return document_json(info)


@endpoint(bp, "GET", "/documents/<number>", roles=ANY_ROLE)
def get_document(number: str) -> Any:
    return document_json(core().document(number, detail=True))


@endpoint(bp, "GET", "/documents/<number>/expected", roles=ANY_ROLE)
def expected_serials(number: str) -> Any:
    notice = core().ship_notice(number).only(choice_arg("state", EXPECTED_STATES))
    return encode(notice)


@endpoint(bp, "POST", "/documents/<number>/lines", roles=DOCUMENTS, body="Line", status=201)
def add_line(number: str, body: dict[str, Any]) -> Any:
    return encode(core().add_line(number, line_spec(body, "")))


@endpoint(bp, "POST", "/documents/<number>/post", roles=DOCUMENTS)
def post_document(number: str) -> Any:
    return encode(core().post(number, actor=actor()))


@endpoint(bp, "POST", "/documents/<number>/cancel", roles=DOCUMENTS)
def cancel_document(number: str) -> Any:
    return document_json(core().cancel(number, actor=actor()))


@endpoint(bp, "POST", "/documents/<number>/reverse", roles=DOCUMENTS, body="Reverse", status=201)
def reverse_document(number: str, body: dict[str, Any]) -> Any:
    return encode(core().reverse(number, reversal_number=body.get("number"), actor=actor()))
