"""POST /scans and /commands: a scan over HTTP takes the same gateway path as a device.

The answer is the gateway's Feedback (``status`` ok|warn|error with a 200): a bad scan is
an answer for the operator, not an HTTP error. A ``scan_id`` reused for other content is
the client's mistake, not the operator's: ``409 idempotency_conflict``, as on every other
endpoint (a replay of the same content still answers the stored feedback).
"""

from __future__ import annotations

from typing import Any

from scanner_gateway.session import Feedback
from tracking_core.errors import IdempotencyConflict
from web_mobile import scanning
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import actor
from web_mobile.api.bodies import Command, Scan
from web_mobile.api.openapi import ANY_ROLE, SCAN
from web_mobile.api.routing import endpoint
from web_mobile.scanning import gateway


@endpoint(bp, "POST", "/scans", roles=SCAN, body="Scan")
def scan(body: Scan) -> Any:
    fb = scanning.scan(
        body["device"], body["scan_id"], body["raw"], body.get("symbology"), caller=actor()
    )
    return _answer(fb)


@endpoint(bp, "POST", "/commands", roles=SCAN, body="Command")
def command(body: Command) -> Any:
    fb = scanning.command(
        body["device"], body["scan_id"], body["command"], body.get("argument"), caller=actor()
    )
    return _answer(fb)


def _answer(fb: Feedback) -> Any:
    """The feedback, or the error envelope when the scan id was used for other content."""
    if fb.status == "error" and fb.code == IdempotencyConflict.code:
        raise IdempotencyConflict(**fb.data["error"])
    return fb.to_json()


@endpoint(bp, "GET", "/devices/<device>/session", roles=ANY_ROLE)
def session(device: str) -> Any:
    return gateway().state(device).to_json()
