"""The handheld protocol: Flask-SocketIO's test client (fast) and ``scantrack serve`` (real).

``server`` runs ``scantrack serve`` (gunicorn) as a process on a free port, ready once
``/healthz`` answers; ``connect`` opens a python-socketio client to it that records every
push, ``refused`` the data of a refused connection.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import socketio
from flask import Flask
from flask_socketio import SocketIOTestClient

from tracking_core.core import Tracking
from web_mobile.app import create_app

NS = "/scan"
WAIT = 20.0  # a safety net only: every wait ends as soon as the awaited thing happens
PUSHES = ("hello", "session", "label", "feedback")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port



@pytest.fixture
def app(live: Tracking) -> Flask:
    return create_app({"TRACKING": live, "MIGRATE": False})


@pytest.fixture
def operator_token(live: Tracking) -> str:
    token, _ = live.create_token(name="hh", role="operator")
    return token


def sio_client(app: Flask, auth: Any, **kw: Any) -> SocketIOTestClient:
    sio = app.extensions["socketio"]
    return sio.test_client(app, namespace=NS, auth=auth, **kw)


def pushes(client: SocketIOTestClient, name: str) -> list[Any]:
    """The payloads of the pushes ``name`` the test client received since last asked."""
    return [r["args"][0] for r in client.get_received(NS) if r["name"] == name]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[str]
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode, self.log.read_text()


def wait_healthy(url: str, proc: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the server did not come up:\n{log.read_text()}")
        time.sleep(0.05)


@pytest.fixture
def start_server(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Server:
        port = free_port()
        exe = Path(sys.executable).with_name("scantrack")
        log = tmp_path / f"serve-{port}.log"
        out = log.open("w")
        environ = {**os.environ, "SCANTRACK_DATA_DIR": str(tmp_path / "data"), **(env or {})}
        proc = subprocess.Popen(
            [str(exe), "--database-url", db_url, "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=environ,
        )
        scheme = "https" if "--self-signed" in args or "--certfile" in args else "http"
        server = Server(f"{scheme}://127.0.0.1:{port}", proc, log)
        started.append(server)
        if scheme == "http":
            wait_healthy(server.url, proc, log)
        return server

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def server(start_server: Callable[..., Server]) -> Server:
    return start_server("--threads", "16")


@dataclass
class Handheld:
    """A python-socketio client: every push lands in a queue per event name."""

    sio: socketio.Client
    got: dict[str, queue.Queue[Any]] = field(default_factory=dict)

    def next(self, event: str, timeout: float = WAIT) -> Any:
        return self.got[event].get(timeout=timeout)

    def call(self, event: str, data: Any) -> Any:
        return self.sio.call(event, data, namespace=NS, timeout=WAIT)

    def close(self) -> None:
        self.sio.disconnect()


def make_client(
    url: str, auth: Any, *, transports: list[str] | None = None, headers: Any = None
) -> tuple[Handheld, queue.Queue[Any]]:
    sio = socketio.Client(reconnection=False)
    hh = Handheld(sio, {e: queue.Queue() for e in (*PUSHES, "disconnect")})
    errors: queue.Queue[Any] = queue.Queue()
    for event in PUSHES:
        sio.on(event, (lambda e: lambda data: hh.got[e].put(data))(event), namespace=NS)
    sio.on("connect_error", lambda data: errors.put(data), namespace=NS)
    sio.on("disconnect", lambda *a: hh.got["disconnect"].put(a), namespace=NS)
    with contextlib.suppress(socketio.exceptions.ConnectionError):
        sio.connect(
            url,
            namespaces=[NS],
            auth=auth,
            transports=transports or ["websocket"],
            headers=headers or {},
            wait_timeout=WAIT,
        )
    return hh, errors


@pytest.fixture
def connect() -> Iterator[Callable[..., Handheld]]:
    opened: list[Handheld] = []

    def open_(url: str, auth: Any, **kw: Any) -> Handheld:
        hh, errors = make_client(url, auth, **kw)
        assert hh.sio.connected and NS in hh.sio.namespaces, errors.get(timeout=WAIT)
        opened.append(hh)
        return hh

    yield open_
    for hh in opened:
        if hh.sio.connected:
            hh.close()


def refused(url: str, auth: Any, **kw: Any) -> Any:
    """The data of the refused connection (``{"code", "message"}``)."""
    hh, errors = make_client(url, auth, **kw)
    try:
        err = errors.get(timeout=WAIT)
        return err["data"] if isinstance(err, dict) and "data" in err else err
    finally:
        if hh.sio.connected:
            hh.close()
