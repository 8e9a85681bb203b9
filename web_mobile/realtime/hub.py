"""Who is connected to ``/scan``, and the pushes to them (rooms per device and station).

Rooms: ``device:NAME`` (every tab of one handheld), ``station:NAME`` (station displays),
``monitor`` (supervisors' live monitor). Pushes work from any thread (a station's
scanner thread too): Flask-SocketIO's ``emit`` outside a request.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from flask import Flask

from scanner_gateway.interpret.profile import DEFAULT_PROFILE, ScanProfile
from scanner_gateway.session import Feedback, SessionState
from scanner_gateway.sources.raw_scan import RawScan
from tracking_core.auth import TokenInfo
from tracking_core.core import Actor, Tracking
from tracking_core.errors import InvalidInput, UnknownDevice
from web_mobile.scanning import StepDone, gateway

if TYPE_CHECKING:
    from flask_socketio import SocketIO

log = logging.getLogger(__name__)

NAMESPACE = "/scan"
EXTENSION = "scantrack.realtime"
# The app's own limit on one event's JSON; engine.io's own cap sits a little above, so a
# message between the two gets a clear ``message_too_large`` ack instead of a dropped line.
MAX_EVENT_BYTES = 4096
ENGINE_MAX_BYTES = 3 * MAX_EVENT_BYTES
STATIONS = "scantrack.stations"  # the StationConfig of `serve --stations`, if any

Kind = Literal["device", "station", "monitor"]


class OriginsError(ValueError):
    """``ALLOWED_ORIGINS`` that cannot be used (``*``, or not ``scheme://host[:port]``)."""

    code = "invalid_config"


def allowed_origins(value: str | None) -> list[str] | None:
    """The origins allowed besides the server's own; None: the same origin only.

    >>> allowed_origins(" https://a.example, http://10.0.0.5:8000 ")
    ['https://a.example', 'http://10.0.0.5:8000']
    >>> allowed_origins("") is None
    True
    >>> allowed_origins("*")
    Traceback (most recent call last):
    ...
    web_mobile.realtime.hub.OriginsError: ALLOWED_ORIGINS: '*' would let any web page drive the scanners; list the origins, e.g. https://scan.example:8443
    """  # noqa: E501
    items = [o.strip().rstrip("/") for o in (value or "").split(",") if o.strip()]
    for o in items:
        if "*" in o:
            raise OriginsError(
                f"ALLOWED_ORIGINS: {o!r} would let any web page drive the scanners; "
                "list the origins, e.g. https://scan.example:8443"
            )
        scheme, sep, rest = o.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest:
            raise OriginsError(
                f"ALLOWED_ORIGINS: expected origins like https://host:port, got {o!r}"
            )
    return items or None


def origins_from(app: Flask) -> list[str] | None:
    raw = app.config.get("ALLOWED_ORIGINS")
    if raw is None:
        raw = os.environ.get("SCANTRACK_ALLOWED_ORIGINS", "")
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    return allowed_origins(str(raw))


def origin_check(extra: list[str] | None) -> Callable[[str | None, dict[str, Any]], bool]:
    """engine.io's origin test: the server's own origin (as the browser sees it, also
    behind a proxy's X-Forwarded-Proto/Host) or one of ``extra``."""
    allowed = set(extra or ())

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        if not origin:
            return True  # not a browser: nothing to check (the token still is)
        if origin in allowed:
            return True
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{host}"}
        fwd_proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        fwd_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        own.add(f"{fwd_proto}://{fwd_host}")
        return origin in own

    return check


@dataclass(frozen=True)
class Client:
    sid: str
    kind: Kind
    token: TokenInfo
    device: str | None = None  # handhelds
    station: str | None = None  # station displays; a handheld's own station, if any

    @property
    def caller(self) -> Actor:
        return Actor(token=self.token.name, role=self.token.role, device=self.device)


def profile_json(profile: ScanProfile) -> dict[str, Any]:
    """What a page needs of its device's scan profile (``hello``)."""
    extra = [s for s in profile.separators if s != "\x1d"]
    labels = profile.labels
    return {
        "gs_replacement": extra[0] if extra else None,
        "separators": list(profile.separators),
        "gs1": profile.gs1,
        "ambiguous_ai": profile.ambiguous_ai,
        "max_length": profile.max_length,
        "labels": {
            k: getattr(labels, k)
            for k in ("location", "document", "operator", "command", "partner")
        },
    }


@dataclass
class Hub:
    """The connected clients of one app and the pushes to them."""

    app: Flask
    socketio: SocketIO
    origin_ok: Callable[[str | None, dict[str, Any]], bool]
    clients: dict[str, Client] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    station_of: Callable[[str], str | None] | None = None

    @property
    def core(self) -> Tracking:
        core: Tracking = self.app.extensions["scantrack"]
        return core

    # --- clients -----------------------------------------------------------------

    def add(self, client: Client) -> None:
        with self.lock:
            self.clients[client.sid] = client

    def remove(self, sid: str) -> Client | None:
        with self.lock:
            return self.clients.pop(sid, None)

    def get(self, sid: str) -> Client | None:
        with self.lock:
            return self.clients.get(sid)

    def sids(self, device: str) -> list[str]:
        """The connections of ``device``: as that device, or with its token."""
        with self.lock:
            return [c.sid for c in self.clients.values() if device in (c.device, c.token.name)]

    def disconnect(self, sids: list[str]) -> int:
        for sid in sids:
            self.socketio.server.disconnect(sid, namespace=NAMESPACE)
            self.remove(sid)
        return len(sids)

    def station_for(self, device: str, step: StepDone | None = None) -> str | None:
        """The station a device belongs to: its own (an added device's), else its name in
        the stations file, if any. After a step the core has said the device's own."""
        if self.station_of is not None:
            return self.station_of(device)
        if step is not None and step.reply is not None and step.reply.state is not None:
            own = step.reply.station
        else:
            try:
                own = self.core.device(device).station
            except (UnknownDevice, InvalidInput):  # not an added device (any name may scan)
                own = None
        if own is not None:
            return own
        stations = self.app.extensions.get(STATIONS)
        st = None if stations is None else stations.station_for(device)
        return None if st is None else str(st.device_id)

    # --- pushes --------------------------------------------------------------------

    def emit(self, event: str, data: Any, room: str) -> None:
        self.socketio.emit(event, data, to=room, namespace=NAMESPACE)

    def hello(self, client: Client) -> None:
        profile = DEFAULT_PROFILE
        session = None
        operator = None
        if client.device is not None:
            with self.app.app_context():
                profile = profile_for(self.app, client.device) or gateway(self.app).profile
            session = gateway(self.app).screen(client.device)
            operator = session["operator"]
        data = {
            "device": client.device,
            "station": client.station,
            "role": client.token.role,
            "operator": operator,
            "profile": profile_json(profile),
            "session": session,
        }
        self.socketio.emit("hello", data, to=client.sid, namespace=NAMESPACE)

    def session(
        self, device: str, fb: Feedback | None = None, state: SessionState | None = None
    ) -> None:
        """Push the device's screen; after a step, from its feedback (prompt, progress)
        and the session it left (``state``), so nothing is read again."""
        progress = None if fb is None else fb.data.get("progress")
        if fb is None or progress is None:
            screen = gateway(self.app).screen(device)
            if fb is not None and fb.prompt:
                screen["prompt"] = fb.prompt
        else:
            if state is None:
                state = gateway(self.app).state(device)
            screen = {
                "mode": state.mode,
                "document": state.document,
                "location": state.location,
                "operator": state.operator,
                "prompt": fb.prompt,
                "progress": progress if state.document else None,
            }
        self.emit("session", screen, f"device:{device}")

    def feedback(
        self, device: str, scan_id: str, raw: str, fb: Feedback, step: StepDone | None = None
    ) -> None:
        data = {
            "device": device,
            "station": self.station_for(device, step),
            "scan_id": scan_id,
            "raw": raw,
            "feedback": fb.to_json(),
        }
        if data["station"] is not None:
            self.emit("feedback", data, f"station:{data['station']}")
        self.emit("feedback", data, "monitor")

    def labels(self, device: str, fb: Feedback) -> None:
        """Push the label jobs a step of ``device`` queued: those of the numbers it made, or
        the one it names (a container's SSCC label, ``label_job``)."""
        named = fb.data.get("label_job")
        if isinstance(named, int) and not isinstance(named, bool):
            job = self.core.outbox.job(named)
            if job.device == device:
                self.emit("label", label_json(job), f"device:{device}")
        numbers = set(fb.data.get("numbers") or ())
        if not numbers:
            return
        for job in sorted(self.core.outbox.jobs(limit=50), key=lambda j: j.id):
            made = set(job.payload.get("serials") or ()) | {job.payload.get("lot")}
            if job.device == device and numbers & made:
                self.emit("label", label_json(job), f"device:{device}")

    def on_step(self, step: StepDone) -> None:
        """After every scan or command, from a handheld or over HTTP."""
        self.session(step.device, step.feedback, step.state)
        if step.feedback.status != "error":
            self.labels(step.device, step.feedback)
        self.feedback(step.device, step.scan_id, step.raw, step.feedback, step)


def label_json(job: Any) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "kind": job.kind,
        "document": job.document,
        "status": job.status,
        "labels": job.labels,
        "preview_url": f"/api/v1/labels/jobs/{job.id}/label.png",
    }


