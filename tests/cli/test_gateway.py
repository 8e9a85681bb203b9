"""``scantrack gateway``: a real process, a network scanner on loopback, a real database."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Cli, ok
from tracking_core.core import Tracking


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(port: int, proc: subprocess.Popen[str]) -> socket.socket:
    """The station's listener, once the process has opened it."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "no listener came up"
            time.sleep(0.1)


def wait_for(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 20
    while not check() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_gateway_runs_a_network_scanner_station(
    cli: Cli, demo: None, db_url: str, live: Tracking, tmp_path: Path
) -> None:
    port = free_port()
    config = tmp_path / "stations.toml"
    config.write_text(
        f'[stations.dock-1]\nsource = "tcp://127.0.0.1:{port}?framing=lf"\n'
        'mode = "receive"\nlocation = "DOCK-1"\n'
    )
    exe = Path(sys.executable).with_name("scantrack")
    proc = subprocess.Popen(
        [str(exe), "--database-url", db_url, "gateway", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with connect(port, proc) as conn:
            for raw in ("DOC:RC-DEMO-1", "]C10109506000134352" + "21ACME-0001", "ACME-0002"):
                conn.sendall(raw.encode() + b"\n")
                time.sleep(0.3)  # a person scanning, not a double read
        wait_for(lambda: live.document("RC-DEMO-1").assigned >= 2)
        assert live.document("RC-DEMO-1", detail=True).lines[0].serials == (
            "ACME-0001",
            "ACME-0002",
        )
        # a network scanner without a fixed address is the station at its address
        assert live.device_state("dock-1@127.0.0.1")["mode"] == "receive"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "gateway stopped after 3 scan(s)" in err
    ok(cli("serial", "ACME-0001"))  # pending on the open receipt, known to inquiry


def test_serve_runs_stations_in_process(
    cli: Cli, demo: None, db_url: str, live: Tracking, tmp_path: Path
) -> None:
    import urllib.request

    port, http = free_port(), free_port()
    config = tmp_path / "stations.toml"
    config.write_text(
        f'[stations.door]\nsource = "tcp://127.0.0.1:{port}?framing=lf"\nmode = "inquiry"\n'
        'peer = "127.0.0.1"\n'
    )
    exe = Path(sys.executable).with_name("scantrack")
    proc = subprocess.Popen(
        [
            str(exe),
            "--database-url",
            db_url,
            "serve",
            "--port",
            str(http),
            "--stations",
            str(config),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with connect(port, proc) as conn:
            conn.sendall(b"CMD:MODE:RECEIVE\n")
        wait_for(lambda: live.device_state("door").get("mode") == "receive")
        assert live.device_state("door")["mode"] == "receive"
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/healthz", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
