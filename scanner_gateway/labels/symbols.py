"""Barcode symbols: python-barcode encodes Code 128 and GS1-128, zxing-cpp DataMatrix and QR.

Every renderer draws the same symbol: the ZPL renderer transcribes the Code 128 values
computed here into ``^BC`` invocation codes, the image and PDF renderers draw the
modules, so a preview is the printed label.

>>> from scanner_gateway.labels.gs1 import build_gs1
>>> s = code128_symbol("SN-1", field="serial")
>>> s.values[:1], s.width  # start B, 4 characters, check: 11 modules each; stop: 13
((104,), 79)
>>> g = gs1_128_symbol(build_gs1([("01", "09506000134352"), ("21", "7")]))
>>> g.values[:2]  # start C, FNC1
(105, 102)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, cast

import zxingcpp
from barcode.charsets import code128 as tables
from barcode.codex import Code128, Gs1_128

from scanner_gateway.labels.errors import InvalidLabelData, UnencodableCharacters
from scanner_gateway.labels.gs1 import Gs1Content

__all__ = [
    "LinearSymbol",
    "MatrixSymbol",
    "code128_symbol",
    "dark_runs",
    "datamatrix_ascii_size",
    "gs1_128_symbol",
    "gs1_datamatrix_symbol",
    "qr_symbol",
]

FNC1 = 102
_FNC1_CHAR = Gs1_128.FNC1_CHAR


@dataclass(frozen=True)
class LinearSymbol:
    """A Code 128 symbol: its values, from the start code on, without check and stop."""

    symbology: Literal["code128", "gs1_128"]
    values: tuple[int, ...]
    hri: str

    @property
    def width(self) -> int:
        """Modules, without quiet zones: 11 per value and check character, 13 for the stop."""
        return 11 * (len(self.values) + 1) + 13

    @property
    def modules(self) -> str:
        """``1`` bar, ``0`` space, from the start code to the end of the stop pattern."""
        v = self.values
        check = (v[0] + sum(i * x for i, x in enumerate(v[1:], start=1))) % 103
        patterns: dict[int, str] = tables.CODES
        stop: str = tables.STOP + "11"  # python-barcode's stop pattern and termination bar
        return "".join(patterns[x] for x in (*v, check)) + stop


def _linear(symbology: Literal["code128", "gs1_128"], barcode: Code128, hri: str) -> LinearSymbol:
    return LinearSymbol(symbology, tuple(barcode.encoded), hri)


def code128_symbol(data: str, *, field: str) -> LinearSymbol:
    """Code 128 of printable ASCII (a serial, a lot, a location code)."""
    bad = "".join(dict.fromkeys(c for c in data if not " " <= c <= "~"))
    if bad:
        raise UnencodableCharacters(field=field, value=data, symbology="code128", characters=bad)
    if not data:
        raise InvalidLabelData(field=field, value=data, reason="nothing to encode")
    return _linear("code128", Code128(data), data)


def gs1_128_symbol(content: Gs1Content) -> LinearSymbol:
    """GS1-128: FNC1 first, FNC1 as the separator after variable-length fields."""
    return _linear("gs1_128", Gs1_128(content.data(separator=_FNC1_CHAR)), content.hri)


@dataclass(frozen=True)
class MatrixSymbol:
    """A 2D symbol, one byte per module (0 dark, 255 light), without quiet zone."""

    symbology: Literal["gs1_datamatrix", "qr"]
    columns: int
    rows: int
    pixels: bytes
    text: str  # what was encoded: GS1 data with GS separators, or the QR text


def _matrix(
    symbology: Literal["gs1_datamatrix", "qr"], barcode: zxingcpp.Barcode, text: str
) -> MatrixSymbol:
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    rows, columns = image.shape[0], image.shape[1]
    pixels = memoryview(cast(Any, image)).tobytes()  # the stub does not say it is a buffer
    return MatrixSymbol(symbology, columns, rows, pixels, text)


def _zxing_gs1(content: Gs1Content) -> str:
    # zxing-cpp's GS1 input is the bracketed form; parentheses in values are escaped.
    return "".join(
        f"({e.ai})" + e.value.replace("(", "\\(").replace(")", "\\)") for e in content.elements
    )


@lru_cache(maxsize=512)
def gs1_datamatrix_symbol(content: Gs1Content) -> MatrixSymbol:
    """Square GS1 DataMatrix (FNC1 first), as ``^BX`` prints it.

    ``gs1=True`` is what makes zxing-cpp write GS1 (``options="gs1"`` is ignored), and
    ``force_square=True`` keeps it from picking a rectangle the printer would not.
    """
    try:
        barcode = zxingcpp.create_barcode(
            _zxing_gs1(content), zxingcpp.BarcodeFormat.DataMatrix, gs1=True, force_square=True
        )
    except ValueError as exc:
        raise InvalidLabelData(field="gs1", value=content.hri, reason=str(exc)) from exc
    return _matrix("gs1_datamatrix", barcode, content.data())


@lru_cache(maxsize=512)
def qr_symbol(data: str, *, field: str, ec_level: str = "M") -> MatrixSymbol:
    """A QR code of text (a location, a URL)."""
    bad = "".join(dict.fromkeys(c for c in data if ord(c) < 32 or ord(c) == 127))
    if bad:
        raise UnencodableCharacters(field=field, value=data, symbology="qr", characters=bad)
    try:
        barcode = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    except ValueError as exc:
        raise InvalidLabelData(field=field, value=data, reason=str(exc)) from exc
    return _matrix("qr", barcode, data)


# ECC 200 square symbols: (modules per side, data codewords).
_DATAMATRIX_SQUARES = (
    (10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30), (24, 36), (26, 44),
    (32, 62), (36, 86), (40, 114), (44, 144), (48, 174), (52, 204), (64, 280), (72, 368),
    (80, 456), (88, 576), (96, 696), (104, 816), (120, 1050), (132, 1304), (144, 1558),
)  # fmt: skip


_ASCII_CODEWORDS = re.compile(r"[0-9][0-9]|.", re.DOTALL)  # a digit pair is one codeword


def datamatrix_ascii_size(content: Gs1Content) -> int:
    """Modules per side of the square symbol ASCII encodation needs.

    A printer picks its own encodation; ASCII (digit pairs in one codeword) is the one
    every encoder reaches, so the layout reserves room for at least this size.

    >>> from scanner_gateway.labels.gs1 import build_gs1
    >>> datamatrix_ascii_size(build_gs1([("01", "09506000134352"), ("21", "ABC")]))
    18
    """
    codewords = 1 + len(_ASCII_CODEWORDS.findall(content.data()))  # FNC1, then the data
    for side, capacity in _DATAMATRIX_SQUARES:
        if codewords <= capacity:
            return side
    raise InvalidLabelData(field="gs1", value=content.hri, reason="too long for a DataMatrix")


def dark_runs(bits: bytes | str, dark: int | str) -> list[tuple[int, int]]:
    """(start, length) of each run of ``dark`` cells: bars of a module string, say.

    >>> dark_runs("0110111", "1")
    [(1, 2), (4, 3)]
    """
    runs: list[tuple[int, int]] = []
    start = -1
    for i, b in enumerate(bits):
        if b == dark and start < 0:
            start = i
        elif b != dark and start >= 0:
            runs.append((start, i - start))
            start = -1
    if start >= 0:
        runs.append((start, len(bits) - start))
    return runs
