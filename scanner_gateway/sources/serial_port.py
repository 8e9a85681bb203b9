"""Serial and USB-CDC scanners, and every pyserial URL handler, through ``serial_for_url``.

URLs::

    serial:///dev/ttyACM0?baudrate=9600&framing=crlf     a device path
    /dev/serial/by-id/usb-Datalogic-if00?baudrate=115200  the same, without a scheme
    socket://10.20.0.31:4001?framing=stx                  a scanner that is a TCP server
    rfc2217://10.20.0.40:2217                             a serial device server
    loop://                                               pyserial's loopback (tests, demos)

Options (all optional): ``framing`` (line | cr | lf | crlf | stx, default line),
``idle`` (seconds before a partial frame is dropped, 0.5), ``encoding`` (utf-8),
``max_length`` (bytes, 65536), ``backoff`` and ``backoff_max`` (reopen delays, 0.5 and
30 s), ``baudrate`` (9600), ``bytesize`` (8), ``parity`` (N), ``stopbits`` (1),
``rtscts``, ``xonxoff``, ``dsrdtr`` (0), ``exclusive`` (device paths: 1, so a second
gateway cannot steal half the bytes). Other options of a pyserial URL
(``socket://...?logging=debug``) are handed on to pyserial.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import serial

from scanner_gateway.sources.base import (
    Backoff,
    Sink,
    SourceConfigError,
    SourceStatus,
    UrlOptions,
    deliver,
    keep_reopening,
)
from scanner_gateway.sources.framing import StreamOptions

__all__ = ["PYSERIAL_SCHEMES", "SerialSettings", "SerialSource"]

log = logging.getLogger(__name__)

# pyserial's own URL handlers (serial/urlhandler/protocol_*.py), opened as they are.
PYSERIAL_SCHEMES = ("socket", "rfc2217", "loop", "spy", "alt", "hwgrep", "cp2110")


@dataclass(frozen=True)
class SerialSettings:
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    xonxoff: bool = False
    rtscts: bool = False
    dsrdtr: bool = False
    exclusive: bool | None = None


def _keep_input() -> None:
    """Stands in for pyserial's input flush while a port opens."""


def open_port(port: str, settings: SerialSettings, *, do_not_open: bool = False) -> serial.Serial:
    """``serial_for_url`` without losing what arrived before or during the open.

    pyserial's ``open()`` flushes the input: ``socket://`` drops what the peer sent
    right after connecting (a network scanner's first scan), a tty drops what was
    queued before the open. We hide the flush methods for the duration of ``open()``.
    """
    instance = serial.serial_for_url(
        port,
        baudrate=settings.baudrate,
        bytesize=settings.bytesize,
        parity=settings.parity,
        stopbits=settings.stopbits,
        xonxoff=settings.xonxoff,
        rtscts=settings.rtscts,
        dsrdtr=settings.dsrdtr,
        exclusive=settings.exclusive,
        do_not_open=True,
    )
    if do_not_open:
        return instance
    flushes = ("reset_input_buffer", "_reset_input_buffer")
    for name in flushes:
        setattr(instance, name, _keep_input)
    try:
        instance.open()
    finally:
        for name in flushes:
            instance.__dict__.pop(name, None)
    return instance


class SerialSource:
    """A scanner on a serial port (or any pyserial URL): one scan per frame."""

    def __init__(
        self,
        port: str,
        *,
        device_id: str,
        url: str | None = None,
        settings: SerialSettings | None = None,
        stream: StreamOptions | None = None,
        read_timeout: float = 0.05,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.port = port
        self.device_id = device_id
        self._url = url or port
        self.settings = settings or SerialSettings()
        self.stream = stream or StreamOptions()
        # Short reads keep stop and idle checks prompt; no byte is lost by them.
        self.read_timeout = read_timeout
        self._clock = clock
        self._status = SourceStatus()
        try:
            # Checks the scheme and the settings now, not at the first reconnect.
            open_port(port, self.settings, do_not_open=True)
        except ValueError as e:
            raise SourceConfigError(self._url, str(e)) from None
        except serial.SerialException as e:
            # hwgrep:// looks for its device already; it may be plugged in later.
            log.debug("%s: %s is not there yet: %s", device_id, port, e)

    @property
    def url(self) -> str:
        return self._url

    @property
    def status(self) -> SourceStatus:
        return self._status

    @classmethod
    def from_url(cls, url: str, *, device_id: str) -> SerialSource:
        if "://" in url:
            parts = urlsplit(url)
            scheme, query = parts.scheme.lower(), parts.query
            path = parts.netloc + parts.path
        else:
            path, _, query = url.partition("?")
            scheme = ""
        opts = UrlOptions(url, query)
        native = scheme in ("", "serial")
        settings = SerialSettings(
            baudrate=opts.integer("baudrate", 9600, minimum=1),
            bytesize=int(opts.choice("bytesize", ("5", "6", "7", "8"), "8")),
            parity=opts.choice("parity", ("n", "e", "o", "m", "s"), "n").upper(),
            stopbits=float(opts.choice("stopbits", ("1", "1.5", "2"), "1")),
            xonxoff=opts.flag("xonxoff", False),
            rtscts=opts.flag("rtscts", False),
            dsrdtr=opts.flag("dsrdtr", False),
            exclusive=opts.flag("exclusive", True) if native else None,
        )
        stream = StreamOptions.parse(opts)
        if native:
            opts.check_all_used()
            if not path:
                raise SourceConfigError(url, "expected serial:///dev/PORT, got no path")
            port = path
        else:
            # Hand pyserial the options that are its own (socket://...?logging=debug).
            rest = urlencode(opts.unused(), doseq=True)
            base = url.split("?", 1)[0]
            port = f"{base}?{rest}" if rest else base
        return cls(port, device_id=device_id, url=url, settings=settings, stream=stream)

    def run(self, sink: Sink, stop: threading.Event) -> None:
        keep_reopening(
            device_id=self.device_id,
            what=self.port,
            status=self._status,
            backoff=Backoff(self.stream.backoff.initial, self.stream.backoff.maximum),
            stop=stop,
            open_=lambda: open_port(self.port, self.settings),
            use=lambda port: self._read(port, sink, stop),
            close=self._close,
            open_errors=(serial.SerialException, OSError, ValueError),
            gone_errors=(serial.SerialException, OSError),
            logger=log,
        )

    def _read(self, port: serial.Serial, sink: Sink, stop: threading.Event) -> None:
        reader = self.stream.reader(
            self.device_id, status=self._status, clock=self._clock, logger=log
        )
        port.timeout = self.read_timeout
        ended = "port went away"
        try:
            while not stop.is_set():
                data = port.read(port.in_waiting or 1)
                now = time.monotonic()
                if data:
                    for scan in reader.feed(data, now):
                        deliver(sink, scan, log)
                else:
                    reader.check_idle(now)
            ended = "stopped"
        finally:
            reader.close(ended)

    @staticmethod
    def _close(port: serial.Serial) -> None:
        try:
            port.close()
        except (serial.SerialException, OSError) as e:
            log.debug("closing %s: %s", port.port, e)
