"""What every device source shares: the interface, URL options, backoff, status.

A source is configured by a URL (see :mod:`scanner_gateway.sources.registry`) and runs
in a thread of its own: ``run(sink, stop)`` blocks, hands each whole scan to ``sink``,
and returns soon after ``stop`` is set. A source never raises for a device that is
missing or goes away: it logs, waits (exponential backoff) and opens it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from urllib.parse import parse_qs

from scanner_gateway.sources.raw_scan import RawScan

__all__ = [
    "Backoff",
    "Sink",
    "Source",
    "SourceConfigError",
    "SourceStatus",
    "UrlOptions",
    "deliver",
]

Sink = Callable[[RawScan], None]
# A device that stayed open this long was healthy: its next failure starts the backoff over.
HEALTHY_AFTER = 1.0
T = TypeVar("T")


class Source(Protocol):
    """A device source; one thread per source calls :meth:`run`."""

    @property
    def url(self) -> str: ...

    @property
    def status(self) -> SourceStatus: ...

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Read scans into ``sink`` until ``stop`` is set; reconnects on its own."""
        ...


class SourceConfigError(ValueError):
    """A source URL that cannot work: unknown scheme, option or value."""

    def __init__(self, url: str, message: str, *, option: str | None = None) -> None:
        self.url = url
        self.option = option
        self.reason = message
        where = f"{url}: option {option}" if option else url
        super().__init__(f"{where}: {message}")


class SourceStatus:
    """Counters and state a source keeps for operators (and for tests to wait on)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.connected = False
        self.opens = 0  # successful opens (serial, hid) or accepted connections (tcp)
        self.clients = 0  # tcp: connections open now
        self.scans = 0
        self.bytes_in = 0  # serial, tcp: every byte read, framed or not
        self.discarded = 0  # partial or rejected input, each logged as a warning
        self.last_error: str | None = None

    def update(self, **changes: object) -> None:
        with self._cond:
            for name, value in changes.items():
                if not hasattr(self, name) or name.startswith("_"):
                    raise AttributeError(name)
                setattr(self, name, value)
            self._cond.notify_all()

    def add(self, name: str, n: int = 1) -> None:
        with self._cond:
            setattr(self, name, int(getattr(self, name)) + n)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[SourceStatus], bool], timeout: float) -> bool:
        """Block until ``predicate(status)`` holds; False after ``timeout`` seconds."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)


@dataclass
class Backoff:
    """Exponential backoff for reopening a device: initial, doubled, capped."""

    initial: float = 0.5
    maximum: float = 30.0
    _next: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        self._next = self.initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class UrlOptions:
    """The query options of a source URL, read one by one so unknown ones are caught.

    >>> o = UrlOptions("tcp://0.0.0.0:4001?framing=lf&idle=0.2", "framing=lf&idle=0.2")
    >>> o.choice("framing", ("line", "lf"), "line"), o.number("idle", 0.5, minimum=0.01)
    ('lf', 0.2)
    >>> o.check_all_used()
    """

    def __init__(self, url: str, query: str) -> None:
        self.url = url
        try:
            self._values = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
        except ValueError as e:
            raise SourceConfigError(url, f"expected name=value options; {e}") from None
        self._used: set[str] = set()

    def _one(self, name: str) -> str | None:
        self._used.add(name)
        values = self._values.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise SourceConfigError(self.url, f"expected one value, got {values!r}", option=name)
        return values[0]

    def _convert(self, name: str, raw: str, kind: str, convert: Callable[[str], T]) -> T:
        try:
            return convert(raw)
        except ValueError:
            raise SourceConfigError(
                self.url, f"expected {kind}, got {raw!r}", option=name
            ) from None

    def text(self, name: str, default: str) -> str:
        value = self._one(name)
        return default if value is None else value

    def optional(self, name: str) -> str | None:
        return self._one(name)

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self._one(name)
        if value is None:
            return default
        if value.lower() not in choices:
            expected = ", ".join(choices)
            raise SourceConfigError(
                self.url, f"expected one of {expected}, got {value!r}", option=name
            )
        return value.lower()

    def number(
        self, name: str, default: float, *, minimum: float, maximum: float | None = None
    ) -> float:
        value = self._one(name)
        if value is None:
            return default
        number = self._convert(name, value, "a number of seconds", float)
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise SourceConfigError(
                self.url, f"expected at least {minimum}{upper}, got {value!r}", option=name
            )
        return number

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        value = self._one(name)
        if value is None:
            return default
        number = self._convert(name, value, "an integer", int)
        if number < minimum:
            raise SourceConfigError(
                self.url, f"expected an integer >= {minimum}, got {value!r}", option=name
            )
        return number

    def flag(self, name: str, default: bool) -> bool:
        value = self._one(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise SourceConfigError(self.url, f"expected 1 or 0, got {value!r}", option=name)

    def items(self, name: str) -> list[str]:
        """A comma-separated list, also accepted as a repeated option."""
        self._used.add(name)
        return [
            part.strip()
            for value in self._values.get(name, [])
            for part in value.split(",")
            if part.strip()
        ]

    def repeated(self, name: str) -> list[str]:
        self._used.add(name)
        return list(self._values.get(name, []))

    def unused(self) -> dict[str, list[str]]:
        return {k: v for k, v in self._values.items() if k not in self._used}

    def check_all_used(self) -> None:
        unknown = sorted(self.unused())
        if unknown:
            known = ", ".join(sorted(self._used))
            raise SourceConfigError(
                self.url, f"unknown option {unknown[0]!r} (known here: {known})"
            )


def deliver(sink: Sink, scan: RawScan, logger: logging.Logger) -> None:
    """Call the sink; a failing sink is logged with the scan and does not stop the source."""
    try:
        sink(scan)
    except Exception:
        logger.exception("sink failed for %r", scan)


def keep_reopening(
    *,
    device_id: str,
    what: str,
    status: SourceStatus,
    backoff: Backoff,
    stop: threading.Event,
    open_: Callable[[], T],
    use: Callable[[T], None],
    close: Callable[[T], None],
    open_errors: tuple[type[BaseException], ...],
    gone_errors: tuple[type[BaseException], ...],
    logger: logging.Logger,
    hint: Callable[[BaseException], str] = lambda e: "",
) -> None:
    """Open a device, use it until it goes away, reopen it with backoff; until ``stop``.

    The first failure to open is a warning; retries for a missing device are debug. A
    device that stayed open for a while starts the backoff over.
    """
    failing = False
    while not stop.is_set():
        try:
            handle = open_()
        except open_errors as e:
            level = logging.DEBUG if failing else logging.WARNING
            logger.log(level, "%s: cannot open %s (%s)%s; retrying", device_id, what, e, hint(e))
            failing = True
            status.update(connected=False, last_error=str(e))
            stop.wait(backoff.next_delay())
            continue
        failing = False
        opened = time.monotonic()
        logger.info("%s: opened %s", device_id, what)
        status.update(connected=True)
        status.add("opens")
        try:
            use(handle)
        except gone_errors as e:
            logger.warning("%s: %s went away (%s); reopening", device_id, what, e)
            status.update(last_error=str(e))
        finally:
            status.update(connected=False)
            close(handle)
        if time.monotonic() - opened >= HEALTHY_AFTER:
            backoff.reset()
        if not stop.is_set():
            stop.wait(backoff.next_delay())
