"""Scan sessions: one per device, state in the database, one step per scan.

``RawScan -> interpret -> Barcode -> plan(state, barcode) -> Step -> execute -> Outcome ->
Feedback``; domain errors become feedback in exactly one place (``feedback.from_error``).
"""

from scanner_gateway.modes import MODES
from scanner_gateway.session.feedback import Feedback
from scanner_gateway.session.gateway import Gateway
from scanner_gateway.session.state import SessionState

__all__ = ["MODES", "Feedback", "Gateway", "SessionState"]
