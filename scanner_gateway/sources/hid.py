"""USB HID keyboard-wedge scanners through python-evdev (the optional extra ``hid``).

URLs::

    hid:///dev/input/by-id/usb-Honeywell_Scanner-event-kbd?layout=de&separator=ctrl]
    hid-replay:///var/lib/scantrack/recorded.jsonl?speed=1      a recorded event stream

The device is grabbed (``EVIOCGRAB``) so its keystrokes reach only the gateway, not a
console or desktop that happens to have focus. Decoding is
:class:`~scanner_gateway.sources.keyboard.KeyboardDecoder`; evdev is imported only when
a device is opened, so everything else runs without it.

Options: ``layout`` (us | de), ``gap`` (seconds between a scanner's keys, 0.06),
``terminator`` (enter, tab, or none; a list), ``separator`` (keys that mean GS besides
the built-in ``ctrl]`` and ``alt0029``, e.g. ``f8``), ``min_length`` (1, or 4 without
terminator), ``human`` (reject | keep), ``guard`` (0.5 s), ``grab`` (1),
``backoff``/``backoff_max``; for ``hid-replay``, ``speed`` (1.0) instead of ``grab``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import select
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal, Protocol, cast
from urllib.parse import urlsplit

from scanner_gateway.sources.base import (
    Backoff,
    Sink,
    SourceConfigError,
    SourceStatus,
    UrlOptions,
    deliver,
    keep_reopening,
)
from scanner_gateway.sources.keyboard import (
    BUILTIN_SEPARATORS,
    LAYOUTS,
    DecodedScan,
    InputEvent,
    KeyboardDecoder,
    KeyboardOptions,
    KeyEventLike,
    Terminator,
    parse_key_names,
)
from scanner_gateway.sources.raw_scan import RawScan

__all__ = [
    "EvdevStream",
    "HidSource",
    "KeyEventStream",
    "ReplayStream",
    "load_events",
    "write_events",
]

log = logging.getLogger(__name__)


class KeyEventStream(Protocol):
    """An open keyboard device, as the read loop sees it."""

    def read(self, timeout: float) -> Sequence[KeyEventLike]:
        """Events that arrived, or [] after ``timeout``; OSError once the device is gone."""
        ...

    def now(self) -> float:
        """The current time on the events' clock."""
        ...

    def close(self) -> None: ...


Opener = Callable[[str], KeyEventStream]


class EvdevStream:
    """An evdev input device, grabbed for exclusive use."""

    def __init__(self, path: str, *, grab: bool = True) -> None:
        import evdev  # type: ignore[import-not-found,unused-ignore]  # optional extra "hid"

        self._device = evdev.InputDevice(path)
        try:
            if grab:
                # Exclusive: a console or desktop must not see the scans as typing.
                self._device.grab()
        except OSError:
            self._device.close()
            raise
        self._grabbed = grab

    def read(self, timeout: float) -> Sequence[KeyEventLike]:
        ready, _, _ = select.select([self._device.fd], [], [], timeout)
        if not ready:
            return []
        try:
            return list(self._device.read())
        except BlockingIOError:
            return []

    def now(self) -> float:
        return time.time()  # evdev stamps events with CLOCK_REALTIME by default

    def close(self) -> None:
        try:
            if self._grabbed:
                self._device.ungrab()
        except OSError:
            pass  # the device is gone, and its grab with it
        self._device.close()


def load_events(path: str | Path) -> list[InputEvent]:
    """A JSONL event stream: one ``{"sec", "usec", "type", "code", "value"}`` per line."""
    with open(path, encoding="utf-8") as f:
        return [InputEvent.from_json(line) for line in f if line.strip()]


