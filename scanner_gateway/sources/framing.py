"""Cutting a byte stream into scans: CR, LF, CRLF, any line end, or STX ... ETX.

A frame is complete only when its terminator (or ETX) has arrived; whatever is still
pending when a connection closes or goes idle is a partial scan and the caller drops
it. Empty frames (a bare terminator) are not scans.

>>> f = Framer(Framing.CRLF)
>>> f.feed(b"A\\rB\\r\\nC"), f.pending
([b'A\\rB'], b'C')
>>> Framer(Framing.STX_ETX).feed(b"noise\\x02(01)09501101020917\\x03\\r\\n")
[b'(01)09501101020917']
"""

from __future__ import annotations

import codecs
import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner_gateway.sources.base import Backoff, SourceConfigError, SourceStatus, UrlOptions
from scanner_gateway.sources.raw_scan import RawScan

__all__ = ["FRAMINGS", "FrameReader", "Framer", "Framing", "StreamOptions"]

log = logging.getLogger(__name__)

STX = 0x02
ETX = 0x03


class Framing(enum.Enum):
    LINE = "line"  # CR, LF or CRLF: what most scanners send; data holds no line ends
    CR = "cr"  # data may hold LF (a multi-line QR code)
    LF = "lf"  # data may hold CR
    CRLF = "crlf"  # data may hold a lone CR or LF
    STX_ETX = "stx"  # STX data ETX; anything between frames is dropped


FRAMINGS = tuple(f.value for f in Framing)
# What may come between STX/ETX frames without a warning (scanners add a line end).
_BETWEEN_FRAMES_OK = frozenset(b"\r\n\t ")


