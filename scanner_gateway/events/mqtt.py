"""MQTT delivery: QoS 1 to ``<prefix>/<kind>/<item>``, delivered once the broker's PUBACK came.

One connection per broker URL, kept between events; any failure drops it, so the next
attempt reconnects (a broker that went away and came back is picked up again).
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from scanner_gateway.events.webhook import DeliveryFailed, body_of
from tracking_core.delivery import Claimed


def topic_of(prefix: str, kind: str, item: str | None) -> str:
    # MQTT wildcards and separators in an item code would change the topic's meaning
    safe = (item or "-").replace("/", "_").replace("+", "_").replace("#", "_")
    return f"{prefix}/{kind}/{safe}"


class MqttSender:
    def __init__(self, *, timeout: float = 10.0, client_id: str = "") -> None:
        self.timeout = timeout
        self.client_id = client_id
        self.clients: dict[str, mqtt.Client] = {}
        self.lock = threading.Lock()

    def _client(self, url: str) -> mqtt.Client:
        if url in self.clients:
            return self.clients[url]
        parts = urlsplit(url)
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id)
        if parts.username:
            client.username_pw_set(parts.username, parts.password)
        try:
            client.connect(parts.hostname or "", parts.port or 1883, keepalive=30)
        except OSError as e:
            raise DeliveryFailed(f"cannot connect to {parts.hostname}: {e}") from e
        client.loop_start()
        self.clients[url] = client
        return client

    def _drop(self, url: str) -> None:
        client = self.clients.pop(url, None)
        if client is not None:
            client.loop_stop()
            client.disconnect()

    def __call__(self, claimed: Claimed) -> None:
        sub, event = claimed.subscription, claimed.event
        with self.lock:
            client = self._client(sub.url)
            topic = topic_of(sub.topic_prefix or "scantrack", event.kind, event.item)
            info = client.publish(topic, body_of(claimed), qos=1)
            try:
                if info.rc != mqtt.MQTT_ERR_SUCCESS:
                    raise DeliveryFailed(f"publish refused: {mqtt.error_string(info.rc)}")
                info.wait_for_publish(self.timeout)
                if not info.is_published():
                    raise DeliveryFailed(f"no PUBACK within {self.timeout} s")
            except (DeliveryFailed, RuntimeError, ValueError) as e:
                self._drop(sub.url)
                if isinstance(e, DeliveryFailed):
                    raise
                raise DeliveryFailed(str(e)) from e

    def close(self) -> None:
        with self.lock:
            for url in list(self.clients):
                self._drop(url)
