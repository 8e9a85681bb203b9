"""Stock control: recall and release lots, quarantine, scrap serials."""

from __future__ import annotations

from typing import Any

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import Serial
from web_mobile.api.auth import actor, core
from web_mobile.api.bodies import Quarantine, Recall, Scrap
from web_mobile.api.errors import invalid_request
from web_mobile.api.openapi import MASTER
from web_mobile.api.response_schema import present
from web_mobile.api.routes_inquiry import lot_json
from web_mobile.api.routing import endpoint


@endpoint(bp, "POST", "/lots/<item>/<lot>/recall", roles=MASTER, body="Recall")
def recall_lot(item: str, lot: str, body: Recall) -> Any:
    core().recall_lot(item=item, lot=lot, **body)
    return lot_json(core().lot(lot, item=item))


@endpoint(bp, "POST", "/lots/<item>/<lot>/release", roles=MASTER)
def release_lot(item: str, lot: str) -> Any:
    core().release_lot(item=item, lot=lot)
    return lot_json(core().lot(lot, item=item))


@endpoint(bp, "POST", "/quarantine", roles=MASTER, body="Quarantine")
def quarantine(body: Quarantine) -> Any:
    """Answers the serial or lot as it is now."""
    c = core()
    item, serial, lot = body["item"], body.get("serial"), body.get("lot")
    if not body["on"] and "until" in body:
        raise invalid_request("until", "only with on: true")
    if body["on"]:
        c.quarantine(item=item, serial=serial, lot=lot, until=body.get("until"))
    else:
        c.release_quarantine(item=item, serial=serial, lot=lot)
    if serial is not None:
        return present(c.serial(serial, item=item), Serial)
    return lot_json(c.lot(str(lot), item=item))  # the core refused neither-nor already


@endpoint(bp, "POST", "/serials/<serial>/scrap", roles=MASTER, body="Scrap", status=201)
def scrap_serial(serial: str, body: Scrap) -> Any:
    return encode(core().scrap_serial(serial=serial, actor=actor(), **body))
