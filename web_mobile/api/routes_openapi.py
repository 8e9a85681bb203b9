"""GET /api/v1/openapi.json, built from the endpoint declarations."""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify

from web_mobile.api import blueprint as bp
from web_mobile.api.spec import ENDPOINTS, Schema

JSON_TYPES = {
    "date": {"type": "string", "format": "date"},
    "number": {"type": ["number", "string"]},
}


def _schema(schema: Schema) -> dict[str, Any]:
    props = {
        name: {**JSON_TYPES.get(kind, {"type": kind}), "description": desc}
        for name, (kind, _req, desc) in schema.items()
    }
    required = [name for name, (_k, req, _d) in schema.items() if req]
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def openapi_path(flask_path: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_path)


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for ep in ENDPOINTS:
        path = openapi_path(ep.path)
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in re.findall(r"{(\w+)}", path)
        ] + [
            {
                "name": n,
                "in": "query",
                "required": req,
                "description": d,
                "schema": JSON_TYPES.get(k, {"type": k}),
            }
            for n, (k, req, d) in ep.query.items()
        ]
        op: dict[str, Any] = {
            "summary": ep.summary,
            "tags": [ep.tag],
            "parameters": params,
            "description": f"Roles: {', '.join(ep.roles)}",
            "responses": {
                "200": {"description": "OK"},
                "4XX": {"$ref": "#/components/responses/Error"},
            },
        }
        if ep.tag == "meta":
            op["security"] = []
        if ep.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(ep.body)}},
            }
        paths.setdefault(path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "scantrack API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "details": {"type": "object"},
                            },
                            "required": ["code", "message", "details"],
                        }
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document())
