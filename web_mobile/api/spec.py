"""One declaration per endpoint: the Flask route, its auth, its body check and its OpenAPI entry.

Keeping all four in one place is what keeps the OpenAPI document true.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, g, request

from web_mobile.api.auth import authenticate
from web_mobile.api.errors import ApiError

# field -> (json type, required, description); json types: string, integer, number,
# boolean, date, array, object
Schema = dict[str, tuple[str, bool, str]]


@dataclass
class Endpoint:
    method: str
    path: str  # Flask syntax, e.g. /documents/<number>
    summary: str
    roles: tuple[str, ...]
    body: Schema | None = None
    query: Schema = field(default_factory=dict)
    tag: str = "api"


ENDPOINTS: list[Endpoint] = []
ANY_ROLE = ("admin", "setup", "operator", "integration")
MASTER = ("admin", "setup", "integration")
SCAN = ("admin", "operator", "integration")


def _check(value: Any, kind: str, name: str) -> Any:
    ok = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float | str) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "date": lambda v: isinstance(v, str),
    }[kind]
    if value is None:
        return None
    if not ok(value):
        raise ApiError(422, "invalid_request", f"{name} must be a {kind}", {"field": name})
    if kind == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ApiError(
                422,
                "invalid_request",
                f"{name} must be a date YYYY-MM-DD, got {value!r}",
                {"field": name},
            ) from None
    return value


def parse_body(schema: Schema) -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        if request.get_data():
            raise ApiError(422, "invalid_request", "the body is not valid JSON", {})
        data = {}
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object", {})
    unknown = sorted(set(data) - set(schema))
    if unknown:
        raise ApiError(
            422, "invalid_request", f"unknown field {unknown[0]!r}", {"field": unknown[0]}
        )
    out: dict[str, Any] = {}
    for name, (kind, required, _desc) in schema.items():
        if name not in data or data[name] is None:
            if required:
                raise ApiError(422, "invalid_request", f"{name} is required", {"field": name})
            continue
        out[name] = _check(data[name], kind, name)
    return out


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    summary: str,
    *,
    roles: tuple[str, ...] = ANY_ROLE,
    body: Schema | None = None,
    query: Schema | None = None,
    tag: str = "api",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    spec = Endpoint(method, path, summary, roles, body, query or {}, tag)
    ENDPOINTS.append(spec)

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**kwargs: Any) -> Any:
            g.token = authenticate(roles)
            if body is not None:
                kwargs["body"] = parse_body(body)
            return fn(**kwargs)

        bp.add_url_rule(path, f"{method.lower()}_{fn.__name__}", view, methods=[method])
        return view

    return wrap
