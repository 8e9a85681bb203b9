"""CSV import of master data: all rows or none, bad rows reported by row number."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking
from tracking_core.csv_import import ImportReport, RowError, import_csv, read_rows
from tracking_core.errors import InvalidInput

ITEMS = (
    "sku,description,tracking,uom,gtins,serial_mask,lot_mask,shelf_life_days,warranty_days,"
    "standard_cost\n"
    'PHONE,"Phone, 6""",serial,EA,09506000134352;9506000134369,PH-{YY}-######,,,730,199.90\n'
    "YOGURT,Yogurt,lot,CUP,,,Y{YYMMDD}-##,21,,0.45\n"
    "BOLT,Bolt M6,none,,,,,,,\n"
)
BAD_ROWS = (
    "CHAIR,Chair,wobbly,,,,,,,\n"  # row 5
    "PEN,Pen,none,,123,,,,,\n"  # row 6
    "PHONE,Phone again,none,,,,,,,\n"  # row 7
)


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_items(cli: Cli, live: Tracking, tmp_path: Path) -> None:
    r = cli("import", "items", write(tmp_path, ITEMS))
    assert (ok(r), r.stderr) == ("3 of 3 items imported\n", "")
    phone = live.item("PHONE")
    assert (phone.description, phone.gtins, phone.serial_mask, phone.warranty_days) == (
        'Phone, 6"',
        ("09506000134352", "09506000134369"),
        "PH-{YY}-######",
        730,
    )
    assert str(phone.standard_cost) == "199.9000"
    yogurt = live.item("YOGURT")
    assert (yogurt.tracking, yogurt.uom, yogurt.shelf_life_days) == ("lot", "CUP", 21)
    assert live.item("BOLT").uom == "EA"  # an empty cell takes the default


def test_one_bad_row_imports_nothing(cli: Cli, live: Tracking, tmp_path: Path) -> None:
    before = snapshot(live)
    r = cli("import", "items", write(tmp_path, ITEMS + BAD_ROWS))
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.splitlines() == [
        "row 5: invalid_input: Invalid tracking: must be one of none, lot, serial",
        "row 6: invalid_input: Invalid gtin: '123' is not 8, 12, 13 or 14 digits",
        "row 7: duplicate: Item 'PHONE' already exists",
        "error: import_failed: 3 of 6 rows are bad; nothing imported (fix them, or use "
        "--skip-bad to import the good rows)",
    ]
    assert snapshot(live) == before


def test_skip_bad_imports_the_good_rows_and_reports_the_bad(
    cli: Cli, live: Tracking, tmp_path: Path
) -> None:
    r = cli("import", "items", write(tmp_path, ITEMS + BAD_ROWS), "--skip-bad")
    assert ok(r) == "3 of 6 items imported, 3 bad rows skipped\n"
    assert [line.split(":")[0] for line in r.stderr.splitlines()] == ["row 5", "row 6", "row 7"]
    assert [i.sku for i in live.items()] == ["BOLT", "PHONE", "YOGURT"]
    assert live.item("PHONE").description == 'Phone, 6"'  # the first PHONE row won


def test_locations_with_parents_and_partners(cli: Cli, live: Tracking, tmp_path: Path) -> None:
    locations = "code,name,kind,parent\nZ1,Zone 1,staging,\nZ1-01,Bin 1,bin,Z1\nZ1-02,,,Z1\n"
    assert ok(cli("import", "locations", write(tmp_path, locations))) == (
        "3 of 3 locations imported\n"
    )
    assert [(x.code, x.kind, x.parent) for x in live.locations()] == [
        ("Z1", "staging", None),
        ("Z1-01", "bin", "Z1"),
        ("Z1-02", "bin", "Z1"),
    ]
    partners = "\ufeffCode , Name,KIND\nV-9,Vendor Nine,vendor\nC-9,Customer Nine,customer\n"
    assert ok(cli("import", "partners", write(tmp_path, partners))) == "2 of 2 partners imported\n"
    assert [(p.code, p.name, p.kind) for p in live.partners()] == [
        ("C-9", "Customer Nine", "customer"),
        ("V-9", "Vendor Nine", "vendor"),
    ]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            "locations",
            "code,colour\nX,red\n",
            "Invalid header: unknown column(s) colour; known: code, name, kind, parent",
        ),
        (
            "partners",
            "name\nAcme\n",
            "Invalid header: missing column(s) code, kind; required: code, kind, optional: name",
        ),
        ("partners", "", "Invalid header: the file is empty; expected code, kind"),
        ("partners", "code,kind,code\n", "Invalid header: column(s) code appear twice"),
    ],
)
def test_bad_headers(cli: Cli, tmp_path: Path, kind: str, text: str, message: str) -> None:
    r = cli("import", kind, write(tmp_path, text))
    assert (r.exit_code, r.stderr) == (1, f"error: invalid_input: {message}\n")


def test_large_file_shows_progress(cli: Cli, live: Tracking, tmp_path: Path) -> None:
    rows = "".join(f"P{i:05},Partner {i},customer\n" for i in range(2500))
    r = cli("import", "partners", write(tmp_path, "code,name,kind\n" + rows))
    assert ok(r) == "2500 of 2500 partners imported\n"
    assert "importing partners" in r.stderr
    assert len(live.partners()) == 2500


def test_read_rows_counts_rows_as_a_spreadsheet_does() -> None:
    lines = ["code,name,kind\n", 'A,"two\n', 'lines",vendor\n', "\n", "B,b,customer\n"]
    assert read_rows("partners", lines) == [
        (2, {"code": "A", "name": "two\nlines", "kind": "vendor"}),
        (5, {"code": "B", "name": "b", "kind": "customer"}),
    ]


def test_import_csv_reports_extra_values_and_keeps_good_rows_with_skip_bad(
    live: Tracking,
) -> None:
    lines = ["code,kind\n", "A,vendor\n", "B,vendor,surplus\n", "C,customer,\n"]
    assert import_csv(live.db, "partners", lines) == ImportReport(
        "partners",
        3,
        0,
        (RowError(3, "invalid_input", "Invalid row: 3 values, the header has 2"),),
    )
    assert live.partners() == []
    report = import_csv(live.db, "partners", lines, skip_bad=True)
    assert (report.imported, [e.row for e in report.errors]) == (2, [3])
    assert [p.code for p in live.partners()] == ["A", "C"]  # an empty extra cell is fine


def test_import_csv_refuses_an_unknown_kind(live: Tracking) -> None:
    with pytest.raises(InvalidInput) as e:
        import_csv(live.db, "gadgets", ["code\n"])
    assert e.value.details() == {"field": "kind", "reason": "must be items, locations or partners"}
