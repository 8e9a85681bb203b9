"""Label rendering: ZPL and PNG labels per second from the default templates (one core).

Every label has its own serial, as a receipt of many units makes them, so nothing is
rendered twice; the item's text repeats, as it does in a real batch.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scanner_gateway.labels import (
    Label,
    LotLabel,
    SerialLabel,
    Sheet,
    render_pdf,
    render_png,
    render_zpl,
)

Row = dict[str, Any]
GTIN = "09506000134352"


def _rate(labels: Sequence[Label], render: Callable[[Label], object]) -> float:
    render(labels[0])  # templates and fonts load once, outside the clock
    t = time.perf_counter()
    for label in labels[1:]:
        render(label)
    return (len(labels) - 1) / (time.perf_counter() - t)


def _serials(n: int, offset: int = 0, **extra: Any) -> list[Label]:
    return [
        SerialLabel("LAP-14", "Laptop 14in, silver", f"SN-26-{offset + i:06d}", gtin=GTIN, **extra)
        for i in range(n)
    ]


def run(*, database_url: str | None, work: Path, quick: bool) -> list[Row]:
    del database_url, work  # rendering needs neither a database nor files
    n_zpl = 5_000 if quick else 30_000
    n_png = 300 if quick else 2_000
    rows: list[Row] = []
    zpl = _rate(_serials(n_zpl), lambda x: render_zpl(x))
    rows.append(
        {
            "name": "ZPL serial labels per second",
            "value": round(zpl),
            "unit": "/s",
            "target": ">= 5000",
        }
    )
    full = _serials(n_zpl, 10**5, lot="L261124-01", expiry=dt.date(2027, 3, 31))
    rows.append(
        {
            "name": "ZPL serial labels per second, with lot and expiry",
            "value": round(_rate(full, lambda x: render_zpl(x))),
            "unit": "/s",
        }
    )
    lots = [
        LotLabel("MILK", "Milk 1 l", f"L{i:06d}", 24, dt.date(2026, 12, 24), None, GTIN)
        for i in range(n_zpl // 2)
    ]
    rows.append(
        {
            "name": "ZPL lot labels per second",
            "value": round(_rate(lots, lambda x: render_zpl(x))),
            "unit": "/s",
        }
    )
    png = _rate(_serials(n_png, 2 * 10**5), lambda x: render_png(x))
    rows.append(
        {
            "name": "PNG labels per second (serial, 203 dpi)",
            "value": round(png),
            "unit": "/s",
            "target": ">= 200",
        }
    )
    rows.append(
        {
            "name": "PNG labels per second (serial, 300 dpi)",
            "value": round(
                _rate(_serials(n_png // 2, 3 * 10**5), lambda x: render_png(x, dpi=300))
            ),
            "unit": "/s",
        }
    )
    sheet_labels = _serials(100 if quick else 500, 4 * 10**5)
    t = time.perf_counter()
    render_pdf(sheet_labels, sheet=Sheet("A4", columns=2, rows=5))
    rows.append(
        {
            "name": "PDF labels per second (A4 sheets of 10)",
            "value": round(len(sheet_labels) / (time.perf_counter() - t)),
            "unit": "/s",
        }
    )
    return rows
