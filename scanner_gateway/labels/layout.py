"""Place a label's template in printer dots: every fit decision is made here, once.

The renderers (ZPL, PNG, SVG, PDF) only draw the items of a :class:`Layout`, so a field
that does not fit fails the same way for a preview and for the printer.

>>> from scanner_gateway.labels.model import SerialLabel
>>> lay = make_layout(SerialLabel("LAP-14", "Laptop", "SN-1", gtin="09506000134352"), dpi=300)
>>> lay.size.width_dots, [type(i).__name__ for i in lay.items][-3:]
(1200, ['MatrixItem', 'LinearItem', 'LinearItem'])
>>> lay.items[-2].symbol.hri
'(01)09506000134352(21)SN-1'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from scanner_gateway.labels.errors import FieldDoesNotFit, InvalidLabelData, InvalidTemplate
from scanner_gateway.labels.fonts import text_width
from scanner_gateway.labels.gs1 import Gs1Content, build_gs1, gs1_date
from scanner_gateway.labels.model import (
    MIN_MODULE_DOTS,
    Label,
    LabelSize,
    LotLabel,
    SerialLabel,
    SsccLabel,
)
from scanner_gateway.labels.symbols import (
    LinearSymbol,
    MatrixSymbol,
    code128_symbol,
    datamatrix_ascii_size,
    gs1_128_symbol,
    gs1_datamatrix_symbol,
    qr_symbol,
)
from scanner_gateway.labels.templates import (
    AI_FIELDS,
    BarcodeElement,
    BoxElement,
    Template,
    TextElement,
    load_template,
    placeholders,
)
from tracking_core.values import ContainerTotal

__all__ = [
    "BoxItem",
    "Item",
    "Layout",
    "LinearItem",
    "MatrixItem",
    "TextItem",
    "label_values",
    "make_layout",
]

LINEAR_QUIET = 10  # modules each side (Code 128 / GS1-128)
QR_QUIET = 4
DATAMATRIX_QUIET = 1
LINE_HEIGHT = 1.2  # line pitch per em
HRI_GAP = 0.2  # between a symbol and its human-readable line, per em
ELLIPSIS = "..."  # the printer's font 0 has no U+2026
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_NOT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
CELL_GAP = 1.0  # mm between a table's columns
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


@dataclass(frozen=True)
class TextItem:
    """One line of text; ``y`` is the top of the em box, ``size`` the em in dots."""

    x: int
    y: int
    width: int
    size: int
    text: str
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class LinearItem:
    """Bars from ``x`` (first bar, quiet zones outside), ``height`` dots high."""

    x: int
    y: int
    module: int
    height: int
    symbol: LinearSymbol
    hri: TextItem | None


@dataclass(frozen=True)
class MatrixItem:
    """A 2D symbol at ``x, y`` (quiet zone outside), ``reserved`` modules per side.

    The printer encodes ``text`` itself; the previews draw :attr:`symbol` (zxing-cpp).
    """

    x: int
    y: int
    module: int
    reserved: int
    symbology: Literal["gs1_datamatrix", "qr"]
    text: str  # GS1 data with GS separators, or the QR text
    gs1: Gs1Content | None
    field: str
    hri: TextItem | None

    @property
    def symbol(self) -> MatrixSymbol:
        if self.gs1 is not None:
            symbol = gs1_datamatrix_symbol(self.gs1)
        else:
            symbol = qr_symbol(self.text, field=self.field)
        if symbol.columns > self.reserved:
            raise InvalidLabelData(
                field=self.field,
                value=self.text,
                reason=f"symbol of {symbol.columns} modules, room for {self.reserved}",
            )
        return symbol


@dataclass(frozen=True)
class BoxItem:
    x: int
    y: int
    width: int
    height: int
    thickness: int


Item = TextItem | LinearItem | MatrixItem | BoxItem


@dataclass(frozen=True)
class Layout:
    size: LabelSize
    template: str
    items: tuple[Item, ...]


def label_values(label: Label) -> dict[str, str | None]:
    """The label's fields as template text (dates as ISO, contents one line each)."""
    if isinstance(label, SerialLabel):
        return {
            "item": label.item,
            "description": label.description,
            "serial": label.serial,
            "gtin": label.gtin,
            "lot": label.lot,
            "expiry": label.expiry.isoformat() if label.expiry else None,
        }
    if isinstance(label, LotLabel):
        return {
            "item": label.item,
            "description": label.description,
            "lot": label.lot,
            "quantity": None if label.quantity is None else str(label.quantity),
            "expiry": label.expiry.isoformat() if label.expiry else None,
            "production_date": (
                label.production_date.isoformat() if label.production_date else None
            ),
            "gtin": label.gtin,
        }
    if isinstance(label, SsccLabel):
        rows = "\n".join(_row(t) for t in label.totals) or None
        return {
            "sscc": label.sscc,
            "contents": "\n".join(label.contents) if label.contents else None,
            "gtin": label.gtin,
            "quantity": None if label.quantity is None else str(label.quantity),
            "lot": label.lot,
            "best_before": _hr_date(label.best_before),
            "expiry": _hr_date(label.expiry),
            "item": label.item,
            "description": label.description,
            "content": label.gtin if label.item else None,  # one item's GTIN, titled CONTENT
            "rows": rows,
            "cases": None if not label.cases else str(label.cases),
            "units": str(sum(t.quantity for t in label.totals)) if label.totals else None,
            "date_title": "BEST BEFORE" if label.date_ai == "15" else "EXPIRY",
        }
    return {"code": label.code, "name": label.name, "prefix": label.prefix}


