"""Every rendered label scans back to the data it was made from, in every output format.

PNG and SVG come from our renderers, ZPL goes through zplkit (an offline printer), PDF
pages through pypdfium2; zxing-cpp decodes them all and biip parses the GS1 text.
"""

from __future__ import annotations

import pytest

from scanner_gateway.labels import (
    Sheet,
    make_layout,
    render_image,
    render_pdf,
    render_png,
    render_svg,
    render_zpl,
)
from scanner_gateway.labels.layout import LinearItem, MatrixItem
from tests.labels.conftest import (
    LABELS,
    Read,
    decode,
    expected,
    gs1,
    normalise,
    pdf_images,
    svg_image,
    zpl_images,
)

CASES = sorted(LABELS)


@pytest.mark.parametrize("case", CASES)
def test_png_scans_back(case: str, dpi: int) -> None:
    import io

    from PIL import Image

    label = LABELS[case]
    img = Image.open(io.BytesIO(render_png(label, dpi=dpi)))
    size = make_layout(label, dpi=dpi).size
    assert img.size == (size.width_dots, size.height_dots)
    assert normalise(decode(img)) == expected(label)


@pytest.mark.parametrize("case", CASES)
def test_zpl_scans_back(case: str, dpi: int) -> None:
    label = LABELS[case]
    [img] = zpl_images(render_zpl(label, dpi=dpi), dpi)
    assert normalise(decode(img)) == expected(label)


@pytest.mark.parametrize("case", CASES)
def test_svg_scans_back(case: str, dpi: int) -> None:
    label = LABELS[case]
    assert normalise(decode(svg_image(render_svg(label, dpi=dpi)))) == expected(label)


@pytest.mark.parametrize("dpi_", [203, 300, 600])
def test_pdf_pages_scan_back(dpi_: int) -> None:
    labels = [LABELS[c] for c in CASES]
    pages = pdf_images(render_pdf(labels, dpi=dpi_), 300)
    assert len(pages) == len(labels)
    for label, page in zip(labels, pages, strict=True):
        assert normalise(decode(page)) == expected(label)


@pytest.mark.parametrize("page", ["A4", "Letter"])
def test_pdf_sheet_scans_back(page: str) -> None:
    from scanner_gateway.labels import SerialLabel

    labels = [
        SerialLabel("LAP-14", "Laptop", f"SN-{i:03}", gtin="09506000134352") for i in range(7)
    ]
    pdf = render_pdf(labels, sheet=Sheet(page, columns=2, rows=3))  # type: ignore[arg-type]
    pages = pdf_images(pdf, 300)
    assert len(pages) == 2  # 6 cells, 7 labels
    reads = [r for p in pages for r in decode(p)]
    plain = sorted(r.text for r in reads if r.aim == "]C0")
    assert plain == [f"SN-{i:03}" for i in range(7)]
    serials = sorted(gs1(r.text)["21"] for r in reads if r.aim == "]C1")
    assert serials == [f"SN-{i:03}" for i in range(7)]


def test_gs1_symbols_carry_the_identifier_and_separators(dpi: int) -> None:
    """GS1-128 reads as ]C1, GS1 DataMatrix as ]d2; ASCII 29 only between fields."""
    label = LABELS["serial-gtin-lot-expiry"]
    reads = {r.aim: r.text for r in decode(render_image(label, dpi=dpi))}
    assert reads["]d2"] == "0109506000134352172802291" + "0B(7)\x1d21P3/0042"
    assert reads["]C1"] == "010950600013435221P3/0042"  # (21) last: no separator
    assert reads["]C0"] == "P3/0042"


def test_lot_label_dates_parse_to_the_label_dates() -> None:
    from biip.gs1_messages import GS1Message

    label = LABELS["lot-gtin"]
    reads = decode(render_image(label))
    [dm] = [r for r in reads if r.aim == "]d2"]
    message = GS1Message.parse(dm.text)
    dates = {e.ai.ai: e.date for e in message.element_strings if e.date}
    assert dates == {"11": label.production_date, "17": label.expiry}  # type: ignore[union-attr]
    assert gs1(dm.text)["30"] == "24"


@pytest.mark.parametrize("case", CASES)
def test_modules_are_whole_dots_of_at_least_two(case: str, dpi: int) -> None:
    layout = make_layout(LABELS[case], dpi=dpi)
    symbols = [i for i in layout.items if isinstance(i, LinearItem | MatrixItem)]
    assert symbols
    for item in symbols:
        assert isinstance(item.module, int) and 2 <= item.module <= 10


def test_the_narrowest_printed_bar_is_two_dots() -> None:
    """A template asking for 0.05 mm modules still gets 2-dot bars, and they scan."""
    from scanner_gateway.labels import LocationLabel, parse_template

    template = parse_template(
        "tiny",
        {
            "kind": "location",
            "width_mm": 60,
            "height_mm": 20,
            "elements": [
                {
                    "type": "barcode",
                    "symbology": "code128",
                    "x": 0,
                    "y": 0,
                    "width": 60,
                    "height": 20,
                    "module": 0.05,
                    "data": "{code}",
                }
            ],
        },
    )
    label = LocationLabel("B-7")
    [item] = make_layout(label, template=template).items
    assert isinstance(item, LinearItem) and item.module == 2
    img = render_image(label, template=template)
    row = img.crop((0, 10, img.width, 11)).tobytes()
    runs = [len(r) for r in row.replace(b"\xff", b" ").split() if r]
    assert min(runs) == 2
    assert decode(img) == [Read("]C0", "B-7")]


@pytest.mark.parametrize("case", CASES)
def test_the_preview_is_the_printed_label(case: str, dpi: int) -> None:
    """Every bar and module of our PNG is where zplkit's rendering of our ZPL puts it."""
    from PIL import ImageChops

    label = LABELS[case]
    ours = render_image(label, dpi=dpi)
    [printed] = zpl_images(render_zpl(label, dpi=dpi), dpi)
    assert printed.size == ours.size
    printed = printed.point(lambda v: 0 if v < 128 else 255)
    for item in make_layout(label, dpi=dpi).items:
        if isinstance(item, LinearItem):
            right, bottom = item.x + item.symbol.width * item.module, item.y + item.height
        elif isinstance(item, MatrixItem):
            right = item.x + item.symbol.columns * item.module
            bottom = item.y + item.symbol.rows * item.module
        else:
            continue
        box = (item.x - 2 * item.module, item.y, right + 2 * item.module, bottom)
        assert ImageChops.difference(ours.crop(box), printed.crop(box)).getbbox() is None
