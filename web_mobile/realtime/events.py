"""The ``/scan`` namespace's handlers: connect (authentication) and the client events.

Every event is checked before it reaches the gateway: one JSON object of at most
``MAX_EVENT_BYTES`` with the expected fields and types, else an ack
``{"status": "error", "code": "message_too_large" | "invalid_event", ...}`` and nothing
changes. Anything unexpected is logged and answered ``internal_error``: an ack is never
dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import socketio
from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from scanner_gateway.interpret import COMMANDS
from tracking_core.auth import allowed
from tracking_core.errors import DomainError
from web_mobile import device_events, scanning
from web_mobile.realtime.hub import (
    ENGINE_MAX_BYTES,
    EXTENSION,
    MAX_EVENT_BYTES,
    NAMESPACE,
    Client,
    Hub,
    disconnect_device,
    hub,
    origin_check,
    origins_from,
    station_profile,
)
from web_mobile.supervisor.session import monitor_identity

log = logging.getLogger(__name__)

MAX_ID = 128  # scan ids, device and station names


class _Manager(socketio.Manager):  # type: ignore[misc]
    """Says hello once a client is connected: after the CONNECT packet, not before it
    (an emit inside the connect handler would reach the client before it is connected)."""

    def __init__(self) -> None:
        super().__init__()
        self.hub: Hub | None = None

    def connect(self, sid: str, namespace: str) -> Any:
        sid = super().connect(sid, namespace)
        if self.hub is not None and namespace == NAMESPACE:
            client = self.hub.get(sid)
            if client is not None:
                try:
                    self.hub.hello(client)
                except Exception:
                    log.exception("hello to %s failed", sid)
        return sid


def _error(code: str, message: str, **data: Any) -> dict[str, Any]:
    return {"status": "error", "code": code, "message": message, **data}


class _Refuse(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class _Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.ack = _error(code, message)


def _plain(name: str, value: Any, *, limit: int = MAX_ID) -> str:
    if not isinstance(value, str) or not value:
        raise _Invalid("invalid_event", f"{name}: expected a non-empty string, got {value!r}")
    if len(value) > limit:
        raise _Invalid("invalid_event", f"{name}: at most {limit} characters")
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        raise _Invalid("invalid_event", f"{name}: control character U+{ord(bad):04X} not allowed")
    return value


def _optional(name: str, value: Any, *, limit: int = MAX_ID) -> str | None:
    return None if value is None else _plain(name, value, limit=limit)


def _payload(args: tuple[Any, ...], fields: dict[str, bool]) -> dict[str, Any]:
    """The event's one object, checked for size and field names (``fields``: required?)."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise _Invalid("invalid_event", "expected one JSON object")
    data: dict[str, Any] = args[0]
    _size(data)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _Invalid("invalid_event", f"{unknown[0]}: unknown field")
    missing = [k for k, req in fields.items() if req and k not in data]
    if missing:
        raise _Invalid("invalid_event", f"{missing[0]}: is required")
    return data


def _size(data: Any) -> None:
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode())
    except (TypeError, ValueError):  # binary attachments and the like
        raise _Invalid("invalid_event", "expected JSON data") from None
    if size > MAX_EVENT_BYTES:
        raise _Invalid(
            "message_too_large", f"the event has {size} bytes; at most {MAX_EVENT_BYTES}"
        )


def _client(*, scanning_client: bool = True) -> Client:
    c = hub(current_app._get_current_object()).get(request.sid)  # type: ignore[attr-defined]
    if c is None:  # not authenticated: the connect handler refused or it is gone
        raise _Invalid("unauthenticated", "connect with auth={token} first")
    if scanning_client and c.kind != "device":
        raise _Invalid("permission_denied", f"a {c.kind} connection only receives")
    return c


def _answer(fn: Any) -> Any:
    """The handler's ack, or the error ack of a refused event."""

    def handler(*args: Any) -> Any:
        try:
            return fn(*args)
        except _Invalid as bad:
            return bad.ack

    handler.__name__ = fn.__name__
    return handler


# --- connect ---------------------------------------------------------------------------


