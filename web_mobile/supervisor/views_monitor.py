"""The live monitor: every scan as it happens, per station and device (Socket.IO ``/scan``,
room ``monitor``), for whoever is signed in to these pages."""

from __future__ import annotations

from typing import Any

from flask import render_template

from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import session as sv


@bp.get("/monitor")
@sv.requires("read")
def monitor() -> Any:
    return render_template("supervisor/monitor.html", devices=sv.core().devices())
