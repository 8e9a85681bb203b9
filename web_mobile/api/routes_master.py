"""Master data: items, locations, partners."""

from __future__ import annotations

from typing import Any

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import ItemList, LocationList, PartnerList
from web_mobile.api.auth import core
from web_mobile.api.bodies import (
    ItemCreate,
    ItemPatch,
    LocationCreate,
    LocationPatch,
    PartnerCreate,
)
from web_mobile.api.openapi import ANY_ROLE, MASTER
from web_mobile.api.routing import endpoint


@endpoint(bp, "GET", "/items", roles=ANY_ROLE)
def list_items() -> Any:
    answer: ItemList = {"items": encode(core().items())}
    return answer


@endpoint(bp, "POST", "/items", roles=MASTER, body="ItemCreate", status=201)
def create_item(body: ItemCreate) -> Any:
    return encode(core().create_item(**body))


@endpoint(bp, "GET", "/items/<key>", roles=ANY_ROLE)
def get_item(key: str) -> Any:
    return encode(core().item(key))


@endpoint(bp, "PATCH", "/items/<key>", roles=MASTER, body="ItemPatch")
def patch_item(key: str, body: ItemPatch) -> Any:
    return encode(core().update_item(key, **body))


@endpoint(bp, "GET", "/locations", roles=ANY_ROLE)
def list_locations() -> Any:
    answer: LocationList = {"locations": encode(core().locations())}
    return answer


@endpoint(bp, "POST", "/locations", roles=MASTER, body="LocationCreate", status=201)
def create_location(body: LocationCreate) -> Any:
    return encode(core().create_location(**body))


@endpoint(bp, "PATCH", "/locations/<code>", roles=MASTER, body="LocationPatch")
def patch_location(code: str, body: LocationPatch) -> Any:
    return encode(core().update_location(code, **body))


@endpoint(bp, "GET", "/partners", roles=ANY_ROLE)
def list_partners() -> Any:
    answer: PartnerList = {"partners": encode(core().partners())}
    return answer


@endpoint(bp, "POST", "/partners", roles=MASTER, body="PartnerCreate", status=201)
def create_partner(body: PartnerCreate) -> Any:
    return encode(core().create_partner(**body))
