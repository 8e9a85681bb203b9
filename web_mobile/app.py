"""The composition root: ``create_app(config)`` builds the core, the gateway and the web app."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify

from tracking_core.core import Tracking
from tracking_core.db import Database, database_url
from tracking_core.migrate import upgrade

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    cfg = dict(config or {})
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=cfg.get("DATABASE_URL") or database_url(),
        BOOTSTRAP_TOKEN=cfg.get("BOOTSTRAP_TOKEN", os.environ.get("SCANTRACK_BOOTSTRAP_TOKEN")),
        MIGRATE=cfg.get("MIGRATE", True),
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    core: Tracking | None = cfg.get("TRACKING")
    if core is None:
        db = Database.from_url(app.config["DATABASE_URL"])
        core = Tracking(db, **({"clock": cfg["CLOCK"]} if "CLOCK" in cfg else {}))
    if app.config["MIGRATE"]:
        upgrade(core.db.engine)
    if app.config["BOOTSTRAP_TOKEN"]:
        core.create_token(name="bootstrap", role="admin", token=app.config["BOOTSTRAP_TOKEN"])
    app.extensions["scantrack"] = core

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok", database=core.db.dialect)

    from web_mobile.api import blueprint as api

    app.register_blueprint(api, url_prefix="/api/v1")
    return app
