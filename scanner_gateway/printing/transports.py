"""Printer transports, configured by URL: ``tcp://host:9100``, ``cups://QUEUE``, ``spool:///dir``.

Every failure says whether anything may have reached the printer: ``NotSent`` (certain
nothing did: safe to retry) or ``UnknownOutcome`` (maybe it did: an operator decides).
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit


class NotSent(Exception):
    """Nothing reached the printer; the job can be retried safely."""


class UnknownOutcome(Exception):
    """Some or all of the data may have reached the printer."""


@dataclass(frozen=True)
class PrinterStatus:
    ready: bool
    reason: str = ""


class Printer(Protocol):
    name: str

    def status(self) -> PrinterStatus: ...

    def send(self, data: bytes) -> None: ...


def parse_hs(reply: bytes) -> PrinterStatus:
    """Read a Zebra ``~HS`` host status reply (three STX...ETX strings).

    String 1 field 2 is paper out, field 3 pause; string 2 field 3 head open
    (ZPL II programming guide, ~HS).
    """
    parts = [p.strip(b"\r\n") for p in reply.split(b"\x03") if b"\x02" in p]
    if len(parts) < 2:
        return PrinterStatus(False, "no status from the printer")
    one = parts[0].split(b"\x02")[-1].split(b",")
    two = parts[1].split(b"\x02")[-1].split(b",")
    try:
        if one[1] == b"1":
            return PrinterStatus(False, "paper out")
        if one[2] == b"1":
            return PrinterStatus(False, "paused")
        if two[2] == b"1":
            return PrinterStatus(False, "head open")
    except IndexError:
        return PrinterStatus(False, "unreadable status from the printer")
    return PrinterStatus(True)


@dataclass
class TcpPrinter:
    """A raw port-9100 printer (Zebra and compatibles)."""

    name: str
    host: str
    port: int = 9100
    timeout: float = 5.0
    status_timeout: float = 2.0
    query_status: bool = True

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:  # refused, unreachable, timed out: nothing was sent
            raise NotSent(f"cannot connect to {self.host}:{self.port}: {exc}") from exc

    def status(self) -> PrinterStatus:
        if not self.query_status:
            return PrinterStatus(True)
        try:
            sock = self._connect()
        except NotSent as exc:
            return PrinterStatus(False, str(exc))
        with sock:
            try:
                sock.sendall(b"~HS")
                sock.settimeout(self.status_timeout)
                reply = b""
                deadline = time.monotonic() + self.status_timeout
                while reply.count(b"\x03") < 3 and time.monotonic() < deadline:
                    chunk = sock.recv(1024)
                    if not chunk:
                        break
                    reply += chunk
            except OSError:
                # Silence: paper out, head open, or a printer busy with a fault.
                return PrinterStatus(False, "printer did not answer ~HS")
        return parse_hs(reply)

    def send(self, data: bytes) -> None:
        sock = self._connect()
        with sock:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
            except OSError as exc:
                raise UnknownOutcome(f"connection broke while sending: {exc}") from exc


@dataclass
class CupsPrinter:
    """A CUPS queue fed raw data (``lp -d QUEUE -o raw``)."""

    name: str
    queue: str
    lp: str = "lp"

    def status(self) -> PrinterStatus:
        return PrinterStatus(True)

    def send(self, data: bytes) -> None:
        try:
            done = subprocess.run(
                [self.lp, "-d", self.queue, "-o", "raw"],
                input=data,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except FileNotFoundError as exc:
            raise NotSent(f"{self.lp} is not installed") from exc
        except subprocess.TimeoutExpired as exc:
            raise UnknownOutcome("lp did not finish in 30 s") from exc
        if done.returncode != 0:
            # lp refuses before spooling (unknown queue, rejected job): nothing queued.
            raise NotSent(done.stderr.decode(errors="replace").strip() or "lp failed")


@dataclass
class SpoolPrinter:
    """Writes each job as a file into a directory another program collects from."""

    name: str
    directory: Path

    def status(self) -> PrinterStatus:
        if not self.directory.is_dir():
            return PrinterStatus(False, f"spool directory {self.directory} is missing")
        return PrinterStatus(True)

    def send(self, data: bytes) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".job-")
        except OSError as exc:
            raise NotSent(str(exc)) from exc
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            # The rename is atomic: the collector sees a whole job or none.
            os.replace(tmp, self.directory / f"job-{time.time_ns()}.zpl")
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise NotSent(str(exc)) from exc


def open_printer(name: str, url: str) -> Printer:
    """A printer from its URL."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"printer {name}: {url!r} has no host")
        return TcpPrinter(
            name,
            parts.hostname,
            parts.port or 9100,
            timeout=float(query.get("timeout", 5)),
            query_status=query.get("status", "1") not in ("0", "false", "no"),
        )
    if parts.scheme == "cups":
        return CupsPrinter(name, parts.netloc or parts.path.lstrip("/"))
    if parts.scheme == "spool":
        return SpoolPrinter(name, Path(parts.path))
    raise ValueError(f"printer {name}: unknown scheme in {url!r} (tcp://, cups://, spool://)")
