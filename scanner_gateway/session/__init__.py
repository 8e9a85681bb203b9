"""Scan sessions: one per device, state in the database, one step per scan.

``RawScan -> interpret -> Barcode -> plan(state, barcode) -> Step -> Tracking.scan ->
Feedback``: the gateway plans, the core runs the step in one transaction; domain errors
become feedback in exactly one place (``tracking_core.scan.answer.from_error``).
"""

from scanner_gateway.session.gateway import Gateway
from tracking_core.scan import MODES, SOUNDS, Feedback, SessionState, Status

__all__ = ["MODES", "SOUNDS", "Feedback", "Gateway", "SessionState", "Status"]
