"""The demo warehouse that ``make run`` loads on first start.

Everything is written in one transaction, so a demo that cannot load (codes taken,
tracking switched off in the settings) leaves the database as it was. Settings are
never touched: the demo runs under whatever the operator configured.

Example (needs a database, so not run as a doctest)::

    summary = load_demo(Tracking(Database.from_url("sqlite:///var/demo.db")))
    summary.open_documents  # ('RC-DEMO-1', 'SH-DEMO-1')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracking_core import catalog, documents, lots, operators, posting, serials, signin
from tracking_core.context import Ctx
from tracking_core.core import Tracking
from tracking_core.models import Item, Location, Partner
from tracking_core.values import LineSpec
from tracking_core.vocabulary import LocationKind, PartnerKind

__all__ = ["DemoSummary", "load_demo"]

LOCATIONS: tuple[tuple[str, str, LocationKind], ...] = (
    ("DOCK-1", "Receiving dock", "dock"),
    ("A-01-01", "Aisle A, bay 1, level 1", "bin"),
    ("A-01-02", "Aisle A, bay 1, level 2", "bin"),
    ("QUAR", "Quarantine cage", "quarantine"),
    ("SHIP-1", "Shipping lane 1", "shipping"),
)
PARTNERS: tuple[tuple[str, str, PartnerKind], ...] = (
    ("V-ACME", "Acme Supplies", "vendor"),
    ("C-BETA", "Beta Retail", "customer"),
)
# (badge, name, PIN): 0042 signs in on a fixed scanner with OP:0042 alone; 0044 signs in
# on a handheld with the badge and PIN 1234 (an operator with a PIN needs both).
OPERATORS = (("0042", "Ann Example", None), ("0044", "Pat Example", "1234"))
# GTINs under the GS1 Global Office's 950 prefix (for demonstrations); check digits
# verified with biip.
LAPTOP_GTIN = "09506000134352"
MILK_GTIN = "09506000134376"


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool
    items: int
    locations: int
    partners: int
    serials: tuple[str, ...] = ()  # laptops in stock
    lots: tuple[tuple[str, int, dt.date | None], ...] = ()  # milk: (lot, quantity, expiry)
    posted_documents: tuple[str, ...] = ()
    open_documents: tuple[str, ...] = ()


def _counts(s: Session) -> tuple[int, int, int]:
    def count(model: type[Item] | type[Location] | type[Partner]) -> int:
        return s.scalar(select(func.count()).select_from(model)) or 0

    return count(Item), count(Location), count(Partner)


def load_demo(core: Tracking, *, if_empty: bool = False) -> DemoSummary:
    """Items, locations, partners, posted stock, an open receipt and an open shipment.

    With ``if_empty`` nothing happens when the database has items already (so
    ``make run`` can call it on every start).
    """
    now = core.clock()
    return core.db.run(lambda s: _load(Ctx(s, now), if_empty=if_empty))


def _load(c: Ctx, *, if_empty: bool) -> DemoSummary:
    if if_empty and c.session.execute(select(Item.id).limit(1)).first():
        return DemoSummary(False, *_counts(c.session))
    for code, name, kind in LOCATIONS:
        catalog.create_location(c, code=code, name=name, kind=kind)
    for code, name, partner_kind in PARTNERS:
        catalog.create_partner(c, code=code, name=name, kind=partner_kind)
    for badge, person, pin in OPERATORS:
        pin_hash = None if pin is None else signin.hash_pin(pin)
        operators.create_operator(c, badge=badge, name=person, pin_hash=pin_hash)
    catalog.create_item(
        c,
        sku="LAPTOP-14",
        description='Laptop 14"',
        tracking="serial",
        gtins=[LAPTOP_GTIN],
        # No date in the mask: the demo's numbers are the same whenever it is loaded
        # (SN-000001...), and there is room for the README's 100,000-serial receipt.
        serial_mask="SN-%%%%%%",
        warranty_days=365,
        standard_cost="640.00",
    )
    catalog.create_item(
        c,
        sku="MILK-1L",
        description="Whole milk 1 l",
        tracking="lot",
        gtins=[MILK_GTIN],
        lot_mask="L{YYMMDD}-##",
        shelf_life_days=10,
        standard_cost="0.80",
    )
    catalog.create_item(c, sku="CABLE-USB", description="USB-C cable 1 m", tracking="none")

    # Stock on the shelves: one posted delivery of 5 laptops (serials from the mask) and
    # two milk lots produced on different days, so FEFO has something to choose.
    milk = [
        ("L-1001", c.today - dt.timedelta(days=4), 40),
        ("L-1002", c.today - dt.timedelta(days=1), 24),
    ]
    delivery = documents.create_document(
        c,
        "receipt",
        partner="V-ACME",
        reference="PO-4700",
        lines=[
            LineSpec("LAPTOP-14", 5, "A-01-01", unit_cost=Decimal("640.00")),
            *(LineSpec("MILK-1L", qty, "A-01-02", unit_cost=Decimal("0.80")) for *_, qty in milk),
        ],
    )
    laptops = serials.generate_serials(c, delivery.number, line=1, count=5)
    milk_lots = [
        lots.generate_lot(
            c,
            delivery.number,
            line=line,
            quantity=qty,
            lot=lot,  # the vendor's lot numbers, not dated, so the README can name them
            production_date=made,
        )
        for line, (lot, made, qty) in enumerate(milk, start=2)
    ]
    posting.post(c, delivery.number)

    # An expected delivery with its ASN (the vendor's serials), and an order to pick.
    receipt = documents.create_document(
        c,
        "receipt",
        number="RC-DEMO-1",
        partner="V-ACME",
        reference="ASN-ACME-7781",
        lines=[
            LineSpec(
                "LAPTOP-14",
                3,
                "DOCK-1",
                unit_cost=Decimal("640.00"),
                expected_serials=("ACME-0001", "ACME-0002", "ACME-0003"),
            ),
            LineSpec("MILK-1L", 20, "DOCK-1", unit_cost=Decimal("0.80")),
        ],
    )
    shipment = documents.create_document(
        c,
        "shipment",
        number="SH-DEMO-1",
        partner="C-BETA",
        reference="SO-1001",
        lines=[LineSpec("LAPTOP-14", 2, "A-01-01"), LineSpec("MILK-1L", 6, "A-01-02")],
    )
    return DemoSummary(
        True,
        *_counts(c.session),
        serials=laptops.serials,
        lots=tuple((a.lots[0][0], a.lots[0][1], a.expiry) for a in milk_lots),
        posted_documents=(delivery.number,),
        open_documents=(receipt.number, shipment.number),
    )
