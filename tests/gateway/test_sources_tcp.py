"""The TCP listener for network scanners, on loopback sockets."""

from __future__ import annotations

import logging
import socket

import pytest

from scanner_gateway.sources import TcpListenerSource, open_source
from tests.gateway.test_sources_support import Running, running


def listener(query: str = "", device_id: str | None = "net") -> TcpListenerSource:
    url = f"tcp://127.0.0.1:0?backoff=0.02&backoff_max=0.1{'&' + query if query else ''}"
    if device_id is None:
        return TcpListenerSource.from_url(url, device_id=None, peers={"127.0.0.2": "gun-2"})
    src = open_source(url, device_id=device_id)
    assert isinstance(src, TcpListenerSource)
    return src


def connect(run: Running, source_ip: str = "127.0.0.1") -> socket.socket:
    run.wait_status(lambda s: s.connected)
    src = run.source
    assert isinstance(src, TcpListenerSource) and src.bound_address is not None
    return socket.create_connection(src.bound_address, timeout=5, source_address=(source_ip, 0))


def test_several_scanners_at_once_each_its_own_device() -> None:
    src = listener("framing=lf&peer=127.0.0.2=gun-2")
    with running(src) as run:
        a, b, c = (connect(run, ip) for ip in ("127.0.0.1", "127.0.0.2", "127.0.0.3"))
        with a, b, c:
            run.wait_status(lambda s: s.clients == 3)
            a.sendall(b"A-1 first ha")  # interleaved with the others: never mixed
            b.sendall(b"B-1\nB-")
            c.sendall(b"C-1\n")
            a.sendall(b"lf\n")
            b.sendall(b"2\n")
            run.sink.wait_for(4)
        got = {(s.device_id, s.raw) for s in run.sink.scans}
        assert got == {
            ("net@127.0.0.1", "A-1 first half"),
            ("gun-2", "B-1"),
            ("gun-2", "B-2"),
            ("net@127.0.0.3", "C-1"),
        }
        assert [s.raw for s in run.sink.scans if s.device_id == "gun-2"] == ["B-1", "B-2"]
        run.wait_status(lambda s: s.clients == 0)


def test_stx_etx_framing_over_tcp() -> None:
    with running(listener("framing=stx")) as run, connect(run) as sock:
        sock.sendall(b"\x020109501101020917\x1d10LOT1\x03\r\n\x02SN-42\x03")
        assert run.sink.wait_for(2) == ["0109501101020917\x1d10LOT1", "SN-42"]


def test_a_partial_scan_at_disconnect_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="scanner_gateway.sources")
    with running(listener("framing=crlf")) as run:
        with connect(run) as sock:
            sock.sendall(b"WHOLE\r\nHALF")
            run.sink.wait_for(1)
        run.wait_status(lambda s: s.discarded == 1 and s.clients == 0)
        assert run.sink.raws == ["WHOLE"]
    assert "net@127.0.0.1: dropped 4 bytes, not a scan (connection closed): b'HALF'" in caplog.text


def test_unknown_peers_are_refused_when_every_scanner_is_named() -> None:
    with running(listener(device_id=None)) as run:
        with connect(run, "127.0.0.1") as stranger:
            assert stranger.recv(10) == b""  # closed by the gateway
        with connect(run, "127.0.0.2") as known:
            known.sendall(b"OK\n")
            assert run.sink.wait_for(1) == ["OK"]
        assert run.sink.scans[0].device_id == "gun-2"


def test_connections_over_max_clients_are_refused() -> None:
    with running(listener("max_clients=1")) as run, connect(run) as first:
        run.wait_status(lambda s: s.clients == 1)
        with connect(run) as second:
            assert second.recv(10) == b""
        first.sendall(b"STILL-HERE\n")
        assert run.sink.wait_for(1) == ["STILL-HERE"]


def test_a_busy_port_is_retried_until_it_is_free() -> None:
    blocker = socket.create_server(("127.0.0.1", 0))
    port = blocker.getsockname()[1]
    src = open_source(f"tcp://127.0.0.1:{port}?backoff=0.02&backoff_max=0.1", device_id="net")
    with running(src) as run:
        run.wait_status(lambda s: "in use" in (s.last_error or ""))
        blocker.close()
        with connect(run) as sock:
            sock.sendall(b"AFTER\n")
            assert run.sink.wait_for(1) == ["AFTER"]
