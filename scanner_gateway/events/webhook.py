"""One webhook POST: signed JSON, an idempotency key, bounded timeout, no redirects."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from scanner_gateway.events.signing import HEADER, signature
from tracking_core.delivery import Claimed


class DeliveryFailed(Exception):
    """The receiver did not take the event (refused, timed out, redirected, not 2xx)."""


def body_of(claimed: Claimed) -> bytes:
    return json.dumps(claimed.event.as_json(), separators=(",", ":"), sort_keys=True).encode()


class WebhookSender:
    def __init__(self, *, timeout: float = 10.0, now: Callable[[], float] = time.time) -> None:
        self.timeout = timeout
        self.now = now

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
        cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = cls(url.hostname or "", url.port, timeout=self.timeout)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read(65536)
        except (OSError, http.client.HTTPException) as e:  # refused, reset, timed out
            raise DeliveryFailed(f"{type(e).__name__}: {e}") from e
        finally:
            conn.close()
        if 300 <= resp.status < 400:
            raise DeliveryFailed(f"HTTP {resp.status}: redirects are not followed")
        if not 200 <= resp.status < 300:
            raise DeliveryFailed(f"HTTP {resp.status}")