def _hr_date(value: dt.date | None) -> str | None:
    """dd.mm.yy: the GS1 logistic label's human-readable date, under its data title."""
    return value.strftime("%d.%m.%y") if value else None


def _row(t: ContainerTotal) -> str:
    """One line of a mixed label's list: item (and description), quantity, lot, date."""
    item = f"{t.item} {t.description}".strip()
    return "\t".join((item, str(t.quantity), t.lot or "", _hr_date(t.expiry) or ""))


def _gs1_values(label: Label) -> dict[str, str | None]:
    if isinstance(label, SerialLabel):
        return {
            "01": label.gtin,
            "10": label.lot,
            "17": gs1_date(label.expiry) if label.expiry else None,
            "21": label.serial,
        }
    if isinstance(label, LotLabel):
        return {
            "01": label.gtin,
            "10": label.lot,
            "11": gs1_date(label.production_date) if label.production_date else None,
            "17": gs1_date(label.expiry) if label.expiry else None,
            "30": None if label.quantity is None else str(label.quantity),
        }
    if isinstance(label, SsccLabel):
        return {
            "00": label.sscc,
            "02": label.gtin,
            "10": label.lot if label.gtin else None,  # a lot is GS1 data only with a GTIN
            "15": gs1_date(label.best_before) if label.best_before and label.gtin else None,
            "17": gs1_date(label.expiry) if label.expiry and label.gtin else None,
            "37": None if label.quantity is None else str(label.quantity),
        }
    return {}


def _substitute(text: str, values: dict[str, str | None]) -> str | None:
    names = placeholders(text)
    if any(values.get(n) is None for n in names):
        return None
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] or "", text)


@dataclass(frozen=True)
class _Text:
    """A text element in dots."""

    el: TextElement
    field: str
    x: int
    y: int
    width: int
    size: int
    pitch: int
    tabs: tuple[int, ...] = ()  # cell starts in dots from x


@dataclass(frozen=True)
class _Barcode:
    """A barcode element in dots."""

    el: BarcodeElement
    field: str
    x: int
    y: int
    width: int
    height: int
    module: int
    hri_size: int
    hri_min: int
    hri_room: int


@dataclass(frozen=True)
class _Box:
    el: BoxElement
    item: BoxItem


_Compiled = _Text | _Barcode | _Box