def _authenticate(h: Hub, auth: Any, sid: str, environ: dict[str, Any]) -> Client:
    # engine.io refuses a foreign origin's handshake already (HTTP 400); this is the
    # same test again, for a transport that got past it
    if not h.origin_ok(environ.get("HTTP_ORIGIN"), environ):
        raise _Refuse("origin_refused", f"origin {environ.get('HTTP_ORIGIN')!r} is not allowed")
    if auth == {"monitor": True}:  # the supervisor pages' monitor: their session cookie
        who = monitor_identity()
        if who is None:
            raise _Refuse("token_missing", "sign in to the supervisor pages first")
        return Client(sid, "monitor", who)
    if auth is None or (isinstance(auth, dict) and not auth.get("token")):
        raise _Refuse("token_missing", "connect with auth={token: TOKEN}")
    if not isinstance(auth, dict) or not isinstance(auth.get("token"), str):
        raise _Refuse("invalid_auth", "auth must be an object with a token string")
    extra = sorted(set(auth) - {"token", "device", "station", "monitor"})
    if extra:
        raise _Refuse("invalid_auth", f"auth.{extra[0]}: unknown field")
    info = h.core.authenticate(auth["token"])
    if info is None:
        if h.core.revoked_device_of(auth["token"]) is not None:
            raise _Refuse("device_revoked", "this device is revoked: enrol it again")
        raise _Refuse("token_unknown", "unknown or revoked token")
    enrolled = h.core.authenticate_device(auth["token"])
    try:
        if auth.get("station") is not None:
            return Client(sid, "station", info, station=_plain("auth.station", auth["station"]))
        if auth.get("monitor") not in (None, False):
            if auth["monitor"] is not True:
                raise _Refuse("invalid_auth", "auth.monitor must be true or false")
            return Client(sid, "monitor", info)
        if enrolled is not None:  # a device token names its device
            if auth.get("device") not in (None, enrolled.name):
                raise _Refuse("invalid_auth", "auth.device: a device token scans as its device")
            device = enrolled.name
        else:
            device = _plain("auth.device", auth.get("device") or info.name)
    except _Invalid as bad:
        raise _Refuse("invalid_auth", bad.ack["message"]) from None
    if not allowed(info.role, "scan"):
        raise _Refuse("permission_denied", f"the {info.role} role may not scan")
    station = (enrolled.station if enrolled else None) or h.station_for(device)
    return Client(sid, "device", info, device=device, station=station)


