"""Partners on documents: the kind each document needs, and returns from the right customer.

Receipts and vendor returns name a vendor, shipments and customer returns a customer
(``both`` fits either); without one a recall is blind, so such a document does not post
unless the setting ``require_partners`` is off.

>>> PARTNER_KIND["customer_return"]
'customer'
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from tracking_core.context import Ctx
from tracking_core.errors import PartnerRequired, UnexpectedReturn, WrongPartnerKind
from tracking_core.models import (
    Document,
    DocumentLine,
    Item,
    Partner,
    SerialNumber,
    SerialTransaction,
)

PARTNER_KIND = {
    "receipt": "vendor",
    "vendor_return": "vendor",
    "shipment": "customer",
    "customer_return": "customer",
}


def check_partner_kind(doc_type: str, partner: Partner) -> None:
    """A receipt from a customer (or a shipment to a vendor) is refused; ``both`` fits."""
    need = PARTNER_KIND.get(doc_type)
    if need is not None and partner.kind not in (need, "both"):
        raise WrongPartnerKind(
            partner=partner.code, partner_kind=partner.kind, doc_type=doc_type, expected=need
        )


def partner_fits(ctx: Ctx, doc_type: str, code: str | None) -> bool:
    """Whether a partner code exists and is of the kind the document type needs."""
    if not code:
        return False
    kind = ctx.session.execute(select(Partner.kind).where(Partner.code == code)).scalar()
    need = PARTNER_KIND.get(doc_type)
    return kind is not None and (need is None or kind in (need, "both"))


def check_partner(ctx: Ctx, doc: Document) -> None:
    """Before posting: the document names a partner of the right kind, if it needs one."""
    need = PARTNER_KIND.get(doc.doc_type)
    if need is None:
        return
    if doc.partner_id is None:
        if ctx.settings.require_partners:
            raise PartnerRequired(document=doc.number, doc_type=doc.doc_type, kind=need)
        return
    partner = ctx.session.get(Partner, doc.partner_id)
    assert partner is not None
    check_partner_kind(doc.doc_type, partner)
    if doc.doc_type == "customer_return" and ctx.settings.unexpected_return_policy == "refuse":
        # the customer may have been named after the serials were scanned
        lines = select(DocumentLine.id).where(DocumentLine.document_id == doc.id)
        held = ctx.session.execute(
            select(SerialNumber).where(SerialNumber.reserved_line_id.in_(lines))
        ).scalars()
        unexpected_returns(ctx, doc, list(held), [])


def unexpected_returns(
    ctx: Ctx, doc: Document, serials: Sequence[SerialNumber], warnings: list[str]
) -> None:
    """Serials coming back from a customer they were never shipped to.

    ``unexpected_return_policy``: ``refuse`` raises, ``warn`` adds a warning, ``allow``
    says nothing. Only a return that names its customer can be checked.
    """
    policy = ctx.settings.unexpected_return_policy
    if doc.doc_type != "customer_return" or doc.partner_id is None or policy == "allow":
        return
    if not serials:
        return
    ids = [r.id for r in serials]
    shipped = ctx.session.execute(
        select(SerialTransaction.serial_id, SerialTransaction.partner_id, Partner.code)
        .outerjoin(Partner, Partner.id == SerialTransaction.partner_id)
        .where(
            SerialTransaction.serial_id.in_(ids),
            SerialTransaction.doc_type == "shipment",
            SerialTransaction.reversal_of_id.is_(None),
        )
        .order_by(SerialTransaction.id)
    ).all()
    to: dict[int, set[int | None]] = {}
    last: dict[int, str | None] = {}
    for serial_id, partner_id, code in shipped:
        to.setdefault(serial_id, set()).add(partner_id)
        last[serial_id] = code
    partner = ctx.session.get(Partner, doc.partner_id)
    assert partner is not None
    for row in serials:
        if doc.partner_id in to.get(row.id, set()):
            continue
        it = ctx.session.get(Item, row.item_id)
        err = UnexpectedReturn(
            item=it.sku if it else "?",
            serial=row.serial,
            partner=partner.code,
            shipped_to=last.get(row.id),
        )
        if policy == "refuse":
            raise err
        warnings.append(str(err))
