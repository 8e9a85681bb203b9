"""Webhook POSTs: signed JSON, an idempotency key, bounded timeouts, no redirects.

Connections are kept alive (HTTP/1.1) per thread and receiver, so a batch costs one TCP
handshake per connection, not per event. A batch goes out over a small pool of threads,
one document at a time per thread: documents in parallel, each one's events in order.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import SplitResult, urlsplit

from scanner_gateway.events.batch import Report, groups
from scanner_gateway.events.signing import HEADER, signature
from tracking_core.delivery import Claimed

Key = tuple[str, str, int | None]

# the connection was reused and the receiver had closed it meanwhile (idle keep-alive
# ran out): nothing reached it, so one retry on a fresh connection is safe
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class DeliveryFailed(Exception):
    """The receiver did not take the event (refused, timed out, redirected, not 2xx)."""


def body_of(claimed: Claimed) -> bytes:
    return json.dumps(claimed.event.as_json(), separators=(",", ":"), sort_keys=True).encode()


class WebhookSender:
    def __init__(
        self,
        *,
        timeout: float = 10.0,
        now: Callable[[], float] = time.time,
        workers: int = 8,
    ) -> None:
        self.timeout = timeout
        self.now = now
        self.workers = workers
        self.local = threading.local()  # each thread's connections, by receiver
        self.opened: list[http.client.HTTPConnection] = []  # all of them, for close()
        self.pool: ThreadPoolExecutor | None = None
        self.lock = threading.Lock()

    def _connection(self, url: SplitResult) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection to the receiver, and whether it was used before."""
        conns: dict[Key, http.client.HTTPConnection] = self.local.__dict__.setdefault("c", {})
        key = (url.scheme, url.hostname or "", url.port)
        if key in conns:
            return conns[key], True
        cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = conns[key] = cls(url.hostname or "", url.port, timeout=self.timeout)
        with self.lock:
            self.opened.append(conn)
        return conn, False

    def _forget(self, url: SplitResult) -> None:
        conns: dict[Key, http.client.HTTPConnection] = self.local.__dict__.setdefault("c", {})
        conn = conns.pop((url.scheme, url.hostname or "", url.port), None)
        if conn is not None:
            conn.close()
            with self.lock:
                self.opened.remove(conn)

    def _post(self, url: SplitResult, path: str, body: bytes, headers: dict[str, str]) -> int:
        for retry in (False, True):
            conn, reused = self._connection(url)
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read(65536)
                if not resp.isclosed():  # a body past 64 KiB: this connection is spent
                    self._forget(url)
                return resp.status
            except STALE:
                self._forget(url)
                if not reused or retry:
                    raise
            except BaseException:
                self._forget(url)
                raise
        raise AssertionError("unreachable: the second try returns or raises")

    def __call__(self, claimed: Claimed) -> None:
        url = urlsplit(claimed.subscription.url)
        body = body_of(claimed)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "scantrack-events",
            "Idempotency-Key": f"scantrack-event-{claimed.event.id}",
            "X-Scantrack-Event": claimed.event.kind,
            HEADER: signature(claimed.secret or "", int(self.now()), body),
        }
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        try:
            status = self._post(url, path, body, headers)
        except (OSError, http.client.HTTPException) as e:  # refused, reset, timed out
            raise DeliveryFailed(f"{type(e).__name__}: {e}") from e
        if 300 <= status < 400:
            raise DeliveryFailed(f"HTTP {status}: redirects are not followed")
        if not 200 <= status < 300:
            raise DeliveryFailed(f"HTTP {status}")

    def _document(self, claims: Sequence[Claimed], report: Report, deadline: float) -> None:
        for c in claims:
            if time.monotonic() > deadline:
                return
            try:
                self(c)
            except DeliveryFailed as exc:
                report(c, str(exc))
                return  # the document's later events wait for this one
            report(c, None)

    def send_batch(self, claims: Sequence[Claimed], report: Report, *, deadline: float) -> None:
        with self.lock:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="webhook")
            pool = self.pool
        futures = [pool.submit(self._document, g, report, deadline) for g in groups(claims)]
        for f in futures:
            f.result()

    def close(self) -> None:
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown()
        with self.lock:
            opened, self.opened = self.opened, []
        for conn in opened:
            conn.close()
