"""The handheld protocol: Socket.IO namespace ``/scan`` (Flask-SocketIO, threading mode).

``init_app(app)`` sets it up in the app factory. Handhelds connect with
``auth={"token": T}`` (a device token, or any API token whose role may scan, naming the
device with ``auth["device"]``); station displays with ``auth={"token", "station": NAME}``
and supervisors' live monitor with ``auth={"token", "monitor": True}`` only receive (the
supervisor pages' monitor sends ``auth={"monitor": True}`` alone: their signed-in session
cookie stands for the token, see ``web_mobile.supervisor.session.monitor_identity``).
A refused connection says why: ``ConnectionRefusedError({"code", "message"})``.

Client events, each answered by an ack: ``scan``, ``command``, ``signin``, ``signout``,
``echo``. A scan takes the same path as ``POST /api/v1/scans``
(:mod:`web_mobile.scanning`) and its ack is that same Feedback. The server pushes
``hello`` right after connecting, ``session`` to every tab of the device after a step,
``label`` when a step queued labels, and ``feedback`` to ``station:NAME`` and ``monitor``.

Threading mode, not eventlet or gevent: no monkey patching, since the core is blocking
SQLAlchemy (see :mod:`web_mobile.server`).

Config: ``ALLOWED_ORIGINS`` (default ``SCANTRACK_ALLOWED_ORIGINS``): comma-separated
origins besides the server's own (same origin only when empty); ``*`` is refused.
"""

from __future__ import annotations

from flask import Flask

from web_mobile.realtime.hub import (
    MAX_EVENT_BYTES,
    NAMESPACE,
    Hub,
    OriginsError,
    StationFeedback,
    allowed_origins,
    disconnect_device,
    hub,
)


def init_app(app: Flask) -> Hub:
    from web_mobile.realtime import events

    return events.install(app)


__all__ = [
    "MAX_EVENT_BYTES",
    "NAMESPACE",
    "Hub",
    "OriginsError",
    "StationFeedback",
    "allowed_origins",
    "disconnect_device",
    "hub",
    "init_app",
]
