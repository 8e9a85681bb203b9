"""A TCP listener for network scanners (and scanner bases) that connect and send scans.

URL: ``tcp://HOST:PORT?framing=lf`` (``tcp://0.0.0.0:4001``, ``tcp://[::]:4001``; port 0
picks a free port, see :attr:`TcpListenerSource.bound_address`). Many scanners may be
connected at once; each connection's scans carry a device id:

* ``peer=10.20.0.17=ring-7`` (repeatable): connections from that address are ``ring-7``;
* any other peer is ``DEVICE@ADDRESS`` (``dock-net@10.20.0.23``), where DEVICE is the
  source's device id; a source without one (a station file that names every peer)
  refuses unknown peers.

Options: ``framing``, ``idle``, ``encoding``, ``max_length``, ``backoff``, ``backoff_max``
as for serial sources, and ``max_clients`` (32). A connection that closes with a partial
frame has the partial dropped with a warning: it is not a scan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner_gateway.sources.base import (
    Backoff,
    Sink,
    SourceConfigError,
    SourceStatus,
    UrlOptions,
    deliver,
)
from scanner_gateway.sources.framing import FrameReader, StreamOptions

__all__ = ["TcpListenerSource", "normalize_ip"]

log = logging.getLogger(__name__)
POLL = 0.05  # seconds between idle checks and looks at the stop flag


def normalize_ip(text: str) -> str:
    """One spelling per address: ``::ffff:10.0.0.1`` (a dual-stack socket) is ``10.0.0.1``."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@dataclass
class _Conn:
    sock: socket.socket
    peer: str
    device_id: str
    reader: FrameReader


