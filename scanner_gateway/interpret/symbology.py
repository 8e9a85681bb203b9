"""AIM symbology identifiers (ISO/IEC 15424): strip, record and classify.

A scanner with identifiers on sends ``]`` + a code character + a modifier before the
data: ``]C1`` GS1-128, ``]E0`` EAN-13/UPC-A, ``]d1`` Data Matrix, ...

>>> from scanner_gateway.interpret.symbology import family, split
>>> split("]C10107032069804988")
(']C1', '0107032069804988')
>>> split("LOT42")
(None, 'LOT42')
>>> [family(s) for s in ("]C1", "]d2", "]Q3", "]e0", "]E0", "]I1", "]C0", "]d1", "]A0", None)]
['gs1', 'gs1', 'gs1', 'gs1', 'ean', 'itf', 'plain', 'plain', 'plain', 'none']

Families:

- ``gs1``: the data is GS1 element strings (or a Digital Link URI in a GS1 QR/DataMatrix):
  ``]C1`` GS1-128, ``]d2`` ``]d5`` GS1 DataMatrix, ``]Q3`` ``]Q4`` GS1 QR, ``]e0`` DataBar,
  ``]e1`` ``]e2`` composite, ``]J1`` GS1 DotCode.
- ``ean``: EAN/UPC, the data is a GTIN: ``]E0`` EAN-13, UPC-A or UPC-E, ``]E3`` with an
  add-on, ``]E4`` EAN-8.
- ``itf``: ``]I1`` ITF with check digit (ITF-14 carries a GTIN-14).
- ``plain``: any other identifier (``]C0`` Code 128, ``]d1`` Data Matrix, ``]Q1`` QR,
  ``]A0`` Code 39, ``]E1``/``]E2`` a lone add-on, ...): never GS1 element strings.
- ``none``: no identifier.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["NAMES", "Family", "family", "is_identifier", "name", "split"]

Family = Literal["gs1", "ean", "itf", "plain", "none"]

# ISO/IEC 15424 code characters; a modifier is one character, or for "Y" (system
# expansion) a digit n and n more characters.
_IDENTIFIER = re.compile(r"\][A-UXZcdeopsz][0-9A-Z]|\]Y[0-9][0-9A-Z]*")
_GS1 = frozenset({"]C1", "]d2", "]d5", "]Q3", "]Q4", "]e0", "]e1", "]e2", "]J1"})
_EAN = frozenset({"]E0", "]E3", "]E4"})

#: Names for messages.
NAMES = {
    "]C0": "Code 128",
    "]C1": "GS1-128",
    "]d1": "Data Matrix",
    "]d2": "GS1 DataMatrix",
    "]Q1": "QR Code",
    "]Q3": "GS1 QR Code",
    "]e0": "GS1 DataBar",
    "]E0": "EAN-13/UPC",
    "]E3": "EAN/UPC with add-on",
    "]E4": "EAN-8",
    "]I1": "ITF-14",
    "]A0": "Code 39",
}


def split(text: str) -> tuple[str | None, str]:
    """Split a leading AIM identifier off the data: ``(identifier or None, data)``."""
    if not text.startswith("]"):
        return None, text
    m = _IDENTIFIER.match(text)
    if m is None:
        return None, text
    if text[1] == "Y":  # the digit says how many modifier characters follow
        n = 3 + int(text[2])
        if len(text) < n:
            return None, text
        return text[:n], text[n:]
    return m.group(), text[m.end() :]


def is_identifier(value: str) -> bool:
    """Whether ``value`` is exactly one AIM symbology identifier.

    >>> is_identifier("]C1"), is_identifier("C1"), is_identifier("]C1X")
    (True, False, False)
    """
    ident, rest = split(value)
    return ident is not None and rest == ""


def family(identifier: str | None) -> Family:
    """What an identifier says about the data (see the module docstring)."""
    if identifier is None:
        return "none"
    if identifier in _GS1:
        return "gs1"
    if identifier in _EAN:
        return "ean"
    if identifier == "]I1":
        return "itf"
    return "plain"


def name(identifier: str) -> str:
    """A readable name: ``name("]C1") == "GS1-128"``, else the identifier itself.

    >>> name("]C1"), name("]X0")
    ('GS1-128', ']X0')
    """
    return NAMES.get(identifier, identifier)
