"""10,000 of 10,000: synthetic scans arrive whole and in order through a pty and TCP."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from scanner_gateway.sources import SourceRunner, TcpListenerSource, open_source
from tests.gateway.test_sources_support import WAIT, Collector, Pty

N = 10_000
# A frame split between two writes must not be dropped because the writer was descheduled
# between them on a busy machine: the idle cut-off is tested elsewhere.
IDLE = 60
GS = "\x1d"


def synthetic_scans(n: int, seed: int, tag: str = "") -> list[str]:
    """GS1-like scans of varied length, each unique and numbered."""
    rnd = random.Random(seed)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-./"
    out = []
    for i in range(n):
        lot = "".join(rnd.choices(alphabet, k=rnd.randint(1, 20)))
        serial = "".join(rnd.choices(alphabet, k=rnd.randint(1, 20)))
        out.append(f"0109501101020917{GS}10{lot}{GS}21{tag}{i:05d}{serial}")
    return out


def report(what: str, n: int, seconds: float, record: pytest.RecordProperty) -> None:
    record(what, f"{n} scans in {seconds:.2f} s, {n / seconds:,.0f} scans/s")
    rate = n / seconds
    print(f"\n{what}: {n} of {n} scans whole and in order in {seconds:.2f} s ({rate:,.0f}/s)")


@pytest.fixture
def pty() -> Iterator[Pty]:
    p = Pty.open()
    yield p
    p.close()


def test_ten_thousand_scans_through_a_pty(pty: Pty, record_property: pytest.RecordProperty) -> None:
    scans = synthetic_scans(N, seed=1)
    sink = Collector()
    src = open_source(
        f"serial://{pty.path}?framing=crlf&baudrate=115200&idle={IDLE}", device_id="vol"
    )
    with SourceRunner([src], sink) as runner:
        assert src.status.wait_for(lambda s: s.connected, WAIT)
        start = time.monotonic()
        data = b"".join(s.encode() + b"\r\n" for s in scans)
        for i in range(0, len(data), 4096):  # the way a USB-CDC port delivers: in blocks
            pty.write(data[i : i + 4096])
        got = sink.wait_for(N, timeout=30)
        elapsed = time.monotonic() - start
    assert len(got) == N
    assert got == scans
    assert src.status.discarded == 0
    assert runner.delivered == N
    report("pty", N, elapsed, record_property)


def test_ten_thousand_scans_through_tcp_from_four_scanners(
    record_property: pytest.RecordProperty,
) -> None:
    clients = 4
    per = N // clients
    batches = {
        f"127.0.0.{i + 1}": synthetic_scans(per, seed=i, tag=f"c{i}") for i in range(clients)
    }
    sink = Collector()
    src = open_source(f"tcp://127.0.0.1:0?framing=stx&idle={IDLE}", device_id="net")
    assert isinstance(src, TcpListenerSource)
    errors: list[BaseException] = []

    def scanner(ip: str, scans: list[str]) -> None:
        try:
            assert src.bound_address is not None
            with socket.create_connection(src.bound_address, 10, source_address=(ip, 0)) as s:
                for i in range(0, per, 50):  # bursts of 50 frames per send
                    s.sendall(b"".join(b"\x02" + x.encode() + b"\x03" for x in scans[i : i + 50]))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    with SourceRunner([src], sink):
        assert src.status.wait_for(lambda s: s.connected, WAIT)
        start = time.monotonic()
        threads = [threading.Thread(target=scanner, args=item) for item in batches.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        got = sink.wait_for(N, timeout=30)
        elapsed = time.monotonic() - start
    assert not errors
    assert len(got) == N
    for ip, scans in batches.items():
        assert [s.raw for s in sink.scans if s.device_id == f"net@{ip}"] == scans
    assert src.status.discarded == 0
    report("tcp", N, elapsed, record_property)
