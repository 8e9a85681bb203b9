"""Interpretation of scans: ``interpret(raw, profile=...) -> Barcode``, pure, total, fast.

>>> from scanner_gateway.interpret import interpret, ScanProfile
>>> b = interpret("]d2010950600013435221SN-0042\\x1d10L77\\x1d17270400")
>>> b.kind, b.gtin, b.serial, b.lot, b.expiry
('gs1', '09506000134352', 'SN-0042', 'L77', datetime.date(2027, 4, 30))
>>> interpret("LOC:DOCK-1").location
'DOCK-1'

Modules, one per concept: :mod:`.barcode` (the result), :mod:`.profile` (per-device
configuration), :mod:`.symbology` (AIM identifiers), :mod:`.gs1` (element strings and
Digital Link, through biip), :mod:`.gtin` (EAN/UPC), :mod:`.hibc`, :mod:`.own_labels`,
:mod:`.vendor`, and :mod:`.interpret` (the order in which they are tried).
"""

from scanner_gateway.interpret.barcode import KINDS, Barcode, Fields, Kind
from scanner_gateway.interpret.interpret import interpret
from scanner_gateway.interpret.own_labels import COMMANDS, CommandName
from scanner_gateway.interpret.profile import (
    DEFAULT_MODES,
    DEFAULT_PROFILE,
    LabelPrefixes,
    ScanProfile,
    VendorRule,
)

__all__ = [
    "COMMANDS",
    "DEFAULT_MODES",
    "DEFAULT_PROFILE",
    "KINDS",
    "Barcode",
    "CommandName",
    "Fields",
    "Kind",
    "LabelPrefixes",
    "ScanProfile",
    "VendorRule",
    "interpret",
]
