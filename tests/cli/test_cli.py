"""The scantrack command line against real SQLite files."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracking_core.core import Tracking
from tracking_core.db import Database
from web_mobile.cli import main


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, ["--database-url", url, *args], input=input)

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def core_of(url: str) -> Tracking:
    return Tracking(Database.from_url(url))


def test_demo_load_is_idempotent_with_if_empty(run) -> None:  # type: ignore[no-untyped-def]
    r = run("demo", "load", "--if-empty")
    assert r.exit_code == 0, r.output
    assert "3 items, 5 locations, open documents RC-DEMO-1, SH-DEMO-1" in r.output
    r2 = run("demo", "load", "--if-empty")
    assert (r2.exit_code, r2.output.strip()) == (
        0,
        "demo not loaded: the database has 3 items already",
    )
    stock = run("stock", "--item", "MILK-1L")
    assert "L-DEMO-1" in stock.output and "40" in stock.output


def test_receive_ship_inquire_trace_export(run) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "load").exit_code == 0
    r = run(
        "receive",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--quantity",
        "6000",
        "--partner",
        "V-ACME",
    )
    assert r.exit_code == 0, r.output
    assert "receipt RC-000004: posted" in r.stdout  # the demo used RC-000001..3
    assert "generating serials" in r.stderr
    r = run(
        "ship",
        "--item",
        "LAPTOP-14",
        "--location",
        "A-01-01",
        "--quantity",
        "2",
        "--partner",
        "C-BETA",
    )
    assert r.exit_code == 0 and "shipment SH-000001: posted" in r.output
    serial = core_of(run.url).document("SH-000001", detail=True).lines[0].serials[0]
    r = run("serial", serial)
    assert r.output.startswith(f"LAPTOP-14 {serial}: shipped at -")
    r = run("trace", "--item", "LAPTOP-14", "--serial", serial)
    assert "partners C-BETA" in r.output
    r = run("trace", "--item", "MILK-1L", "--lot", "L-DEMO-1", "--backward", "--json")
    assert '"direction": "backward"' in r.output
    r = run("lot", "MILK-1L", "L-DEMO-1")
    assert r.output.startswith("MILK-1L lot L-DEMO-1: available")
    r = run("ledger", "export")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert len(rows) == 5 + 2 + 6000 + 2  # the demo's 5 serials and 2 lots, then ours
    assert rows[0]["kind"] == "serial" and rows[-1]["kind"] == "lot"


def test_documents_post_cancel_reverse(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "load")
    r = run("post", "SH-DEMO-1")
    assert (r.exit_code, r.stderr.strip()) == (
        1,
        "error: line_incomplete: Line 1 of SH-DEMO-1 (LAPTOP-14) has 0 of 2 serial/lot "
        "numbers; different quantities are not allowed",
    )
    assert run("cancel", "SH-DEMO-1").exit_code == 0
    assert (
        run(
            "receive",
            "--item",
            "MILK-1L",
            "--location",
            "A-01-01",
            "--quantity",
            "3",
            "--lot",
            "LX",
            "--expiry",
            "2027-01-01",
        ).exit_code
        == 0
    )
    r = run("reverse", "RC-000004")
    assert (r.exit_code, r.stdout.strip()) == (0, "RC-000005 reverses RC-000004: 1 records")


def test_bad_input_exits_1_and_changes_nothing(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "load")
    before = run("ledger", "export").output
    r = run("receive", "--item", "NOPE", "--location", "DOCK-1", "--quantity", "1")
    assert (r.exit_code, r.stderr.strip()) == (1, "error: unknown_item: Unknown item 'NOPE'")
    r = run("receive", "--item", "LAPTOP-14", "--location", "DOCK-1", "--quantity", "0")
    assert r.exit_code == 1 and "invalid_quantity" in r.stderr
    r = run("settings", "set", "allocation_order", "random", "--actor", "me")
    assert r.exit_code == 1 and "invalid_input" in r.stderr
    assert run("ledger", "export").output == before
    assert run("receive", "--item").exit_code == 2  # usage error


def test_settings_tokens_masks(run) -> None:  # type: ignore[no-untyped-def]
    r = run("settings", "set", "allocation_order", "fefo", "--actor", "ann")
    assert (r.exit_code, r.output.strip()) == (0, 'allocation_order = "fefo"')
    assert "fefo" in run("settings", "show").output
    r = run("token", "create", "--name", "erp", "--role", "integration")
    token = r.stdout.split(": ")[-1].strip()
    assert core_of(run.url).authenticate(token).role == "integration"
    assert "erp" in run("token", "list").output
    assert run("token", "revoke", "1").exit_code == 0
    assert core_of(run.url).authenticate(token) is None
    r = run("masks", "preview", "X{YY}-%%%", "--count", "2")
    assert r.exit_code == 0 and len(r.output.split()) == 2


def test_csv_import_all_or_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = "sku,tracking,gtins,shelf_life_days\nA,serial,09506000134352,\nB,lot,,7\n"
    bad = good + "C,weird,,\nD,none,123,\n"
    f = tmp_path / "items.csv"
    f.write_text(bad)
    r = run("import", "items", str(f))
    assert r.exit_code == 1
    assert "row 4: invalid_input: Invalid tracking: must be one of none, lot, serial" in r.stderr
    assert "row 5: invalid_input: Invalid gtin: '123' is not 8, 12, 13 or 14 digits" in r.stderr
    assert core_of(run.url).items() == []
    r = run("import", "items", str(f), "--skip-bad")
    assert r.exit_code == 0 and "2 of 4 items imported" in r.output
    assert [i.sku for i in core_of(run.url).items()] == ["A", "B"]
    f.write_text("code,colour\nX,red\n")
    r = run("import", "locations", str(f))
    assert r.exit_code == 1 and "unknown column 'colour'" in r.stderr


def test_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("scantrack")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "scantrack: barcode scanning" in out.stdout
    url = f"sqlite:///{tmp_path / 'sub.db'}"
    out = subprocess.run(
        [str(exe), "--database-url", url, "db", "upgrade"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("database at revision 0003")
