"""A ship notice's containers from CSV: one row per content, as ``csv_import`` reads files.

Columns (header case and spacing as spreadsheets write them): ``sscc`` (required),
``parent_sscc``, ``line`` or ``item``, ``serial``, ``lot``, ``quantity``, ``expiry``
(YYYY-MM-DD). A row with an SSCC alone (and its parent) announces a container that holds
only cases; rows of one container's serials on one line (and lot) make one content.
Row numbers are the file's lines: the header is row 1. A bad header is refused naming the
field ``header``, a bad row naming ``csv`` with the row and column in the reason.

>>> boxes = read_notice(["sscc,parent_sscc,item,serial",
...     "106141412345678908,,,", "006141410000000012,106141412345678908,LAP,SN1",
...     "006141410000000012,106141412345678908,LAP,SN2"])
>>> [(b.sscc, b.parent, [c.serials for c in b.contents]) for b in boxes]
[('106141412345678908', None, []), ('006141410000000012', '106141412345678908', [('SN1', 'SN2')])]
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import Any

from tracking_core.errors import InvalidInput
from tracking_core.ship_notice_values import AnnouncedContainer, AnnouncedContent

REQUIRED = ("sscc",)
OPTIONAL = ("parent_sscc", "line", "item", "serial", "lot", "quantity", "expiry")


def _header(reader: Any) -> list[str]:
    header = [h.strip().lower() for h in next(reader, [])]
    if not header or header == [""]:
        raise InvalidInput(field="header", reason="the file is empty; expected sscc")
    known = REQUIRED + OPTIONAL
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(
            field="header",
            reason=f"missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(REQUIRED)}, optional: {', '.join(OPTIONAL)}",
        )
    unknown = [c for c in header if c not in known]
    if unknown:
        raise InvalidInput(
            field="header",
            reason=f"unknown column(s) {', '.join(unknown)}; known: {', '.join(known)}",
        )
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InvalidInput(field="header", reason=f"column(s) {', '.join(twice)} appear twice")
    return header


def _whole(row: int, name: str, text: str) -> int:
    if not text.isascii() or not text.isdigit():
        reason = f"row {row} {name}: must be a whole number, got {text!r}"
        raise InvalidInput(field="csv", reason=reason)
    return int(text)


def read_notice(lines: Iterable[str]) -> list[AnnouncedContainer]:
    """The containers of a CSV ship notice, in the order the file first names them."""
    reader = csv.reader(lines)
    header = _header(reader)
    parents: dict[str, str | None] = {}
    contents: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    while True:
        row_no = reader.line_num + 1
        values = next(reader, None)
        if values is None:
            break
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            raise InvalidInput(
                field="csv",
                reason=f"row {row_no}: {len(values)} values, the header has {len(header)}",
            )
        cell = {h: v.strip() for h, v in zip(header, values, strict=False) if v.strip()}
        sscc = cell.get("sscc")
        if sscc is None:
            raise InvalidInput(field="csv", reason=f"row {row_no} sscc: must not be empty")
        parent = cell.get("parent_sscc")
        if sscc in parents and parents[sscc] != parent:
            was = parents[sscc] or "no parent"
            reason = f"row {row_no} parent_sscc: {sscc} is on {was} in an earlier row"
            raise InvalidInput(field="csv", reason=reason)
        parents[sscc] = parent
        mine = contents.setdefault(sscc, {})
        if not any(k in cell for k in ("line", "item", "serial", "lot", "quantity", "expiry")):
            continue  # a container that only holds containers
        line = _whole(row_no, "line", cell["line"]) if "line" in cell else None
        qty = _whole(row_no, "quantity", cell["quantity"]) if "quantity" in cell else None
        expiry = None
        if "expiry" in cell:
            try:
                expiry = dt.date.fromisoformat(cell["expiry"])
            except ValueError:
                raise InvalidInput(
                    field="csv",
                    reason=f"row {row_no} expiry: must be YYYY-MM-DD, got {cell['expiry']!r}",
                ) from None
        where = (line, cell.get("item"), cell.get("lot"), expiry)
        if "serial" in cell:
            if qty not in (None, 1):
                raise InvalidInput(
                    field="csv", reason=f"row {row_no} quantity: a serial's row is for one unit"
                )
            got = mine.setdefault(("serials", *where), {"serials": [], "quantity": None})
            got["serials"].append(cell["serial"])
        else:
            # a second row of the same lot in one container adds to it
            got = mine.setdefault(("quantity", *where), {"serials": [], "quantity": 0})
            got["quantity"] = (got["quantity"] or 0) + (qty if qty is not None else 0)
            if qty is None:
                raise InvalidInput(field="csv", reason=f"row {row_no} quantity: give the quantity")
    return [
        AnnouncedContainer(
            sscc,
            parent=parents[sscc],
            contents=tuple(
                AnnouncedContent(
                    line=k[1],
                    item=k[2],
                    serials=tuple(v["serials"]),
                    lot=k[3],
                    quantity=v["quantity"],
                    expiry=k[4],
                )
                for k, v in contents[sscc].items()
            ),
        )
        for sscc in parents
    ]