def write_events(path: str | Path, events: Sequence[InputEvent]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(e.to_json() + "\n" for e in events)


class ReplayStream:
    """Plays a recorded stream with its recorded timing, ``speed`` times faster.

    Events keep their recorded timestamps, so decoding gives the same result at any
    speed; only the wait between them shrinks.
    """

    def __init__(
        self,
        events: Sequence[InputEvent],
        *,
        speed: float = 1.0,
        wall: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._events: Iterator[InputEvent] = iter(events)
        self._next: InputEvent | None = next(self._events, None)
        self._t0 = self._next.timestamp() if self._next else 0.0
        self._speed = speed
        self._wall = wall
        self._sleep = sleep
        self._start = wall()

    @classmethod
    def open(cls, path: str, *, speed: float = 1.0) -> ReplayStream:
        return cls(load_events(path), speed=speed)

    def now(self) -> float:
        # Never past an event not yet read: otherwise a reader delayed between ``read`` and
        # the decoder's ``tick`` would see a gap in the recording that is not there.
        t = self._t0 + (self._wall() - self._start) * self._speed
        return t if self._next is None else min(t, self._next.timestamp())

    def read(self, timeout: float) -> Sequence[KeyEventLike]:
        due: list[KeyEventLike] = []
        now = self.now()
        while self._next is not None and self._next.timestamp() <= now:
            due.append(self._next)
            self._next = next(self._events, None)
        if due:
            return due
        wait = timeout
        if self._next is not None:
            wait = min(timeout, (self._next.timestamp() - now) / self._speed)
        self._sleep(max(wait, 0.0))
        return []

    def close(self) -> None:
        self._next = None


class HidSource:
    """A keyboard-wedge scanner: device events -> :class:`KeyboardDecoder` -> RawScans."""

    def __init__(
        self,
        path: str,
        *,
        device_id: str,
        url: str | None = None,
        options: KeyboardOptions | None = None,
        opener: Opener | None = None,
        grab: bool = True,
        backoff: Backoff | None = None,
    ) -> None:
        self.path = path
        self.device_id = device_id
        self._url = url or f"hid://{path}"
        self.options = options or KeyboardOptions()
        self.backoff = backoff or Backoff()
        if opener is None:
            if importlib.util.find_spec("evdev") is None:
                raise SourceConfigError(
                    self._url, "python-evdev is not installed: pip install 'scantrack[hid]'"
                )
            opener = self._open_evdev
        self._opener = opener
        self._grab = grab
        self._status = SourceStatus()
        # Decoder ticks: often enough to end a run soon after its gap has passed.
        self.poll = min(self.options.gap, 0.05)

    @property
    def url(self) -> str:
        return self._url

    @property
    def status(self) -> SourceStatus:
        return self._status

    def _open_evdev(self, path: str) -> KeyEventStream:
        return EvdevStream(path, grab=self._grab)

    @classmethod
    def from_url(cls, url: str, *, device_id: str) -> HidSource:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        path = parts.netloc + parts.path
        if not path:
            raise SourceConfigError(url, f"expected {scheme}:///PATH, got no path")
        opts = UrlOptions(url, parts.query)
        options = keyboard_options(opts)
        backoff = Backoff(
            opts.number("backoff", 0.5, minimum=0.01),
            opts.number("backoff_max", 30.0, minimum=0.01),
        )
        if scheme == "hid-replay":
            speed = opts.number("speed", 1.0, minimum=0.001)
            opts.check_all_used()
            if not Path(path).is_file():
                raise SourceConfigError(url, f"expected a JSONL event file, {path} is not one")
            return cls(
                path,
                device_id=device_id,
                url=url,
                options=options,
                opener=lambda p: ReplayStream.open(p, speed=speed),
                backoff=backoff,
            )
        grab = opts.flag("grab", True)
        opts.check_all_used()
        return cls(path, device_id=device_id, url=url, options=options, grab=grab, backoff=backoff)

    def run(self, sink: Sink, stop: threading.Event) -> None:
        def use(stream: KeyEventStream) -> None:
            decoder = KeyboardDecoder(self.options, on_discard=self._discarded)
            try:
                self._read(stream, decoder, sink, stop)
            except OSError:
                decoder.reset("device went away")
                raise
            decoder.reset("stopped")

        keep_reopening(
            device_id=self.device_id,
            what=self.path,
            status=self._status,
            backoff=Backoff(self.backoff.initial, self.backoff.maximum),
            stop=stop,
            open_=lambda: self._opener(self.path),
            use=use,
            close=lambda stream: stream.close(),
            open_errors=(OSError,),
            gone_errors=(OSError,),
            logger=log,
            hint=lambda e: (
                " (is the gateway's user in the 'input' group?)"
                if isinstance(e, PermissionError)
                else ""
            ),
        )

    def _read(
        self,
        stream: KeyEventStream,
        decoder: KeyboardDecoder,
        sink: Sink,
        stop: threading.Event,
    ) -> None:
        while not stop.is_set():
            for event in stream.read(self.poll):
                for decoded in decoder.feed(event):
                    self._emit(decoded, sink)
            for decoded in decoder.tick(stream.now()):
                self._emit(decoded, sink)

    def _emit(self, decoded: DecodedScan, sink: Sink) -> None:
        if decoded.typed:
            log.info("%s: typed input kept as its own scan: %r", self.device_id, decoded.text)
        scan = RawScan.new(
            decoded.text,
            device_id=self.device_id,
            received_at=dt.datetime.fromtimestamp(decoded.timestamp, dt.UTC),
        )
        self._status.add("scans")
        deliver(sink, scan, log)

    def _discarded(self, reason: str, text: str) -> None:
        log.warning("%s: discarded keyboard input, not a scan (%s): %r", self.device_id,
                    reason, text[:80])  # fmt: skip
        self._status.add("discarded")


def keyboard_options(opts: UrlOptions) -> KeyboardOptions:
    """The decoder options of a ``hid://`` URL."""
    layout = opts.choice("layout", tuple(LAYOUTS), "us")
    terminators = opts.items("terminator") or ["enter"]
    allowed = ("enter", "tab", "none")
    for name in terminators:
        if name.lower() not in allowed:
            raise SourceConfigError(
                opts.url, f"expected enter, tab or none, got {name!r}", option="terminator"
            )
    terms = frozenset(cast(Terminator, t.lower()) for t in terminators if t.lower() != "none")
    extra = [s for s in opts.items("separator") if s.lower() not in BUILTIN_SEPARATORS]
    try:
        separator_keys = parse_key_names(extra)
    except ValueError as e:
        raise SourceConfigError(opts.url, str(e), option="separator") from None
    min_length = opts.integer("min_length", 0, minimum=1)  # 0: not given
    human = cast(Literal["reject", "keep"], opts.choice("human", ("reject", "keep"), "reject"))
    return KeyboardOptions(
        layout=layout,
        gap=opts.number("gap", 0.06, minimum=0.001, maximum=5.0),
        terminators=terms,
        separator_keys=separator_keys,
        min_length=min_length or None,
        human=human,
        guard=opts.number("guard", 0.5, minimum=0.0),
    )
