"""The examples in the docstrings run, and the files are what their readers expect."""

from __future__ import annotations

import doctest
import importlib
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from scanner_gateway.labels import make_layout, render_pdf, render_png, render_svg
from scanner_gateway.labels.layout import TextItem
from tests.labels.conftest import LABELS

MODULES = ["__init__", "errors", "fonts", "gs1", "image", "layout", "model", "pdf", "symbols",
           "templates", "zpl"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"scanner_gateway.labels.{name}".replace(".__init__", ""))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name in ("fonts",)


@pytest.mark.parametrize("case", sorted(LABELS))
def test_svg_is_xml_sized_in_millimetres(case: str, dpi: int) -> None:
    label = LABELS[case]
    root = ET.fromstring(render_svg(label, dpi=dpi))
    layout = make_layout(label, dpi=dpi)
    assert root.get("width") == f"{layout.size.width_mm:g}mm"
    assert root.get("viewBox") == f"0 0 {layout.size.width_dots} {layout.size.height_dots}"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == [i.text for i in _texts(layout)]


def _texts(layout: object) -> list[TextItem]:
    out: list[TextItem] = []
    for item in layout.items:  # type: ignore[attr-defined]
        if isinstance(item, TextItem):
            out.append(item)
        elif getattr(item, "hri", None) is not None:
            out.append(item.hri)
    return out


def test_svg_escapes_markup() -> None:
    from scanner_gateway.labels import SerialLabel

    svg = render_svg(SerialLabel("<b>&amp;", "</svg><script>x</script>", "S1"))
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[:2] == ["<b>&amp;", "</svg><script>x</script>"]


def test_png_says_its_physical_size(dpi: int) -> None:
    img = Image.open(io.BytesIO(render_png(LABELS["location"], dpi=dpi)))
    assert img.mode == "L"
    x_dpi, _ = img.info["dpi"]
    assert img.width / x_dpi * 25.4 == pytest.approx(100, abs=0.1)


def test_pdf_single_pages_have_the_label_size() -> None:
    import pypdfium2

    pdf = render_pdf(LABELS["sscc"])
    doc = pypdfium2.PdfDocument(pdf)
    w, h = doc[0].get_size()
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (100, 150)
    assert render_pdf(LABELS["sscc"]) == pdf  # deterministic (no timestamps)
