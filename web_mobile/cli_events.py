"""``scantrack events ...``: subscriptions, dead letters and the event worker."""

from __future__ import annotations

import threading
from typing import Any

import click

from tracking_core.delivery import DeliveryInfo, SubscriptionInfo
from tracking_core.events import EVENT_KINDS
from web_mobile.cli_common import State, emit, json_option, pass_state, table


def _sub_text(s: SubscriptionInfo) -> str:
    kinds = ", ".join(s.kinds) if s.kinds else "all"
    extra = f" topic {s.topic_prefix}" if s.topic_prefix else ""
    return f"{s.id} {s.name}: {s.channel} {s.url}{extra} (events: {kinds})"


def _deliveries_text(rows: list[DeliveryInfo]) -> str:
    return table(
        [(d.seq, d.document or "", d.status, d.attempts, d.last_error or "") for d in rows],
        ["event", "document", "status", "attempts", "last error"],
    )


@click.group()
def events() -> None:
    """Events pushed to an ERP: webhook and MQTT subscriptions and their delivery."""


@events.command("subscribe")
@click.argument("name")
@click.option("--webhook", "url_webhook", metavar="URL", help="POST each event to this URL.")
@click.option(
    "--mqtt", "url_mqtt", metavar="URL", help="Publish to this broker (mqtt://host:port)."
)
@click.option("--topic-prefix", default=None, help="MQTT topics start with this [scantrack].")
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS), help="Only these (repeat)."
)
@json_option
@pass_state
def events_subscribe(
    state: State,
    name: str,
    url_webhook: str | None,
    url_mqtt: str | None,
    topic_prefix: str | None,
    kinds: tuple[str, ...],
    as_json: bool,
) -> None:
    """A new subscription; a webhook's signing secret is shown this once."""
    if (url_webhook is None) == (url_mqtt is None):
        raise click.UsageError("give --webhook URL or --mqtt URL")
    channel, url = ("webhook", url_webhook) if url_webhook else ("mqtt", url_mqtt)
    sub, secret = state.core.deliveries.subscribe(
        name=name, channel=channel, url=url or "", kinds=list(kinds), topic_prefix=topic_prefix
    )
    out: dict[str, Any] = {"subscription": sub, "secret": secret}
    emit(
        as_json,
        out,
        lambda: _sub_text(sub) + (f"\nsecret (shown once): {secret}" if secret else ""),
    )


@events.command("list")
@json_option
@pass_state
def events_list(state: State, as_json: bool) -> None:
    subs = state.core.deliveries.subscriptions()
    emit(as_json, subs, lambda: "\n".join(_sub_text(s) for s in subs) or "no subscriptions")


@events.command("show")
@click.argument("sub_id", type=int)
@json_option
@pass_state
def events_show(state: State, sub_id: int, as_json: bool) -> None:
    sub = state.core.deliveries.subscription(sub_id)
    emit(as_json, sub, lambda: _sub_text(sub))


@events.command("update")
@click.argument("sub_id", type=int)
@click.option("--url", default=None)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS))
@click.option("--topic-prefix", default=None)
@json_option
@pass_state
def events_update(
    state: State,
    sub_id: int,
    url: str | None,
    kinds: tuple[str, ...],
    topic_prefix: str | None,
    as_json: bool,
) -> None:
    sub = state.core.deliveries.update(
        sub_id, url=url, kinds=list(kinds) if kinds else None, topic_prefix=topic_prefix
    )
    emit(as_json, sub, lambda: _sub_text(sub))


@events.command("delete")
@click.argument("sub_id", type=int)
@pass_state
def events_delete(state: State, sub_id: int) -> None:
    state.core.deliveries.unsubscribe(sub_id)
    click.echo(f"subscription {sub_id} deleted")


@events.command("dead")
@click.argument("sub_id", type=int)
@json_option
@pass_state
def events_dead(state: State, sub_id: int, as_json: bool) -> None:
    """The subscription's dead letters: events that ran out of attempts."""
    rows = state.core.deliveries.dead_letters(sub_id)
    emit(as_json, rows, lambda: _deliveries_text(rows) if rows else "no dead letters")


@events.command("replay")
@click.argument("sub_id", type=int)
@click.argument("event_id", type=int)
@json_option
@pass_state
def events_replay(state: State, sub_id: int, event_id: int, as_json: bool) -> None:
    """Send a dead letter again (once: replaying it again changes nothing)."""
    info, replayed = state.core.deliveries.replay(sub_id, event_id)
    text = "queued again" if replayed else f"not dead ({info.status}): nothing to replay"
    emit(as_json, {"delivery": info, "replayed": replayed}, lambda: f"event {event_id}: {text}")


@events.command("worker")
@click.option("--channel", type=click.Choice(["webhook", "mqtt", "all"]), default="all")
@click.option("--worker-id", default=None, help="Default: events@HOST:PID.")
@click.option("--once", is_flag=True, help="Deliver what is due, then stop.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per HTTP/MQTT send.")
@pass_state
def events_worker(
    state: State, channel: str, worker_id: str | None, once: bool, timeout: float
) -> None:
    """Deliver events to the subscriptions, at least once and in order per document."""
    import os
    import socket

    from scanner_gateway.events.mqtt import MqttSender
    from scanner_gateway.events.webhook import WebhookSender
    from scanner_gateway.events.worker import EventWorker

    name = worker_id or f"events@{socket.gethostname()}:{os.getpid()}"
    senders: dict[str, Any] = {"webhook": WebhookSender(timeout=timeout)}
    senders["mqtt"] = MqttSender(timeout=timeout, client_id="")
    channels = ["webhook", "mqtt"] if channel == "all" else [channel]
    workers = [
        EventWorker(state.core.deliveries, c, senders[c], worker_id=f"{name}/{c}") for c in channels
    ]
    try:
        if once:
            total = 0
            for w in workers:
                while n := w.run_once():
                    total += n
            click.echo(f"{total} delivery attempt(s)")
            return
        stop = threading.Event()
        threads = [
            threading.Thread(target=w.run, args=(stop,), name=f"events-{w.channel}", daemon=True)
            for w in workers
        ]
        for t in threads:
            t.start()
        click.echo(f"delivering {', '.join(channels)} events; Ctrl+C stops", err=True)
        try:
            for t in threads:
                t.join()
        except KeyboardInterrupt:
            stop.set()
    finally:
        for sender in senders.values():
            sender.close()


COMMANDS = (events,)
