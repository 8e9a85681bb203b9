"""PDF for office printers: one page per label, or sheets of labels in a grid.

The geometry is the layout's, in printer dots scaled to points, so a PDF label scans
like the thermal one.

>>> from scanner_gateway.labels.model import LocationLabel
>>> pdf = render_pdf([LocationLabel(f"A-{i:02}") for i in range(12)], sheet=Sheet("A4", 2, 5))
>>> pdf[:5], pdf.count(b"/Type /Page\\n")
(b'%PDF-', 2)
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from scanner_gateway.labels.errors import InvalidLabelSize
from scanner_gateway.labels.layout import (
    BoxItem,
    Layout,
    LinearItem,
    MatrixItem,
    TextItem,
    make_layout,
)
from scanner_gateway.labels.model import Label, LabelSize
from scanner_gateway.labels.symbols import dark_runs
from scanner_gateway.labels.templates import Template

__all__ = ["Sheet", "pdf_from_layouts", "render_pdf"]

MM = 72 / 25.4  # points per millimetre
PAGES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}
FONT = "Helvetica"


@dataclass(frozen=True)
class Sheet:
    """A page of labels: ``columns`` x ``rows`` cells, gaps between them.

    Margins left as ``None`` centre the grid on the page.
    """

    page: Literal["A4", "Letter"] = "A4"
    columns: int = 2
    rows: int = 5
    gap_x_mm: float = 2.0
    gap_y_mm: float = 2.0
    margin_left_mm: float | None = None
    margin_top_mm: float | None = None
    outline: bool = False  # draw each cell's edge as a cutting guide

    def origins(self, size: LabelSize) -> list[tuple[float, float]]:
        """Top-left corners of the cells in points from the page's top-left, row by row."""

        def bad(reason: str) -> InvalidLabelSize:
            return InvalidLabelSize(
                width_mm=size.width_mm, height_mm=size.height_mm, dpi=size.dpi, reason=reason
            )

        if self.page not in PAGES:
            raise bad(f"sheet page must be A4 or Letter, not {self.page!r}")
        if min(self.columns, self.rows) < 1:
            raise bad("a sheet needs at least one column and one row")
        page_w, page_h = PAGES[self.page]
        grid_w = (self.columns * size.width_mm + (self.columns - 1) * self.gap_x_mm) * MM
        grid_h = (self.rows * size.height_mm + (self.rows - 1) * self.gap_y_mm) * MM
        left = (page_w - grid_w) / 2 if self.margin_left_mm is None else self.margin_left_mm * MM
        top = (page_h - grid_h) / 2 if self.margin_top_mm is None else self.margin_top_mm * MM
        if left < 0 or top < 0 or left + grid_w > page_w + 0.01 or top + grid_h > page_h + 0.01:
            raise bad(
                f"{self.columns} x {self.rows} labels with gaps do not fit on {self.page} paper"
            )
        return [
            (
                left + c * (size.width_mm + self.gap_x_mm) * MM,
                top + r * (size.height_mm + self.gap_y_mm) * MM,
            )
            for r in range(self.rows)
            for c in range(self.columns)
        ]


