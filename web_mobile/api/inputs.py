"""Request bodies and query strings, checked before anything reaches the core.

Bodies are checked against the OpenAPI schemas (the subset of JSON Schema they use):
type, enum, minimum/maximum, format date, properties, required, additionalProperties,
items, $ref. Dates come back as ``datetime.date``. Every refusal is a 422
``invalid_request`` naming the field, e.g. ``lines[0].quantity``.

>>> check([{"item": "A", "quantity": 2, "location": "B"}], {"type": "array",
...       "items": {"$ref": "#/components/schemas/Line"}}, "lines")
[{'item': 'A', 'quantity': 2, 'location': 'B'}]
>>> check("2026-13-01", {"type": "string", "format": "date"}, "expiry")
Traceback (most recent call last):
...
web_mobile.api.errors.ApiError: Invalid expiry: must be a date YYYY-MM-DD, got '2026-13-01'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from flask import request

from tracking_core import one_of
from tracking_core.errors import InvalidInput
from web_mobile.api.errors import invalid_request
from web_mobile.api.openapi import PATTERNS, SCHEMAS

_NAMES = {"object": "an object", "array": "an array", "integer": "an integer"}
INT64 = 2**63 - 1
Word = TypeVar("Word", bound=str)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _expected(types: Sequence[str]) -> str:
    return " or ".join(_NAMES.get(t, f"a {t}") for t in types)


def check(value: Any, schema: Mapping[str, Any], where: str, *, strict: bool = False) -> Any:
    """``value`` if it fits ``schema`` (dates parsed), else raise naming ``where``.

    A schema marked ``x-checked-by: core`` states what the core refuses with its own
    error (a quantity, a serial, a code's length): in a body only its type is checked
    here, so the error is the core's; ``strict`` (path and query values) checks it all.
    """
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    declared = schema["type"]
    types = [declared] if isinstance(declared, str) else list(declared)
    kind = _kind(value)
    if kind not in types and not (kind == "integer" and "number" in types):
        got = "null" if value is None else kind
        raise invalid_request(where, f"must be {_expected(types)}, got {got}")
    if "enum" in schema and value not in schema["enum"]:
        raise invalid_request(where, f"must be one of {', '.join(schema['enum'])}")
    deferred = schema.get("x-checked-by") == "core" and not strict
    if kind == "integer" and "integer" in types:
        return int(value) if deferred else _integer(int(value), schema, where)
    if kind in ("integer", "number") and not deferred:
        return _number(value, schema, where)
    if kind == "string" and not deferred:
        _string(value, schema, where)
    if kind == "string" and schema.get("format") == "date":
        return parse_date(value, where)
    if kind == "array" and "items" in schema:
        return [check(v, schema["items"], f"{where}[{i}]") for i, v in enumerate(value)]
    if kind == "object" and "properties" in schema:
        return _object(value, schema, where)
    return value


def _integer(value: int, schema: Mapping[str, Any], where: str) -> int:
    low, high = schema.get("minimum", -INT64), schema.get("maximum", INT64)
    if not low <= value <= high:
        raise invalid_request(where, f"must be from {low} to {high}, got {value}")
    return value


def _number(value: float, schema: Mapping[str, Any], where: str) -> float:
    low, high = schema.get("minimum"), schema.get("exclusiveMaximum")
    if (low is not None and value < low) or (high is not None and value >= high):
        raise invalid_request(where, f"must be from {low} to below {high}, got {value}")
    return value


def _string(value: str, schema: Mapping[str, Any], where: str) -> None:
    """Lengths and the pattern, refused as the core refuses the same text (invalid_input);
    a pattern's reason is the one ``openapi.PATTERNS`` gives."""
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if len(value) < low:
        raise InvalidInput(field=where, reason="must not be empty")
    if high is not None and len(value) > high:
        raise InvalidInput(field=where, reason=f"longer than {high} characters ({len(value)})")
    pattern = schema.get("pattern")
    if pattern is not None and not re.search(pattern, value):
        bad = next((c for c in value if not c.isprintable()), None)
        if bad is not None:  # the usual reason, said as the core says it
            raise InvalidInput(
                field=where, reason=f"control character U+{ord(bad):04X} not allowed"
            )
        if not value.strip():
            raise InvalidInput(field=where, reason="must not be empty")
        raise InvalidInput(field=where, reason=f"must be {PATTERNS.get(pattern, pattern)}")


def _object(value: dict[str, Any], schema: Mapping[str, Any], where: str) -> dict[str, Any]:
    props: Mapping[str, Any] = schema["properties"]
    prefix = f"{where}." if where else ""
    unknown = sorted(set(value) - set(props))
    if unknown and schema.get("additionalProperties") is False:
        raise invalid_request(prefix + unknown[0], "unknown field")
    for name in schema.get("required", ()):
        if name not in value:
            raise invalid_request(prefix + name, "is required")
    return {k: check(v, props[k], prefix + k) for k, v in value.items()}


def parse_date(value: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid_request(where, f"must be a date YYYY-MM-DD, got {value!r}") from None


_NO_BODY = object()


def _json_body() -> Any:
    """The body's JSON; ``_NO_BODY`` when there is none (a JSON ``null`` is not "none")."""
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413 from Werkzeug
    if not raw:  # whitespace alone is a body, and not JSON
        return _NO_BODY
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise invalid_request("body", "not valid JSON") from None


def parse_body(schema_name: str | None) -> dict[str, Any]:
    """The JSON object of the request, checked; an empty body is ``{}``.

    Without a schema the endpoint takes no body: only nothing or ``{}`` is accepted.
    """
    data = _json_body()
    if data is _NO_BODY:
        data = {}
    if not isinstance(data, dict):
        raise invalid_request("body", f"must be an object, got {_kind(data)}")
    if schema_name is None:
        if data:
            raise invalid_request(sorted(data)[0], "unknown field; this request takes no body")
        return {}
    result: dict[str, Any] = check(data, SCHEMAS[schema_name], "")
    return result


def plain(name: str, value: str) -> str:
    """A path or query value: no control characters (the database cannot even hold NUL)."""
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        raise invalid_request(name, f"control character U+{ord(bad):04X} not allowed")
    return value


def query_value(name: str, value: str, schema: Mapping[str, Any]) -> None:
    """A query value against its documented schema: whole numbers in range, strings as
    ``check`` takes them (an empty value is checked too: ``?item=`` is not "no item")."""
    if schema.get("type") == "integer":
        if not value.isascii() or not value.isdigit():
            raise invalid_request(name, f"must be a whole number, got {value!r}")
        number = int(value)
        if "enum" in schema and number not in schema["enum"]:
            raise invalid_request(name, f"must be one of {', '.join(map(str, schema['enum']))}")
        _integer(number, {"minimum": 0, **schema}, name)
        return
    plain(name, value)
    check(value, schema, name, strict=True)


def arg(name: str) -> str | None:
    value = request.args.get(name)
    return None if value is None or value == "" else plain(name, value)


def choice_arg(name: str, choices: tuple[Word, ...], default: Word | None = None) -> Word | None:
    """One of ``choices`` (typed as they are), ``default`` when not given."""
    value = arg(name)
    if value is None:
        return default
    try:
        return one_of(name, value, choices)
    except InvalidInput as refused:
        raise invalid_request(name, refused.reason) from None


def int_arg(name: str, default: int, *, low: int = 0, high: int = INT64) -> int:
    value = arg(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit():
        raise invalid_request(name, f"must be a whole number, got {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise invalid_request(name, f"must be from {low} to {high}, got {number}")
    return number
