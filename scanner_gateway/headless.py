"""Stations without a browser: device sources feed the gateway, feedback goes to a sink.

``run_stations`` opens every station's source, starts each device's session in the
station's mode and location (when it has none yet), and hands each scan to the same
``Gateway.scan`` a phone uses, read with the station's scan profile. Feedback goes to
a ``FeedbackSink``: logged by default; the web layer plugs in one that pushes it to a
station display.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from scanner_gateway.session import Feedback, Gateway, SessionState
from scanner_gateway.session.gateway import ScanRequest
from scanner_gateway.sources.raw_scan import RawScan
from scanner_gateway.sources.runner import SourceRunner
from scanner_gateway.stations import StationConfig

log = logging.getLogger(__name__)


class FeedbackSink(Protocol):
    def publish(self, device: str, scan: RawScan, feedback: Feedback) -> None: ...


class LogFeedback:
    """Feedback to the log: what a headless station's operator would have heard."""

    def publish(self, device: str, scan: RawScan, feedback: Feedback) -> None:
        level = logging.INFO if feedback.status == "ok" else logging.WARNING
        log.log(
            level,
            "%s %s %s: %s | %s",
            device,
            feedback.status,
            feedback.code,
            feedback.message,
            feedback.prompt,
        )


@dataclass
class StationGateway:
    """The sink of a SourceRunner: one scan at a time into the gateway."""

    gateway: Gateway
    config: StationConfig
    feedback: FeedbackSink = field(default_factory=LogFeedback)
    handled: int = 0
    _ready: set[str] = field(default_factory=set)

    def prepare(self, device: str) -> None:
        """A station's device starts in the station's mode, location and partner.

        Network scanners without a fixed address arrive as ``STATION@ADDRESS``: their
        station is found when their first scan comes.
        """
        self._ready.add(device)
        st = self.config.station_for(device)
        if st is None:
            return
        state = self.gateway.state(device)
        if state == SessionState():
            state = SessionState(mode=st.mode, location=st.location)
        elif state.station_partner == st.partner:
            return
        # the station's partner follows the file, also for a session carried on
        new = state.with_(station_partner=st.partner)
        self.gateway.core.set_device_state(device, new.to_json())

    def __call__(self, scan: RawScan) -> None:
        if scan.device_id not in self._ready:
            self.prepare(scan.device_id)
        st = self.config.station_for(scan.device_id)
        fb = self.gateway.scan(
            ScanRequest(scan.device_id, scan.scan_id, scan.raw, scan.symbology),
            profile=None if st is None else st.profile,
        )
        self.handled += 1
        self.feedback.publish(scan.device_id, scan, fb)


def run_stations(
    gateway: Gateway,
    config: StationConfig,
    stop: threading.Event,
    *,
    feedback: FeedbackSink | None = None,
    started: Callable[[SourceRunner], None] | None = None,
) -> StationGateway:
    """Run until ``stop`` is set; every scan read before that is handled."""
    sink = StationGateway(gateway, config, feedback or LogFeedback())
    for st in config.stations:
        sink.prepare(st.device_id)
    with SourceRunner(config.open_sources(), sink) as runner:
        if started:
            started(runner)
        stop.wait()
    return sink