def hub(app: Flask) -> Hub:
    h: Hub = app.extensions[EXTENSION]
    return h


def profile_for(app: Flask, device: str) -> ScanProfile | None:
    """A device's scan profile: its own (set on the supervisor pages or over REST), else
    its station's (stations TOML), else None (the gateway's default)."""
    try:
        own = hub(app).core.device(device).profile
    except UnknownDevice:
        own = {}
    if own:
        try:
            return ScanProfile.from_mapping(own)
        except (ValueError, TypeError):  # checked when stored; a newer rule may refuse it
            log.warning("device %s: stored scan profile refused, using the default", device)
    return station_profile(app, device)


def station_profile(app: Flask, device: str) -> ScanProfile | None:
    """The scan profile of a device's station in the stations TOML, if any."""
    stations = app.extensions.get(STATIONS)
    st = None if stations is None else stations.station_for(device)
    return None if st is None else st.profile


def disconnect_device(app: Flask, name: str) -> int:
    """Close every ``/scan`` connection of device ``name`` now (it was revoked).

    Answers how many were closed. The client's reconnect then fails with
    ``device_revoked`` or ``token_unknown``.
    """
    h: Hub | None = app.extensions.get(EXTENSION)
    if h is None:
        return 0
    return h.disconnect(h.sids(name))


class StationFeedback:
    """A ``FeedbackSink`` for headless stations: each scan's feedback to its display.

    ``scantrack serve --stations`` plugs it into ``run_stations``; the gateway knows
    nothing of Socket.IO.
    """

    def __init__(self, app: Flask, also: Any = None) -> None:
        self.app = app
        self.also = also  # e.g. the gateway's LogFeedback, kept beside the display

    def publish(self, device: str, scan: RawScan, feedback: Feedback) -> None:
        if self.also is not None:
            self.also.publish(device, scan, feedback)
        h = self.app.extensions.get(EXTENSION)
        if h is None:
            return
        try:
            h.session(device, feedback)
            if feedback.status != "error":
                h.labels(device, feedback)
            h.feedback(device, scan.scan_id, scan.raw, feedback)
        except Exception:
            log.exception("station feedback of %s could not be pushed", device)
