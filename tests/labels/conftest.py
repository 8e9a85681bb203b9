"""Read labels back the way a scanner would: zxing-cpp decodes, biip parses.

zplkit (test-only, OSL-3.0) stands in for the printer; pypdfium2 for the PDF viewer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pypdfium2
import pytest
import zplkit
import zxingcpp
from biip.gs1_messages import GS1Message
from PIL import Image, ImageDraw

from scanner_gateway.labels import (
    Label,
    LocationLabel,
    LotLabel,
    SerialLabel,
    SsccLabel,
    gs1_date,
)

DPIS = (203, 300, 600)
GTIN = "09506000134352"
CASE_GTIN = "19506000134359"
SSCC = "106141412345678908"


@dataclass(frozen=True, order=True)
class Read:
    """One decoded symbol: AIM identifier and text (GS as ASCII 29)."""

    aim: str
    text: str


def decode(img: Image.Image) -> list[Read]:
    found = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
    return sorted(Read(b.symbology_identifier, b.text) for b in found)


def zpl_images(zpl: str, dpi: int) -> list[Image.Image]:
    """zplkit's rendering of each format. It has no ^PQ (copies), so that goes first."""
    assert re.search(r"\^PQ\d+\n", zpl)
    source = re.sub(r"\^PQ\d+\n", "", zpl).encode()
    doc = zplkit.render(source, zplkit.Options(profile="specification", dpi=dpi))
    images = []
    for scene in doc.labels:
        r = scene.rasterize()
        images.append(Image.frombytes("L", (r.width, r.height), r.pixels))
    return images


def pdf_images(pdf: bytes, dpi: int) -> list[Image.Image]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


_PATH = re.compile(r"M(\d+),(\d+)h(\d+)v(\d+)h-\d+z")


def svg_image(svg: str) -> Image.Image:
    """Rasterise the bars and modules of our SVG (rectangles in printer dots)."""
    w, h = (int(x) for x in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())  # type: ignore[union-attr]
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    for x, y, dx, dy in _PATH.findall(svg):
        x0, y0 = int(x), int(y)
        draw.rectangle((x0, y0, x0 + int(dx) - 1, y0 + int(dy) - 1), fill=0)
    return img


def gs1(text: str) -> dict[str, str]:
    """AI -> value of a decoded GS1 text, parsed by biip."""
    message = GS1Message.parse(text)
    return {e.ai.ai: e.value for e in message.element_strings}


def expected(label: Label) -> list[Read]:
    """What a scanner must read from the default template of ``label``, from its fields.

    Written out per kind (not through the layout code), so the test says what a label is.
    """
    out: list[tuple[str, dict[str, str] | str]] = []
    if isinstance(label, SerialLabel):
        if label.gtin:
            full = {"01": label.gtin, "21": label.serial}
            if label.lot:
                full["10"] = label.lot
            if label.expiry:
                full["17"] = gs1_date(label.expiry)
            out += [("]d2", full), ("]C1", {"01": label.gtin, "21": label.serial})]
        out.append(("]C0", label.serial))
    elif isinstance(label, LotLabel):
        if label.gtin:
            first = {"01": label.gtin}
            if label.production_date:
                first["11"] = gs1_date(label.production_date)
            if label.expiry:
                first["17"] = gs1_date(label.expiry)
            second = {"10": label.lot}
            if label.quantity:
                second["30"] = str(label.quantity)
            out += [("]d2", first | second), ("]C1", first), ("]C1", second)]
        else:
            out.append(("]C0", label.lot))
    elif isinstance(label, SsccLabel):
        out.append(("]C1", {"00": label.sscc}))
        if label.gtin:
            contents = {"02": label.gtin}
            if label.quantity:
                contents["37"] = str(label.quantity)
            out.append(("]C1", contents))
    else:
        out.append(("]C0", label.prefix + label.code))
    return sorted(
        (Read(aim, value) if isinstance(value, str) else Read(aim, _canonical(value)))
        for aim, value in out
    )


def _canonical(values: dict[str, str]) -> str:
    return "|".join(f"({k}){v}" for k, v in sorted(values.items()))


def normalise(reads: list[Read]) -> list[Read]:
    """GS1 reads as their biip-parsed AI values, so element order does not matter here."""
    return sorted(
        Read(r.aim, _canonical(gs1(r.text))) if r.aim in ("]C1", "]d2") else r for r in reads
    )


LABELS: dict[str, Label] = {
    "serial-gtin": SerialLabel("LAP-14", "Laptop 14in, silver", "SN-26-00001", gtin=GTIN),
    "serial-gtin-lot-expiry": SerialLabel(
        "PUMP-3",
        "Infusion pump",
        "P3/0042",
        gtin=GTIN,
        lot="B(7)",
        expiry=dt.date(2028, 2, 29),
    ),
    "serial-plain": SerialLabel("CABLE", "", "c-0001 x"),
    "lot-gtin": LotLabel(
        "MILK",
        "Milk 1 l",
        "L261124-01",
        quantity=24,
        expiry=dt.date(2026, 12, 24),
        production_date=dt.date(2026, 11, 24),
        gtin=GTIN,
    ),
    "lot-gtin-minimal": LotLabel("MILK", "Milk 1 l", "7", gtin=GTIN),
    "lot-plain": LotLabel("FLOUR", "Flour 25 kg", "LOT 2026/11 #4", quantity=3),
    "sscc": SsccLabel(SSCC, ("24 x MILK 1 l", "Lot L261124-01"), gtin=CASE_GTIN, quantity=24),
    "sscc-mixed": SsccLabel(SSCC, ("mixed pallet",)),
    "location": LocationLabel("A-01-02", "Aisle A, shelf 1", prefix="LOC:"),
}


@pytest.fixture(params=DPIS)
def dpi(request: pytest.FixtureRequest) -> int:
    return int(request.param)
