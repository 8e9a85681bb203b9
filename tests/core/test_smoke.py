from __future__ import annotations

from tracking_core.core import Tracking
from tracking_core.values import LineSpec


def test_receive_post_ship(core: Tracking) -> None:
    core.create_location(code="DOCK-1", kind="dock")
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAPTOP-14", tracking="serial", serial_mask="SN-{YY}-#####")
    doc = core.create_document(
        "receipt", lines=[LineSpec(item="LAPTOP-14", quantity=3, location="DOCK-1")], partner="V1"
    )
    a = core.generate_serials(doc.number, line=1, count=3)
    assert a.serials == ("SN-26-00001", "SN-26-00002", "SN-26-00003")
    core.post(doc.number)
    ship = core.create_document(
        "shipment", lines=[LineSpec(item="LAPTOP-14", quantity=2, location="DOCK-1")], partner="C1"
    )
    core.allocate_serials(ship.number, line=1, count=2)
    core.post(ship.number)
    assert core.serial("SN-26-00001").status == "shipped"
    assert core.serial("SN-26-00003").status == "in_stock"
