"""A handheld for tests: raw scans into a Gateway, a new scan id each time, two seconds apart."""

from __future__ import annotations

import itertools

from scanner_gateway.session import Feedback, Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock


class Hand:
    """Sends raw scans as one device; the clock moves on, so no scan is a double read."""

    def __init__(self, gw: Gateway, clock: Clock, device: str = "HH-1") -> None:
        self.gw, self.clock, self.device = gw, clock, device
        self.ids = itertools.count(1)

    def __call__(self, raw: str) -> Feedback:
        self.clock.advance(seconds=2)
        return self.gw.scan(ScanRequest(self.device, f"s{next(self.ids)}", raw))
