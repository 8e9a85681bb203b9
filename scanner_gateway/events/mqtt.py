"""MQTT delivery: QoS 1 to ``<prefix>/<kind>/<item>``, delivered once the broker's PUBACK came.

One connection per broker URL, kept between events; any failure drops it, so the next
attempt reconnects (a broker that went away and came back is picked up again). A batch
is published at once, many messages in flight (in seq order on the one connection, so
the broker gets each document's events in order); each is delivered when its own PUBACK
comes, in whatever order those come.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from scanner_gateway.events.batch import Report, groups
from scanner_gateway.events.webhook import DeliveryFailed, body_of
from tracking_core.delivery import Claimed

MAX_INFLIGHT = 1000


def topic_of(prefix: str, kind: str, item: str | None) -> str:
    # MQTT wildcards and separators in an item code would change the topic's meaning
    safe = (item or "-").replace("/", "_").replace("+", "_").replace("#", "_")
    return f"{prefix}/{kind}/{safe}"


class _Link:
    """One broker connection and what its loop thread saw: PUBACKs and a lost connection."""

    def __init__(self, client: mqtt.Client) -> None:
        self.client = client
        self.changed = threading.Condition()
        self.lost: str | None = None
        # mids whose PUBACK came (paho marks its own info only after on_publish returns)
        self.acked: set[int] = set()
        client.on_publish = self._on_publish
        client.on_disconnect = self._on_disconnect

    def _on_publish(self, client: Any, userdata: Any, mid: int, *rest: Any) -> None:
        with self.changed:
            self.acked.add(mid)
            self.changed.notify_all()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, rc: Any, *rest: Any) -> None:
        with self.changed:
            self.lost = f"connection lost: {rc}"
            self.changed.notify_all()


class MqttSender:
    def __init__(self, *, timeout: float = 10.0, client_id: str = "") -> None:
        self.timeout = timeout
        self.client_id = client_id
        self.links: dict[str, _Link] = {}
        self.lock = threading.Lock()

    def _link(self, url: str) -> _Link:
        if url in self.links:
            return self.links[url]
        parts = urlsplit(url)
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id)
        client.max_inflight_messages_set(MAX_INFLIGHT)
        if parts.username:
            client.username_pw_set(parts.username, parts.password)
        link = _Link(client)
        try:
            client.connect(parts.hostname or "", parts.port or 1883, keepalive=30)
        except OSError as e:
            raise DeliveryFailed(f"cannot connect to {parts.hostname}: {e}") from e
        client.loop_start()
        self.links[url] = link
        return link

    def _drop(self, url: str) -> None:
        link = self.links.pop(url, None)
        if link is not None:
            link.client.loop_stop()
            link.client.disconnect()

    def __call__(self, claimed: Claimed) -> None:
        errors: list[str | None] = []
        self.send_batch(
            [claimed], lambda c, e: errors.append(e), deadline=time.monotonic() + self.timeout
        )
        if errors != [None]:
            raise DeliveryFailed(errors[0] if errors else "not sent")

    def send_batch(self, claims: Sequence[Claimed], report: Report, *, deadline: float) -> None:
        by_url: dict[str, list[Claimed]] = {}
        for c in claims:
            by_url.setdefault(c.subscription.url, []).append(c)
        with self.lock:
            for url, mine in by_url.items():
                if time.monotonic() > deadline:
                    return
                self._publish(url, mine, report)

    def _publish(self, url: str, claims: list[Claimed], report: Report) -> None:
        if url in self.links and self.links[url].lost is not None:
            self._drop(url)  # lost while idle: start this batch on a fresh connection
        try:
            link = self._link(url)
        except DeliveryFailed as e:
            for g in groups(claims):
                report(g[0], str(e))  # each document stops at its first event
            return
        sent: list[tuple[Claimed, mqtt.MQTTMessageInfo]] = []
        error = None
        with link.changed:
            link.acked.clear()
        for c in claims:
            sub, event = c.subscription, c.event
            topic = topic_of(sub.topic_prefix or "scantrack", event.kind, event.item)
            info = link.client.publish(topic, body_of(c), qos=1)
            if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
                error = f"publish refused: {mqtt.error_string(info.rc)}"
                break  # later events would overtake this one: not sent
            sent.append((c, info))
        with link.changed:
            link.changed.wait_for(
                lambda: link.lost is not None or all(i.mid in link.acked for _, i in sent),
                timeout=self.timeout,
            )
            lost, acked = link.lost, set(link.acked)
        missing = error or lost or f"no PUBACK within {self.timeout} s"
        for c, info in sent:
            report(c, None if info.mid in acked else missing)
        if error or lost or not all(i.mid in acked for _, i in sent):
            self._drop(url)

    def close(self) -> None:
        with self.lock:
            for url in list(self.links):
                self._drop(url)
