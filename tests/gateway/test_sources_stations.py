"""Station config files: parsing, clear errors, and the sources they open."""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

from scanner_gateway import stations as stations_module
from scanner_gateway.sources import SerialSource, SourceRunner, TcpListenerSource
from scanner_gateway.stations import Station, StationConfig, StationConfigError
from tests.gateway.test_sources_support import HAVE_EVDEV, WAIT, Collector


def docstring_example() -> str:
    doc = stations_module.__doc__ or ""
    block = doc.split("reads a file like this one::\n", 1)[1].split("\nKeys of a station", 1)[0]
    return textwrap.dedent(block)


def test_the_documented_example_parses() -> None:
    text = docstring_example()
    if not HAVE_EVDEV:  # hid:// needs the optional extra; say so by the key
        with pytest.raises(StationConfigError, match=r"stations\.pack-2\.source: python-evdev"):
            StationConfig.parse(text, path="stations.toml")
        return
    cfg = StationConfig.parse(text, path="stations.toml")
    assert cfg.stations[0] == Station(
        device_id="dock-1",
        source="serial:///dev/serial/by-id/usb-Datalogic_QD2430-if00?baudrate=9600&framing=crlf",
        mode="receive",
        location="DOCK-1",
        printer="zebra-dock-1",
        description="receiving dock, left door",
    )
    pack = cfg.station_for("pack-2")
    assert pack is not None
    assert (pack.mode, pack.printer) == ("pick", "zebra-dock")  # printer from [defaults]
    yard = cfg.station_for("yard@10.20.0.99")
    assert yard is not None and yard.device_id == "yard" and yard.mode == "inquiry"
    assert cfg.station_for("door-3@10.20.0.17") is None  # a named peer is only door-3
    assert cfg.station_for("nobody") is None
    kinds = sorted(type(s).__name__ for s in cfg.open_sources())
    assert kinds == ["HidSource", "SerialSource", "TcpListenerSource"]


GOOD = '[stations.a]\nsource = "loop://"\n'


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("[stations.a\n", None, "not valid TOML: "),
        ("", "stations", "expected at least one [stations.NAME] table"),
        (GOOD + "[scanners]\n", "scanners", "unknown key (expected [defaults],"),
        (GOOD + "[defaults]\nsource = 'x'\n", "defaults.source", "unknown key (expected mode,"),
        (GOOD + "prnter = 'z'\n", "stations.a.prnter", "unknown key (expected source, mode,"),
        ("[stations.a]\nmode = 'pick'\n", "stations.a.source", "missing: every station needs"),
        (GOOD + "mode = 'recieve'\n", "stations.a.mode", "expected one of receive, pick,"),
        (GOOD + "mode = 3\n", "stations.a.mode", "expected a non-empty string, got 3"),
        (GOOD + "location = ''\n", "stations.a.location", "expected a non-empty string, got ''"),
        ('[stations."dock 1"]\nsource = "loop://"\n', "stations.dock 1", "expected a device id"),
        ("[stations.a]\nsource = 'seriall:///dev/x'\n", "stations.a.source", "unknown scheme"),
        (
            "[stations.a]\nsource = 'serial:///dev/x?framing=crlx'\n",
            "stations.a.source",
            "option framing: expected one of line, cr, lf, crlf, stx, got 'crlx'",
        ),
        (GOOD + "peer = '10.0.0.1'\n", "stations.a.peer", "only a tcp:// source has peers"),
        (
            "[stations.a]\nsource = 'tcp://0.0.0.0:4001'\npeer = 'scanner7'\n",
            "stations.a.peer",
            "expected an IP address, got 'scanner7'",
        ),
        (
            "[stations.a]\nsource = '/dev/ttyACM0'\n[stations.b]\nsource = 'serial:///dev/ttyACM0'\n",
            "stations.b.source",
            "the same device as stations.a",
        ),
        (
            "[stations.a]\nsource = 'tcp://0.0.0.0:4001?framing=lf'\npeer = '10.0.0.1'\n"
            "[stations.b]\nsource = 'tcp://0.0.0.0:4001?framing=stx'\npeer = '10.0.0.2'\n",
            "stations.b.source",
            "listens on 0.0.0.0:4001 like stations.a but with other options",
        ),
        (
            "[stations.a]\nsource = 'tcp://0.0.0.0:4001'\n"
            "[stations.b]\nsource = 'tcp://0.0.0.0:4001'\n",
            "stations.b.peer",
            "missing: stations.a already takes every unnamed scanner on 0.0.0.0:4001",
        ),
        (
            "[stations.a]\nsource = 'tcp://0.0.0.0:4001'\npeer = '10.0.0.1'\n"
            "[stations.b]\nsource = 'tcp://0.0.0.0:4001'\npeer = '10.0.0.1'\n",
            "stations.b.peer",
            "10.0.0.1 is already stations.a",
        ),
    ],
)
def test_bad_configs_name_the_file_and_the_key(text: str, key: str | None, reason: str) -> None:
    with pytest.raises(StationConfigError) as e:
        StationConfig.parse(text, path="/etc/scantrack/stations.toml")
    assert (e.value.path, e.value.key) == ("/etc/scantrack/stations.toml", key)
    assert reason in e.value.reason
    where = f"/etc/scantrack/stations.toml: {key}: " if key else "/etc/scantrack/stations.toml: "
    assert str(e.value).startswith(where)


def test_load_from_a_file_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "stations.toml"
    path.write_text('[defaults]\nprinter = "zebra-1"\n' + GOOD + 'mode = "count"\n')
    cfg = StationConfig.load(path)
    assert cfg.path == str(path)
    assert cfg.stations == (
        Station(device_id="a", source="loop://", mode="count", printer="zebra-1"),
    )
    with pytest.raises(StationConfigError, match=r"nope.toml: cannot read: No such file"):
        StationConfig.load(tmp_path / "nope.toml")


def test_tcp_stations_share_one_listener_and_name_their_scanners() -> None:
    # Port 0 lets the test run anywhere; a real file names a fixed port.
    cfg = StationConfig.parse(
        """
        [stations.door-3]
        source = "tcp://127.0.0.1:0?framing=lf"
        peer = "127.0.0.2"
        mode = "ship"
        [stations.yard]
        source = "tcp://127.0.0.1:0?framing=lf"
        [stations.bench]
        source = "loop://"
        """.replace("\n        ", "\n")
    )
    sources = cfg.open_sources()
    [listener] = [s for s in sources if isinstance(s, TcpListenerSource)]
    assert [type(s) for s in sources].count(SerialSource) == 1
    assert listener.peers == {"127.0.0.2": "door-3"}
    sink = Collector()
    with SourceRunner([listener], sink):
        assert listener.status.wait_for(lambda s: s.connected, WAIT)
        assert listener.bound_address is not None
        for ip in ("127.0.0.2", "127.0.0.1"):
            with socket.create_connection(listener.bound_address, 5, source_address=(ip, 0)) as c:
                c.sendall(f"FROM-{ip}\n".encode())
            sink.wait_for(1 if ip == "127.0.0.2" else 2)
    devices = [(s.device_id, s.raw) for s in sink.scans]
    assert devices == [("door-3", "FROM-127.0.0.2"), ("yard@127.0.0.1", "FROM-127.0.0.1")]
    assert [cfg.station_for(d) for d, _ in devices] == [cfg.stations[0], cfg.stations[1]]
