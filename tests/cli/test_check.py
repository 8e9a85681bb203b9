"""``scantrack check``: the ledger's value against the value on hand, and a drift found;
``scantrack stock valuation``: the ledger's stock at a date, reconciled today."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text

from tests.cli.conftest import Cli, ok
from tracking_core.core import Tracking


def test_check_of_the_demo_is_consistent(cli: Cli, demo: None) -> None:
    # LAPTOP-14: 5 x 640.00; MILK-1L: 40 + 24 x 0.80
    assert ok(cli("check")) == (
        "ledger consistent: 2 items, 2 locations, 2 lots, value 3251.2000\n"
    )


def test_check_names_each_drift_and_exits_1(cli: Cli, demo: None, live: Tracking) -> None:
    serial = live.stock(item="LAPTOP-14")[0]
    lot = live.stock(item="MILK-1L")[0].lot
    assert serial.value == 3200

    def tamper(s):  # type: ignore[no-untyped-def]
        # behind the ledger's back: one laptop worth more, one lot at another unit cost
        s.execute(
            text(
                "UPDATE serial_numbers SET cost = 700 WHERE id ="
                " (SELECT MIN(id) FROM serial_numbers WHERE status = 'in_stock')"
            )
        )
        s.execute(text("UPDATE lots SET unit_cost = 0.85 WHERE lot = :lot"), {"lot": lot})

    live.db.run(tamper)
    tampered = live.serial(live.document("RC-000001", detail=True).lines[0].serials[0])
    r = cli("check")
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "ledger drift: 3 places where the ledger's value is not on hand"
    assert [line.split() for line in lines[3:]] == [
        ["LAPTOP-14", "A-01-01", "3200.00", "3260.00"],
        ["LAPTOP-14", "A-01-01", tampered.serial, "640.00", "700.00"],
        ["MILK-1L", "A-01-02", lot, "32.00", "34.00"],
    ]
    check = live.check_ledger()
    assert [
        (d.item, d.location, d.lot, d.serial, d.ledger_value, d.on_hand_value) for d in check.drifts
    ] == [
        ("LAPTOP-14", "A-01-01", None, None, 3200, 3260),
        ("LAPTOP-14", "A-01-01", None, tampered.serial, 640, 700),
        ("MILK-1L", "A-01-02", lot, None, 32, 34),
    ]


def test_stock_shows_value_and_a_shipment_price_is_exported(cli: Cli, demo: None) -> None:
    ship = [
        "ship",
        "--item",
        "MILK-1L",
        "--location",
        "A-01-02",
        "--partner",
        "C-BETA",
        "--quantity",
    ]
    out = ok(cli(*ship, "6", "--unit-price", "1.99"))
    number = out.split()[1].rstrip(":")
    rows = ok(cli("ledger", "export", "--kind", "lot")).splitlines()
    assert rows[0].endswith(",reversal_of,unit_price,seq,container")
    shipped = [r.split(",") for r in rows[1:] if f",{number}," in r]
    assert [(r[11], r[12], r[-3]) for r in shipped] == [("6", "4.8000", "1.9900")]
    assert ok(cli("stock", "--item", "MILK-1L")).splitlines()[-1] == "total value 46.40"
    r = cli(*ship, "1", "--unit-price", "-1")
    assert r.exit_code == 1 and "invalid_input" in r.stderr
    assert ok(cli("check")).startswith("ledger consistent: 2 items")


def test_stock_valuation_by_the_ledger_reconciles_today(
    cli: Cli, demo: None, live: Tracking
) -> None:
    value = live.check_ledger().value
    lines = ok(cli("stock", "valuation")).splitlines()
    assert lines[0].startswith("stock by the ledger at the end of ")  # today, by the CLI's clock
    dt.date.fromisoformat(lines[0].rsplit(" ", 1)[1])
    assert lines[-1] == f"reconciled: the stock tables hold the same, value {value:.2f}"
    data = json.loads(ok(cli("stock", "valuation", "--item", "MILK-1L", "--json")))
    assert {r["item"] for r in data["rows"]} == {"MILK-1L"}
    assert data["reconciliation"]["differences"] == []
    old = ok(cli("stock", "valuation", "--at", "2000-01-01")).splitlines()
    assert old[-1] == "total 0 on hand, value 0.00"  # before anything: no reconciliation
    bad = cli("stock", "valuation", "--at", "2000-13-01")
    assert bad.exit_code == 2 and "--at" in bad.output

    def tamper(s):  # type: ignore[no-untyped-def]
        s.execute(text("UPDATE lot_stock SET on_hand = on_hand + 1 WHERE on_hand > 0"))

    live.db.run(tamper)
    r = cli("stock", "valuation", "--item", "MILK-1L")
    assert r.exit_code == 1 and "not reconciled: " in r.stdout
