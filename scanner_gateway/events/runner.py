"""The event workers of one process: one thread per channel, so a slow webhook never holds
MQTT back. ``scantrack serve`` runs them beside the web app, ``scantrack events worker`` on
their own; any number of processes may run them at once (claims are row locks).
"""

from __future__ import annotations

import threading
from typing import Any

from scanner_gateway.events.mqtt import MqttSender
from scanner_gateway.events.webhook import WebhookSender
from scanner_gateway.events.worker import EventWorker
from tracking_core.delivery import CHANNELS, EventDeliveries


class EventWorkers:
    def __init__(
        self,
        deliveries: EventDeliveries,
        name: str,
        *,
        channels: tuple[str, ...] = CHANNELS,
        timeout: float = 10.0,
    ) -> None:
        self.senders: dict[str, Any] = {}
        if "webhook" in channels:
            self.senders["webhook"] = WebhookSender(timeout=timeout)
        if "mqtt" in channels:
            self.senders["mqtt"] = MqttSender(timeout=timeout, client_id="")
        self.workers = [
            EventWorker(deliveries, c, self.senders[c], worker_id=f"{name}/{c}") for c in channels
        ]
        self.threads: list[threading.Thread] = []

    @property
    def channels(self) -> list[str]:
        return [w.channel for w in self.workers]

    def run_due(self) -> int:
        """Deliver what is due on every channel, then return; how many attempts."""
        total = 0
        for w in self.workers:
            while n := w.run_once():
                total += n
        return total

    def start(self, stop: threading.Event) -> list[threading.Thread]:
        """Deliver in daemon threads until ``stop`` is set."""
        self.threads = [
            threading.Thread(target=w.run, args=(stop,), name=f"events-{w.channel}", daemon=True)
            for w in self.workers
        ]
        for t in self.threads:
            t.start()
        return self.threads

    def close(self, *, wait: float = 15.0) -> None:
        """After ``stop`` is set: let each thread finish its send, then drop connections."""
        for t in self.threads:
            t.join(timeout=wait)
        for sender in self.senders.values():  # webhook: its pool's threads and kept-alive sockets
            sender.close()
