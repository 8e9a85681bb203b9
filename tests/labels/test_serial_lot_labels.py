"""A serial generated into a lot gets a label that prints its lot and expiry, (10) and (17)."""

from __future__ import annotations

import datetime as dt

from scanner_gateway.interpret import interpret
from scanner_gateway.labels import labels_from_payload
from scanner_gateway.labels.layout import MatrixItem, TextItem, make_layout
from tracking_core.core import Tracking
from tracking_core.values import LineSpec

GTIN = "09506000134352"


def test_the_generated_serials_label_carries_lot_and_expiry(core: Tracking) -> None:
    core.create_location(code="A1")
    core.create_item(sku="LAP", tracking="serial", gtins=[GTIN], serial_mask="SN%%%%")
    doc = core.create_document("receipt", lines=[LineSpec("LAP", 1, "A1")])
    core.generate_serials(doc.number, line=1, count=1, lot="LOT42", expiry=dt.date(2027, 6, 30))
    job = core.outbox.jobs()[0]
    (label,) = labels_from_payload(job.kind, job.payload)
    layout = make_layout(label)
    texts = [i.text for i in layout.items if isinstance(i, TextItem)]
    assert "LOT LOT42" in texts and "EXP 2027-06-30" in texts
    (matrix,) = [i for i in layout.items if isinstance(i, MatrixItem)]
    assert matrix.text == f"01{GTIN}1727063010LOT42\x1d21SN0001"
    # what a scanner reads back from it is the same unit: serial, lot and expiry
    b = interpret("]d2" + matrix.text)
    assert (b.gtin, b.serial, b.lot, b.expiry) == (GTIN, "SN0001", "LOT42", dt.date(2027, 6, 30))
