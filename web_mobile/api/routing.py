"""``endpoint``: one declaration per route with its roles, its body and its status.

The view returns JSON data; the wrapper authenticates, checks the body, the path values
and the query parameter names (those of the OpenAPI document), and renders.
Declarations are kept in ``ROUTES`` so a test can hold them against the document.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.routing import BaseConverter

from web_mobile.api.auth import authenticate
from web_mobile.api.errors import ApiError, invalid_request
from web_mobile.api.inputs import INT64, check, parse_body, plain, query_value
from web_mobile.api.openapi import PATHS, SCHEMAS, openapi_path, path_schema

View = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Flask syntax, relative to /api/v1
    roles: tuple[str, ...]
    body: str | None  # a schema name in openapi.SCHEMAS


ROUTES: list[Route] = []


class DeviceName(BaseConverter):
    """A device's name in a path, never ``enrol``: ``/devices/enrol`` is the enrolment
    route alone, so ``GET /devices/enrol`` is a 405 as the document says, not a device."""

    regex = r"(?!enrol(?![^/]))[^/]+"


#: path converters the routes use; ``init_app`` adds them before the routes are bound
CONVERTERS: dict[str, type[BaseConverter]] = {"device_name": DeviceName}


def _in_range(name: str, value: int) -> None:
    """An id past its column's range names nothing: 404. (The check is here, not in an
    ``int(max=...)`` converter: Werkzeug answers a converter's refusal on a path with
    several methods with a 405.)"""
    schema = path_schema(name)
    if not schema.get("minimum", 0) <= value <= schema.get("maximum", INT64):
        raise ApiError(404, "not_found", f"No {name} {value}", {"field": name, "value": value})


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    roles: tuple[str, ...],
    body: str | None = None,
    status: int = 200,
) -> Callable[[View], View]:
    if body is not None and body not in SCHEMAS:
        raise KeyError(f"no schema {body!r} in openapi.SCHEMAS")
    ROUTES.append(Route(method, path, roles, body))
    documented = PATHS.get(openapi_path(path), {}).get(method.lower(), {})
    # a misspelt filter (?itme=) must not quietly answer everything
    query = {p["name"]: p["schema"] for p in documented.get("parameters", []) if p["in"] == "query"}

    def wrap(fn: View) -> View:
        @functools.wraps(fn)
        def view(**kwargs: Any) -> Response:
            if roles:  # no roles: a public route (its body is the credential)
                authenticate(roles, f"{method} {request.path}")
            unknown = sorted(set(request.args) - set(query))
            if unknown:
                raise invalid_request(unknown[0], "unknown query parameter")
            for name, value in kwargs.items():
                if isinstance(value, int):
                    _in_range(name, value)
                if isinstance(value, str):
                    plain(name, value)
                    # a value outside a path enum names no resource: the route's 404
                    shape = {k: v for k, v in path_schema(name).items() if k != "enum"}
                    check(value, shape, name, strict=True)
            for name, value in request.args.items(multi=True):
                query_value(name, value, query[name])
            if method in ("POST", "PATCH", "PUT"):
                checked = parse_body(body)
                if body is not None:
                    kwargs["body"] = checked
            out = fn(**kwargs)
            if isinstance(out, Response):  # a label body, not JSON
                return out
            resp = jsonify(out)
            resp.status_code = status
            return resp

        bp.add_url_rule(path, endpoint=fn.__name__, view_func=view, methods=[method])
        return fn

    return wrap
