"""The OpenAPI document and the registered routes describe the same API."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import Api
from web_mobile.api.openapi import SCHEMAS, document, openapi_path
from web_mobile.api.routing import ROUTES

METHODS = {"get", "post", "patch", "put", "delete"}


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_every_route_is_in_the_document_and_back(app: Flask) -> None:
    registered = {
        (method, openapi_path(rule.rule.removeprefix("/api/v1")))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert set(_operations(document())) == registered


def test_roles_and_bodies_match_the_declarations() -> None:
    ops = _operations(document())
    for route in ROUTES:
        op = ops[(route.method, openapi_path(route.path))]
        assert op["x-roles"] == list(route.roles), route
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        assert body.get("schema") == (
            {"$ref": f"#/components/schemas/{route.body}"} if route.body else None
        ), route
    assert len(ROUTES) == len(ops) - 1  # all but openapi.json itself


def test_the_document_is_well_formed(client: FlaskClient) -> None:
    served = client.get("/api/v1/openapi.json").get_json()
    doc = document()
    assert served == json.loads(json.dumps(doc))
    assert (doc["openapi"], doc["security"]) == ("3.1.0", [{"bearer": []}])
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert doc["components"]["schemas"]["Error"]["properties"]["error"]["required"] == [
        "code",
        "message",
        "details",
    ]
    for path, item in doc["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
    refs = re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', json.dumps(doc))
    assert refs and all(name in doc["components"][kind] for kind, name in refs)


def test_the_settings_schema_names_every_setting(api: Api) -> None:
    props = SCHEMAS["SettingsPatch"]["properties"]
    assert set(props) == set(api.ok("GET", "/settings"))
    assert props["allocation_order"] == {
        "type": "string",
        "enum": ["fifo", "fefo", "lifo", "by_number"],
    }


def test_item_create_requires_sku_and_tracking() -> None:
    schema = SCHEMAS["ItemCreate"]
    assert (schema["required"], schema["additionalProperties"]) == (["sku", "tracking"], False)


def test_typed_answers_are_derived_from_the_encoded_types(api: Api) -> None:
    """Master data answers name exactly the fields the dataclasses encode, in the document."""
    api.ok("POST", "/items", {"sku": "TYPED-1", "tracking": "lot"}, status=201)
    api.ok("POST", "/locations", {"code": "TYPED-LOC"}, status=201)
    api.ok("POST", "/partners", {"code": "TYPED-P", "kind": "customer"}, status=201)
    doc = document()
    schemas = doc["components"]["schemas"]
    for path, key, component in (
        ("/items", "items", "ItemInfo"),
        ("/locations", "locations", "LocationInfo"),
        ("/partners", "partners", "PartnerInfo"),
    ):
        answer = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        listing = schemas[answer["schema"]["$ref"].rsplit("/", 1)[1]]
        assert listing["properties"][key] == {
            "type": "array",
            "items": {"$ref": f"#/components/schemas/{component}"},
        }
        rows = api.ok("GET", path)[key]
        assert rows, path
        for row in rows:
            assert set(row) == set(schemas[component]["properties"]), path
            assert set(schemas[component]["required"]) == set(row), path
    assert schemas["ItemInfo"]["properties"]["tracking"]["enum"] == ["none", "lot", "serial"]
    assert schemas["ItemInfo"]["properties"]["standard_cost"]["type"] == "string"
