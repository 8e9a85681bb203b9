"""Printers and the print worker that drains the label outbox."""

from scanner_gateway.printing.transports import (
    NotSent,
    Printer,
    PrinterStatus,
    UnknownOutcome,
    open_printer,
)
from scanner_gateway.printing.worker import PrintWorker

__all__ = ["NotSent", "PrintWorker", "Printer", "PrinterStatus", "UnknownOutcome", "open_printer"]
