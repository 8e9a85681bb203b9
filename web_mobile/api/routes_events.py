"""Event subscriptions over HTTP (admin): webhooks and MQTT brokers, dead letters, replay."""

from __future__ import annotations

from typing import Any

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import (
    Deleted,
    DeliveryList,
    Replay,
    SubscriptionCreated,
    SubscriptionList,
)
from web_mobile.api.auth import core
from web_mobile.api.bodies import SubscriptionCreate, SubscriptionUpdate
from web_mobile.api.openapi import ADMIN
from web_mobile.api.routing import endpoint

SUB = "/subscriptions/<int:sub_id>"


@endpoint(bp, "GET", "/subscriptions", roles=ADMIN)
def list_subscriptions() -> Any:
    answer: SubscriptionList = {"subscriptions": encode(core().deliveries.subscriptions())}
    return answer


@endpoint(bp, "POST", "/subscriptions", roles=ADMIN, body="SubscriptionCreate", status=201)
def create_subscription(body: SubscriptionCreate) -> Any:
    sub, secret = core().deliveries.subscribe(
        name=body["name"],
        channel=body["channel"],
        url=body["url"],
        kinds=body.get("kinds"),
        topic_prefix=body.get("topic_prefix"),
    )
    answer: SubscriptionCreated = {"subscription": encode(sub), "secret": secret}
    return answer


@endpoint(bp, "GET", SUB, roles=ADMIN)
def get_subscription(sub_id: int) -> Any:
    return encode(core().deliveries.subscription(sub_id))


@endpoint(bp, "PATCH", SUB, roles=ADMIN, body="SubscriptionUpdate")
def update_subscription(sub_id: int, body: SubscriptionUpdate) -> Any:
    sub = core().deliveries.update(
        sub_id, url=body.get("url"), kinds=body.get("kinds"), topic_prefix=body.get("topic_prefix")
    )
    return encode(sub)


@endpoint(bp, "DELETE", SUB, roles=ADMIN)
def delete_subscription(sub_id: int) -> Any:
    core().deliveries.unsubscribe(sub_id)
    answer: Deleted = {"deleted": sub_id}
    return answer


@endpoint(bp, "GET", f"{SUB}/dead-letters", roles=ADMIN)
def list_dead_letters(sub_id: int) -> Any:
    answer: DeliveryList = {"deliveries": encode(core().deliveries.dead_letters(sub_id))}
    return answer


@endpoint(bp, "POST", f"{SUB}/dead-letters/<int:seq>/replay", roles=ADMIN)
def replay_dead_letter(sub_id: int, seq: int) -> Any:
    info, replayed = core().deliveries.replay(sub_id, seq)
    answer: Replay = {"delivery": encode(info), "replayed": replayed}
    return answer