@lru_cache(maxsize=64)
def _compile(template: Template, size: LabelSize) -> tuple[_Compiled, ...]:
    """The template's geometry in dots at this size (once per template and size)."""
    s = size
    out: list[_Compiled] = []
    for i, el in enumerate(template.elements, start=1):
        bottom = el.y + (
            el.font * LINE_HEIGHT * el.lines if isinstance(el, TextElement) else el.height
        )
        if s.dots(el.x + el.width) > s.width_dots or s.dots(bottom) > s.height_dots:
            raise InvalidTemplate(
                name=template.name,
                reason=(
                    f"element {i} ({el.type}) reaches beyond the "
                    f"{s.width_mm:g} x {s.height_mm:g} mm label"
                ),
            )
        if isinstance(el, BoxElement):
            t = max(1, s.dots(el.thickness))
            box = BoxItem(s.dots(el.x), s.dots(el.y), s.dots(el.width), s.dots(el.height), t)
            out.append(_Box(el, box))
        elif isinstance(el, TextElement):
            names = placeholders(el.text)
            size_dots = s.dots(el.font)
            out.append(
                _Text(
                    el,
                    el.name or (names[0] if names else "text"),
                    s.dots(el.x),
                    s.dots(el.y),
                    s.dots(el.width),
                    size_dots,
                    round(size_dots * LINE_HEIGHT),
                    tuple(s.dots(x) for x in el.tabs),
                )
            )
        else:
            names = placeholders(el.data)
            field = el.name or ("gs1" if el.ais else names[-1] if names else "data")
            hri_size = s.dots(el.hri_font)
            # the line, and a gap so no glyph touches the bars
            hri_room = round(hri_size * (LINE_HEIGHT + HRI_GAP)) if el.hri else 0
            height = s.dots(el.height)
            if height - hri_room < s.dots(3):
                raise InvalidTemplate(
                    name=template.name,
                    reason=f"element {i} ({el.symbology}): {el.height:g} mm leaves no room "
                    "for the symbol above its human-readable line",
                )
            out.append(
                _Barcode(
                    el,
                    field,
                    s.dots(el.x),
                    s.dots(el.y),
                    s.dots(el.width),
                    height,
                    s.module_dots(el.module),
                    hri_size,
                    max(s.dots(1.5), int(hri_size * 0.7)),
                    hri_room,
                )
            )
    return tuple(out)


