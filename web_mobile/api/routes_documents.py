"""Documents: create expected documents with lines, read progress, post, cancel, reverse."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tracking_core import DOC_STATUSES, DOC_TYPES
from tracking_core.codec import encode
from tracking_core.commands import AddLine, CancelDocument, PostDocument, ReverseDocument
from tracking_core.values import DocumentInfo, LineSpec
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import Document, DocumentList
from web_mobile.api.auth import actor, core
from web_mobile.api.bodies import Decimalish, DocumentCreate, Line, Reverse
from web_mobile.api.errors import invalid_request
from web_mobile.api.inputs import choice_arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, DOCUMENTS, EXPECTED_STATES, INT32_MAX
from web_mobile.api.response_schema import present
from web_mobile.api.routing import endpoint


def _decimal(value: Decimalish | None, where: str) -> Decimal | None:
    """Money as Decimal, never float: ``2.5`` and ``"2.5"`` alike."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise invalid_request(where, "must be a decimal number") from None


def line_spec(data: Line, where: str) -> LineSpec:
    """A checked ``Line`` body as the core's value."""
    return LineSpec(
        item=data["item"],
        quantity=data["quantity"],
        location=data["location"],
        unit_cost=_decimal(data.get("unit_cost"), f"{where}unit_cost"),
        to_location=data.get("to_location"),
        direction=data.get("direction"),
        expected_serials=tuple(data.get("expected_serials", ())),
        unit_price=_decimal(data.get("unit_price"), f"{where}unit_price"),
    )


def document_json(info: DocumentInfo) -> Any:
    """A document as the API shows it (``answers.Document``)."""
    return present(info, Document)


@endpoint(bp, "GET", "/documents", roles=ANY_ROLE)
def list_documents() -> Any:
    docs = core().documents(
        doc_type=choice_arg("type", DOC_TYPES),
        status=choice_arg("status", DOC_STATUSES),
        limit=int_arg("limit", 100, low=1, high=INT32_MAX),
    )
    answer: DocumentList = {"documents": [document_json(d) for d in docs]}
    return answer


@endpoint(bp, "POST", "/documents", roles=DOCUMENTS, body="DocumentCreate", status=201)
def create_document(body: DocumentCreate) -> Any:
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
def add_line(number: str, body: Line) -> Any:
    return encode(core().execute(AddLine(number, line_spec(body, ""))))


@endpoint(bp, "POST", "/documents/<number>/post", roles=DOCUMENTS)
def post_document(number: str) -> Any:
    return encode(core().execute(PostDocument(number), actor=actor()))


@endpoint(bp, "POST", "/documents/<number>/cancel", roles=DOCUMENTS)
def cancel_document(number: str) -> Any:
    return document_json(core().execute(CancelDocument(number), actor=actor()))


@endpoint(bp, "POST", "/documents/<number>/reverse", roles=DOCUMENTS, body="Reverse", status=201)
def reverse_document(number: str, body: Reverse) -> Any:
    command = ReverseDocument(number, reversal_number=body.get("number"))
    return encode(core().execute(command, actor=actor()))
