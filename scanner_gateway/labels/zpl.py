"""ZPL II for thermal printers: one ``^XA ... ^XZ`` format per label.

- ``^CI28`` (UTF-8), ``^PW``/``^LL`` from the label size, ``^PQ`` for copies.
- Every substituted field goes through ``^FH_`` with ``^``, ``~``, ``_`` and control
  characters as hex escapes, so field data can never end a format or start a command.
- Code 128 and GS1-128 use ``^BC`` in mode N with explicit start codes and invocation
  codes (``>;>8`` = start C, FNC1): the printer prints exactly the symbol python-barcode
  encoded for the previews, and its width is known before printing.
- GS1 DataMatrix uses ``^BX`` quality 200 with ``#`` as the escape character (not in
  GS1's character set): ``#1`` is FNC1, first to mark GS1, then as the separator.

>>> escape_field("X^XZ~JA_1")
'X_5EXZ_7EJA_5F1'
>>> from scanner_gateway.labels.symbols import code128_symbol
>>> code128_data(code128_symbol("A>1^", field="lot").values)
'>:A>01><'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from scanner_gateway.labels.errors import InvalidLabelData
from scanner_gateway.labels.fonts import text_width
from scanner_gateway.labels.gs1 import GS
from scanner_gateway.labels.layout import (
    BoxItem,
    Layout,
    LinearItem,
    MatrixItem,
    TextItem,
    make_layout,
)
from scanner_gateway.labels.model import Label, LabelSize, labels_from_payload
from scanner_gateway.labels.templates import Template

__all__ = [
    "DATAMATRIX_ESCAPE",
    "code128_data",
    "escape_field",
    "render_zpl",
    "zpl_for_job",
    "zpl_from_layout",
]

DATAMATRIX_ESCAPE = "#"
MAX_COPIES = 99_999_999
_HEX = {c: f"_{c:02X}" for c in [*range(32), 127, ord("^"), ord("~"), ord("_")]}
# Code 128 values that are printable in subsets A/B but special in ^BC field data.
_INVOKE_AB = {30: ">0", 62: "><", 94: ">="}  # ">", "^", "~"
_START = {103: (">9", "A"), 104: (">:", "B"), 105: (">;", "C")}


def escape_field(text: str) -> str:
    """Field data for ``^FH_``: ``^``, ``~``, ``_`` and controls as ``_XX`` hex."""
    return text.translate(_HEX)


def code128_data(values: Sequence[int]) -> str:
    """``^BC`` mode N field data for Code 128 values (start code first, no check)."""
    start, subset = _START[values[0]]
    out = [start]
    for v in values[1:]:
        if v == 102:
            out.append(">8")  # FNC1 in every subset
        elif subset == "C":
            if v < 100:
                out.append(f"{v:02d}")
            else:
                out.append(">6" if v == 100 else ">7")
                subset = "B" if v == 100 else "A"
        elif v in _INVOKE_AB:
            out.append(_INVOKE_AB[v])
        elif v < 64 or (subset == "B" and v < 95):
            out.append(chr(v + 32))
        elif subset == "A" and v < 96:
            out.append(chr(v - 64))  # a control character; escape_field hex-escapes it
        elif v == 99:
            out.append(">5")
            subset = "C"
        elif v == 100 and subset == "A":
            out.append(">6")
            subset = "B"
        elif v == 101 and subset == "B":
            out.append(">7")
            subset = "A"
        else:  # DEL, FNC2-4 and SHIFT: our symbols never carry them
            raise InvalidLabelData(field="code128", value=str(v), reason="unsupported value")
    return "".join(out)


def _text(t: TextItem) -> str:
    font = f"^A0N,{t.size},{t.size}"
    x, block = t.x, ""
    if t.align != "left":
        if "\\" in t.text:
            # In a field block a backslash starts a line break or needs ^CI13, even when
            # it comes from ^FH; place the text ourselves with the layout's measure.
            free = t.width - text_width(t.text, t.size)
            x += free // 2 if t.align == "center" else free
        else:
            block = f"^FB{t.width},1,0,{t.align[0].upper()},0"
    return f"^FO{x},{t.y}{font}{block}^FH_^FD{escape_field(t.text)}^FS"


def _item(item: TextItem | LinearItem | MatrixItem | BoxItem) -> list[str]:
    if isinstance(item, TextItem):
        return [_text(item)]
    if isinstance(item, BoxItem):
        return [f"^FO{item.x},{item.y}^GB{item.width},{item.height},{item.thickness}^FS"]
    out: list[str] = []
    if isinstance(item, LinearItem):
        data = escape_field(code128_data(item.symbol.values))
        out.append(
            f"^FO{item.x},{item.y}^BY{item.module}^BCN,{item.height},N,N,N,N^FH_^FD{data}^FS"
        )
    elif item.symbology == "gs1_datamatrix":
        fnc1 = DATAMATRIX_ESCAPE + "1"
        data = escape_field(fnc1 + item.text.replace(GS, fnc1))
        out.append(
            f"^FO{item.x},{item.y}^BXN,{item.module},200,,,,{DATAMATRIX_ESCAPE},1^FH_^FD{data}^FS"
        )
    else:
        data = escape_field(item.text)
        out.append(f"^FO{item.x},{item.y}^BQN,2,{item.module}^FH_^FDMA,{data}^FS")
    if item.hri is not None:
        out.append(_text(item.hri))
    return out


def zpl_from_layout(layout: Layout, *, copies: int = 1) -> str:
    """One ZPL format (``^XA`` ... ``^XZ``) for a laid-out label."""
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise InvalidLabelData(
            field="copies", value=repr(copies), reason=f"must be 1 to {MAX_COPIES}"
        )
    s = layout.size
    lines = ["^XA", "^CI28", f"^PW{s.width_dots}", f"^LL{s.height_dots}", "^LH0,0"]
    for item in layout.items:
        lines.extend(_item(item))
    lines += [f"^PQ{copies}", "^XZ"]
    return "\n".join(lines) + "\n"


def render_zpl(
    label: Label,
    *,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    copies: int = 1,
    template_dir: Path | str | None = None,
) -> str:
    """ZPL II for one label (``copies`` prints of it).

    >>> from scanner_gateway.labels.model import LocationLabel
    >>> zpl = render_zpl(LocationLabel("A-01-02", "Aisle A"), copies=2)
    >>> zpl.splitlines()[:4], zpl.count("^XA"), "^PQ2" in zpl
    (['^XA', '^CI28', '^PW800', '^LL320'], 1, True)
    """
    layout = make_layout(label, template=template, size=size, dpi=dpi, template_dir=template_dir)
    return zpl_from_layout(layout, copies=copies)


def zpl_for_job(
    kind: str,
    payload: Mapping[str, Any],
    *,
    copies: int = 1,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> list[bytes]:
    """The ZPL of an outbox job, one UTF-8 format per label (the print worker's ``render``)."""
    labels: Iterable[Label] = labels_from_payload(kind, payload)
    return [
        render_zpl(x, dpi=dpi, copies=copies, template_dir=template_dir).encode() for x in labels
    ]
