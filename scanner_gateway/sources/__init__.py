"""Device sources: scanners on serial ports, USB HID keyboards and TCP, opened by URL.

Each source reads whole scans and hands them on as :class:`RawScan` values::

    from scanner_gateway.sources import SourceRunner, open_source

    sources = [
        open_source("serial:///dev/ttyACM0?baudrate=9600&framing=crlf", device_id="dock-1"),
        open_source("hid:///dev/input/by-id/usb-Scanner-event-kbd?layout=de", device_id="pack-2"),
        open_source("tcp://0.0.0.0:4001?framing=lf", device_id="net"),
    ]
    with SourceRunner(sources, sink=print):
        ...

Schemes: ``serial`` (and plain paths), pyserial's ``socket``, ``rfc2217``, ``loop``,
``spy``, ``alt``, ``hwgrep``, ``cp2110``; ``hid``, ``hid-replay``; ``tcp``. See each
module for its options.
"""

from scanner_gateway.sources.base import Backoff, Sink, Source, SourceConfigError, SourceStatus
from scanner_gateway.sources.framing import FRAMINGS, Framer, FrameReader, Framing, StreamOptions
from scanner_gateway.sources.hid import HidSource, ReplayStream, load_events, write_events
from scanner_gateway.sources.keyboard import (
    LAYOUTS,
    DecodedScan,
    InputEvent,
    KeyboardDecoder,
    KeyboardOptions,
    key_events,
)
from scanner_gateway.sources.raw_scan import RawScan, new_scan_id
from scanner_gateway.sources.registry import open_source, register_scheme, scheme_of, schemes
from scanner_gateway.sources.runner import SourceRunner
from scanner_gateway.sources.serial_port import SerialSettings, SerialSource
from scanner_gateway.sources.tcp import TcpListenerSource

__all__ = [
    "FRAMINGS",
    "LAYOUTS",
    "Backoff",
    "DecodedScan",
    "FrameReader",
    "Framer",
    "Framing",
    "HidSource",
    "InputEvent",
    "KeyboardDecoder",
    "KeyboardOptions",
    "RawScan",
    "ReplayStream",
    "SerialSettings",
    "SerialSource",
    "Sink",
    "Source",
    "SourceConfigError",
    "SourceRunner",
    "SourceStatus",
    "StreamOptions",
    "TcpListenerSource",
    "key_events",
    "load_events",
    "new_scan_id",
    "open_source",
    "register_scheme",
    "scheme_of",
    "schemes",
    "write_events",
]
