"""Printers from TOML: good files open every printer; bad ones name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner_gateway.printing.config import PrinterConfigError, load_printers
from scanner_gateway.printing.transports import CupsPrinter, SpoolPrinter, TcpPrinter


def test_printers_file(tmp_path: Path) -> None:
    f = tmp_path / "stations.toml"
    f.write_text(
        '[printers.dock]\nurl = "tcp://127.0.0.1:9100?status=0"\ndpi = 300\ndefault = true\n'
        '[printers.office]\nurl = "cups://Office"\n'
        f'[printers.archive]\nurl = "spool://{tmp_path}"\n'
    )
    printers = load_printers(f)
    assert printers.default == "dock"
    opened = printers.open_all()
    assert isinstance(opened["dock"], TcpPrinter) and opened["dock"].query_status is False
    assert isinstance(opened["office"], CupsPrinter) and opened["office"].queue == "Office"
    assert isinstance(opened["archive"], SpoolPrinter)
    assert printers.configs["dock"].dpi == 300


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[printers.p]\ndpi = 203\n", "printers.p.url is required"),
        ('[printers.p]\nurl = "lpt://1"\n', "printers.p.url: printer p: unknown scheme"),
        ('[printers.p]\nurl = "tcp://h"\ndpi = 150\n', "printers.p.dpi must be one of"),
        ('[printers.p]\nurl = "tcp://h"\ncolour = 1\n', "printers.p: unknown key 'colour'"),
        (
            '[printers.a]\nurl = "tcp://h"\ndefault = true\n'
            '[printers.b]\nurl = "tcp://h"\ndefault = true\n',
            "more than one printer has default = true",
        ),
        ("printers = 3\n", "[printers] must be a table"),
        ("[printers\n", "not valid TOML"),
    ],
)
def test_bad_printer_files(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(PrinterConfigError) as e:
        load_printers(f)
    assert str(e.value).startswith(str(f)) and message in str(e.value)


def test_spool_printer_writes_whole_files(tmp_path: Path) -> None:
    p = SpoolPrinter("archive", tmp_path)
    p.send(b"^XA^FDone^FS^XZ")
    (job,) = tmp_path.glob("job-*.zpl")
    assert job.read_bytes() == b"^XA^FDone^FS^XZ"
    assert list(tmp_path.glob(".job-*")) == []


def test_cups_queue_through_lp(tmp_path: Path) -> None:
    from scanner_gateway.printing import NotSent

    out = tmp_path / "spooled.zpl"
    lp = tmp_path / "lp"
    # A stand-in for CUPS' lp: checks its arguments, keeps the job, or refuses an unknown queue.
    lp.write_text(
        "#!/bin/sh\n"
        '[ "$1 $3 $4" = "-d -o raw" ] || exit 2\n'
        '[ "$2" = "Zebra" ] || { echo "lp: The printer or class does not exist." >&2; '
        "exit 1; }\n"
        f'cat > "{out}"\n'
    )
    lp.chmod(0o755)
    CupsPrinter("zebra", "Zebra", lp=str(lp)).send(b"^XA^FDhi^FS^XZ")
    assert out.read_bytes() == b"^XA^FDhi^FS^XZ"
    with pytest.raises(NotSent) as e:
        CupsPrinter("nope", "Nope", lp=str(lp)).send(b"^XA^XZ")
    assert "does not exist" in str(e.value)
    with pytest.raises(NotSent):
        CupsPrinter("x", "Zebra", lp=str(tmp_path / "missing-lp")).send(b"^XA^XZ")
