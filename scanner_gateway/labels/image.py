"""PNG and SVG previews, one pixel (or SVG unit) per printer dot.

Bars and modules are whole dots, exactly as the printer makes them; the human-readable
lines are drawn here, not by a barcode library, so they read ``(01)...(21)...``.

>>> from scanner_gateway.labels.model import LocationLabel
>>> img = render_image(LocationLabel("A-01-02", "Aisle A"))
>>> img.size, img.mode
((800, 320), 'L')
>>> render_svg(LocationLabel("A-01-02")).startswith("<svg")
True
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw

from scanner_gateway.labels.fonts import font
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

__all__ = ["image_from_layout", "render_image", "render_png", "render_svg", "svg_from_layout"]


def _text(draw: ImageDraw.ImageDraw, t: TextItem) -> None:
    f = font(t.size)
    x = float(t.x)
    if t.align != "left":
        free = t.width - f.getlength(t.text)
        x += free / 2 if t.align == "center" else free
    draw.text((x, t.y), t.text, font=f, fill=0, anchor="la")


def _bars(item: LinearItem) -> Image.Image:
    row = item.symbol.modules.translate({ord("1"): "\x00", ord("0"): "\xff"}).encode("latin-1")
    strip = Image.frombytes("L", (len(row), 1), row)
    return strip.resize((len(row) * item.module, item.height), Image.Resampling.NEAREST)


def _matrix(item: MatrixItem) -> Image.Image:
    s = item.symbol
    cells = Image.frombytes("L", (s.columns, s.rows), s.pixels)
    return cells.resize((s.columns * item.module, s.rows * item.module), Image.Resampling.NEAREST)


def image_from_layout(layout: Layout) -> Image.Image:
    """A greyscale image of the label, white background, one pixel per dot."""
    size = layout.size
    img = Image.new("L", (size.width_dots, size.height_dots), 255)
    draw = ImageDraw.Draw(img)
    for item in layout.items:
        if isinstance(item, TextItem):
            _text(draw, item)
        elif isinstance(item, BoxItem):
            x1, y1 = item.x + item.width - 1, item.y + item.height - 1
            draw.rectangle((item.x, item.y, x1, y1), outline=0, width=item.thickness)
        else:
            img.paste(
                _bars(item) if isinstance(item, LinearItem) else _matrix(item), (item.x, item.y)
            )
            if item.hri is not None:
                _text(draw, item.hri)
    return img


def render_image(
    label: Label,
    *,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> Image.Image:
    """The label as a Pillow image at the printer's resolution."""
    layout = make_layout(label, template=template, size=size, dpi=dpi, template_dir=template_dir)
    return image_from_layout(layout)


def render_png(
    label: Label,
    *,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> bytes:
    """PNG bytes of the label; its pHYs says the physical size."""
    layout = make_layout(label, template=template, size=size, dpi=dpi, template_dir=template_dir)
    img = image_from_layout(layout)
    out = io.BytesIO()
    real_dpi = layout.size.dots_per_mm * 25.4
    img.save(out, "PNG", dpi=(real_dpi, real_dpi), compress_level=1)
    return out.getvalue()


def _svg_text(t: TextItem) -> str:
    anchor = {"left": ("start", t.x), "center": ("middle", t.x + t.width / 2)}
    where, x = anchor.get(t.align, ("end", t.x + t.width))
    # Pillow's font puts the ascender at the top of the em box; SVG places the baseline.
    baseline = t.y + round(t.size * 0.8)
    return (
        f'<text x="{x:g}" y="{baseline}" font-size="{t.size}" text-anchor="{where}">'
        f"{escape(t.text)}</text>"
    )


def svg_from_layout(layout: Layout) -> str:
    s = layout.size
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{s.width_mm:g}mm" '
        f'height="{s.height_mm:g}mm" viewBox="0 0 {s.width_dots} {s.height_dots}" '
        f'shape-rendering="crispEdges" font-family={quoteattr("DejaVu Sans, Arial, sans-serif")}>',
        f'<rect width="{s.width_dots}" height="{s.height_dots}" fill="#fff"/>',
    ]
    for item in layout.items:
        if isinstance(item, TextItem):
            parts.append(_svg_text(item))
        elif isinstance(item, BoxItem):
            t = item.thickness
            parts.append(
                f'<rect x="{item.x + t / 2:g}" y="{item.y + t / 2:g}" width="{item.width - t:g}" '
                f'height="{item.height - t:g}" fill="none" stroke="#000" stroke-width="{t}"/>'
            )
        elif isinstance(item, LinearItem):
            m = item.module
            path = "".join(
                f"M{item.x + a * m},{item.y}h{n * m}v{item.height}h-{n * m}z"
                for a, n in dark_runs(item.symbol.modules, "1")
            )
            parts.append(f'<path d="{path}"/>')
        else:
            m, sym = item.module, item.symbol
            path = "".join(
                f"M{item.x + a * m},{item.y + r * m}h{n * m}v{m}h-{n * m}z"
                for r in range(sym.rows)
                for a, n in dark_runs(sym.pixels[r * sym.columns : (r + 1) * sym.columns], 0)
            )
            parts.append(f'<path d="{path}"/>')
        if isinstance(item, LinearItem | MatrixItem) and item.hri is not None:
            parts.append(_svg_text(item.hri))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_svg(
    label: Label,
    *,
    template: Template | str | None = None,
    size: LabelSize | None = None,
    dpi: int | None = None,
    template_dir: Path | str | None = None,
) -> str:
    """SVG of the label, sized in millimetres, drawn in printer dots."""
    layout = make_layout(label, template=template, size=size, dpi=dpi, template_dir=template_dir)
    return svg_from_layout(layout)
