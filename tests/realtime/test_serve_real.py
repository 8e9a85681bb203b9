"""``scantrack serve`` for real: gunicorn answers HTTP and Socket.IO on one port."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.realtime.conftest import NS, Handheld, Server, refused
from tracking_core.core import Tracking


def test_serve_answers_http_and_a_websocket_upgrade(server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as r:
        assert json.loads(r.read())["status"] == "ok"
    # A bare engine.io WebSocket handshake: 101 from gunicorn's gthread worker.
    port = int(server.url.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            assert chunk, head
            head += chunk
    assert head.split(b"\r\n", 1)[0] == b"HTTP/1.1 101 Switching Protocols"
    assert b"gunicorn" in server.log.read_bytes()


def test_handheld_over_a_real_websocket(
    server: Server, connect: Callable[..., Handheld], operator_token: str, live: Tracking
) -> None:
    hh = connect(server.url, {"token": operator_token, "device": "HH-1"})
    assert hh.sio.transport() == "websocket"
    hello = hh.next("hello")
    assert (hello["device"], hello["session"]["mode"]) == ("HH-1", "inquiry")
    assert hh.call("echo", {"n": 1}) == {"n": 1}
    fb = hh.call("command", {"scan_id": "c1", "name": "mode", "args": "receive"})
    assert (fb["status"], fb["code"]) == ("ok", "mode")
    assert hh.next("session")["mode"] == "receive"
    assert live.device_state("HH-1")["mode"] == "receive"


def test_polling_then_upgrade_works_too(
    server: Server, connect: Callable[..., Handheld], operator_token: str
) -> None:
    hh = connect(server.url, {"token": operator_token}, transports=["polling", "websocket"])
    assert hh.next("hello")["device"] == "hh"  # without auth.device: the token's name
    assert hh.call("echo", ["a", 1]) == ["a", 1]


@pytest.mark.parametrize(
    ("auth", "code"),
    [(None, "token_missing"), ({"token": "forged"}, "token_unknown")],
)
def test_refusals_over_the_wire(server: Server, auth: Any, code: str) -> None:
    assert refused(server.url, auth)["code"] == code


def test_a_foreign_origin_gets_no_handshake(server: Server, operator_token: str) -> None:
    auth = {"token": operator_token}
    err = refused(
        server.url, auth, transports=["polling"], headers={"Origin": "https://evil.example"}
    )
    assert err is not None  # engine.io's 400 "Not an accepted origin", before Socket.IO
    req = urllib.request.Request(
        f"{server.url}/socket.io/?EIO=4&transport=polling",
        headers={"Origin": "https://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400


def test_sigterm_stops_gracefully_with_clients_connected(
    start_server: Callable[..., Server], connect: Callable[..., Handheld], operator_token: str
) -> None:
    srv = start_server("--threads", "8")
    hh = connect(srv.url, {"token": operator_token, "device": "HH-1"})
    hh.next("hello")
    code, log = srv.stop(signal.SIGTERM)
    assert code == 0, log
    hh.next("disconnect")  # the server closed the socket: the client saw it go
    assert "Shutting down: Master" in log


def test_sigint_stops_gracefully(start_server: Callable[..., Server]) -> None:
    srv = start_server("--threads", "4")
    code, log = srv.stop(signal.SIGINT)
    assert code == 0, log


def test_dev_server_still_serves(
    start_server: Callable[..., Server], connect: Callable[..., Handheld], operator_token: str
) -> None:
    srv = start_server("--dev")
    hh = connect(srv.url, {"token": operator_token, "device": "HH-9"})
    assert hh.next("hello")["device"] == "HH-9"
    assert hh.call("echo", {"dev": True}) == {"dev": True}
    assert "gunicorn" not in srv.log.read_text()
    assert NS == "/scan"


def test_self_signed_https_for_a_trial(
    start_server: Callable[..., Server], tmp_path: Path, operator_token: str
) -> None:
    import ipaddress
    import ssl
    import time

    from cryptography import x509

    srv = start_server("--threads", "4", "--self-signed")
    cert = tmp_path / "data" / "tls" / "cert.pem"
    deadline = time.monotonic() + 60
    while not cert.exists():  # made before the server listens
        assert srv.proc.poll() is None and time.monotonic() < deadline, srv.log.read_text()
        time.sleep(0.05)
    ctx = ssl.create_default_context(cafile=str(cert))
    while True:
        try:
            with urllib.request.urlopen(f"{srv.url}/healthz", timeout=5, context=ctx) as r:
                assert r.status == 200
                break
        except urllib.error.URLError:
            assert srv.proc.poll() is None and time.monotonic() < deadline, srv.log.read_text()
            time.sleep(0.05)
    sans = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert ipaddress.ip_address("127.0.0.1") in sans.value.get_values_for_type(x509.IPAddress)
    assert "localhost" in sans.value.get_values_for_type(x509.DNSName)
    assert (cert.parent / "key.pem").stat().st_mode & 0o077 == 0
    assert "made self-signed certificate" in srv.log.read_text()
