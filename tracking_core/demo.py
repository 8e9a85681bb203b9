"""The demo warehouse that ``make run`` loads on first start."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tracking_core.core import Tracking
from tracking_core.values import LineSpec


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool
    items: int
    locations: int
    documents: tuple[str, ...]


def load_demo(core: Tracking, *, if_empty: bool = False) -> DemoSummary:
    """Items, locations, partners, some posted stock, an open receipt and an open shipment."""
    if if_empty and core.items():
        return DemoSummary(False, len(core.items()), len(core.locations()), ())
    for code, name, kind in (
        ("DOCK-1", "Receiving dock", "dock"),
        ("A-01-01", "Aisle A bay 1 level 1", "bin"),
        ("A-01-02", "Aisle A bay 1 level 2", "bin"),
        ("QUAR", "Quarantine cage", "quarantine"),
        ("SHIP-1", "Shipping lane 1", "shipping"),
    ):
        core.create_location(code=code, name=name, kind=kind)
    core.create_partner(code="V-ACME", name="Acme Electronics", kind="vendor")
    core.create_partner(code="C-BETA", name="Beta Retail", kind="customer")
    core.create_item(
        sku="LAPTOP-14",
        description="Laptop 14 inch",
        tracking="serial",
        gtins=["09506000134352"],
        serial_mask="SN-{YY}-#####",
        warranty_days=365,
        standard_cost="640.00",
    )
    core.create_item(
        sku="MILK-1L",
        description="Milk 1 l",
        tracking="lot",
        gtins=["09506000134376"],
        lot_mask="L{YYMMDD}-##",
        shelf_life_days=10,
        standard_cost="0.80",
    )
    core.create_item(sku="CABLE-USB", description="USB-C cable", tracking="none")
    today = core.clock().date()
    core.receive(item="LAPTOP-14", location="A-01-01", quantity=5, partner="V-ACME")
    core.receive(
        item="MILK-1L",
        location="A-01-02",
        quantity=40,
        partner="V-ACME",
        lot="L-DEMO-1",
        expiry=today + dt.timedelta(days=6),
    )
    core.receive(
        item="MILK-1L",
        location="A-01-02",
        quantity=24,
        partner="V-ACME",
        lot="L-DEMO-2",
        expiry=today + dt.timedelta(days=9),
    )
    receipt = core.create_document(
        "receipt",
        number="RC-DEMO-1",
        partner="V-ACME",
        reference="PO-4711",
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
    shipment = core.create_document(
        "shipment",
        number="SH-DEMO-1",
        partner="C-BETA",
        reference="SO-1001",
        lines=[LineSpec("LAPTOP-14", 2, "A-01-01"), LineSpec("MILK-1L", 6, "A-01-02")],
    )
    return DemoSummary(
        True, len(core.items()), len(core.locations()), (receipt.number, shipment.number)
    )