class _Painter:
    """Draws one layout with its top-left at (left, top) points from the page's top-left."""

    def __init__(self, c: Canvas, page_h: float, layout: Layout, left: float, top: float) -> None:
        self.c, self.layout = c, layout
        self.k = 72 / (layout.size.dots_per_mm * 25.4)  # points per dot
        self.left, self.top, self.page_h = left, top, page_h

    def x(self, dots: float) -> float:
        return self.left + dots * self.k

    def y(self, dots: float) -> float:
        return self.page_h - (self.top + dots * self.k)

    def fill(self, x: float, y: float, w: float, h: float) -> None:
        self.c.rect(self.x(x), self.y(y + h), w * self.k, h * self.k, stroke=0, fill=1)

    def text(self, t: TextItem) -> None:
        size = t.size * self.k
        room = t.width * self.k
        width = stringWidth(t.text, FONT, size)
        if width > room:  # Helvetica is narrower than the layout's font; shrink if ever not
            size *= room / width
            width = room
        self.c.setFont(FONT, size)
        x = self.x(t.x)
        if t.align == "center":
            x += (room - width) / 2
        elif t.align == "right":
            x += room - width
        self.c.drawString(x, self.y(t.y + t.size * 0.8), t.text)

    def paint(self) -> None:
        for item in self.layout.items:
            if isinstance(item, TextItem):
                self.text(item)
            elif isinstance(item, BoxItem):
                t = item.thickness
                self.c.setLineWidth(t * self.k)
                self.c.rect(
                    self.x(item.x + t / 2),
                    self.y(item.y + item.height - t / 2),
                    (item.width - t) * self.k,
                    (item.height - t) * self.k,
                    stroke=1,
                    fill=0,
                )
            elif isinstance(item, LinearItem):
                m = item.module
                for a, n in dark_runs(item.symbol.modules, "1"):
                    self.fill(item.x + a * m, item.y, n * m, item.height)
            else:
                self.matrix(item)
            if isinstance(item, LinearItem | MatrixItem) and item.hri is not None:
                self.text(item.hri)

    def matrix(self, item: MatrixItem) -> None:
        m, s = item.module, item.symbol
        for r in range(s.rows):
            for a, n in dark_runs(s.pixels[r * s.columns : (r + 1) * s.columns], 0):
                self.fill(item.x + a * m, item.y + r * m, n * m, m)


def pdf_from_layouts(layouts: Sequence[Layout], *, sheet: Sheet | None = None) -> bytes:
    """A PDF of laid-out labels: a page each, or ``sheet`` pages filled row by row."""
    out = io.BytesIO()
    c = Canvas(out, invariant=True, pageCompression=1)
    c.setTitle("scantrack labels")
    c.setCreator("scantrack")
    if sheet is None:
        for layout in layouts:
            w, h = layout.size.width_mm * MM, layout.size.height_mm * MM
            c.setPageSize((w, h))
            _Painter(c, h, layout, 0, 0).paint()
            c.showPage()
    elif layouts:
        size = layouts[0].size
        for other in layouts:
            if (other.size.width_mm, other.size.height_mm) != (size.width_mm, size.height_mm):
                raise InvalidLabelSize(
                    width_mm=other.size.width_mm,
                    height_mm=other.size.height_mm,
                    dpi=other.size.dpi,
                    reason=f"a sheet holds one size; the first label is {size.width_mm:g} x "
                    f"{size.height_mm:g} mm",
                )
        cells = sheet.origins(size)
        page_w, page_h = PAGES[sheet.page]
        c.setPageSize((page_w, page_h))
        for start in range(0, len(layouts), len(cells)):
            for layout, (left, top) in zip(
                layouts[start : start + len(cells)], cells, strict=False
            ):
                _Painter(c, page_h, layout, left, top).paint()
                if sheet.outline:
                    c.setLineWidth(0.2)
                    c.setStrokeGray(0.7)
                    c.rect(left, page_h - top - size.height_mm * MM, size.width_mm * MM,
                           size.height_mm * MM, stroke=1, fill=0)  # fmt: skip
                    c.setStrokeGray(0)
            c.showPage()
    c.save()
    return out.getvalue()


def render_pdf(
    labels: Label | Iterable[Label],
    *,
    sheet: Sheet | None = None,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> bytes:
    """A PDF of one or more labels (each with its kind's template unless one is given)."""
    items = [labels] if not isinstance(labels, Iterable) else list(labels)
    layouts = [
        make_layout(x, template=template, size=size, dpi=dpi, template_dir=template_dir)
        for x in items
    ]
    return pdf_from_layouts(layouts, sheet=sheet)