class _Placer:
    def __init__(self, label: Label, template: Template, size: LabelSize) -> None:
        self.label, self.template, self.size = label, template, size
        self.values = label_values(label)
        self.items: list[Item] = []
        self.built: dict[tuple[tuple[str, str], ...], Gs1Content] = {}

    def too_big(self, field: str, value: str, needed: int, available: int) -> FieldDoesNotFit:
        return FieldDoesNotFit(
            field=field,
            value=value,
            template_name=self.template.name,
            needed_mm=self.size.mm(needed),
            available_mm=self.size.mm(available),
        )

    def fit_line(self, t: _Text, line: str, width: int | None = None) -> str:
        room = t.width if width is None else width
        wide = text_width(line, t.size)
        if wide <= room:
            return line
        if t.el.overflow == "error":
            raise self.too_big(t.field, line, wide, room)
        lo, hi = 0, len(line)  # the longest prefix that fits with the ellipsis
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if text_width(line[:mid].rstrip() + ELLIPSIS, t.size) <= room:
                lo = mid
            else:
                hi = mid - 1
        return line[:lo].rstrip() + ELLIPSIS

    def text(self, t: _Text) -> None:
        text = _substitute(t.el.text, self.values)
        if text is None or not text.strip():
            return
        # A newline breaks the line only where the template gives room for more than one.
        control = _CONTROL_NOT_TAB if t.tabs else _CONTROL
        lines = [control.sub(" ", x) for x in (text.split("\n") if t.el.lines > 1 else [text])]
        if len(lines) > t.el.lines:
            if t.el.overflow == "error":
                raise self.too_big(t.field, text, t.pitch * len(lines), t.pitch * t.el.lines)
            if t.el.overflow == "more":  # say how many are left out, not just that some are
                keep = t.el.lines - 1
                lines = [*lines[:keep], f"+{len(lines) - keep} more"]
            else:
                lines = lines[: t.el.lines]
                lines[-1] += ELLIPSIS
        for i, line in enumerate(lines):
            y = t.y + i * t.pitch
            cells = line.split("\t") if t.tabs else [line]
            if len(cells) == 1:
                fitted = self.fit_line(t, cells[0].replace("\t", " "))
                self.items.append(TextItem(t.x, y, t.width, t.size, fitted, t.el.align))
                continue
            starts = (0, *t.tabs)
            gap = self.size.dots(CELL_GAP)
            for j, cell in enumerate(cells[: len(starts)]):
                if not cell.strip():
                    continue
                end = starts[j + 1] - gap if j + 1 < len(starts) else t.width
                fitted = self.fit_line(t, cell, end - starts[j])
                self.items.append(TextItem(t.x + starts[j], y, end - starts[j], t.size, fitted))

    def gs1(self, el: BarcodeElement) -> Gs1Content | None:
        values = _gs1_values(self.label)
        pairs = tuple((ai, v) for ai in el.ais if (v := values.get(ai)) is not None)
        if not pairs:
            return None
        if pairs not in self.built:  # a label's GS1-128 and DataMatrix often carry the same
            self.built[pairs] = build_gs1(
                pairs, fields=AI_FIELDS[self.label.kind], symbology=el.symbology
            )
        return self.built[pairs]

    def hri(self, b: _Barcode, text: str, left: int, span: int, top: int) -> TextItem:
        """The human-readable line centred under a symbol, inside the element's box."""
        size = b.hri_size
        while text_width(text, size) > b.width and size > b.hri_min:
            size -= 1
        w = text_width(text, size)
        if w > b.width:
            raise self.too_big(b.field, text, w, b.width)
        # The widest block centred on the symbol (a printer centres in ^FB, and a block
        # narrower than the printer's text would wrap); the whole box if the text needs it.
        centre = left + span // 2
        half = min(centre - b.x, b.x + b.width - centre)
        if w <= 2 * half:
            return TextItem(centre - half, top, 2 * half, size, text, "center")
        return TextItem(b.x, top, b.width, size, text, "center")

    def barcode(self, b: _Barcode) -> None:
        el = b.el
        gs1: Gs1Content | None = None
        if el.ais:
            gs1 = self.gs1(el)
            if gs1 is None:
                return
            data = gs1.hri
        else:
            found = _substitute(el.data, self.values)
            if not found:
                return
            data = found
        module = b.module
        if el.symbology in ("code128", "gs1_128"):
            symbol = gs1_128_symbol(gs1) if gs1 else code128_symbol(data, field=b.field)
            total = symbol.width + 2 * LINEAR_QUIET
            while module > MIN_MODULE_DOTS and total * module > b.width:
                module -= 1
            if total * module > b.width:
                raise self.too_big(b.field, data, total * module, b.width)
            span = symbol.width * module
            x = b.x + (b.width - span) // 2 if el.align == "center" else b.x + LINEAR_QUIET * module
            bars = b.height - b.hri_room
            top = b.y + bars + round(b.hri_size * HRI_GAP)
            hri = self.hri(b, symbol.hri, x, span, top) if el.hri else None
            self.items.append(LinearItem(x, b.y, module, bars, symbol, hri))
            return
        if gs1 is not None:
            quiet, reserved, text = DATAMATRIX_QUIET, datamatrix_ascii_size(gs1), gs1.data()
        else:
            quiet, reserved, text = QR_QUIET, qr_symbol(data, field=b.field).columns, data
        room = min(b.width, b.height - b.hri_room)
        total = reserved + 2 * quiet
        while module > MIN_MODULE_DOTS and total * module > room:
            module -= 1
        if total * module > room:
            raise self.too_big(b.field, data, total * module, room)
        span = reserved * module
        x = b.x + (b.width - span) // 2 if el.align == "center" else b.x + quiet * module
        y = b.y + quiet * module
        top = y + span + quiet * module + round(b.hri_size * HRI_GAP)
        hri = self.hri(b, data, x, span, top) if el.hri else None
        kind: Literal["gs1_datamatrix", "qr"] = "qr" if gs1 is None else "gs1_datamatrix"
        self.items.append(MatrixItem(x, y, module, reserved, kind, text, gs1, b.field, hri))

    def place(self) -> Layout:
        values = self.values
        for c in _compile(self.template, self.size):
            if c.el.when is not None and not values.get(c.el.when):
                continue
            if c.el.unless is not None and values.get(c.el.unless):
                continue
            if isinstance(c, _Text):
                self.text(c)
            elif isinstance(c, _Barcode):
                self.barcode(c)
            else:
                self.items.append(c.item)
        return Layout(self.size, self.template.name, tuple(self.items))


def make_layout(
    label: Label,
    *,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> Layout:
    """Lay ``label`` out with ``template`` (default: the one named like its kind).

    ``size`` replaces the template's size; ``dpi`` keeps its millimetres at another
    resolution.
    """
    tpl = (
        template
        if isinstance(template, Template)
        else load_template(label.kind if template is None else template, directory=template_dir)
    )
    if tpl.kind != label.kind:
        raise InvalidTemplate(
            name=tpl.name, reason=f"is for {tpl.kind} labels, not {label.kind} labels"
        )
    if size is None:
        size = LabelSize(tpl.width_mm, tpl.height_mm, dpi or tpl.dpi)
    elif dpi is not None and dpi != size.dpi:
        size = LabelSize(size.width_mm, size.height_mm, dpi)
    return _Placer(label, tpl, size).place()
