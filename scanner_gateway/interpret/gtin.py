"""Plain GTINs: EAN-13, EAN-8, UPC-A, UPC-E, ITF-14, and bare GTIN-8/12/13/14.

With an EAN/UPC identifier (``]E0``, ``]E3``, ``]E4``) the data must be a GTIN, so a bad
check digit is an error; ``]E0`` with 6 to 8 digits is a UPC-E and is expanded. Without
an identifier, a string of 8, 12, 13 or 14 digits is a GTIN only when its check digit
is right; otherwise it is left for the other readers (a numeric serial, a lot).

>>> from scanner_gateway.interpret.gtin import parse_gtin
>>> parse_gtin("4006381333931", symbology=None)
Barcode(kind='gtin', value='4006381333931', gtin='04006381333931')
>>> parse_gtin("4006381333932", symbology=None) is None
True
>>> parse_gtin("4006381333932", symbology="]E0").error
"Failed to parse '4006381333932' as GTIN (EAN-13/UPC ]E0): expected check digit 1, got 2."
>>> parse_gtin("01234565", symbology="]E0").gtin  # UPC-E, expanded to UPC-A
'00012345000065'
"""

from __future__ import annotations

from biip import ParseError
from biip.upc import Upc

from scanner_gateway.interpret.barcode import Barcode, failed, show
from scanner_gateway.interpret.symbology import family, name

__all__ = ["check_digit", "gtin_error", "parse_gtin"]

_DIGITS = frozenset("0123456789")


def check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit of ``payload`` (ASCII digits).

    >>> check_digit("400638133393")
    1
    """
    total = 0
    for i, ch in enumerate(reversed(payload)):
        total += (ord(ch) - 48) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also takes other scripts' digits)."""
    return bool(text) and _DIGITS.issuperset(text)


def gtin_error(digits: str) -> str | None:
    """Why ``digits`` is not a GTIN-8/12/13/14 (as 'expected ..., got ...'), or None."""
    if len(digits) not in (8, 12, 13, 14):
        return f"expected 8, 12, 13 or 14 digits, got {len(digits)}"
    if not is_digits(digits):
        bad = next(c for c in digits if c not in _DIGITS)
        return f"expected digits, got {show(bad)}"
    want = check_digit(digits[:-1])
    if want != ord(digits[-1]) - 48:
        return f"expected check digit {want}, got {digits[-1]}"
    return None


def parse_gtin(data: str, *, symbology: str | None) -> Barcode | None:
    """A ``gtin`` Barcode, an ``invalid`` one (EAN/UPC identifier), or None (not a GTIN)."""
    fam = family(symbology)
    if fam == "none":
        if len(data) in (8, 12, 13, 14) and gtin_error(data) is None and data.strip("0"):
            return Barcode(kind="gtin", value=data, gtin=data.zfill(14))
        return None
    if fam == "itf":
        if len(data) != 14:
            return None
        return _strict(data, data, symbology)
    if fam != "ean":
        return None
    assert symbology is not None
    digits, addon = data, ""
    if symbology == "]E3":
        if len(data) not in (14, 15, 17, 18):
            what = f"GTIN with add-on ({name(symbology)} {symbology})"
            return Barcode.invalid(
                data,
                failed(data, what, "12 or 13 digits and a 2 or 5 digit add-on", f"{len(data)}"),
                symbology=symbology,
            )
        cut = 13 if len(data) in (15, 18) else 12
        digits, addon = data[:cut], data[cut:]
    elif symbology == "]E0" and len(data) in (6, 7, 8) and is_digits(data):
        try:
            digits = Upc.parse(data).as_upc_a()
        except ParseError:
            what = f"UPC-E ({symbology})"
            expected = "6 to 8 digits with a valid check digit"
            return Barcode.invalid(
                data, failed(data, what, expected, show(data)), symbology=symbology
            )
    return _strict(data, digits, symbology, addon)


def _strict(data: str, digits: str, symbology: str | None, addon: str = "") -> Barcode:
    err = gtin_error(digits)
    if err is None and addon and not is_digits(addon):
        err = f"expected a digit add-on, got {show(addon)}"
    if err is not None:
        what = f"GTIN ({name(symbology)} {symbology})" if symbology else "GTIN"
        expected, _, got = err.removeprefix("expected ").partition(", got ")
        return Barcode.invalid(data, failed(data, what, expected, got), symbology=symbology)
    return Barcode(
        kind="gtin",
        value=data,
        symbology=symbology,
        gtin=digits.zfill(14),
        fields={"addon": addon} if addon else {},
    )
