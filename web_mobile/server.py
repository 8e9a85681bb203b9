"""``scantrack serve``: the web app, the REST API and the handheld protocol on gunicorn.

One gunicorn master and exactly one gthread worker process with N threads: HTTP requests
and Socket.IO's WebSockets (Flask-SocketIO in ``async_mode="threading"`` with
simple-websocket) are served by the same real server on the same port.

Why threading and not eventlet or gevent: those need the standard library monkey
patched, and the core is blocking SQLAlchemy (psycopg, sqlite3) that must not be patched
under it; with threads a scan blocks only its own thread. The cost: every connected
WebSocket holds one of the worker's threads for as long as it stays connected (and a
polling client holds one per long poll), so ``--threads`` must exceed the number of
handhelds, station displays and supervisor pages open at once, with room for plain
HTTP requests. Threads are started as they are needed, so a large number costs nothing
while idle. One process, because Socket.IO's sessions live in that process's memory
(gunicorn cannot route a client back to the same worker).

The app is built in the master (so a bad setting or a failed migration stops the
command with a clear error before anything listens); the worker is forked from it,
drops the database connections it inherited, and only then starts the stations'
threads (``--stations``), since threads do not survive a fork.

SIGTERM and SIGINT (Ctrl+C) stop gracefully: no new connections, Socket.IO clients are
disconnected (they reconnect to the next server), the stations finish the scans they
have read, and the worker exits; a second Ctrl+C stops at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

log = logging.getLogger(__name__)

# Called in the worker process once it is forked: start what must run there.
ON_WORKER_START = "scantrack.on_worker_start"
# Called in the worker process when it is asked to stop: stop what was started.
ON_WORKER_STOP = "scantrack.on_worker_stop"


class Worker(ThreadWorker):
    """gunicorn's gthread worker that stops Socket.IO and the stations on the way out.

    Without this, a stopping worker would wait ``graceful_timeout`` for every open
    WebSocket, which never ends by itself.
    """

    def init_signals(self) -> None:
        super().init_signals()
        # Ctrl+C reaches the worker too (same process group): stop as on SIGTERM.
        signal.signal(signal.SIGINT, self.handle_exit)

    def handle_exit(self, sig: int, frame: Any) -> None:
        first = self.alive
        super().handle_exit(sig, frame)
        if first:
            # Not in the signal handler itself: closing sockets may block.
            threading.Thread(target=_run_stop, args=(self.wsgi,), daemon=True).start()


def _run_stop(app: Any) -> None:
    if not isinstance(app, Flask):
        return
    socketio = app.extensions.get("socketio")
    stops = [*app.extensions.get(ON_WORKER_STOP, [])]
    if socketio is not None:
        stops.append(socketio.server.eio.disconnect)  # every client, every namespace
    for fn in stops:
        try:
            fn()
        except Exception:
            log.exception("stopping %r failed", fn)


class _Arbiter(Arbiter):
    def handle_int(self) -> None:
        """Ctrl+C stops gracefully like SIGTERM (gunicorn's own stops at once)."""
        raise StopIteration


def _post_fork(_server: Any, worker: Any) -> None:
    app = worker.app.load()
    # Connections opened in the master (migrations) are the master's: the pool starts
    # afresh here, leaving the inherited ones to the master (close=False).
    app.extensions["scantrack"].db.engine.dispose(close=False)
    for fn in app.extensions.get(ON_WORKER_START, []):
        fn()


class Server(BaseApplication):
    """gunicorn's application API around an already built Flask app."""

    def __init__(
        self,
        app: Flask,
        *,
        host: str,
        port: int,
        threads: int,
        certfile: str | None = None,
        keyfile: str | None = None,
        on_ready: Callable[[Any], None] | None = None,
        log_level: str = "info",
    ) -> None:
        self.application = app
        self.options: dict[str, Any] = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": 1,
            "worker_class": f"{__name__}.Worker",
            "threads": threads,
            "keepalive": 5,
            "graceful_timeout": 10,
            "timeout": 60,
            "post_fork": _post_fork,
            "control_socket_disable": True,  # gunicorn's own control socket is not needed
            "loglevel": log_level,
            "accesslog": None,
        }
        if certfile:
            self.options.update(certfile=certfile, keyfile=keyfile)
        if on_ready is not None:
            self.options["when_ready"] = on_ready
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    # One WSGI contract written two ways: Flask's __call__ takes a dict environ and a
    # StartResponse, gunicorn's stubs offer a MutableMapping and a plain callable.
    def load(self) -> Flask:  # type: ignore[override]
        return self.application

    def run(self) -> None:
        _Arbiter(self).run()
