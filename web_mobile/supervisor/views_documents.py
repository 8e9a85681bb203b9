"""Documents with live progress: expected vs scanned per line, lots, status.

The pages poll a small JSON endpoint (``live.js``) that answers the same numbers the
page shows, keyed as the page's ``data-live`` attributes.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template

from tracking_core import DOC_STATUSES, DOC_TYPES
from tracking_core.values import DocumentInfo, ShipNotice
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import forms
from web_mobile.supervisor import session as sv


def _list() -> list[DocumentInfo]:
    return sv.core().documents(
        doc_type=forms.choice("type", DOC_TYPES),
        status=forms.choice("status", DOC_STATUSES),
        limit=forms.number("limit", 100, high=1000),
    )


def list_live(docs: list[DocumentInfo]) -> dict[str, Any]:
    return {
        "fields": {
            **{f"{d.number}:status": d.status for d in docs},
            **{f"{d.number}:assigned": d.assigned for d in docs},
        },
        "bars": {d.number: [d.assigned, d.quantity] for d in docs},
        "lists": {},
    }


@bp.get("/documents")
@sv.requires("read")
def documents() -> Any:
    docs = _list()
    return render_template(
        "supervisor/documents.html", docs=docs, types=DOC_TYPES, statuses=DOC_STATUSES
    )


@bp.get("/documents.json")
@sv.requires("read")
def documents_json() -> Any:
    return jsonify(list_live(_list()))


def detail_live(doc: DocumentInfo, notice: ShipNotice) -> dict[str, Any]:
    expected = {ln.line: ln for ln in notice.lines}
    fields: dict[str, Any] = {"status": doc.status, "assigned": doc.assigned}
    bars: dict[str, Any] = {"doc": [doc.assigned, doc.quantity]}
    lists: dict[str, Any] = {}
    for ln in doc.lines:
        key = f"line{ln.line}"
        fields[f"{key}:assigned"], fields[f"{key}:open"] = ln.assigned, ln.open
        bars[key] = [ln.assigned, ln.quantity]
        lists[f"{key}:serials"] = list(ln.serials)
        lists[f"{key}:lots"] = [f"{lot} \u00d7 {qty}" for lot, qty in ln.lots]
        exp = expected.get(ln.line)
        if exp is not None:
            fields[f"{key}:received"] = exp.received
            fields[f"{key}:missing"] = exp.missing
            fields[f"{key}:unexpected"] = exp.unexpected
            lists[f"{key}:missing_serials"] = [
                s.serial for s in exp.serials if s.state == "missing"
            ]
    return {"fields": fields, "bars": bars, "lists": lists}


def _detail(number: str) -> tuple[DocumentInfo, ShipNotice]:
    c = sv.core()
    return c.document(number, detail=True), c.ship_notice(number)


@bp.get("/documents/<number>")
@sv.requires("read")
def document(number: str) -> Any:
    doc, notice = _detail(number)
    live = detail_live(doc, notice)
    return render_template("supervisor/document.html", doc=doc, live=live)


@bp.get("/documents/<number>/live.json")
@sv.requires("read")
def document_json(number: str) -> Any:
    return jsonify(detail_live(*_detail(number)))
