"""Items, locations, partners, settings and tokens."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import core
from web_mobile.api.spec import MASTER, Schema, endpoint

ITEM: Schema = {
    "sku": ("string", True, "stock keeping unit, unique"),
    "description": ("string", False, ""),
    "tracking": ("string", True, "none | lot | serial"),
    "uom": ("string", False, "unit of measure, default EA"),
    "gtins": ("array", False, "GTIN-8/12/13/14 with check digits"),
    "serial_mask": ("string", False, "see the README's mask syntax"),
    "lot_mask": ("string", False, ""),
    "shelf_life_days": ("integer", False, "expiry of stock received without one"),
    "warranty_days": ("integer", False, ""),
    "standard_cost": ("number", False, ""),
}
ITEM_PATCH: Schema = {
    k: (t, False, d) for k, (t, _r, d) in ITEM.items() if k not in ("sku", "tracking")
}


@endpoint(bp, "GET", "/items", "List items", tag="items")
def list_items() -> Any:
    return jsonify(items=encode(core().items()))


@endpoint(bp, "POST", "/items", "Create an item", roles=MASTER, body=ITEM, tag="items")
def create_item(body: dict[str, Any]) -> Any:
    return jsonify(encode(core().create_item(**body))), 201


@endpoint(bp, "GET", "/items/<key>", "An item by SKU or GTIN", tag="items")
def get_item(key: str) -> Any:
    return jsonify(encode(core().item(key)))


@endpoint(bp, "PATCH", "/items/<sku>", "Change an item", roles=MASTER, body=ITEM_PATCH, tag="items")
def patch_item(sku: str, body: dict[str, Any]) -> Any:
    return jsonify(encode(core().update_item(sku, **body)))


LOCATION: Schema = {
    "code": ("string", True, "unique code, printed on the location label"),
    "name": ("string", False, ""),
    "kind": ("string", False, "dock | bin | staging | shipping | quarantine"),
    "parent": ("string", False, "code of the parent location"),
}


@endpoint(bp, "GET", "/locations", "List locations", tag="locations")
def list_locations() -> Any:
    return jsonify(locations=encode(core().locations()))


@endpoint(
    bp, "POST", "/locations", "Create a location", roles=MASTER, body=LOCATION, tag="locations"
)
def create_location(body: dict[str, Any]) -> Any:
    return jsonify(encode(core().create_location(**body))), 201


PARTNER: Schema = {
    "code": ("string", True, ""),
    "name": ("string", False, ""),
    "kind": ("string", True, "vendor | customer | both"),
}


@endpoint(bp, "GET", "/partners", "List partners", tag="partners")
def list_partners() -> Any:
    return jsonify(partners=encode(core().partners()))


@endpoint(bp, "POST", "/partners", "Create a partner", roles=MASTER, body=PARTNER, tag="partners")
def create_partner(body: dict[str, Any]) -> Any:
    return jsonify(encode(core().create_partner(**body))), 201


@endpoint(bp, "GET", "/settings", "The settings", tag="settings")
def get_settings() -> Any:
    return jsonify(core().settings().as_dict())


SETTINGS_PATCH: Schema = {
    "changes": ("object", True, "setting -> new value; needs the setup or admin role"),
}


@endpoint(
    bp,
    "PATCH",
    "/settings",
    "Change settings (audited)",
    roles=("admin", "setup"),
    body=SETTINGS_PATCH,
    tag="settings",
)
def patch_settings(body: dict[str, Any]) -> Any:
    new = core().update_settings(body["changes"], actor=g.token.name, role=g.token.role)
    return jsonify(new.as_dict())


@endpoint(bp, "GET", "/settings/changes", "The audit of setting changes", tag="settings")
def settings_changes() -> Any:
    return jsonify(changes=encode(core().setting_changes()))


TOKEN: Schema = {
    "name": ("string", True, ""),
    "role": ("string", True, "admin | setup | operator | integration"),
}


@endpoint(bp, "GET", "/tokens", "List API tokens", roles=("admin",), tag="tokens")
def list_tokens() -> Any:
    return jsonify(tokens=encode(core().tokens()))


@endpoint(
    bp,
    "POST",
    "/tokens",
    "Create an API token (shown once)",
    roles=("admin",),
    body=TOKEN,
    tag="tokens",
)
def create_token(body: dict[str, Any]) -> Any:
    secret, info = core().create_token(name=body["name"], role=body["role"])
    return jsonify(token=secret, **encode(info)), 201


@endpoint(
    bp, "DELETE", "/tokens/<int:token_id>", "Revoke an API token", roles=("admin",), tag="tokens"
)
def revoke_token(token_id: int) -> Any:
    return jsonify(encode(core().revoke_token(token_id)))
