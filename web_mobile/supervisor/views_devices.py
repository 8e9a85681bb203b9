"""Devices: add one, show its enrolment QR code and link, a new code, its scan profile, revoke.

An enrolment code is shown once, on the page that answers the POST that made it (never in
a URL, a redirect or the session cookie): the core keeps only its hash.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import zxingcpp
from flask import current_app, redirect, render_template, request, url_for
from PIL import Image

from tracking_core.devices import DeviceInfo
from tracking_core.errors import InvalidInput
from web_mobile import device_events
from web_mobile.api.routes_devices import check_profile, enrolment
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import forms
from web_mobile.supervisor import session as sv


def qr_png(text: str) -> str:
    """A QR code of ``text`` as a PNG data URL (one pixel a module; the page scales it)."""
    img = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=1)
    png = io.BytesIO()
    Image.fromarray(img).save(png, "PNG")  # 8-bit grey through its array interface
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()


def _profile(raw: str | None) -> dict[str, Any]:
    """The profile textarea: a JSON object ScanProfile accepts (empty: no profile)."""
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as err:
        raise InvalidInput(field="profile", reason=f"is not JSON ({err})") from None
    return check_profile(value)


def _page(shown: tuple[str, DeviceInfo] | None = None, status: int = 200) -> Any:
    c = sv.core()
    code: dict[str, Any] | None = None
    if shown is not None:
        code = {**enrolment(*shown), "device": shown[1].name}
        code["qr"] = qr_png(code["url"])
    page = render_template(
        "supervisor/devices.html",
        devices=c.devices(),
        enrolment=code,
        profile_json=lambda d: json.dumps(d.profile, indent=2, sort_keys=True),
    )
    return page, status


@bp.get("/devices")
@sv.requires("read")
def devices() -> Any:
    return _page()


@bp.post("/devices")
@sv.requires("devices")
def device_create() -> Any:
    name = forms.form("name", required=True)
    station = forms.form("station")
    profile = _profile(request.form.get("profile"))
    assert name is not None
    return _page(sv.core().create_device(name, profile=profile, station=station), 201)


@bp.post("/devices/<name>/enrolment")
@sv.requires("devices")
def device_enrolment(name: str) -> Any:
    return _page(sv.core().new_enrolment(name), 201)


@bp.post("/devices/<name>/profile")
@sv.requires("devices")
def device_profile(name: str) -> Any:
    sv.core().set_device_profile(name, _profile(request.form.get("profile")))
    return redirect(url_for("supervisor.devices"))


@bp.post("/devices/<name>/revoke")
@sv.requires("devices")
def device_revoke(name: str) -> Any:
    info = sv.core().revoke_device(name)
    device_events.revoked(current_app, info.name)  # its open sockets drop now
    return redirect(url_for("supervisor.devices"))
