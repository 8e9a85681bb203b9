"""SourceRunner: threads per source, one dispatcher, clean stop, failures contained."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from scanner_gateway.sources import (
    RawScan,
    Sink,
    SourceRunner,
    SourceStatus,
    TcpListenerSource,
    open_source,
)
from tests.gateway.test_sources_support import WAIT, Collector


def runner_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("source ", "scantrack-"))]


def tcp() -> TcpListenerSource:
    src = open_source("tcp://127.0.0.1:0?framing=lf", device_id="net")
    assert isinstance(src, TcpListenerSource)
    return src


def send(src: TcpListenerSource, data: bytes) -> None:
    assert src.status.wait_for(lambda s: s.connected, WAIT)
    assert src.bound_address is not None
    with socket.create_connection(src.bound_address, 5) as s:
        s.sendall(data)


def test_stop_delivers_every_scan_already_read_and_ends_every_thread() -> None:
    delivered: list[str] = []

    def slow_sink(scan: RawScan) -> None:
        time.sleep(0.001)  # a database transaction
        delivered.append(scan.raw)

    src = tcp()
    runner = SourceRunner([src], slow_sink)
    runner.start()
    send(src, b"".join(f"S{i}\n".encode() for i in range(300)))
    assert src.status.wait_for(lambda s: s.scans == 300, WAIT)
    runner.stop()
    assert delivered == [f"S{i}" for i in range(300)]
    assert not runner.running
    assert runner_threads() == []


def test_a_failing_sink_is_logged_and_the_next_scan_still_goes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    got = Collector()

    def sink(scan: RawScan) -> None:
        if scan.raw == "BAD":
            raise RuntimeError("database is down")
        got(scan)

    src = tcp()
    with SourceRunner([src], sink):
        send(src, b"ONE\nBAD\nTWO\n")
        assert got.wait_for(2) == ["ONE", "TWO"]
    assert "sink failed for RawScan(raw='BAD'" in caplog.text
    assert "RuntimeError: database is down" in caplog.text


class Flaky:
    """A source with a bug: its first run raises."""

    url = "flaky://"

    def __init__(self) -> None:
        self.status = SourceStatus()
        self.runs = 0

    def run(self, sink: Sink, stop: threading.Event) -> None:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("bug")
        sink(RawScan.new("AFTER-RESTART", device_id="flaky"))
        stop.wait()


def test_a_crashing_source_is_restarted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    flaky = Flaky()
    got = Collector()
    with SourceRunner([flaky], got, restart_delay=0.01):
        assert got.wait_for(1) == ["AFTER-RESTART"]
    assert flaky.runs == 2
    assert "source flaky:// failed; restarting" in caplog.text
    assert runner_threads() == []


def test_start_twice_is_an_error() -> None:
    with SourceRunner([], print) as runner, pytest.raises(RuntimeError):
        runner.start()
