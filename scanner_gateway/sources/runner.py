"""Running sources: one thread per source, one dispatcher thread calling the sink.

Sources only put scans on a queue, so a slow sink (a database transaction) never
stalls device reading: a stalled evdev reader loses keys (the kernel's buffer is
small), a stalled serial reader fills the port's buffer. The dispatcher calls the sink
for one scan at a time, in arrival order, and ``stop()`` hands on every scan already
received before it returns.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Mapping
from types import TracebackType

from scanner_gateway.sources.base import Sink, Source, SourceStatus
from scanner_gateway.sources.raw_scan import RawScan

__all__ = ["SourceRunner"]

log = logging.getLogger(__name__)


class SourceRunner:
    """Starts sources in threads and feeds their scans to ``sink``; stops cleanly.

    >>> from scanner_gateway.sources import open_source
    >>> with SourceRunner([open_source("loop://", device_id="d")], print) as runner:
    ...     runner.running
    True
    >>> runner.running
    False
    """

    def __init__(
        self, sources: Iterable[Source], sink: Sink, *, restart_delay: float = 1.0
    ) -> None:
        self.sources = list(sources)
        self._sink = sink
        self.restart_delay = restart_delay
        self._queue: queue.SimpleQueue[RawScan | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._dispatcher: threading.Thread | None = None
        self.delivered = 0

    @property
    def running(self) -> bool:
        return self._dispatcher is not None and self._dispatcher.is_alive()

    def status(self) -> Mapping[str, SourceStatus]:
        return {source.url: source.status for source in self.sources}

    def start(self) -> None:
        if self._dispatcher is not None:
            raise RuntimeError("SourceRunner.start() called twice")
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="scantrack-dispatch", daemon=True
        )
        self._dispatcher.start()
        for source in self.sources:
            thread = threading.Thread(
                target=self._supervise, args=(source,), name=f"source {source.url}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the sources, deliver what they already read, join every thread."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                log.error("%s did not stop within %g s", thread.name, timeout)
        self._queue.put(None)  # after every scan the sources put
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)
            if self._dispatcher.is_alive():
                log.error("the dispatcher did not stop within %g s (sink stuck?)", timeout)

    def __enter__(self) -> SourceRunner:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _supervise(self, source: Source) -> None:
        # Sources handle their own device errors; this catches their bugs, so one bad
        # source does not end the others or stay dead.
        while not self._stop.is_set():
            try:
                source.run(self._queue.put, self._stop)
            except Exception:
                log.exception(
                    "source %s failed; restarting in %g s", source.url, self.restart_delay
                )
            else:
                if not self._stop.is_set():
                    log.error("source %s returned while running; restarting", source.url)
            self._stop.wait(self.restart_delay)

    def _dispatch(self) -> None:
        while True:
            scan = self._queue.get()
            if scan is None:
                return
            try:
                self._sink(scan)
            except Exception:
                # Logged with the scan so it can be replayed; the next scan still goes.
                log.exception("sink failed for %r", scan)
            self.delivered += 1
