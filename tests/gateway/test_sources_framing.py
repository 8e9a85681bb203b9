"""Framing, URL options and the scheme registry: pure logic, no devices."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import logging
from pathlib import Path

import pytest

from scanner_gateway.sources import (
    Framer,
    FrameReader,
    Framing,
    HidSource,
    SerialSource,
    SourceConfigError,
    TcpListenerSource,
    open_source,
    schemes,
)
from scanner_gateway.sources.base import Backoff
from tests.gateway.test_sources_support import HAVE_EVDEV

GS = b"\x1d"
FIXTURES = Path(__file__).parent / "fixtures"
SCANS = [b"0109501101020917" + GS + b"10AB-12", b"4006381333931", b"LOC:A-01-02"]


def encode(framing: Framing, frames: list[bytes]) -> bytes:
    if framing is Framing.STX_ETX:
        return b"".join(b"\x02" + f + b"\x03\r\n" for f in frames)
    end = {Framing.LINE: b"\r\n", Framing.CR: b"\r", Framing.LF: b"\n", Framing.CRLF: b"\r\n"}
    return b"".join(f + end[framing] for f in frames)


@pytest.mark.parametrize("framing", list(Framing))
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1000])
def test_every_framing_gives_whole_scans_however_the_bytes_are_cut(
    framing: Framing, chunk: int
) -> None:
    data = encode(framing, SCANS)
    framer = Framer(framing)
    frames = [f for i in range(0, len(data), chunk) for f in framer.feed(data[i : i + chunk])]
    assert frames == SCANS
    assert framer.pending == b""


@pytest.mark.parametrize(
    ("framing", "data", "frames", "pending"),
    [
        (Framing.LINE, b"A\rB\nC\r\n\r\nD", [b"A", b"B", b"C"], b"D"),
        (Framing.CR, b"multi\nline QR\rX", [b"multi\nline QR"], b"X"),
        (Framing.LF, b"A\rB\nC", [b"A\rB"], b"C"),
        (Framing.CRLF, b"A\rB\nC\r\nD\r", [b"A\rB\nC"], b"D\r"),
        (Framing.STX_ETX, b"\x02A\r\nB\x03\x02C", [b"A\r\nB"], b"C"),
        (Framing.STX_ETX, b"\x02\x03\x02\x03", [], b""),
    ],
)
def test_framing_rules(framing: Framing, data: bytes, frames: list[bytes], pending: bytes) -> None:
    framer = Framer(framing)
    assert framer.feed(data) == frames
    assert framer.pending == pending


def test_stx_noise_and_a_lost_etx_are_dropped_and_reported() -> None:
    drops: list[tuple[str, bytes]] = []
    framer = Framer(Framing.STX_ETX, on_drop=lambda why, data: drops.append((why, data)))
    assert framer.feed(b"junk\x02HALF\x02WHOLE\x03\r\n") == [b"WHOLE"]
    assert drops == [("outside STX/ETX", b"junk"), ("STX before ETX", b"HALF")]


@pytest.mark.parametrize("framing", [Framing.LINE, Framing.CRLF, Framing.STX_ETX])
def test_an_overlong_frame_is_dropped_whole_never_its_tail(framing: Framing) -> None:
    drops: list[bytes] = []
    framer = Framer(framing, max_length=16, on_drop=lambda why, data: drops.append(data))
    start = b"\x02" if framing is Framing.STX_ETX else b""
    end = b"\x03" if framing is Framing.STX_ETX else b"\r\n"
    out = framer.feed(start + b"X" * 20)
    out += framer.feed(b"TAIL" + end)
    out += framer.feed(start + b"NEXT" + end)
    assert out == [b"NEXT"]
    assert drops[0] == b"X" * 20


def test_frame_reader_drops_a_partial_frame_after_idle_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    at = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    reader = FrameReader(device_id="d1", framing=Framing.CRLF, idle=0.5, clock=lambda: at)
    assert reader.feed(b"01234", now=10.0) == []
    reader.check_idle(10.4)  # still within idle: keep waiting
    with caplog.at_level(logging.WARNING):
        reader.check_idle(10.5)
    assert "d1: dropped 5 bytes, not a scan (no end after 0.5 s)" in caplog.text
    [scan] = reader.feed(b"56789\r\n", now=11.0)
    assert (scan.raw, scan.device_id, scan.received_at, scan.symbology) == ("56789", "d1", at, None)
    assert len(scan.scan_id) == 32


def test_frame_reader_keeps_undecodable_bytes_for_interpretation_to_name() -> None:
    reader = FrameReader(device_id="d", framing=Framing.LF, idle=1)
    [scan] = reader.feed(b"AB\xff\n", now=0)
    assert scan.raw == "AB\udcff"
    assert scan.raw.encode("utf-8", "surrogateescape") == b"AB\xff"


def test_backoff_doubles_up_to_its_cap_and_starts_over() -> None:
    b = Backoff(0.5, 3.0)
    assert [b.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    b.reset()
    assert b.next_delay() == 0.5


# -- URLs --------------------------------------------------------------------------------


def test_serial_urls_and_their_options() -> None:
    src = open_source(
        "serial:///dev/ttyACM0?baudrate=115200&framing=stx&idle=0.2&parity=e&rtscts=1",
        device_id="dock-1",
    )
    assert isinstance(src, SerialSource)
    assert src.port == "/dev/ttyACM0"
    assert (src.settings.baudrate, src.settings.parity, src.settings.rtscts) == (115200, "E", True)
    assert src.settings.exclusive is True
    assert (src.stream.framing, src.stream.idle) == (Framing.STX_ETX, 0.2)
    plain = open_source("/dev/serial/by-id/usb-X-if00?framing=crlf", device_id="d")
    assert isinstance(plain, SerialSource)
    assert (plain.port, plain.stream.framing) == ("/dev/serial/by-id/usb-X-if00", Framing.CRLF)


def test_pyserial_urls_keep_their_own_options_and_lose_ours() -> None:
    src = open_source("socket://10.0.0.5:4001?framing=lf&logging=debug", device_id="d")
    assert isinstance(src, SerialSource)
    assert src.port == "socket://10.0.0.5:4001?logging=debug"
    assert src.settings.exclusive is None
    assert isinstance(open_source("rfc2217://10.0.0.6:2217", device_id="d"), SerialSource)
    assert isinstance(open_source("loop://", device_id="d"), SerialSource)


def test_tcp_and_hid_urls() -> None:
    tcp = open_source("tcp://0.0.0.0:4001?framing=lf&peer=10.0.0.7=gun-7", device_id="net")
    assert isinstance(tcp, TcpListenerSource)
    assert (tcp.host, tcp.port, tcp.stream.framing) == ("0.0.0.0", 4001, Framing.LF)
    assert tcp.device_for("10.0.0.7") == "gun-7"
    assert tcp.device_for("10.0.0.8") == "net@10.0.0.8"
    # hid-replay:// reads the same options as hid:// and needs no evdev.
    replay = FIXTURES / "hid_us_gs1_ctrl.jsonl"
    query = "layout=de&separator=ctrl],f8&gap=0.04&terminator=enter,tab&human=keep"
    hid = open_source(f"hid-replay://{replay}?{query}", device_id="pack-2")
    assert isinstance(hid, HidSource)
    assert hid.path == str(replay)
    options = hid.options
    assert (options.layout, options.gap, options.separator_keys, options.human) == (
        "de",
        0.04,
        frozenset({66}),  # KEY_F8
        "keep",
    )
    assert options.terminators == frozenset({"enter", "tab"})
    if HAVE_EVDEV:
        device = open_source(f"hid:///dev/input/by-id/usb-Scanner-event-kbd?{query}", device_id="d")
        assert isinstance(device, HidSource)
        assert (device.path, device.options) == ("/dev/input/by-id/usb-Scanner-event-kbd", options)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://x", "ftp://x: unknown scheme 'ftp' (known: "),
        (
            "serial:///dev/ttyS0?framing=crlx",
            "option framing: expected one of line, cr, lf, crlf, stx, got 'crlx'",
        ),
        ("serial:///dev/ttyS0?baudrate=fast", "option baudrate: expected an integer, got 'fast'"),
        ("serial:///dev/ttyS0?idle=0", "option idle: expected at least 0.01, got '0'"),
        ("serial:///dev/ttyS0?framing=lf&framing=cr", "option framing: expected one value"),
        ("serial:///dev/ttyS0?baud=9600", "unknown option 'baud'"),
        ("serial:///dev/ttyS0?encoding=klingon", "expected a Python codec name, got 'klingon'"),
        ("serial://", "expected serial:///dev/PORT, got no path"),
        ("tcp://0.0.0.0", "expected tcp://HOST:PORT"),
        ("tcp://0.0.0.0:4001?peer=gun", "option peer: expected ADDRESS=DEVICE, got 'gun'"),
        ("tcp://0.0.0.0:4001?peer=x=gun", "option peer: expected an IP address before '='"),
        ("hid:///dev/input/event3?layout=fr", "option layout: expected one of us, de, got 'fr'"),
        ("hid:///dev/input/event3?terminator=esc", "expected enter, tab or none, got 'esc'"),
        ("hid:///dev/input/event3?separator=hyper", "unknown key 'hyper'"),
        ("hid-replay:///nonexistent.jsonl", "expected a JSONL event file"),
    ],
)
def test_bad_urls_say_what_was_expected(url: str, message: str) -> None:
    with pytest.raises(SourceConfigError) as e:
        open_source(url, device_id="d")
    assert message in str(e.value)
    assert e.value.url == url


def test_the_registry_lists_every_scheme() -> None:
    assert set(schemes()) >= {"serial", "socket", "rfc2217", "loop", "hid", "hid-replay", "tcp"}


@pytest.mark.parametrize(
    "module",
    [
        "scanner_gateway.sources.raw_scan",
        "scanner_gateway.sources.base",
        "scanner_gateway.sources.framing",
        "scanner_gateway.sources.keyboard",
        "scanner_gateway.sources.registry",
        "scanner_gateway.sources.runner",
        "scanner_gateway.stations",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
