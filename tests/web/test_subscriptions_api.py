"""Event subscriptions over HTTP: admin only, bad URLs refused, dead letters replayed once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.events.receiver import dead_letter
from tests.web.conftest import Api
from tests.web.openapi_check import validate_component
from tracking_core.core import Tracking


def valid(data: Any, schema: str) -> None:
    validate_component(data, schema)


def test_create_list_get_update_delete(api: Api) -> None:
    made = api.ok(
        "POST",
        "/subscriptions",
        {"name": "erp", "channel": "webhook", "url": "http://127.0.0.1:9/hook"},
        status=201,
    )
    valid(made, "SubscriptionCreated")
    assert len(made["secret"]) == 64
    sub = made["subscription"]
    mq = api.ok(
        "POST",
        "/subscriptions",
        {
            "name": "mq",
            "channel": "mqtt",
            "url": "mqtt://127.0.0.1:1883",
            "kinds": ["lot.recalled"],
        },
        status=201,
    )
    assert mq["secret"] is None and mq["subscription"]["topic_prefix"] == "scantrack"
    listed = api.ok("GET", "/subscriptions")
    valid(listed, "SubscriptionList")
    assert [s["name"] for s in listed["subscriptions"]] == ["erp", "mq"]
    assert "secret" not in str(listed)
    got = api.ok("GET", f"/subscriptions/{sub['id']}")
    valid(got, "Subscription")
    changed = api.ok("PATCH", f"/subscriptions/{sub['id']}", {"kinds": ["document.posted"]})
    assert changed["kinds"] == ["document.posted"]
    valid(api.ok("DELETE", f"/subscriptions/{sub['id']}"), "Deleted")
    assert api.error("GET", f"/subscriptions/{sub['id']}")[0] == 404


def test_bad_input_is_refused_and_changes_nothing(api: Api, as_role: Callable[[str], Api]) -> None:
    for body, want in (
        ({"name": "a", "channel": "webhook", "url": "ftp://x/"}, "invalid_input"),
        ({"name": "a", "channel": "webhook", "url": "http://"}, "invalid_input"),
        ({"name": "a", "channel": "mqtt", "url": "mqtt://h:1883/path"}, "invalid_input"),
        # the schema's enum refuses an unknown kind before the core sees it
        (
            {"name": "a", "channel": "webhook", "url": "http://h/", "kinds": ["x"]},
            "invalid_request",
        ),
    ):
        status, code = api.error("POST", "/subscriptions", body)
        assert (status, code) == (422, want), (body, code)
    assert api.ok("GET", "/subscriptions") == {"subscriptions": []}
    status, _ = as_role("operator").error("GET", "/subscriptions")
    assert status == 403


def test_dead_letters_and_replay_twice(api: Api, core: Tracking) -> None:
    made = api.ok(
        "POST",
        "/subscriptions",
        {"name": "erp", "channel": "webhook", "url": "http://127.0.0.1:9/"},
        status=201,
    )
    sub_id = made["subscription"]["id"]

    seq = dead_letter(core, sub_id)
    dead = api.ok("GET", f"/subscriptions/{sub_id}/dead-letters")
    valid(dead, "DeliveryList")
    assert [(d["seq"], d["status"], d["last_error"]) for d in dead["deliveries"]] == [
        (seq, "dead", "HTTP 500")
    ]
    first = api.ok("POST", f"/subscriptions/{sub_id}/dead-letters/{seq}/replay")
    valid(first, "Replay")
    assert (first["replayed"], first["delivery"]["status"]) == (True, "pending")
    again = api.ok("POST", f"/subscriptions/{sub_id}/dead-letters/{seq}/replay")
    assert (again["replayed"], again["delivery"]["status"]) == (False, "pending")
    assert api.ok("GET", f"/subscriptions/{sub_id}/dead-letters") == {"deliveries": []}
    assert api.error("POST", f"/subscriptions/{sub_id}/dead-letters/999999/replay")[0] == 404
