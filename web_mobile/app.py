"""The composition root: ``create_app(config)`` builds the core and the web app.

Nothing here runs at import time; the database is opened (and migrated) by
``create_app`` only.

Config keys, each defaulting from the environment:

* ``DATABASE_URL``: ``SCANTRACK_DATABASE_URL``, else an SQLite file under ``var/``
* ``BOOTSTRAP_TOKEN``: ``SCANTRACK_BOOTSTRAP_TOKEN``; an admin API token made on start
* ``MIGRATE``: run the Alembic migrations on start (default true)
* ``TRACKING``: an existing ``Tracking`` to serve (tests); ``DATABASE_URL`` is then unused
* ``CLOCK``: a ``() -> datetime`` for a core built here
* ``ALLOWED_ORIGINS``: ``SCANTRACK_ALLOWED_ORIGINS``; origins besides the server's own that
  may open the handheld protocol (comma-separated; ``*`` is refused)

Any other key goes to ``app.config`` as it is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify
from sqlalchemy import text

from scanner_gateway import interpret
from scanner_gateway.session import Gateway
from tracking_core.core import Tracking
from tracking_core.db import Database, database_url
from tracking_core.errors import DomainError
from tracking_core.migrate import upgrade

OBJECT_KEYS = ("TRACKING", "CLOCK")  # live objects: not copied into app.config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    cfg = dict(config or {})
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the core's field order
    app.config.update({k: v for k, v in cfg.items() if k not in OBJECT_KEYS})
    app.config.setdefault("BOOTSTRAP_TOKEN", os.environ.get("SCANTRACK_BOOTSTRAP_TOKEN") or None)
    app.config.setdefault("MIGRATE", True)

    core: Tracking | None = cfg.get("TRACKING")
    if core is None:
        app.config.setdefault("DATABASE_URL", database_url())
        core = _build_core(app.config["DATABASE_URL"], cfg.get("CLOCK"))
    else:
        app.config.setdefault(
            "DATABASE_URL", core.db.engine.url.render_as_string(hide_password=False)
        )
    try:
        if app.config["MIGRATE"]:
            upgrade(core.db.engine)
        if app.config["BOOTSTRAP_TOKEN"]:
            core.create_token(name="bootstrap", role="admin", token=app.config["BOOTSTRAP_TOKEN"])
    except Exception:
        if "TRACKING" not in cfg:
            core.db.dispose()  # ours to close: a failed start leaves no open pool behind
        raise
    app.extensions["scantrack"] = core
    # Scans over HTTP take the gateway path every device takes.
    app.extensions["scantrack.gateway"] = Gateway(core, interpret)

    from web_mobile import api

    api.init_app(app)
    from web_mobile.realtime import init_app as init_realtime; init_realtime(app)  # noqa: E702, I001
    app.add_url_rule("/healthz", "healthz", _healthz)
    return app


def _build_core(url: str, clock: Any) -> Tracking:
    db = Database.from_url(url)
    return Tracking(db) if clock is None else Tracking(db, clock=clock)


def _healthz() -> tuple[Response, int]:
    core: Tracking = current_app.extensions["scantrack"]
    dialect = core.db.dialect
    try:
        core.db.run(lambda s: s.execute(text("SELECT 1")), readonly=True)
    except DomainError as err:  # the core turns database failures into StorageError
        return jsonify(status="unavailable", database=dialect, error=err.code), 503
    return jsonify(status="ok", database=dialect), 200
