"""Serial sources on real pseudo-terminals and real sockets (pyserial is not mocked)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from scanner_gateway.sources import Framing, SerialSource, open_source
from scanner_gateway.sources.serial_port import SerialSettings, open_port
from tests.gateway.test_sources_support import Pty, repoint, running, wait_until

FAST = "backoff=0.02&backoff_max=0.1"  # reconnect quickly in tests
GS = "\x1d"
SCANS = [f"0109501101020917{GS}10AB-12", "4006381333931", "LOC:A-01-02"]


@pytest.fixture
def pty() -> Iterator[Pty]:
    p = Pty.open()
    yield p
    p.close()


def source(path: str, query: str = "") -> SerialSource:
    src = open_source(f"serial://{path}?{FAST}{'&' + query if query else ''}", device_id="dock-1")
    assert isinstance(src, SerialSource)
    return src


def frame(framing: str, text: str) -> bytes:
    data = text.encode()
    if framing == "stx":
        return b"\x02" + data + b"\x03"
    return data + {"line": b"\r\n", "cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}[framing]


@pytest.mark.parametrize("framing", [f.value for f in Framing])
def test_every_framing_through_a_pty(pty: Pty, framing: str) -> None:
    with running(source(pty.path, f"framing={framing}")) as run:
        run.wait_status(lambda s: s.connected)
        for text in SCANS:
            pty.write(frame(framing, text))
        assert run.sink.wait_for(3) == SCANS
        scan = run.sink.scans[0]
        assert (scan.device_id, scan.symbology) == ("dock-1", None)
        assert len({s.scan_id for s in run.sink.scans}) == 3


def test_a_partial_line_at_the_idle_timeout_is_not_a_scan(
    pty: Pty, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="scanner_gateway.sources")
    with running(source(pty.path, "framing=crlf&idle=0.1")) as run:
        run.wait_status(lambda s: s.connected)
        pty.write(b"0109501101")  # the scanner stops half-way
        run.wait_status(lambda s: s.discarded == 1)
        pty.write(b"4006381333931\r\n")
        assert run.sink.wait_for(1) == ["4006381333931"]
    assert "dock-1: dropped 10 bytes, not a scan (no end after 0.1 s): b'0109501101'" in caplog.text


def test_unplug_and_replug_at_the_same_path(tmp_path: Path) -> None:
    link = tmp_path / "usb-Datalogic-if00"  # what udev's /dev/serial/by-id gives
    first = Pty.open()
    repoint(link, first.path)
    try:
        with running(source(str(link))) as run:
            run.wait_status(lambda s: s.connected)
            first.write(b"BEFORE\r\n")
            assert run.sink.wait_for(1) == ["BEFORE"]
            first.write(b"HALF-A-SC")
            run.wait_status(lambda s: s.bytes_in == 17)  # the source holds the half scan
            first.close()  # unplugged mid-scan
            run.wait_status(lambda s: not s.connected and s.discarded == 1)
            second = Pty.open()
            try:
                repoint(link, second.path)
                run.wait_status(lambda s: s.connected and s.opens == 2)
                second.write(b"AFTER\r\n")
                assert run.sink.wait_for(2) == ["BEFORE", "AFTER"]
            finally:
                second.close()
    finally:
        first.close()


def test_a_port_that_is_not_there_yet_is_opened_when_it_appears(tmp_path: Path) -> None:
    link = tmp_path / "scanner"
    with running(source(str(link))) as run:
        run.wait_status(lambda s: s.last_error is not None and "No such file" in s.last_error)
        assert not run.source.status.connected
        p = Pty.open()
        try:
            repoint(link, p.path)
            run.wait_status(lambda s: s.connected)
            p.write(b"FIRST\r\n")
            assert run.sink.wait_for(1) == ["FIRST"]
        finally:
            p.close()


def test_bytes_queued_before_the_open_are_kept_where_plain_pyserial_loses_them(pty: Pty) -> None:
    pty.write(b"QUEUED\r\n")
    assert wait_until(lambda: pty.unread() == 8)  # in the port's queue before the open
    plain = serial.serial_for_url(pty.path, timeout=0.2)
    try:
        assert plain.read(100) == b""  # pyserial's open() flushed the scan away
    finally:
        plain.close()
    pty.write(b"QUEUED\r\n")
    assert wait_until(lambda: pty.unread() == 8)
    kept = open_port(pty.path, SerialSettings())
    try:
        kept.timeout = 2
        assert kept.read(8) == b"QUEUED\r\n"
    finally:
        kept.close()


def test_a_second_reader_cannot_take_the_port(pty: Pty) -> None:
    with running(source(pty.path)) as first:
        first.wait_status(lambda s: s.connected)
        with running(source(pty.path)) as second:
            second.wait_status(lambda s: "exclusively lock" in (s.last_error or ""))
            for text in SCANS:
                pty.write(frame("crlf", text))
            assert first.sink.wait_for(3) == SCANS
        assert second.sink.raws == []


def test_socket_url_keeps_the_scan_sent_right_after_connect() -> None:
    """pyserial's socket:// open() flushes input; a scan sent on connect must survive."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    rounds = 3

    def serve() -> None:
        with listener:
            for i in range(rounds):
                conn, _ = listener.accept()
                with conn:
                    conn.sendall(f"FIRST-{i}\r\n".encode())  # at once, before any pause
                    conn.sendall(f"SECOND-{i}\r\n".encode())
                    # Hang up: the source must see the end and connect again.

    server = threading.Thread(target=serve, name="scanner server")
    server.start()
    try:
        src = open_source(f"socket://127.0.0.1:{port}?{FAST}", device_id="net-1")
        with running(src) as run:
            expected = [f"{w}-{i}" for i in range(rounds) for w in ("FIRST", "SECOND")]
            assert run.sink.wait_for(len(expected)) == expected
    finally:
        server.join(10)
        assert not server.is_alive()
