"""scantrack's scanner gateway: interpretation of scans, device sources, sessions, labels.

>>> from scanner_gateway import interpret, ScanProfile
>>> b = interpret("]C101095060001343521726123110ABC", profile=ScanProfile())
>>> b.kind, b.gtin, b.lot
('gs1', '09506000134352', 'ABC')
"""

from scanner_gateway.interpret import Barcode, ScanProfile, interpret

__all__ = ["Barcode", "ScanProfile", "interpret"]
