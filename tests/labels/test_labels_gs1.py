"""GS1 content: AI order, separators, the human-readable line, and biip's say on it."""

from __future__ import annotations

import datetime as dt

import pytest
from biip.gs1_messages import GS1Message
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner_gateway.labels import (
    InvalidLabelData,
    UnencodableCharacters,
    build_gs1,
    gs1_date,
)
from scanner_gateway.labels.gs1 import CSET82
from scanner_gateway.labels.symbols import datamatrix_ascii_size, gs1_datamatrix_symbol

GTIN = "09506000134352"
GS = "\x1d"


@pytest.mark.parametrize(
    ("given", "data", "hri"),
    [
        ([("01", GTIN)], "01" + GTIN, f"(01){GTIN}"),
        # a variable field last needs no separator
        ([("21", "SN1"), ("01", GTIN)], f"01{GTIN}21SN1", f"(01){GTIN}(21)SN1"),
        # fixed-length AIs first, so one separator is enough for two variable fields
        (
            [("10", "L1"), ("21", "S1"), ("17", "261231"), ("01", GTIN)],
            f"01{GTIN}17261231" + "10L1" + GS + "21S1",
            f"(01){GTIN}(17)261231(10)L1(21)S1",
        ),
        (
            [("30", "24"), ("10", "ABC"), ("11", "261124"), ("17", "261224"), ("01", GTIN)],
            f"01{GTIN}1126112417261224" + "10ABC" + GS + "3024",
            f"(01){GTIN}(11)261124(17)261224(10)ABC(30)24",
        ),
        (
            [("37", "5"), ("02", "19506000134359"), ("00", "106141412345678908")],
            "00106141412345678908" + "0219506000134359" + "375",
            "(00)106141412345678908(02)19506000134359(37)5",
        ),
        # 8005 has a fixed length but is not a predefined-length AI: it needs a separator
        ([("8005", "000123"), ("01", GTIN), ("21", "X")], f"01{GTIN}21X{GS}8005000123", None),
    ],
)
def test_order_and_separators(given: list[tuple[str, str]], data: str, hri: str | None) -> None:
    content = build_gs1(given)
    assert content.data() == data
    if hri is not None:
        assert content.hri == hri
    assert [(e.ai.ai, e.value) for e in GS1Message.parse(data).element_strings] == [
        (e.ai, e.value) for e in content.elements
    ]


def test_the_separator_can_be_anything() -> None:
    content = build_gs1([("10", "L1"), ("21", "S1")])
    assert content.data(separator="\xf1") == "10L1\xf121S1"


def test_gs1_date() -> None:
    assert gs1_date(dt.date(2028, 2, 29)) == "280229"


@pytest.mark.parametrize(
    ("pairs", "field", "reason"),
    [
        (
            [("01", "09506000134353")],
            "gtin",
            "Invalid GTIN check digit for '09506000134353': Expected 2, got 3.",
        ),
        (
            [("01", "0950600013435")],
            "gtin",
            "Global Trade Item Number (GTIN), GS1 AI (01), is N2+N14",
        ),
        ([("10", "L" * 21)], "lot", "Batch or lot number, GS1 AI (10), is N2+X..20"),
        ([("17", "261301")], "expiry", "Expiration date (YYMMDD), GS1 AI (17), is N2+N6"),
        ([("00", "106141412345678909")], "sscc", None),
        ([("10", "A"), ("10", "B")], "lot", "AI (10) given twice"),
    ],
)
def test_bad_values_are_refused(
    pairs: list[tuple[str, str]], field: str, reason: str | None
) -> None:
    names = {"01": "gtin", "10": "lot", "17": "expiry", "00": "sscc"}
    with pytest.raises(InvalidLabelData) as e:
        build_gs1(pairs, fields=names)
    assert e.value.field == field
    assert e.value.code == "label_invalid_data"
    if reason is not None:
        assert e.value.reason == reason


def test_unknown_ai() -> None:
    with pytest.raises(InvalidLabelData) as e:
        build_gs1([("99999", "x")])
    assert (e.value.field, e.value.value) == ("ai", "99999")


def test_nothing_to_encode() -> None:
    with pytest.raises(InvalidLabelData) as e:
        build_gs1([])
    assert e.value.field == "gs1"


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("X^XZ^XA", "^"),
        ("A~B", "~"),
        ("L#1", "#"),
        ("Ünïcode", "Üï"),
        ("a b", " "),
        ("x\x1dy", "\x1d"),
    ],
)
def test_characters_gs1_cannot_carry(value: str, bad: str) -> None:
    with pytest.raises(UnencodableCharacters) as e:
        build_gs1([("01", GTIN), ("10", value)], fields={"10": "lot"}, symbology="gs1_128")
    assert e.value.details() == {
        "field": "lot",
        "value": value,
        "symbology": "gs1_128 AI (10)",
        "characters": bad,
    }


def test_digits_only_ai_with_letters() -> None:
    with pytest.raises(UnencodableCharacters) as e:
        build_gs1([("30", "1O")], fields={"30": "quantity"})
    assert (e.value.field, e.value.characters) == ("quantity", "O")


cset82_text = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    serial=cset82_text,
    lot=st.one_of(st.none(), cset82_text),
    expiry=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31))),
)
def test_any_valid_content_round_trips(
    serial: str, lot: str | None, expiry: dt.date | None
) -> None:
    pairs = [("21", serial), ("01", GTIN)]
    if lot is not None:
        pairs.append(("10", lot))
    if expiry is not None:
        pairs.append(("17", gs1_date(expiry)))
    content = build_gs1(pairs)
    parsed = GS1Message.parse(content.data())
    assert {e.ai.ai: e.value for e in parsed.element_strings} == dict(pairs)
    assert content.data().count(GS) == (1 if lot is not None else 0)
    # the printer's symbol is never larger than the room the layout reserved for it
    assert gs1_datamatrix_symbol(content).columns <= datamatrix_ascii_size(content)
