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

from web_mobile.api.auth import authenticate
from web_mobile.api.errors import invalid_request
from web_mobile.api.inputs import parse_body, plain
from web_mobile.api.openapi import PATHS, SCHEMAS, openapi_path

View = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Flask syntax, relative to /api/v1
    roles: tuple[str, ...]
    body: str | None  # a schema name in openapi.SCHEMAS


ROUTES: list[Route] = []


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
    query = {p["name"] for p in documented.get("parameters", []) if p["in"] == "query"}

    def wrap(fn: View) -> View:
        @functools.wraps(fn)
        def view(**kwargs: Any) -> Response:
            if roles:  # no roles: a public route (its body is the credential)
                authenticate(roles, f"{method} {request.path}")
            unknown = sorted(set(request.args) - query)
            if unknown:
                raise invalid_request(unknown[0], "unknown query parameter")
            for name, value in kwargs.items():
                if isinstance(value, str):
                    plain(name, value)
            if method in ("POST", "PATCH", "PUT"):
                checked = parse_body(body)
                if body is not None:
                    kwargs["body"] = checked
            resp = jsonify(fn(**kwargs))
            resp.status_code = status
            return resp

        bp.add_url_rule(path, endpoint=fn.__name__, view_func=view, methods=[method])
        return fn

    return wrap
