"""REST API v1: JSON over bearer tokens, thin over ``tracking_core.core.Tracking``.

``init_app(app)`` mounts it at ``/api/v1``; the routes live in one module per resource.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from web_mobile.api import errors, openapi, routing

PREFIX = "/api/v1"
MAX_BODY = 1024 * 1024
blueprint = Blueprint("api_v1", __name__)


@blueprint.get("/openapi.json")
def openapi_json() -> Any:
    return openapi.document()


# Imported for their routes, after the blueprint exists.
from web_mobile.api import (  # noqa: E402, F401
    routes_admin,
    routes_containers,
    routes_control,
    routes_devices,
    routes_documents,
    routes_epcis,
    routes_events,
    routes_inquiry,
    routes_labels,
    routes_master,
    routes_scanning,
    routes_scans,
    routes_ship_notice,
)


def init_app(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # larger bodies: 413
    errors.install(app)
    app.url_map.converters.update(routing.CONVERTERS)
    app.register_blueprint(blueprint, url_prefix=PREFIX)


__all__ = ["PREFIX", "blueprint", "init_app"]