class Framer:
    """Incremental framer for one byte stream (one port or one connection).

    ``on_drop(reason, data)`` is told about bytes that will never be a scan: input that
    outgrew ``max_length`` without a terminator, and noise outside STX/ETX frames.
    """

    def __init__(
        self,
        framing: Framing,
        *,
        max_length: int = 65536,
        on_drop: Callable[[str, bytes], None] | None = None,
    ) -> None:
        self.framing = framing
        self.max_length = max_length
        self._on_drop = on_drop
        self._buf = bytearray()
        self._in_frame = False  # STX/ETX: an STX has been seen
        self._overflowed = False  # skipping to the next terminator after an overflow
        # How much of the pending buffer is known to hold no terminator, so bytes that
        # trickle in one by one (9600 baud) are not searched again and again.
        self._searched = 0

    @property
    def pending(self) -> bytes:
        """Bytes of a frame that has started but not ended."""
        return bytes(self._buf)

    def discard(self) -> bytes:
        """Drop the partial frame (idle timeout, disconnect); returns what was dropped."""
        dropped = bytes(self._buf)
        self._buf.clear()
        self._in_frame = False
        self._overflowed = False
        self._searched = 0
        return dropped

    def feed(self, data: bytes) -> list[bytes]:
        stx = self.framing is Framing.STX_ETX
        frames = self._feed_stx(data) if stx else self._feed_lines(data)
        if len(self._buf) > self.max_length:
            self._drop(f"longer than {self.max_length} bytes without an end", bytes(self._buf))
            self._buf.clear()
            self._searched = 0
            # The rest of this overlong frame, up to its terminator, is dropped too:
            # its tail alone would look like a (wrong) scan.
            self._overflowed = True
            self._in_frame = False
        return frames

    def _drop(self, reason: str, data: bytes) -> None:
        if self._on_drop is not None and data:
            self._on_drop(reason, data)

    def _feed_lines(self, data: bytes) -> list[bytes]:
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        framing = self.framing
        start = 0
        search = max(0, self._searched - 1)  # -1: a CR may wait for its LF
        while True:
            if framing is Framing.LINE:
                cr, lf = buf.find(b"\r", search), buf.find(b"\n", search)
                end = min(i for i in (cr, lf) if i >= 0) if cr >= 0 or lf >= 0 else -1
                width = 1
            elif framing is Framing.CRLF:
                end, width = buf.find(b"\r\n", search), 2
            else:
                end, width = buf.find(b"\r" if framing is Framing.CR else b"\n", search), 1
            if end < 0:
                break
            frame = bytes(buf[start:end])
            start = search = end + width
            if self._overflowed:
                self._overflowed = False
                self._drop("rest of an overlong frame", frame)
            elif frame:
                frames.append(frame)
        del buf[:start]
        if self._overflowed and buf:
            self._drop("rest of an overlong frame", bytes(buf))
            buf.clear()
        self._searched = len(buf)
        return frames

    def _feed_stx(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        buf = self._buf
        i, n = 0, len(data)
        while i < n:
            if not self._in_frame:
                stx = data.find(STX, i)
                outside = data[i : n if stx < 0 else stx]
                if outside and not self._overflowed and not set(outside) <= _BETWEEN_FRAMES_OK:
                    self._drop("outside STX/ETX", outside)
                if stx < 0:
                    break
                self._in_frame, self._overflowed, i = True, False, stx + 1
                continue
            stx, etx = data.find(STX, i), data.find(ETX, i)
            if etx >= 0 and (stx < 0 or etx < stx):
                buf += data[i:etx]
                if buf:
                    frames.append(bytes(buf))
                buf.clear()
                self._in_frame, i = False, etx + 1
            elif stx >= 0:
                # A new STX before ETX: the frame in progress lost its end.
                buf += data[i:stx]
                self._drop("STX before ETX", bytes(buf))
                buf.clear()
                i = stx + 1
            else:
                buf += data[i:]
                break
        return frames


class FrameReader:
    """One byte stream's scans: frames become :class:`RawScan` values, partials are dropped.

    ``now`` is a monotonic time in seconds, so tests and callers decide what "idle"
    means; a partial frame with no new byte for ``idle`` seconds is dropped with a
    warning (a scanner sends a whole scan in one burst, so a stalled one is broken).
    """

    def __init__(
        self,
        *,
        device_id: str,
        framing: Framing,
        idle: float,
        encoding: str = "utf-8",
        max_length: int = 65536,
        status: SourceStatus | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.device_id = device_id
        self.idle = idle
        self.encoding = encoding
        self._status = status
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._log = logger or log
        self._framer = Framer(framing, max_length=max_length, on_drop=self._dropped)
        self._last_byte = 0.0

    def _dropped(self, reason: str, data: bytes) -> None:
        self._log.warning(
            "%s: dropped %d bytes, not a scan (%s): %r",
            self.device_id,
            len(data),
            reason,
            data[:80],
        )
        if self._status is not None:
            self._status.add("discarded")

    def feed(self, data: bytes, now: float) -> list[RawScan]:
        self._last_byte = now
        frames = self._framer.feed(data)
        if self._status is not None:
            self._status.add("bytes_in", len(data))
        if not frames:
            return []
        received = self._clock()
        scans = [
            RawScan.new(
                f.decode(self.encoding, "surrogateescape"),
                device_id=self.device_id,
                received_at=received,
            )
            for f in frames
        ]
        if self._status is not None:
            self._status.add("scans", len(scans))
        return scans

    def check_idle(self, now: float) -> None:
        if self._framer.pending and now - self._last_byte >= self.idle:
            self._dropped(f"no end after {self.idle:g} s", self._framer.discard())

    def close(self, why: str) -> None:
        """The stream ended: a frame without its end is not a scan."""
        if self._framer.pending:
            self._dropped(why, self._framer.discard())
        else:
            self._framer.discard()


@dataclass(frozen=True)
class StreamOptions:
    """The options every byte-stream source (serial, tcp) reads from its URL."""

    framing: Framing = Framing.LINE
    idle: float = 0.5
    encoding: str = "utf-8"
    max_length: int = 65536
    backoff: Backoff = field(default_factory=Backoff)

    @classmethod
    def parse(cls, opts: UrlOptions) -> StreamOptions:
        encoding = opts.text("encoding", "utf-8")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise SourceConfigError(
                opts.url, f"expected a Python codec name, got {encoding!r}", option="encoding"
            ) from None
        return cls(
            framing=Framing(opts.choice("framing", FRAMINGS, Framing.LINE.value)),
            idle=opts.number("idle", 0.5, minimum=0.01),
            encoding=encoding,
            max_length=opts.integer("max_length", 65536, minimum=16),
            backoff=Backoff(
                opts.number("backoff", 0.5, minimum=0.01),
                opts.number("backoff_max", 30.0, minimum=0.01),
            ),
        )

    def reader(
        self,
        device_id: str,
        *,
        status: SourceStatus | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        logger: logging.Logger | None = None,
    ) -> FrameReader:
        return FrameReader(
            device_id=device_id,
            framing=self.framing,
            idle=self.idle,
            encoding=self.encoding,
            max_length=self.max_length,
            status=status,
            clock=clock,
            logger=logger,
        )
