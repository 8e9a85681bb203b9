"""Hold a real answer to the OpenAPI document: its status documented, its media type and
its body what the operation's response schema says (``jsonschema``, Draft 2020-12).

``#/components/schemas/X`` refs are resolved through a ``referencing`` registry holding
every component under ``urn:scantrack:schema:X``.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from web_mobile.api.openapi import document

PREFIX = "/api/v1"
_LOCAL = "#/components/schemas/"
_URN = "urn:scantrack:schema:"
Schema = dict[str, Any]
# (method, path template, status) of every answer checked in this process: a test that
# means to reach every operation clears it, calls, and reads it
CHECKED: list[tuple[str, str, int]] = []


def _urns(node: Any) -> Any:
    """A copy with every local schema ref made a registry URI."""
    if isinstance(node, dict):
        return {
            k: (_URN + v.removeprefix(_LOCAL) if k == "$ref" and v.startswith(_LOCAL) else _urns(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_urns(v) for v in node]
    return node


@functools.cache
def _doc() -> Schema:
    doc: Schema = json.loads(json.dumps(document()))  # as served: JSON types only
    return doc


@functools.cache
def _registry() -> Registry:
    schemas = _doc()["components"]["schemas"]
    return Registry().with_resources(
        (_URN + name, Resource.from_contents(_urns(s), default_specification=DRAFT202012))
        for name, s in schemas.items()
    )


@functools.cache
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for path in _doc()["paths"]:
        pattern = re.sub(r"\\{(\w+)\\}", r"[^/]+", re.escape(path))
        out.append((re.compile(f"^{pattern}$"), path))
    # literal paths before templated ones: /devices/enrol is not /devices/{name}
    return tuple(sorted(out, key=lambda pt: pt[1].count("{")))


def operation(method: str, url: str) -> tuple[str, Schema] | None:
    """(path template, operation) of a request URL under /api/v1, or None."""
    path = url.split("?", 1)[0].removeprefix(PREFIX)
    for pattern, template in _templates():
        if pattern.match(path):
            op = _doc()["paths"][template].get(method.lower())
            if op is not None:
                return template, op
    return None


def response_of(op: Schema, status: int) -> Schema | None:
    """The documented response for ``status``: exact, else its ``NXX`` range."""
    responses = op["responses"]
    found = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if found is not None and "$ref" in found:
        name = found["$ref"].rsplit("/", 1)[1]
        found = _doc()["components"]["responses"][name]
    return found


@functools.lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(
        _urns(json.loads(schema_json)),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def validate(data: Any, schema: Schema) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``data`` fits ``schema``."""
    _validator(json.dumps(schema, sort_keys=True)).validate(data)


def validate_component(data: Any, name: str) -> None:
    validate(data, {"$ref": _LOCAL + name})


def conform(method: str, url: str, resp: TestResponse) -> str | None:
    """Check ``resp`` against the document; the path template checked, None if the URL is
    no operation of the API (an unknown path: Flask's 404 or 405)."""
    found = operation(method, url)
    if found is None:
        return None
    template, op = found
    where = f"{method} {template} -> {resp.status_code}"
    response = response_of(op, resp.status_code)
    assert response is not None, f"{where}: status not documented"
    content = response.get("content", {})
    assert resp.mimetype in content, f"{where}: {resp.mimetype} not documented ({list(content)})"
    schema = content[resp.mimetype]["schema"]
    if resp.mimetype == "application/json" or resp.mimetype.endswith("+json"):
        validate(resp.get_json(force=True), schema)
    else:
        assert schema.get("type") == "string", where
    CHECKED.append((method.upper(), template, resp.status_code))
    return template
