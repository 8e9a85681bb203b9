"""Devices (enrolment, revocation, scan profiles) and operators' PINs and roles."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from scanner_gateway.interpret import ScanProfile
from tracking_core.codec import encode
from tracking_core.devices import DeviceInfo
from tracking_core.errors import InvalidInput
from web_mobile import device_events
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import DeviceEnrolment, DeviceList, EnrolledDevice, Enrolment, SignIns
from web_mobile.api.auth import core
from web_mobile.api.bodies import DeviceCreate, DeviceProfile, Enrol, OperatorPin, OperatorRole
from web_mobile.api.inputs import arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, DEVICES, OPERATORS
from web_mobile.api.response_schema import present
from web_mobile.api.routing import endpoint

ENROL_PATH = "/enrol#code="


def check_profile(profile: Any) -> dict[str, Any]:
    """A device's scan profile as ScanProfile reads it; InvalidInput says what is wrong."""
    if not isinstance(profile, dict):
        raise InvalidInput(field="profile", reason="must be an object")
    try:
        ScanProfile.from_mapping(profile)
    except (ValueError, TypeError) as err:
        raise InvalidInput(field="profile", reason=str(err)) from None
    return profile


def enrolment(code: str, device: DeviceInfo) -> Enrolment:
    """The code, the link a QR code carries, and until when it works."""
    base = request.host_url.rstrip("/")
    return {
        "code": code,
        "url": f"{base}{ENROL_PATH}{code}",
        "expires_at": encode(device.enrol_expires_at),
    }


@endpoint(bp, "GET", "/devices", roles=ANY_ROLE)
def list_devices() -> Any:
    answer: DeviceList = {"devices": encode(core().devices())}
    return answer


@endpoint(bp, "POST", "/devices", roles=DEVICES, body="DeviceCreate", status=201)
def create_device(body: DeviceCreate) -> Any:
    profile = check_profile(body.get("profile", {}))
    code, info = core().create_device(body["name"], profile=profile, station=body.get("station"))
    return {**present(info, DeviceEnrolment), "enrolment": enrolment(code, info)}


@endpoint(bp, "POST", "/devices/enrol", roles=(), body="Enrol")
def enrol_device(body: Enrol) -> Any:
    token, info = core().enrol_device(body["code"])
    answer: EnrolledDevice = {"device": encode(info), "token": token}
    return answer


@endpoint(bp, "GET", "/devices/<device_name:name>", roles=ANY_ROLE)
def get_device(name: str) -> Any:
    return encode(core().device(name))


@endpoint(bp, "POST", "/devices/<device_name:name>/enrolment", roles=DEVICES, status=201)
def new_enrolment(name: str) -> Any:
    code, info = core().new_enrolment(name)
    return {**present(info, DeviceEnrolment), "enrolment": enrolment(code, info)}


@endpoint(bp, "POST", "/devices/<device_name:name>/revoke", roles=DEVICES)
def revoke_device(name: str) -> Any:
    info = core().revoke_device(name)
    device_events.revoked(current_app, info.name)  # its open connections drop now
    return encode(info)


@endpoint(bp, "PUT", "/devices/<device_name:name>/profile", roles=DEVICES, body="DeviceProfile")
def set_profile(name: str, body: DeviceProfile) -> Any:
    return encode(core().set_device_profile(name, check_profile(body["profile"])))


@endpoint(bp, "PUT", "/operators/<badge>/pin", roles=OPERATORS, body="OperatorPin")
def set_pin(badge: str, body: OperatorPin) -> Any:
    return encode(core().set_operator_pin(badge, body["pin"]))


@endpoint(bp, "PUT", "/operators/<badge>/role", roles=OPERATORS, body="OperatorRole")
def set_role(badge: str, body: OperatorRole) -> Any:
    return encode(core().set_operator_role(badge, body["role"]))


@endpoint(bp, "GET", "/operators/signins", roles=OPERATORS)
def signins() -> Any:
    limit = int_arg("limit", 100, low=1, high=1000)
    answer: SignIns = {"signins": encode(core().operator_signins(badge=arg("badge"), limit=limit))}
    return answer
