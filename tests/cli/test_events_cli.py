"""``scantrack events``: subscriptions, bad URLs refused, dead letters replayed once."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli
from tests.events.receiver import dead_letter, receiving
from tracking_core.core import Tracking


def test_subscribe_list_update_delete(cli: Cli) -> None:
    r = cli("events", "subscribe", "erp", "--webhook", "http://127.0.0.1:9/hook", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert len(out["secret"]) == 64
    sub_id = out["subscription"]["id"]
    r = cli(
        "events", "subscribe", "mq", "--mqtt", "mqtt://127.0.0.1:1883", "--kind", "lot.recalled"
    )
    assert r.exit_code == 0, r.output
    assert "secret" not in r.output
    r = cli("events", "list")
    assert "erp: webhook http://127.0.0.1:9/hook (events: all)" in r.output
    assert "mq: mqtt mqtt://127.0.0.1:1883 topic scantrack (events: lot.recalled)" in r.output
    r = cli("events", "update", str(sub_id), "--kind", "document.posted")
    assert r.exit_code == 0 and "(events: document.posted)" in r.output
    assert cli("events", "delete", str(sub_id)).exit_code == 0
    r = cli("events", "show", str(sub_id))
    assert r.exit_code == 1 and "subscription" in r.output


def test_bad_urls_are_refused_with_a_clear_error(cli: Cli) -> None:
    for args, reason in (
        (("--webhook", "ftp://x/"), "a webhook URL starts with http:// or https://"),
        (("--webhook", "http://"), "has no host"),
        (("--mqtt", "mqtt://h/path"), "an MQTT URL is mqtt://host[:port], no path"),
    ):
        r = cli("events", "subscribe", "bad", *args)
        assert r.exit_code == 1, r.output
        assert reason in r.output
    assert "no subscriptions" in cli("events", "list").output


def test_dead_letter_replay_twice_and_worker_once(cli: Cli, core: Tracking) -> None:
    failing = {"on": True}
    with receiving(lambda e, n: (500, {}) if failing["on"] else None) as rec:
        r = cli("events", "subscribe", "erp", "--webhook", rec.url, "--json")
        sub_id = json.loads(r.output)["subscription"]["id"]

        seq = dead_letter(core, sub_id)  # the CLI worker's real clock would back off
        r = cli("events", "dead", str(sub_id))
        assert "HTTP 500" in r.output and str(seq) in r.output
        failing["on"] = False
        r = cli("events", "replay", str(sub_id), str(seq))
        assert r.output.strip() == f"event {seq}: queued again"
        r = cli("events", "replay", str(sub_id), str(seq))
        assert r.output.strip() == f"event {seq}: not dead (pending): nothing to replay"
        r = cli("events", "worker", "--once", "--channel", "webhook")
        assert r.exit_code == 0, r.output
        assert [e["id"] for e in rec.seen] == [seq]
