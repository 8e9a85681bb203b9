"""Station displays: ``/station/<name>``, the screen beside a fixed scanner at a dock PC.

The page connects to the Socket.IO namespace ``/scan`` as a display of one station
(``auth={"token": T, "station": NAME}``, any API token may read) and shows each
``feedback`` the station's scanner causes: huge, colour-coded, with a sound. The token
comes from the URL fragment ``#token=...`` once (kiosk set-up; the fragment never reaches
a server log) or is asked for on the page; the browser keeps it in localStorage.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from scanner_gateway.stations import DEVICE_ID

bp = Blueprint("station", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/station/<name>")
def display(name: str) -> tuple[str, int]:
    if DEVICE_ID.fullmatch(name) is None:
        # the same rule as a [stations.NAME] table in the stations file
        return render_template("station/unknown.html", name=name), 404
    return render_template("station/display.html", name=name), 200
