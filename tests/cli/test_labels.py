"""Label jobs, printers and the print worker from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, ok
from tests.printing.fake_printer import FakePrinter
from tracking_core.core import Tracking

# the demo's partners: receipts come from a vendor, shipments go to a customer
RECEIVE = ("receive", "--partner", "V-ACME")


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    p = FakePrinter()
    yield p
    p.close()


@pytest.fixture
def config(tmp_path: Path, printer: FakePrinter) -> Path:
    f = tmp_path / "stations.toml"
    f.write_text(
        f'[printers.dock]\nurl = "{printer.url}"\ndefault = true\n'
        '[printers.office]\nurl = "tcp://127.0.0.1:1?timeout=0.5"\ndpi = 300\n'
    )
    return f


def test_generated_labels_print_through_the_worker(
    cli: Cli, demo: None, live: Tracking, config: Path, printer: FakePrinter, tmp_path: Path
) -> None:
    ok(cli(*RECEIVE, "--item", "LAPTOP-14", "--location", "DOCK-1", "--quantity", "2"))
    listing = ok(cli("labels", "list", "--status", "pending"))
    job = live.outbox.jobs(status="pending")[0]
    assert any(line.split()[:2] == [str(job.id), "serial"] for line in listing.splitlines())
    preview = tmp_path / "job.png"
    assert ok(cli("labels", "preview", str(job.id), "-o", str(preview))).startswith(str(preview))
    assert preview.read_bytes()[:4] == b"\x89PNG"
    out = ok(cli("printer-worker", "--config", str(config), "--once"))
    assert out.strip().endswith("job(s) handled")
    data = b"".join(printer.settle())  # the demo's own labels print too
    assert all(sn.encode() in data for sn in job.payload["serials"])
    assert live.outbox.job(job.id).status == "printed"
    ok(cli("labels", "reprint", str(job.id), "--actor", "ann", "--reason", "torn"))
    shown = ok(cli("labels", "show", str(job.id)))
    assert "reprint" in shown and "torn" in shown and "ann" in shown


def test_printers_list_and_test(cli: Cli, config: Path, printer: FakePrinter) -> None:
    listing = ok(cli("printers", "list", "--config", str(config), "--status"))
    assert "dock" in listing and "ready" in listing and "not ready" in listing
    assert (
        ok(cli("printers", "test", "dock", "--config", str(config))) == "test label sent to dock\n"
    )
    assert b"TEST" in printer.received(1)[0]
    r = cli("printers", "test", "office", "--config", str(config))
    assert r.exit_code == 1 and "printer_not_ready" in r.stderr
    r = cli("printers", "test", "nope", "--config", str(config))
    assert r.exit_code == 1 and "unknown_printer" in r.stderr


def test_bad_config_and_decisions(cli: Cli, demo: None, tmp_path: Path, live: Tracking) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[printers.p]\nurl = "lpt://1"\n')
    r = cli("printers", "list", "--config", str(bad))
    assert r.exit_code == 1 and "invalid_config" in r.stderr and "unknown scheme" in r.stderr
    r = cli("labels", "resolve", "999", "printed", "--actor", "ann")
    assert r.exit_code == 1 and "not_found" in r.stderr
