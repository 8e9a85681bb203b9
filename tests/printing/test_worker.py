"""The print worker against a real TCP printer stand-in: printed once, or waiting, never lost."""

from __future__ import annotations

import socket

import pytest

from scanner_gateway.printing import open_printer
from scanner_gateway.printing.transports import parse_hs
from scanner_gateway.printing.worker import PrintWorker, Routing
from tests.conftest import Clock
from tests.printing.fake_printer import FakePrinter
from tracking_core.core import Actor, Tracking
from tracking_core.outbox import JobInfo


def zpl(job: JobInfo, printer: str = "zebra") -> list[bytes]:
    numbers = job.payload.get("serials") or job.payload.get("ssccs") or [job.payload.get("lot")]
    return [f"^XA^FD{n}^FS^XZ".encode() for n in numbers]


def make_worker(core: Tracking, url: str, **kw: object) -> PrintWorker:
    return PrintWorker(
        outbox=core.outbox,
        printers={"zebra": open_printer("zebra", url)},
        render=zpl,
        route=Routing(default="zebra"),
        **kw,  # type: ignore[arg-type]
    )


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_a_generated_serial_prints_once(core: Tracking, printer: FakePrinter) -> None:
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%")
    core.receive(item="LAP", location="A1", quantity=3, partner="V1")
    w = make_worker(core, printer.url)
    assert w.run_once() == 1
    assert w.run_once() == 0
    assert printer.received(1) == [b"^XA^FDSN0001^FS^XZ^XA^FDSN0002^FS^XZ^XA^FDSN0003^FS^XZ"]
    (job,) = core.outbox.jobs()
    assert (job.status, job.sent_labels) == ("printed", 3)


def test_refused_connection_waits_and_retries(
    core: Tracking, clock: Clock, printer: FakePrinter
) -> None:
    core.generate_ssccs(1)
    down = make_worker(core, f"tcp://127.0.0.1:{free_port()}?timeout=1")
    down.run_once()
    (job,) = core.outbox.jobs()
    assert job.status == "pending" and job.last_error and "zebra" in job.last_error
    up = make_worker(core, printer.url)
    assert up.run_once() == 0  # not before the retry delay
    clock.advance(seconds=11)
    assert up.run_once() == 1
    assert core.outbox.jobs()[0].status == "printed"
    assert len(printer.received(1)) == 1


@pytest.mark.parametrize(
    ("mode", "reason"), [("paper_out", "paper out"), ("silent", "did not answer")]
)
def test_printer_not_ready_keeps_the_job_waiting(core: Tracking, mode: str, reason: str) -> None:
    p = FakePrinter(mode=mode)
    try:
        core.generate_ssccs(1)
        w = make_worker(core, p.url.replace("timeout=2", "timeout=1"))
        w.run_once()
        (job,) = core.outbox.jobs()
        assert job.status == "pending"
        assert reason in (job.last_error or "")
        assert p.jobs == []
    finally:
        p.close()


def test_connection_broken_mid_send_is_unconfirmed(core: Tracking) -> None:
    p = FakePrinter(mode="break")
    try:
        core.generate_ssccs(3)
        # Labels bigger than the socket buffers, so the break reaches the sender.
        w = PrintWorker(
            outbox=core.outbox,
            printers={"zebra": open_printer("zebra", p.url + "&status=0")},
            render=lambda job, printer: [b"^XA^GFA" + b"0" * 2_000_000 + b"^XZ"] * 3,
            route=Routing(default="zebra"),
        )
        w.run_once()
        (job,) = core.outbox.jobs()
        assert job.status == "unconfirmed"
        w.run_once()
        assert core.outbox.jobs()[0].status == "unconfirmed"  # never resent on its own
    finally:
        p.close()


def test_unknown_printer_waits(core: Tracking, printer: FakePrinter) -> None:
    core.generate_ssccs(1, actor=Actor(device="HH-9"))
    w = PrintWorker(
        outbox=core.outbox, printers={}, render=zpl, route=Routing(stations={"HH-9": "nowhere"})
    )
    w.run_once()
    (job,) = core.outbox.jobs()
    assert (job.status, job.last_error) == ("pending", "unknown printer 'nowhere'")


def test_station_routing(core: Tracking) -> None:
    route = Routing(default="office", stations={"HH-1": "dock-zebra"})
    core.generate_ssccs(1, actor=Actor(device="HH-1"))
    core.generate_ssccs(1, actor=Actor(device="HH-2"))
    jobs = sorted(core.outbox.jobs(), key=lambda j: j.id)
    assert [route(j) for j in jobs] == ["dock-zebra", "office"]


def test_render_failure_needs_an_operator(core: Tracking, printer: FakePrinter) -> None:
    core.generate_ssccs(1)

    def broken(job: JobInfo, printer: str) -> list[bytes]:
        raise ValueError("field does not fit")

    w = PrintWorker(
        outbox=core.outbox,
        printers={"zebra": open_printer("zebra", printer.url)},
        render=broken,
        route=Routing(default="zebra"),
    )
    w.run_once()
    (job,) = core.outbox.jobs()
    assert (job.status, job.last_error) == ("unconfirmed", "cannot render: field does not fit")


def test_parse_hs() -> None:
    from tests.printing.fake_printer import PAPER_OUT, READY

    assert parse_hs(READY).ready
    assert parse_hs(PAPER_OUT).reason == "paper out"
    assert parse_hs(b"").reason == "no status from the printer"


def test_real_zpl_reaches_the_printer(core: Tracking, printer: FakePrinter) -> None:
    from scanner_gateway.printing.worker import zpl_renderer

    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%", gtins=["09506000134352"])
    core.receive(item="LAP", location="A1", quantity=2, partner="V1")
    w = PrintWorker(
        outbox=core.outbox,
        printers={"zebra": open_printer("zebra", printer.url)},
        render=zpl_renderer({"zebra": 300}),
        route=Routing(default="zebra"),
    )
    w.run_once()
    (data,) = printer.received(1)
    text = data.decode()
    assert text.count("^XA") == text.count("^XZ") == 2
    assert "SN0001" in text and "SN0002" in text and "^PW1200" in text  # 100 mm at 300 dpi