class TcpListenerSource:
    """Accepts network scanners; one thread serves every connection through a selector."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        device_id: str | None,
        url: str | None = None,
        peers: Mapping[str, str] | None = None,
        stream: StreamOptions | None = None,
        max_clients: int = 32,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.device_id = device_id
        self._url = url or f"tcp://{host}:{port}"
        try:
            self.peers = {normalize_ip(ip): dev for ip, dev in (peers or {}).items()}
        except ValueError as e:
            raise SourceConfigError(self._url, f"expected peer IP addresses: {e}") from None
        self.stream = stream or StreamOptions()
        self.max_clients = max_clients
        self._clock = clock
        self._status = SourceStatus()
        self._bound: tuple[str, int] | None = None

    @property
    def url(self) -> str:
        return self._url

    @property
    def status(self) -> SourceStatus:
        return self._status

    @property
    def bound_address(self) -> tuple[str, int] | None:
        """(host, port) while listening: with port 0 this is where to connect."""
        return self._bound

    @classmethod
    def from_url(
        cls, url: str, *, device_id: str | None, peers: Mapping[str, str] | None = None
    ) -> TcpListenerSource:
        """``peers`` (address -> device id) adds to the URL's ``peer=`` options."""
        parts = urlsplit(url)
        try:
            host, port = parts.hostname, parts.port
        except ValueError as e:
            raise SourceConfigError(url, f"expected tcp://HOST:PORT, {e}") from None
        if not host or port is None or parts.path not in ("", "/"):
            raise SourceConfigError(url, "expected tcp://HOST:PORT (tcp://0.0.0.0:4001)")
        opts = UrlOptions(url, parts.query)
        stream = StreamOptions.parse(opts)
        max_clients = opts.integer("max_clients", 32, minimum=1)
        mapping: dict[str, str] = {}
        for value in opts.repeated("peer"):
            ip, sep, dev = value.partition("=")
            if not sep or not dev:
                raise SourceConfigError(
                    url, f"expected ADDRESS=DEVICE, got {value!r}", option="peer"
                )
            try:
                mapping[normalize_ip(ip)] = dev
            except ValueError:
                raise SourceConfigError(
                    url, f"expected an IP address before '=', got {ip!r}", option="peer"
                ) from None
        opts.check_all_used()
        return cls(
            host,
            port,
            device_id=device_id,
            url=url,
            peers={**mapping, **(peers or {})},
            stream=stream,
            max_clients=max_clients,
        )

    def device_for(self, peer: str) -> str | None:
        """The device id for a connection from ``peer``, or None to refuse it."""
        if peer in self.peers:
            return self.peers[peer]
        return f"{self.device_id}@{peer}" if self.device_id else None

    def run(self, sink: Sink, stop: threading.Event) -> None:
        backoff = Backoff(self.stream.backoff.initial, self.stream.backoff.maximum)
        while not stop.is_set():
            try:
                listener = self._listen()
            except OSError as e:
                log.warning("%s: cannot listen (%s); retrying", self._url, e)
                self._status.update(last_error=str(e))
                stop.wait(backoff.next_delay())
                continue
            backoff.reset()
            try:
                self._serve(listener, sink, stop)
            except OSError as e:  # the listening socket itself failed
                log.warning("%s: listener failed (%s); listening again", self._url, e)
                self._status.update(last_error=str(e))
                stop.wait(backoff.next_delay())

    def _listen(self) -> socket.socket:
        family, kind, proto, _, addr = socket.getaddrinfo(
            self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
        try:
            # A restarted gateway must get its port back while old connections linger.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(addr)
            listener.listen(self.max_clients)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        bound = listener.getsockname()
        self._bound = (str(bound[0]), int(bound[1]))
        log.info("%s: listening on %s:%d", self._url, *self._bound)
        return listener

    def _serve(self, listener: socket.socket, sink: Sink, stop: threading.Event) -> None:
        sel = selectors.DefaultSelector()
        conns: dict[int, _Conn] = {}
        sel.register(listener, selectors.EVENT_READ, None)
        self._status.update(connected=True)
        ended = "stopped"
        try:
            while not stop.is_set():
                for key, _ in sel.select(POLL):
                    if key.data is None:
                        self._accept(listener, sel, conns)
                    else:
                        self._receive(key.data, sel, conns, sink)
                now = time.monotonic()
                for conn in conns.values():
                    conn.reader.check_idle(now)
        except OSError:
            ended = "listener failed"
            raise
        finally:
            for conn in list(conns.values()):
                self._drop(conn, sel, conns, ended)
            sel.close()
            listener.close()
            self._bound = None
            self._status.update(connected=False, clients=0)

    def _accept(
        self, listener: socket.socket, sel: selectors.BaseSelector, conns: dict[int, _Conn]
    ) -> None:
        while True:
            try:
                sock, addr = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:  # e.g. EMFILE: keep serving the connections we have
                log.warning("%s: accept failed: %s", self._url, e)
                return
            peer = normalize_ip(str(addr[0]))
            device = self.device_for(peer)
            if device is None or len(conns) >= self.max_clients:
                why = "unknown peer" if device is None else f"over max_clients={self.max_clients}"
                log.warning("%s: refused a connection from %s (%s)", self._url, peer, why)
                sock.close()
                continue
            sock.setblocking(False)
            # Finds a scanner that was switched off without closing its connection.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            reader = self.stream.reader(device, status=self._status, clock=self._clock, logger=log)
            conn = _Conn(sock, peer, device, reader)
            conns[sock.fileno()] = conn
            sel.register(sock, selectors.EVENT_READ, conn)
            self._status.add("opens")
            self._status.update(clients=len(conns))
            log.info("%s: %s connected from %s", self._url, device, peer)

    def _receive(
        self, conn: _Conn, sel: selectors.BaseSelector, conns: dict[int, _Conn], sink: Sink
    ) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self._drop(conn, sel, conns, f"connection failed: {e}")
            return
        if not data:
            self._drop(conn, sel, conns, "connection closed")
            return
        for scan in conn.reader.feed(data, time.monotonic()):
            deliver(sink, scan, log)

    def _drop(
        self, conn: _Conn, sel: selectors.BaseSelector, conns: dict[int, _Conn], why: str
    ) -> None:
        conn.reader.close(why)
        conns.pop(conn.sock.fileno(), None)
        with contextlib.suppress(KeyError, ValueError):  # already unregistered
            sel.unregister(conn.sock)
        conn.sock.close()
        self._status.update(clients=len(conns))
        log.info("%s: %s disconnected (%s)", self._url, conn.device_id, why)