def _refused(code: str, message: str) -> ConnectionRefusedError:
    """The client's ``connect_error`` gets ``{message, data: {code, message}}`` (in
    socket.io-client: ``err.message``, ``err.data.code``)."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def _connect(h: Hub, auth: Any) -> bool:
    sid: str = request.sid  # type: ignore[attr-defined]
    try:
        client = _authenticate(h, auth, sid, request.environ)
    except _Refuse as no:
        raise _refused(no.code, no.message) from None
    except Exception:
        # an error handler's answer would count as success: refuse here instead
        log.exception("connect of %s failed", sid)
        raise _refused("internal_error", "Internal error; it has been logged") from None
    h.add(client)
    if client.device is not None:
        join_room(f"device:{client.device}")
    if client.station is not None:
        join_room(f"station:{client.station}")
    if client.kind == "monitor":
        join_room("monitor")
    return True


# --- events ----------------------------------------------------------------------------


def _scan(*args: Any) -> Any:
    c = _client()
    data = _payload(args, {"scan_id": True, "raw": True, "symbology": False})
    scan_id = _plain("scan_id", data["scan_id"])
    raw = data["raw"]
    if not isinstance(raw, str):
        raise _Invalid("invalid_event", f"raw: expected a string, got {type(raw).__name__}")
    symbology = _optional("symbology", data.get("symbology"), limit=3)
    assert c.device is not None
    # control characters in raw are the gateway's to judge (GS is data there)
    return scanning.scan(c.device, scan_id, raw, symbology, caller=c.caller).to_json()


def _command(*args: Any) -> Any:
    c = _client()
    data = _payload(args, {"scan_id": True, "name": True, "args": False})
    scan_id = _plain("scan_id", data["scan_id"])
    name = data["name"]
    if name not in COMMANDS:
        raise _Invalid("invalid_event", f"name: expected one of {', '.join(COMMANDS)}")
    argument = data.get("args")
    if isinstance(argument, list) and len(argument) <= 1:
        argument = argument[0] if argument else None  # ["receive"] reads as "receive"
    if isinstance(argument, bool) or not isinstance(argument, (str, int, type(None))):
        raise _Invalid("invalid_event", "args: expected a string, a whole number or null")
    if isinstance(argument, str):
        _plain("args", argument)
    assert c.device is not None
    return scanning.command(c.device, scan_id, name, argument, caller=c.caller).to_json()


def _signin(h: Hub, *args: Any) -> Any:
    """Badge and PIN: the operator signs the device's records until idle too long."""
    c = _client()
    data = _payload(args, {"badge": True, "pin": True})
    badge = _plain("badge", data["badge"], limit=64)
    pin = data["pin"]
    if not isinstance(pin, str):
        raise _Invalid("invalid_event", "pin: expected a string of digits")
    assert c.device is not None
    if badge[:3].upper() == "OP:":  # the badge label as scanned
        badge = badge[3:]
    try:
        who = h.core.sign_in_operator(c.device, badge, pin)
    except DomainError as err:
        details = err.details()
        return _error(err.code, str(err), retry_after=details.get("retry_after", 0))
    h.session(c.device)
    operator = {"badge": who.badge, "name": who.name, "role": who.role}
    until = None if who.expires_at is None else who.expires_at.isoformat()
    return {
        "status": "ok",
        "code": "signed_in",
        "message": f"Signed in: {who.badge} ({who.name})",
        "operator": {**operator, "expires_at": until},
    }


def _signout(h: Hub, *args: Any) -> Any:
    c = _client()
    if args and args != ({},) and args != (None,):
        _payload(args, {})
    assert c.device is not None
    h.core.sign_out_operator(c.device)
    h.session(c.device)
    return {"status": "ok", "code": "signed_out", "message": "Signed out"}


def _echo(*args: Any) -> Any:
    _client(scanning_client=False)
    if len(args) != 1:
        raise _Invalid("invalid_event", "expected one value")
    _size(args[0])
    return args[0]


def _disconnect(h: Hub, *_: Any) -> None:
    h.remove(request.sid)  # type: ignore[attr-defined]


def _on_error(err: Exception) -> dict[str, Any]:
    event = getattr(request, "event", {}).get("message")
    if isinstance(err, DomainError):  # refused by the core outside the gateway
        return _error(err.code, str(err), data={"error": err.details()})
    log.exception("/scan event %s failed", event, exc_info=err)
    return _error("internal_error", "Internal error; it has been logged")


def install(app: Flask) -> Hub:
    check = origin_check(origins_from(app))
    manager = _Manager()
    sio = SocketIO(
        app,
        async_mode="threading",
        cors_allowed_origins=check,  # the server's own origin and the listed ones
        max_http_buffer_size=ENGINE_MAX_BYTES,
        client_manager=manager,
        manage_session=False,
    )
    h = Hub(app, sio, origin_ok=check)
    manager.hub = h
    app.extensions[EXTENSION] = h
    sio.on_event("connect", lambda auth=None: _connect(h, auth), namespace=NAMESPACE)
    sio.on_event("disconnect", lambda *a: _disconnect(h, *a), namespace=NAMESPACE)
    for name, fn in (("scan", _scan), ("command", _command), ("echo", _echo)):
        sio.on_event(name, _answer(fn), namespace=NAMESPACE)
    sio.on_event("signin", _answer(lambda *a: _signin(h, *a)), namespace=NAMESPACE)
    sio.on_event("signout", _answer(lambda *a: _signout(h, *a)), namespace=NAMESPACE)
    scanning.set_fallback_profile(app, lambda device: station_profile(app, device))
    device_events.on_revoke(app, lambda name: disconnect_device(app, name))
    sio.on_error(NAMESPACE)(_on_error)
    scanning.after_step(app, h.on_step)
    return h
