"""Words and bounds for the fields of derived answer schemas, per component and field.

The types come from the Python types (``response_schema.schema_of``); these notes only
describe them. A note on a field the type does not have is an error when the document is
built, so a renamed field cannot leave a stale note behind.
"""

from __future__ import annotations

from typing import Any

from tracking_core.delivery import CHANNELS

Schema = dict[str, Any]

DELIVERY_STATES = ("pending", "sending", "delivered", "dead")


def _d(text: str, **bounds: Any) -> Schema:
    return {"description": text, **bounds}


_POSITIVE = {"minimum": 1}
_COUNT = {"minimum": 0}

NOTES: dict[str, dict[str, Schema]] = {
    "StockLevel": {
        "item": _d("SKU"),
        "location": _d("location code"),
        "lot": _d("null: serials, counted per item and location"),
        "on_hand": _COUNT,
        "allocated": _COUNT,
        "available": _COUNT,
        "expiry": _d("lots only"),
        "value": _d("decimal: serials, the sum of their costs; a lot, on hand x its unit cost"),
    },
    "Stock": {"value": _d("decimal: the sum of the rows' values")},
    "LedgerRecord": {
        "seq": _d(
            "the ledger's one number across serial and lot records, in commit order without"
            " gaps: the feed's cursor",
            minimum=1,
        ),
        "id": _d("numbered apart per kind: the old cursor, with kind", minimum=1),
        "posted_at": _d("ISO date and time, UTC"),
        "document": _d("the document's number"),
        "item": _d("SKU"),
        "serial": _d("serial records: the serial"),
        "lot": _d("a lot record's lot; a serial's lot as printed, if any"),
        "partner": _d("the document's partner"),
        "from_location": _d("null: it came in"),
        "to_location": _d("null: it left; from = to: a revaluation (moves no quantity)"),
        "quantity": _d("1 for a serial; 0 for a revaluation", minimum=0),
        "cost": _d("decimal: the value moved (a revaluation: the change)"),
        "operator": _d("the signed-in operator's badge"),
        "token": _d("the API token's name, or the CLI's actor"),
        "device": _d("the scanning device"),
        "reversal_of": _d("the id (same kind) of the record it reverses"),
        "unit_price": _d("decimal: the line's sales price, never a cost"),
    },
    "LedgerPage": {
        "since": _d("the since asked for", minimum=0),
        "next_since": _d(
            "the cursor to ask from next: every record up to it is in this page", minimum=0
        ),
        "last": _d("the highest seq committed when the page was read", minimum=0),
        "more": _d("next_since < last"),
    },
    "Valuation": {
        "at": _d("the day: records posted up to its end (UTC) count"),
        "on_hand": _d("the sum of the rows' on hand"),
        "value": _d("decimal: the sum of the rows' values"),
        "reconciliation": _d("for today only: the ledger against the stock tables"),
    },
    "Reconciliation": {
        "ledger_value": _d("decimal: the ledger's value today"),
        "stock_value": _d("decimal: the stock tables' (serials' costs, lots' on hand x unit cost)"),
        "ok": _d("no differences"),
    },
    "ValuationRow": {
        "item": _d("SKU"),
        "location": _d("location code"),
        "lot": _d("serials: the lot printed on them, null if none"),
        "on_hand": _d("serials counted; a lot's quantity"),
        "value": _d("decimal: serials' values summed; a lot's value there"),
    },
    "ValuationDiff": {
        "ledger_on_hand": _d("by the ledger"),
        "ledger_value": _d("decimal: by the ledger"),
        "stock_on_hand": _d("by the stock tables", minimum=0),
        "stock_value": _d("decimal: by the stock tables"),
    },
    "ShipNotice": {
        "partner": _d("the document's partner"),
        "complete": _d("nothing missing, nothing unexpected"),
        "lines": _d("lines without a notice are left out"),
    },
    "ExpectedLine": {
        "line": _POSITIVE,
        "item": _d("SKU"),
        "expected": _d("serials on the notice", minimum=0),
        "received": _d("on the notice and generated on the line", minimum=0),
        "missing": _d("on the notice, not generated yet", minimum=0),
        "unexpected": _d("generated on the line, not on the notice", minimum=0),
        "serials": _d("the notice's serials in order, then the unexpected ones"),
    },
    "LabelJob": {
        "id": _POSITIVE,
        "payload": _d("what the labels show"),
        "labels": _d("labels the payload makes", minimum=0),
        "copies": _POSITIVE,
        "device": _d("routes to its station's printer"),
        "attempts": _COUNT,
        "sent_labels": _COUNT,
    },
    "LabelJobEvent": {
        "event": _d(
            "printed, retry, unconfirmed, reprint, printed, cancel, reprinted_as, reprint_of"
        ),
        "job": _d("reprinted_as: the new job; reprint_of: the original"),
    },
    "LabelJobList": {"next": _d("pass as after for the next page; null: no more")},
    "SsccLabels": {"ssccs": _d("18 digits each")},
    "Subscription": {
        "id": _POSITIVE,
        "name": _d("unique"),
        "channel": {"enum": list(CHANNELS)},
        "url": _d("http(s)://host/path for a webhook, mqtt://host:port for MQTT"),
        "topic_prefix": _d("MQTT: topics under it"),
        "kinds": _d("only these event kinds; null: all"),
    },
    "SubscriptionCreated": {
        "secret": _d("webhook: the signing secret, shown this once; MQTT: null"),
    },
    "Delivery": {
        "subscription": _POSITIVE,
        "seq": _d("the event id", minimum=1),
        "status": {"enum": list(DELIVERY_STATES)},
        "attempts": _COUNT,
    },
    "Replay": {"replayed": _d("false: it was not dead (replayed already or delivered)")},
    "Deleted": {"deleted": _POSITIVE},
    "NewToken": {"token": _d("the secret: this answer is the only time it is shown")},
    "EnrolledDevice": {"token": _d("the device's own token, shown this once")},
    "Feedback": {
        "code": _d("stable, e.g. serial_generated, serial_already_allocated"),
        "prompt": _d("what to scan next"),
        "sound": _d("beep, double-beep or buzz, by status"),
        "data": _d("the step's data; on an error, {error: the error's details}"),
    },
}
