"""The request bodies' TypedDicts (web_mobile.api.bodies) and the OpenAPI schemas agree,
and every route reads its body as the TypedDict of its schema."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

import pytest
from flask import Flask

from web_mobile.api import bodies
from web_mobile.api.openapi import SCHEMAS
from web_mobile.api.routing import ROUTES

BODIES = sorted({r.body for r in ROUTES if r.body is not None})
SCALARS = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _of_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """What a property's schema says, in the terms a type hint can say it."""
    if "$ref" in schema:
        return {"ref": schema["$ref"].rsplit("/", 1)[1]}
    declared = schema["type"]
    out: dict[str, Any] = {"types": {declared} if isinstance(declared, str) else set(declared)}
    if "enum" in schema:
        out["enum"] = list(schema["enum"])
    if "format" in schema:
        out["format"] = schema["format"]
    if "items" in schema:
        out["items"] = _of_schema(schema["items"])
    return out


def _of_hint(hint: Any) -> dict[str, Any]:
    """What a TypedDict field's type says, as :func:`_of_schema` puts a schema."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if typing.is_typeddict(hint):
        return {"ref": hint.__name__}
    if origin in (typing.Union, types.UnionType):
        out: dict[str, Any] = {"types": set()}
        for part in (_of_hint(a) for a in args):
            out = {**part, **out, "types": out["types"] | part["types"]}
        return out
    if origin is typing.Literal:
        return {"types": {"string"}, "enum": list(args)}
    if origin is list:
        return {"types": {"array"}, "items": _of_hint(args[0])}
    if origin is dict:
        return {"types": {"object"}}
    if hint is dt.date:
        return {"types": {"string"}, "format": "date"}
    if hint is type(None):
        return {"types": {"null"}}
    return {"types": {SCALARS[hint]}}


@pytest.mark.parametrize("name", BODIES)
def test_the_typed_body_says_what_its_schema_says(name: str) -> None:
    schema, typed = SCHEMAS[name], getattr(bodies, name)
    hints = typing.get_type_hints(typed)
    assert set(hints) == set(schema["properties"]), name
    assert typed.__required_keys__ == set(schema.get("required", ())), name
    for field, hint in hints.items():
        assert _of_hint(hint) == _of_schema(schema["properties"][field]), f"{name}.{field}"


def test_every_route_reads_its_body_as_its_typed_dict(app: Flask) -> None:
    views = {
        (method, rule.rule.removeprefix("/api/v1")): app.view_functions[rule.endpoint]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods or ()
    }
    checked = 0
    for route in ROUTES:
        view = views[(route.method, route.path)].__wrapped__  # the route's own function
        hint = typing.get_type_hints(view).get("body")
        if route.body is None:
            assert hint is None, route
        else:
            assert hint is getattr(bodies, route.body), route
            checked += 1
    assert checked == len([r for r in ROUTES if r.body])
