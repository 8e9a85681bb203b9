"""REST API v1: JSON over bearer tokens, thin over ``tracking_core.core.Tracking``."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("api_v1", __name__)

from web_mobile.api import errors  # noqa: E402

errors.install(blueprint)

from web_mobile.api import (  # noqa: E402,F401
    routes_documents,
    routes_master,
    routes_openapi,
    routes_stock,
)
