"""Helpers for the device-source tests: pseudo-terminals, collectors, running sources.

No tests here; the test_sources_* modules import it as ``tests.gateway.test_sources_support``.
"""

from __future__ import annotations

import array
import fcntl
import importlib.util
import os
import termios
import threading
import time
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scanner_gateway.sources import RawScan, Source

WAIT = 30.0  # generous: CI machines are small and busy; passing tests never wait it out
HAVE_EVDEV = importlib.util.find_spec("evdev") is not None


class Collector:
    """A sink that remembers scans and lets a test wait for them."""

    def __init__(self) -> None:
        self.scans: list[RawScan] = []
        self._cond = threading.Condition()

    def __call__(self, scan: RawScan) -> None:
        with self._cond:
            self.scans.append(scan)
            self._cond.notify_all()

    @property
    def raws(self) -> list[str]:
        with self._cond:
            return [s.raw for s in self.scans]

    def wait_for(self, n: int, timeout: float = WAIT) -> list[str]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.scans) >= n, timeout)
            return [s.raw for s in self.scans]


@dataclass
class Running:
    source: Source
    sink: Collector
    stop: threading.Event
    thread: threading.Thread

    def wait_status(self, predicate: Callable[..., bool], timeout: float = WAIT) -> None:
        assert self.source.status.wait_for(predicate, timeout), vars(self.source.status)


@contextmanager
def running(source: Source, sink: Collector | None = None) -> Iterator[Running]:
    """Run ``source`` in a thread; stop it and check the thread ended."""
    sink = sink or Collector()
    stop = threading.Event()
    thread = threading.Thread(target=source.run, args=(sink, stop), name=f"test {source.url}")
    thread.start()
    try:
        yield Running(source, sink, stop, thread)
    finally:
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive(), f"{source.url} did not stop"


@dataclass
class Pty:
    """A pseudo-terminal pair: the test writes the master, a source opens ``path``."""

    master: int
    slave: int
    path: str
    closed: bool = field(default=False)

    @classmethod
    def open(cls) -> Pty:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no CR/LF translation before pyserial sets the port up
        return cls(master, slave, os.ttyname(slave))

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self.master, view)
            view = view[n:]

    def unread(self) -> int:
        """Bytes written but not yet read by the source."""
        buf = array.array("i", [0])
        fcntl.ioctl(self.slave, termios.FIONREAD, buf)
        return buf[0]

    def close(self) -> None:
        """Unplug: readers of the slave get EIO."""
        if not self.closed:
            self.closed = True
            os.close(self.master)
            os.close(self.slave)


def repoint(link: Path, target: str) -> None:
    """Atomically point ``link`` (a /dev/serial/by-id stand-in) at ``target``."""
    tmp = link.with_name(link.name + ".new")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    tmp.replace(link)


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()
