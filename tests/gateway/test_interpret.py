"""interpret(raw, profile) -> Barcode: whole values and exact errors, module by module."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import pickle
from typing import Any

import pytest

from scanner_gateway.interpret import (
    COMMANDS,
    DEFAULT_MODES,
    KINDS,
    Barcode,
    LabelPrefixes,
    ScanProfile,
    VendorRule,
    interpret,
)
from scanner_gateway.interpret.gtin import check_digit
from scanner_gateway.interpret.hibc import CHARSET, mod43
from scanner_gateway.interpret.symbology import family, split

GS = "\x1d"
interpret_module = importlib.import_module("scanner_gateway.interpret.interpret")
D = dt.date
PIPE = ScanProfile(separators=("|",))


def B(kind: str, value: str, **kw: Any) -> Barcode:
    return Barcode(kind=kind, value=value, **kw)  # type: ignore[arg-type]


def bad(value: str, error: str, **kw: Any) -> Barcode:
    return Barcode(kind="invalid", value=value, error=error, **kw)


# --- symbology identifiers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("]C1010950", ("]C1", "010950")),
        ("]d2010950", ("]d2", "010950")),
        ("]Q3010950", ("]Q3", "010950")),
        ("]e00100", ("]e0", "0100")),
        ("]E04006381333931", ("]E0", "4006381333931")),
        ("]I110012345678902", ("]I1", "10012345678902")),
        ("]A0+A99912345", ("]A0", "+A99912345")),
        ("]Y1AB", ("]Y1A", "B")),
        ("]", (None, "]")),
        ("]V0X", (None, "]V0X")),  # V is no code character
        ("]Cx", (None, "]Cx")),
        ("LOT]C1", (None, "LOT]C1")),
    ],
)
def test_split_symbology(raw: str, expected: tuple[str | None, str]) -> None:
    assert split(raw) == expected


@pytest.mark.parametrize(
    ("ident", "fam"),
    [
        ("]C1", "gs1"),
        ("]d2", "gs1"),
        ("]d5", "gs1"),
        ("]Q3", "gs1"),
        ("]Q4", "gs1"),
        ("]e0", "gs1"),
        ("]J1", "gs1"),
        ("]E0", "ean"),
        ("]E3", "ean"),
        ("]E4", "ean"),
        ("]E1", "plain"),
        ("]I1", "itf"),
        ("]I0", "plain"),
        ("]C0", "plain"),
        ("]d1", "plain"),
        ("]Q1", "plain"),
        ("]A0", "plain"),
        (None, "none"),
    ],
)
def test_symbology_family(ident: str | None, fam: str) -> None:
    assert family(ident) == fam


# --- GS1 element strings -----------------------------------------------------------

GS1_CASES = [
    (
        "]C10109506000134352172612311012A" + GS + "21X7",
        PIPE,
        B(
            "gs1",
            "0109506000134352172612311012A" + GS + "21X7",
            symbology="]C1",
            gtin="09506000134352",
            expiry=D(2026, 12, 31),
            lot="12A",
            serial="X7",
            fields={"01": "09506000134352", "17": "261231", "10": "12A", "21": "X7"},
        ),
    ),
    # The replacement separator of a keyboard-wedge scanner.
    (
        "0109506000134352|10LOT-7|21SN0001",
        PIPE,
        B(
            "gs1",
            "0109506000134352|10LOT-7|21SN0001",
            gtin="09506000134352",
            lot="LOT-7",
            serial="SN0001",
            fields={"01": "09506000134352", "10": "LOT-7", "21": "SN0001"},
        ),
    ),
    # Day 00 is the last day of the month, also in a leap year.
    (
        "]d20109506000134352172802001012A",
        None,
        B(
            "gs1",
            "0109506000134352172802001012A",
            symbology="]d2",
            gtin="09506000134352",
            expiry=D(2028, 2, 29),
            lot="12A",
            fields={"01": "09506000134352", "17": "280200", "10": "12A"},
        ),
    ),
    # A lot-only symbol: the second barcode of a two-barcode label.
    ("]C110LOT", None, B("gs1", "10LOT", symbology="]C1", lot="LOT", fields={"10": "LOT"})),
    # Pallet label: SSCC, content GTIN, count, lot, dates.
    (
        "]C100376104250021234569" + GS + "020061414112345237" + "12" + GS + "10B-77"
        "|1126010115270115",
        PIPE,
        B(
            "gs1",
            "00376104250021234569" + GS + "020061414112345237" + "12" + GS + "10B-77"
            "|1126010115270115",
            symbology="]C1",
            sscc="376104250021234569",
            gtin="00614141123452",
            quantity=12,
            lot="B-77",
            production_date=D(2026, 1, 1),
            best_before=D(2027, 1, 15),
            fields={
                "00": "376104250021234569",
                "02": "00614141123452",
                "37": "12",
                "10": "B-77",
                "11": "260101",
                "15": "270115",
            },
        ),
    ),
    # FNC1 in first position sent as ASCII 29, and a trailing separator.
    (
        GS + "0109506000134352" + "3025" + GS,
        None,
        B(
            "gs1",
            GS + "0109506000134352" + "3025" + GS,
            gtin="09506000134352",
            quantity=25,
            fields={"01": "09506000134352", "30": "25"},
        ),
    ),
    # DataBar carries the GTIN alone.
    (
        "]e00100012345678905",
        None,
        B(
            "gs1",
            "0100012345678905",
            symbology="]e0",
            gtin="00012345678905",
            fields={"01": "00012345678905"},
        ),
    ),
    # GLN and GSRN primary keys validate; a weight is kept in the fields.
    (
        "41406141410000363103000500",
        None,
        B("gs1", "41406141410000363103000500", fields={"414": "0614141000036", "3103": "000500"}),
    ),
    (
        "8018123456789012345675",
        None,
        B("gs1", "8018123456789012345675", fields={"8018": "123456789012345675"}),
    ),
    (
        "800300400638133390SN1",
        None,
        B("gs1", "800300400638133390SN1", fields={"8003": "00400638133390SN1"}),
    ),
    # The same AI twice with the same value is fine.
    (
        "]C110A" + GS + "10A",
        None,
        B("gs1", "10A" + GS + "10A", symbology="]C1", lot="A", fields={"10": "A"}),
    ),
]


@pytest.mark.parametrize(("raw", "profile", "expected"), GS1_CASES)
def test_gs1(raw: str, profile: ScanProfile | None, expected: Barcode) -> None:
    assert interpret(raw, profile=profile) == expected


GS1_ERRORS = [
    (
        "]C10109506000134353",
        "Failed to parse '0109506000134353' as GS1 element strings: expected (01) GTIN with "
        "check digit 2 at position 0, got '09506000134353'.",
    ),
    (
        "]C100376104250021234568",
        "Failed to parse '00376104250021234568' as GS1 element strings: expected (00) SSCC with "
        "check digit 9 at position 0, got '376104250021234568'.",
    ),
    (
        "]C14140614141000037",
        "Failed to parse '4140614141000037' as GS1 element strings: expected (414) LOC No. with "
        "check digit 6 at position 0, got '0614141000037'.",
    ),
    (
        "]C18018123456789012345670",
        "Failed to parse '8018123456789012345670' as GS1 element strings: expected (8018) GSRN - "
        "RECIPIENT with check digit 5 at position 0, got '123456789012345670'.",
    ),
    (
        "]C1800300400638133391SN1",
        "Failed to parse '800300400638133391SN1' as GS1 element strings: expected (8003) GRAI with "
        "check digit 0 at position 0, got '00400638133391SN1'.",
    ),
    (
        "]C1010950600013435217261301",
        "Failed to parse '010950600013435217261301' as GS1 element strings: expected (17) USE BY "
        "or EXPIRY as a date YYMMDD at position 16, got '261301'.",
    ),
    (
        "]C1010950600013435217260230",
        "Failed to parse '010950600013435217260230' as GS1 element strings: expected (17) USE BY "
        "or EXPIRY as a date YYMMDD at position 16, got '260230'.",
    ),
    (
        "]C101095060001343",
        "Failed to parse '01095060001343' as GS1 element strings: expected (01) GTIN as 14 digits "
        "at position 0, got '095060001343'.",
    ),
    (
        "]C10109506000134352ABC",
        "Failed to parse '0109506000134352ABC' as GS1 element strings: expected an application "
        "identifier at position 16, got 'ABC'.",
    ),
    (
        "]C110",
        "Failed to parse '10' as GS1 element strings: expected (10) BATCH/LOT as 1 to 20 "
        "characters at position 0, got ''.",
    ),
    (
        "]C110A" + GS + "10B",
        "Failed to parse '10A\\x1d10B' as GS1 element strings: expected (10) BATCH/LOT once, "
        "got 'A' and 'B'.",
    ),
    (
        "]C110LOTÄ",
        "Failed to parse '10LOTÄ' as GS1 element strings: expected GS1 characters (ASCII) at "
        "position 5, got 'Ä'.",
    ),
    (
        "]C1" + GS,
        "Failed to parse '\\x1d' as GS1 element strings: expected an application identifier, "
        "got nothing.",
    ),
    # A GS1 identifier means GS1, even for what looks like an own label.
    (
        "]C1LOC:A-01",
        "Failed to parse 'LOC:A-01' as GS1 element strings: expected an application identifier "
        "at position 0, got 'LOC:'.",
    ),
]


@pytest.mark.parametrize(("raw", "error"), GS1_ERRORS)
def test_gs1_errors(raw: str, error: str) -> None:
    b = interpret(raw)
    assert b == bad(raw[3:], error, symbology=raw[:3])


# --- When is a string GS1? (README.md, "Barcodes the gateway understands") ----------


@pytest.mark.parametrize(
    ("raw", "profile", "expected"),
    [
        ("10D9T", None, B("plain", "10D9T")),
        ("21SN5", None, B("plain", "21SN5")),
        ("10123456", None, B("plain", "10123456")),  # an 8-digit lot, bad GTIN-8 check
        ("]C010D9T", None, B("plain", "10D9T", symbology="]C0")),
        ("]d10109506000134352", None, B("plain", "0109506000134352", symbology="]d1")),
        ("]Q10109506000134352", None, B("plain", "0109506000134352", symbology="]Q1")),
        # Starts with a primary key but does not validate: plain, and the reason as a warning.
        (
            "0109506000134353",
            None,
            B(
                "plain",
                "0109506000134353",
                warnings=(
                    "Read as a plain code, not as GS1: Failed to parse '0109506000134353' as GS1 "
                    "element strings: expected (01) GTIN with check digit 2 at position 0, got "
                    "'09506000134353'.",
                ),
            ),
        ),
        # With a primary key and valid: GS1, also after a replacement separator.
        (
            "|0109506000134352|10X",
            PIPE,
            B(
                "gs1",
                "|0109506000134352|10X",
                gtin="09506000134352",
                lot="X",
                fields={"01": "09506000134352", "10": "X"},
            ),
        ),
        # ASCII 29 in first position is FNC1: only GS1 symbols send it.
        (GS + "10D9T", None, B("gs1", GS + "10D9T", lot="D9T", fields={"10": "D9T"})),
        # A profile for scanners that strip identifiers and read only GS1.
        (
            "10D9T",
            ScanProfile(assume_gs1_without_symbology=True),
            B("gs1", "10D9T", lot="D9T", fields={"10": "D9T"}),
        ),
        ("ABC-1", ScanProfile(assume_gs1_without_symbology=True), B("plain", "ABC-1")),
        # Bare digits with a right check digit are a GTIN first, even with the profile.
        (
            "4006381333931",
            ScanProfile(assume_gs1_without_symbology=True),
            B("gtin", "4006381333931", gtin="04006381333931"),
        ),
    ],
)
def test_when_is_a_string_gs1(raw: str, profile: ScanProfile | None, expected: Barcode) -> None:
    assert interpret(raw, profile=profile) == expected


def test_a_german_gtin_is_not_read_as_ai_401() -> None:
    # 401 is a primary key AI and "4012345..." is a valid GINC; the GTIN rule comes first.
    gtin = "401234567890" + str(check_digit("401234567890"))
    assert interpret(gtin) == B("gtin", gtin, gtin="0" + gtin)


# --- missing separators --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "warnings"),
    [
        (
            "010950600013435210ABC2112345",
            (
                "(10) BATCH/LOT 'ABC2112345' may hide (21) SERIAL '12345': check for a missing "
                "separator",
            ),
        ),
        (
            "010950600013435210L17270630",
            (
                "(10) BATCH/LOT 'L17270630' may hide (17) USE BY or EXPIRY '270630': check for a "
                "missing separator",
            ),
        ),
        (
            "01095060001343522112101234",
            (
                "(21) SERIAL '12101234' may hide (10) BATCH/LOT '1234': check for a missing "
                "separator",
            ),
        ),
        (
            "010950600013435210ABCDEFGHIJKLMNOPQRST21X",
            (
                "(10) BATCH/LOT 'ABCDEFGHIJKLMNOPQRST' fills its maximum length with no separator "
                "after it: check that the next field was not cut",
            ),
        ),
        # Nothing to warn about:
        ("010950600013435210ABC21", ()),  # "21" with nothing after it
        ("010950600013435210ABC" + GS + "2112345", ()),
        ("010950600013435210ABC2112345" + GS, ()),  # terminated by a separator
        ("010950600013435221S1" + GS + "10ABC2112345", ()),  # there is a serial already
        ("010950600013435210L172713", ()),  # 271301 is no date
        ("010950600013435210" + "20231015", ()),  # a date-like lot hides nothing valid
        ("01095060001343521726123110ABC", ()),  # fixed-length fields need no separator
    ],
)
def test_missing_separator_warnings(data: str, warnings: tuple[str, ...]) -> None:
    b = interpret("]C1" + data)
    assert b.kind == "gs1"
    assert b.warnings == warnings


# --- GS1 Digital Link ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://id.gs1.org/01/09506000134352/10/ABC1/21/S-9?17=271231",
            B(
                "gs1",
                "https://id.gs1.org/01/09506000134352/10/ABC1/21/S-9?17=271231",
                gtin="09506000134352",
                lot="ABC1",
                serial="S-9",
                expiry=D(2027, 12, 31),
                fields={"01": "09506000134352", "10": "ABC1", "21": "S-9", "17": "271231"},
            ),
        ),
        # Any host and a path prefix; a GTIN-13 is padded to 14 digits.
        (
            "]Q1https://qr.example.com/p/01/9506000134352?3103=000195&linkType=all",
            B(
                "gs1",
                "https://qr.example.com/p/01/9506000134352?3103=000195&linkType=all",
                symbology="]Q1",
                gtin="09506000134352",
                fields={"01": "09506000134352", "3103": "000195"},
            ),
        ),
        # Upper case, as QR alphanumeric mode prints it; short names of Digital Link 1.0.
        (
            "HTTPS://EXAMPLE.COM/gtin/09506000134352/lot/L1?exp=270100",
            B(
                "gs1",
                "HTTPS://EXAMPLE.COM/gtin/09506000134352/lot/L1?exp=270100",
                gtin="09506000134352",
                lot="L1",
                expiry=D(2027, 1, 31),
                fields={"01": "09506000134352", "10": "L1", "17": "270100"},
            ),
        ),
        (
            "]d2https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
            B(
                "gs1",
                "https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
                symbology="]d2",
                sscc="106141412345678908",
                gtin="00614141123452",
                quantity=25,
                lot="ABC123",
                fields={
                    "00": "106141412345678908",
                    "02": "00614141123452",
                    "37": "25",
                    "10": "ABC123",
                },
            ),
        ),
        # A web address that is no Digital Link is a plain code.
        ("https://example.com/about/us", B("plain", "https://example.com/about/us")),
        # A lot value that is spelled like a short name stays a value.
        (
            "https://id.gs1.org/01/09506000134352/10/lot",
            B(
                "gs1",
                "https://id.gs1.org/01/09506000134352/10/lot",
                gtin="09506000134352",
                lot="lot",
                fields={"01": "09506000134352", "10": "lot"},
            ),
        ),
    ],
)
def test_digital_link(raw: str, expected: Barcode) -> None:
    assert interpret(raw) == expected


@pytest.mark.parametrize(
    ("uri", "error"),
    [
        (
            "https://id.gs1.org/01/09506000134353",
            "expected (01) GTIN with check digit 2, got '09506000134353'.",
        ),
        (
            "https://id.gs1.org/01/09506000134352/10",
            "expected even number of path segments, got '/01/09506000134352/10'.",
        ),
        (
            "https://id.gs1.org/01/09506000134352/17/270101",
            "expected one of (22, 10, 21, 235) as qualifier, got '17'.",
        ),
        (
            "https://id.gs1.org/01/0950600013435X",
            "expected (01) GTIN as 14 digits, got '0950600013435X'.",
        ),
        (
            "https://id.gs1.org/01/٠٩٥٠٦٠٠٠١٣٤٣٥٢",
            "expected (01) GTIN in GS1 characters (ASCII), got '٠٩٥٠٦٠٠٠١٣٤٣٥٢'.",
        ),
        (
            "https://id.gs1.org/01/09506000134352?17=271301",
            "expected (17) USE BY or EXPIRY as a date YYMMDD, got '271301'.",
        ),
    ],
)
def test_digital_link_errors(uri: str, error: str) -> None:
    expected = f"Failed to parse {uri!r} as GS1 Digital Link URI: {error}"
    assert interpret(uri) == bad(uri, expected)


# --- GTIN, EAN, UPC ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4006381333931", B("gtin", "4006381333931", gtin="04006381333931")),
        ("96385074", B("gtin", "96385074", gtin="00000096385074")),
        ("012345678905", B("gtin", "012345678905", gtin="00012345678905")),
        ("10012345678902", B("gtin", "10012345678902", gtin="10012345678902")),
        ("]E04006381333931", B("gtin", "4006381333931", symbology="]E0", gtin="04006381333931")),
        ("]E0012345678905", B("gtin", "012345678905", symbology="]E0", gtin="00012345678905")),
        ("]E001234565", B("gtin", "01234565", symbology="]E0", gtin="00012345000065")),  # UPC-E
        ("]E496385074", B("gtin", "96385074", symbology="]E4", gtin="00000096385074")),
        (
            "]E3590123412345712",
            B(
                "gtin",
                "590123412345712",
                symbology="]E3",
                gtin="05901234123457",
                fields={"addon": "12"},
            ),
        ),
        (
            "]E301234567890552101",
            B(
                "gtin",
                "01234567890552101",
                symbology="]E3",
                gtin="00012345678905",
                fields={"addon": "52101"},
            ),
        ),
        ("]I110012345678902", B("gtin", "10012345678902", symbology="]I1", gtin="10012345678902")),
        ("]I11234", B("plain", "1234", symbology="]I1")),
        # Bare digits with a wrong check digit are not a GTIN: a numeric serial, say.
        ("4006381333932", B("plain", "4006381333932")),
        ("١٢٣٤٥٦٧٠", B("plain", "١٢٣٤٥٦٧٠")),  # Arabic-Indic digits are no GTIN
    ],
)
def test_gtin(raw: str, expected: Barcode) -> None:
    assert interpret(raw) == expected


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (
            "]E04006381333932",
            "Failed to parse '4006381333932' as GTIN (EAN-13/UPC ]E0): expected check digit 1, "
            "got 2.",
        ),
        (
            "]E04006",
            "Failed to parse '4006' as GTIN (EAN-13/UPC ]E0): expected 8, 12, 13 or 14 digits, "
            "got 4.",
        ),
        (
            "]E0400638133393X",
            "Failed to parse '400638133393X' as GTIN (EAN-13/UPC ]E0): expected digits, got 'X'.",
        ),
        (
            "]E001234566",
            "Failed to parse '01234566' as UPC-E (]E0): expected 6 to 8 digits with a valid check "
            "digit, got '01234566'.",
        ),
        (
            "]E3590123412345",
            "Failed to parse '590123412345' as GTIN with add-on (EAN/UPC with add-on ]E3): "
            "expected 12 or 13 digits and a 2 or 5 digit add-on, got 12.",
        ),
        (
            "]I110012345678903",
            "Failed to parse '10012345678903' as GTIN (ITF-14 ]I1): expected check digit 2, got 3.",
        ),
    ],
)
def test_gtin_errors(raw: str, error: str) -> None:
    assert interpret(raw) == bad(raw[3:], error, symbology=raw[:3])


@pytest.mark.parametrize(
    ("payload", "digit"),
    [("0950600013435", 2), ("400638133393", 1), ("9638507", 4), ("10614141234567890", 8)],
)
def test_check_digit(payload: str, digit: int) -> None:
    assert check_digit(payload) == digit


# --- HIBC ----------------------------------------------------------------------------


def hibc(body: str) -> str:
    """A HIBC string with its check character."""
    return body + mod43(body)


HIBC_PRIMARY = {"lic": "A999", "pcn": "1234", "uom": "5"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
            B(
                "hibc",
                "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
                item="A99912345",
                lot="10X3",
                expiry=D(2020, 1, 15),
                production_date=D(2011, 12, 12),
                serial="77DE1G45",
                fields=HIBC_PRIMARY,
            ),
        ),
        (
            "+A99912345" + "7",
            B("hibc", "+A999123457", item="A99912345", fields={**HIBC_PRIMARY, "check": "7"}),
        ),
        # Code 39 start/stop characters transmitted.
        (
            "*+A999123457*",
            B("hibc", "*+A999123457*", item="A99912345", fields={**HIBC_PRIMARY, "check": "7"}),
        ),
    ],
)
def test_hibc(raw: str, expected: Barcode) -> None:
    assert interpret(raw) == expected


@pytest.mark.parametrize(
    ("secondary", "read"),
    [
        ("$LOT123", {"lot": "LOT123"}),
        ("$+SN9", {"serial": "SN9"}),
        ("26030LOT9", {"lot": "LOT9", "expiry": D(2026, 1, 30)}),  # old form YYJJJ
        ("$$0627LOT1", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),  # MMYY: month's last day
        ("$$1227LOT1", {"lot": "LOT1", "expiry": D(2027, 12, 31)}),
        ("$$2063027LOT1", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),  # MMDDYY
        ("$$3270630LOT1", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),  # YYMMDD
        ("$$427063023LOT1", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),  # YYMMDDHH
        ("$$527181LOT1", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),  # YYJJJ
        ("$$62818223LOT1", {"lot": "LOT1", "expiry": D(2028, 6, 30)}),  # YYJJJHH, leap year
        ("$$7LOT1", {"lot": "LOT1"}),
        ("$$812" + "3270630LOT1", {"lot": "LOT1", "quantity": 12, "expiry": D(2027, 6, 30)}),
        ("$$900144" + "7LOT1", {"lot": "LOT1", "quantity": 144}),
        ("$$+3270630SN1", {"serial": "SN1", "expiry": D(2027, 6, 30)}),
        ("$$+7SN1", {"serial": "SN1"}),
        ("$$7LOT1/14D20270630", {"lot": "LOT1", "expiry": D(2027, 6, 30)}),
    ],
)
def test_hibc_secondary(secondary: str, read: dict[str, Any]) -> None:
    alone = hibc("+" + secondary + "7")  # link character 7: the primary's check character
    assert interpret(alone) == B("hibc", alone, fields={"link": "7"}, **read)
    joined = hibc("+A99912345/" + secondary)
    assert interpret(joined) == B("hibc", joined, item="A99912345", fields=HIBC_PRIMARY, **read)


def test_hibc_unknown_supplement_is_kept_with_a_warning() -> None:
    raw = hibc("+A99912345/$LOT1/99XYZ")
    assert interpret(raw) == B(
        "hibc",
        raw,
        item="A99912345",
        lot="LOT1",
        fields={**HIBC_PRIMARY, "/99X": "99XYZ"},
        warnings=("HIBC supplemental field '99XYZ' is not read",),
    )


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("+A999123458", "expected check character '7', got '8'"),
        ("+a999123457", None),  # not HIBC-shaped: plain
        ("+49 30 1234", None),
        (
            hibc("+A99"),
            "expected a labeler code, a product number of 1 to 18 letters or digits "
            "and a unit of measure digit, got 'A99'",
        ),
        (
            hibc("+A999PRODUCT"),
            "expected a labeler code, a product number of 1 to 18 letters or "
            "digits and a unit of measure digit, got 'A999PRODUCT'",
        ),
        (hibc("+A99912345/$$3271301LOT1"), "expected a valid date, got '271301'"),
        (hibc("+A99912345/$$1327LOT1"), "expected a month MMYY, got '1327'"),
        (hibc("+A99912345/$$527400LOT1"), "expected a Julian date YYJJJ, got '27400'"),
        (hibc("+A99912345/$$8X1LOT"), "expected a quantity of 2 digits, got 'X1'"),
        (hibc("+A99912345/$$327LOT"), "expected an expiry of 7 digits, got '327LOT'"),
        (hibc("+A99912345/$$7"), "expected a lot of 1 to 18 letters or digits, got ''"),
        (
            hibc("+A99912345/$" + "L" * 19),
            "expected a lot of 1 to 18 letters or digits, got 'LLLLLLLLLLLLLLLLLLL'",
        ),
        (hibc("+A99912345/X1"), "expected secondary data ($, $+, $$, $$+ or YYJJJ), got 'X1'"),
        (hibc("+$"), "expected secondary data, a link character and a check character, got '+$.'"),
        (hibc("+A99912345/$$+8LOT"), "expected an expiry date format (0 to 7), got '8'"),
        (
            "+A999123457a",
            "expected HIBC characters (0-9 A-Z - . space $ / + %) at position 11, got 'a'",
        ),
    ],
)
def test_hibc_errors(raw: str, error: str | None) -> None:
    b = interpret(raw)
    if error is None:
        assert b == B("plain", raw)
    else:
        assert b == bad(raw, f"Failed to parse {raw!r} as HIBC: {error}.")


def test_mod43_values() -> None:
    assert [mod43(c) for c in CHARSET] == list(CHARSET)
    assert mod43("+A123BJC5D6E71") == "G"
    assert mod43("+A99912345/$$52001510X3/16D20111212/S77DE1G45") == "-"


# --- own labels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("LOC:A-01-02", B("location", "LOC:A-01-02", location="A-01-02")),
        ("loc:dock 1", B("location", "loc:dock 1", location="dock 1")),
        ("]C0DOC:PO-4711", B("document", "DOC:PO-4711", symbology="]C0", document="PO-4711")),
        ("OP:0042", B("operator", "OP:0042", operator="0042")),
        ("CMD:MODE:RECEIVE", B("command", "CMD:MODE:RECEIVE", command="mode", argument="receive")),
        (
            "CMD:MODE CUSTOMER-RETURN",
            B("command", "CMD:MODE CUSTOMER-RETURN", command="mode", argument="customer_return"),
        ),
        ("CMD:PICK", B("command", "CMD:PICK", command="mode", argument="pick")),
        (
            "CMD:vendor_return",
            B("command", "CMD:vendor_return", command="mode", argument="vendor_return"),
        ),
        ("CMD:CONFIRM", B("command", "CMD:CONFIRM", command="confirm")),
        ("CMD:UNDO", B("command", "CMD:UNDO", command="undo")),
        ("CMD:CANCEL", B("command", "CMD:CANCEL", command="cancel")),
        ("CMD:NEW", B("command", "CMD:NEW", command="new")),
        ("CMD:GEN", B("command", "CMD:GEN", command="generate", argument="1")),
        ("CMD:GENERATE:05", B("command", "CMD:GENERATE:05", command="generate", argument="5")),
        ("CMD:GENERATE=12", B("command", "CMD:GENERATE=12", command="generate", argument="12")),
        ("CMD:QTY:24", B("command", "CMD:QTY:24", command="quantity", argument="24", quantity=24)),
        # Zero is for the scan session to refuse, with its own message.
        (
            "CMD:QUANTITY 0",
            B("command", "CMD:QUANTITY 0", command="quantity", argument="0", quantity=0),
        ),
    ],
)
def test_own_labels(raw: str, expected: Barcode) -> None:
    assert interpret(raw) == expected


def test_commands_are_those_the_session_reads() -> None:
    assert COMMANDS == (
        "mode",
        "confirm",
        "undo",
        "cancel",
        "new",
        "generate",
        "quantity",
        "choose",
    )
    assert set(DEFAULT_MODES) == {
        "receive",
        "pick",
        "ship",
        "customer_return",
        "vendor_return",
        "transfer",
        "count",
        "inquiry",
        "pack",
    }


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (
            "LOC:",
            "Failed to parse 'LOC:' as location label: expected a location code after "
            "'LOC:', got nothing.",
        ),
        (
            "DOC:  ",
            "Failed to parse 'DOC:  ' as document label: expected a document number after "
            "'DOC:', got nothing.",
        ),
        (
            "OP:A" + GS + "B",
            "Failed to parse 'OP:A\\x1dB' as operator label: expected an operator "
            "badge without a group separator, got 'A\\x1dB'.",
        ),
        (
            "CMD:",
            "Failed to parse 'CMD:' as command label: expected a command (mode, confirm, "
            "undo, cancel, new, generate, quantity, choose), got nothing.",
        ),
        (
            "CMD:FLY",
            "Failed to parse 'CMD:FLY' as command label: expected a command (mode, "
            "confirm, undo, cancel, new, generate, quantity, choose) or a mode, got 'FLY'.",
        ),
        (
            "CMD:MODE",
            "Failed to parse 'CMD:MODE' as command label: expected a mode (receive, pick, "
            "ship, customer_return, vendor_return, transfer, count, inquiry, pack), got nothing.",
        ),
        (
            "CMD:RECEIVE:NOW",
            "Failed to parse 'CMD:RECEIVE:NOW' as command label: expected nothing "
            "after a mode, got 'NOW'.",
        ),
        (
            "CMD:UNDO:2",
            "Failed to parse 'CMD:UNDO:2' as command label: expected nothing after UNDO, got '2'.",
        ),
        (
            "CMD:QTY",
            "Failed to parse 'CMD:QTY' as command label: expected a number after QTY, got nothing.",
        ),
        (
            "CMD:QTY:-1",
            "Failed to parse 'CMD:QTY:-1' as command label: expected a number after QTY, got '-1'.",
        ),
        (
            "CMD:GEN:1234567890",
            "Failed to parse 'CMD:GEN:1234567890' as command label: expected a "
            "number after GEN, got '1234567890'.",
        ),
        (
            "CMD:123",
            "Failed to parse 'CMD:123' as command label: expected a command (mode, "
            "confirm, undo, cancel, new, generate, quantity, choose), got '123'.",
        ),
    ],
)
def test_own_label_errors(raw: str, error: str) -> None:
    assert interpret(raw) == bad(raw, error)


def test_label_prefixes_are_configurable() -> None:
    p = ScanProfile(labels=LabelPrefixes(location="L/", document="D/", operator=None, command="$"))
    assert interpret("L/A-01", profile=p) == B("location", "L/A-01", location="A-01")
    assert interpret("D/PO1", profile=p) == B("document", "D/PO1", document="PO1")
    assert interpret("$UNDO", profile=p) == B("command", "$UNDO", command="undo")
    assert interpret("OP:0042", profile=p) == B("plain", "OP:0042")
    assert interpret("LOC:A-01", profile=p) == B("plain", "LOC:A-01")


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        (
            {"location": ""},
            "LabelPrefixes.location: expected a non-empty printable prefix or None, got ''",
        ),
        (
            {"command": "C\x1d"},
            "LabelPrefixes.command: expected a non-empty printable prefix or None, got 'C\\x1d'",
        ),
        (
            {"location": "L", "document": "LOC"},
            "LabelPrefixes: expected prefixes that do not begin one another, got 'L' and 'LOC'",
        ),
        (
            {"operator": "loc:"},
            "LabelPrefixes: expected prefixes that do not begin one another, got 'LOC:' and 'LOC:'",
        ),
    ],
)
def test_label_prefix_errors(kw: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError) as exc:
        LabelPrefixes(**kw)
    assert str(exc.value) == error


# --- vendor rules --------------------------------------------------------------------

VENDORS = ScanProfile(
    vendor_rules=(
        VendorRule(name="acme", pattern=r"ACME(?P<item>[A-Z0-9]{6})S(?P<serial>\d{8})"),
        VendorRule(
            name="dairy",
            pattern=r"(?P<gtin>\d{13})L(?P<lot>\w+)E(?P<expiry>\d{8})Q(?P<quantity>\d+)",
            date_format="%Y%m%d",
        ),
        VendorRule(name="racks", pattern=r"R\d{2}-\d{2}-\d", kind="location"),
        VendorRule(name="badge", pattern=r"EMP(?P<operator>\d{5})", kind="operator"),
        VendorRule(name="pallet", pattern=r"PAL(?P<sscc>\d{18})(?:/(?P<note>.*))?"),
        VendorRule(name="catch-all-acme", pattern=r"ACME.*"),
    )
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "ACMEPUMP07S00012345",
            B(
                "vendor",
                "ACMEPUMP07S00012345",
                vendor_rule="acme",
                item="PUMP07",
                serial="00012345",
                fields={"item": "PUMP07", "serial": "00012345"},
            ),
        ),
        (
            "4006381333931LB77E20270600Q24",
            B(
                "vendor",
                "4006381333931LB77E20270600Q24",
                vendor_rule="dairy",
                gtin="04006381333931",
                lot="B77",
                expiry=D(2027, 6, 30),
                quantity=24,
                fields={
                    "gtin": "4006381333931",
                    "lot": "B77",
                    "expiry": "20270600",
                    "quantity": "24",
                },
            ),
        ),
        ("R01-02-3", B("location", "R01-02-3", vendor_rule="racks", location="R01-02-3")),
        (
            "EMP00042",
            B(
                "operator",
                "EMP00042",
                vendor_rule="badge",
                operator="00042",
                fields={"operator": "00042"},
            ),
        ),
        (
            "PAL376104250021234569",
            B(
                "vendor",
                "PAL376104250021234569",
                vendor_rule="pallet",
                sscc="376104250021234569",
                fields={"sscc": "376104250021234569"},
            ),
        ),
        ("ACME-OTHER", B("vendor", "ACME-OTHER", vendor_rule="catch-all-acme")),
        # Own labels come before vendor rules; rules must match the whole scan.
        ("LOC:R01-02-3", B("location", "LOC:R01-02-3", location="R01-02-3")),
        ("R01-02-34", B("plain", "R01-02-34")),
    ],
)
def test_vendor_rules(raw: str, expected: Barcode) -> None:
    assert interpret(raw, profile=VENDORS) == expected


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (
            "4006381333932LB77E20270600Q24",
            "Failed to parse '4006381333932LB77E20270600Q24' as "
            "vendor rule 'dairy': expected gtin with check digit 1, got 2.",
        ),
        (
            "4006381333931LB77E20271301Q24",
            "Failed to parse '4006381333931LB77E20271301Q24' as "
            "vendor rule 'dairy': expected expiry as a date %Y%m%d, got '20271301'.",
        ),
        (
            "PAL376104250021234560",
            "Failed to parse 'PAL376104250021234560' as vendor rule "
            "'pallet': expected sscc with check digit 9, got 0.",
        ),
    ],
)
def test_vendor_rule_errors(raw: str, error: str) -> None:
    assert interpret(raw, profile=VENDORS) == bad(raw, error)


def test_vendor_rule_quantity_must_be_digits() -> None:
    p = ScanProfile(vendor_rules=(VendorRule(name="q", pattern=r"Q(?P<quantity>.+)"),))
    assert interpret("Q1x", profile=p) == bad(
        "Q1x", "Failed to parse 'Q1x' as vendor rule 'q': expected quantity as a number, got '1x'."
    )


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"name": "", "pattern": "x"}, "VendorRule.name: expected a non-empty name, got ''"),
        (
            {"name": "r", "pattern": "("},
            "VendorRule 'r'.pattern: expected a regular expression, "
            "got '(' (missing ), unterminated subpattern at position 0)",
        ),
        (
            {"name": "r", "pattern": "x", "kind": "gs1"},
            "VendorRule 'r'.kind: expected one of vendor, location, document, operator, got 'gs1'",
        ),
        (
            {"name": "r", "pattern": "x", "date_format": "YYMMDD"},
            "VendorRule 'r'.date_format: expected a strptime format like '%y%m%d', got 'YYMMDD'",
        ),
    ],
)
def test_vendor_rule_config_errors(kw: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError) as exc:
        VendorRule(**kw)
    assert str(exc.value) == error


# --- profiles ------------------------------------------------------------------------


def test_profile_defaults() -> None:
    p = ScanProfile()
    assert p.separators == ("\x1d",)
    assert p.all_separators == ("\x1d",)
    assert p.assume_gs1_without_symbology is False
    assert p.labels == LabelPrefixes(
        location="LOC:", document="DOC:", operator="OP:", command="CMD:"
    )
    assert p.max_length == 4096
    assert hash(p) == hash(ScanProfile())


def test_ascii_29_always_separates() -> None:
    p = ScanProfile(separators=("~",))
    assert p.all_separators == ("\x1d", "~")
    assert interpret("0109506000134352~10A" + GS + "21B", profile=p).serial == "B"


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        (
            {"separators": ("-",)},
            "ScanProfile.separators: expected single characters outside the "
            "GS1 character set (e.g. '|', '~', '^', '#'), got '-'",
        ),
        (
            {"separators": ("||",)},
            "ScanProfile.separators: expected single characters outside "
            "the GS1 character set (e.g. '|', '~', '^', '#'), got '||'",
        ),
        (
            {"separators": ("\n",)},
            "ScanProfile.separators: expected single characters outside "
            "the GS1 character set (e.g. '|', '~', '^', '#'), got '\\n'",
        ),
        ({"separators": "|"}, "ScanProfile.separators: expected a tuple, got '|'"),
        ({"max_length": 0}, "ScanProfile.max_length: expected a positive number of bytes, got 0"),
        (
            {"modes": ("Receive",)},
            "ScanProfile.modes: expected lower-case mode names, got 'Receive'",
        ),
        (
            {"vendor_rules": ("x",)},
            "ScanProfile.vendor_rules: expected VendorRule values, got 'x'",
        ),
        (
            {"assume_gs1_without_symbology": "yes"},
            "ScanProfile.assume_gs1_without_symbology: expected true or false, got 'yes'",
        ),
    ],
)
def test_profile_errors(kw: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError) as exc:
        ScanProfile(**kw)
    assert str(exc.value) == error


def test_profile_from_mapping() -> None:
    p = ScanProfile.from_mapping(
        {
            "separators": ["|", "~"],
            "assume_gs1_without_symbology": True,
            "labels": {"location": "L/", "operator": False, "command": ""},
            "vendor_rules": [{"name": "acme", "pattern": "A(?P<serial>\\d+)", "kind": "vendor"}],
            "modes": ["receive", "pick"],
            "max_length": 512,
        }
    )
    assert p == ScanProfile(
        separators=("|", "~"),
        assume_gs1_without_symbology=True,
        labels=LabelPrefixes(location="L/", operator=None, command=None),
        vendor_rules=(VendorRule(name="acme", pattern="A(?P<serial>\\d+)"),),
        modes=("receive", "pick"),
        max_length=512,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"labels": {"shelf": "S:"}},
            "profile.labels: expected location, document, operator, command or partner,"
            " got 'shelf'",
        ),
        ({"labels": "LOC:"}, "profile.labels: expected a table of prefixes, got 'LOC:'"),
        (
            {"vendor_rules": [{"name": "x"}]},
            "profile.vendor_rules[0]: expected name, pattern and "
            "optionally kind, date_format, got ['name']",
        ),
        ({"vendor_rules": "x"}, "profile.vendor_rules: expected a list of tables, got 'x'"),
        ({"vendor_rules": [1]}, "profile.vendor_rules[0]: expected a table, got 1"),
    ],
)
def test_profile_from_mapping_errors(data: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError) as exc:
        ScanProfile.from_mapping(data)
    assert str(exc.value) == error


def test_modes_come_from_the_profile() -> None:
    p = ScanProfile(modes=("receive", "kitting"))
    assert interpret("CMD:KITTING", profile=p) == B(
        "command", "CMD:KITTING", command="mode", argument="kitting"
    )
    assert interpret("CMD:PICK", profile=p).kind == "invalid"


# --- input hygiene -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4006381333931\r\n", B("gtin", "4006381333931", gtin="04006381333931")),
        ("SN-1\t", B("plain", "SN-1")),
        (" SN-1 ", B("plain", " SN-1 ")),  # spaces are data: a HIBC check character can be one
        (b"SN-\xc3\xa41\n", B("plain", "SN-ä1")),
        (bytearray(b"LOC:A"), B("location", "LOC:A", location="A")),
        (
            "",
            bad("", "Failed to parse '' as a scan: expected data, got nothing."),
        ),
        (
            "\r\n",
            bad("", "Failed to parse '' as a scan: expected data, got nothing."),
        ),
        (
            "]C1\r",
            bad(
                "",
                "Failed to parse ']C1' as a scan: expected data after the symbology "
                "identifier ']C1', got nothing.",
                symbology="]C1",
            ),
        ),
        (
            b"\xffSN",
            bad(
                "\\xffSN",
                "Failed to parse b'\\xffSN' as UTF-8 text: expected UTF-8, got byte "
                "0xff at position 0.",
            ),
        ),
        (
            b"SN\xc3",
            bad(
                "SN\\xc3",
                "Failed to parse b'SN\\xc3' as UTF-8 text: expected UTF-8, got byte "
                "0xc3 at position 2.",
            ),
        ),
        (
            "SN\ud800",
            bad(
                "SN\\ud800",
                "Failed to parse 'SN\\ud800' as text: expected Unicode text, got a "
                "lone surrogate '\\ud800' at position 2.",
            ),
        ),
        (
            "SN\x001",
            bad(
                "SN\x001",
                "Failed to parse 'SN\\x001' as a scan: expected printable characters "
                "or a group separator, got '\\x00' (U+0000) at position 2.",
            ),
        ),
        (
            "]C110A\x1e21B",
            bad(
                "10A\x1e21B",
                "Failed to parse '10A\\x1e21B' as a scan: expected printable "
                "characters or a group separator, got '\\x1e' (U+001E) at position 3.",
                symbology="]C1",
            ),
        ),
        (
            "SN\x85",
            bad(
                "SN\x85",
                "Failed to parse 'SN\\x85' as a scan: expected printable characters "
                "or a group separator, got '\\x85' (U+0085) at position 2.",
            ),
        ),
        (
            "SN\r1",
            bad(
                "SN\r1",
                "Failed to parse 'SN\\r1' as a scan: expected printable characters or "
                "a group separator, got '\\r' (U+000D) at position 2.",
            ),
        ),
        (
            None,
            bad("None", "Failed to parse 'None' as a scan: expected text or bytes, got NoneType."),
        ),
    ],
)
def test_input_hygiene(raw: Any, expected: Barcode) -> None:
    assert interpret(raw) == expected


def test_a_configured_control_character_is_a_separator() -> None:
    p = ScanProfile(separators=("\x1c",))
    assert interpret("]C110A\x1c21B", profile=p).serial == "B"


@pytest.mark.parametrize("size", [4096, 4097])
def test_length_limit_in_bytes(size: int) -> None:
    text = "A" * size
    b_str, b_bytes = interpret(text), interpret(text.encode())
    if size <= 4096:
        assert b_str == b_bytes == B("plain", text)
    else:
        error = (
            f"Failed to parse {text!r:.56}'... as a scan: expected at most 4096 bytes, "
            "got 4097 bytes."
        )
        assert b_str == b_bytes == bad("A" * 4096, error)


def test_length_limit_counts_utf8_bytes() -> None:
    text = "ä" * 2049  # 4098 bytes
    b = interpret(text)
    assert b.kind == "invalid"
    assert b.error is not None and b.error.endswith("expected at most 4096 bytes, got 4098 bytes.")
    assert interpret("ä" * 2048) == B("plain", "ä" * 2048)
    assert interpret("x" * 100, profile=ScanProfile(max_length=99)).kind == "invalid"


@pytest.mark.parametrize(
    ("raw", "symbology", "expected"),
    [
        ("10D9T", "]C1", B("gs1", "10D9T", symbology="]C1", lot="D9T", fields={"10": "D9T"})),
        ("]C010D9T", "]C1", B("plain", "10D9T", symbology="]C0")),  # the data's own wins
        (
            "4006381333931",
            "]E0",
            B("gtin", "4006381333931", symbology="]E0", gtin="04006381333931"),
        ),
        (
            "10D9T",
            "code128",
            bad(
                "10D9T",
                "Failed to parse '10D9T' as a scan: expected an AIM symbology identifier "
                "like ']C1' with the scan, got 'code128'.",
            ),
        ),
    ],
)
def test_symbology_reported_apart(raw: str, symbology: str, expected: Barcode) -> None:
    assert interpret(raw, symbology=symbology) == expected


def test_plain_code_with_ascii_29_warns() -> None:
    assert interpret("]C0AB" + GS + "CD") == B(
        "plain",
        "AB" + GS + "CD",
        symbology="]C0",
        warnings=(
            "A plain code with a group separator (ASCII 29) in it: GS1 data from a scanner that "
            "sends the wrong symbology identifier?",
        ),
    )


def test_an_unexpected_exception_becomes_invalid_and_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object, **kw: object) -> Barcode:
        raise KeyError("surprise")

    monkeypatch.setattr(interpret_module, "parse_hibc", boom)
    with caplog.at_level(logging.ERROR, logger="scanner_gateway.interpret.interpret"):
        b = interpret("+A999123457")
    assert b == bad(
        "+A999123457",
        "Failed to parse '+A999123457' as a scan: expected a barcode the gateway can read, "
        "got an internal error (KeyError: 'surprise').",
    )
    assert "interpret failed on '+A999123457'" in caplog.text


# --- the Barcode value ---------------------------------------------------------------


def test_barcode_invariant_error_iff_invalid() -> None:
    with pytest.raises(ValueError):
        Barcode(kind="invalid", value="x")
    with pytest.raises(ValueError):
        Barcode(kind="gs1", value="x", error="no")


def test_barcode_is_frozen_hashable_and_picklable() -> None:
    b = interpret("]C10109506000134352" + GS + "10A")
    assert hash(b) == hash(interpret("]C10109506000134352" + GS + "10A"))
    assert pickle.loads(pickle.dumps(b)) == b
    with pytest.raises(AttributeError):
        b.lot = "B"  # type: ignore[misc]
    with pytest.raises(TypeError):
        b.fields["10"] = "B"  # type: ignore[index]


def test_barcode_to_dict() -> None:
    b = interpret("]C10109506000134352172701001012A")
    assert b.to_dict() == {
        "kind": "gs1",
        "value": "0109506000134352172701001012A",
        "symbology": "]C1",
        "gtin": "09506000134352",
        "serial": None,
        "lot": "12A",
        "sscc": None,
        "expiry": "2027-01-31",
        "best_before": None,
        "production_date": None,
        "quantity": None,
        "item": None,
        "location": None,
        "document": None,
        "operator": None,
        "partner": None,
        "command": None,
        "argument": None,
        "vendor_rule": None,
        "fields": {"01": "09506000134352", "17": "270100", "10": "12A"},
        "warnings": [],
        "gs1_reading": None,
        "error": None,
    }


def test_kinds() -> None:
    assert KINDS == (
        "gs1",
        "gtin",
        "hibc",
        "location",
        "document",
        "operator",
        "partner",
        "command",
        "vendor",
        "plain",
        "invalid",
    )


def test_symbology_given_apart_reads_as_prefixed() -> None:
    assert interpret("10D9T", symbology="]C1") == interpret("]C110D9T")
