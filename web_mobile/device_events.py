"""What the web layer does when a device is revoked: one list of listeners per app.

The REST route and the supervisor page call :func:`revoked`; the Socket.IO layer
listens (``on_revoke``) and drops the device's connections at once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

KEY = "scantrack.on_revoke"


def on_revoke(app: Flask, listener: Callable[[str], object]) -> None:
    """``listener(name)`` after device ``name`` is revoked (what it answers is unused)."""
    app.extensions.setdefault(KEY, []).append(listener)


def revoked(app: Flask, name: str) -> None:
    for listener in app.extensions.get(KEY, []):
        listener(name)
