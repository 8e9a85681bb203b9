"""ZPL II: the commands a Zebra printer gets, escaping, and hostile field data."""

from __future__ import annotations

import re

import pytest
from zplkit.parse import parse

from scanner_gateway.labels import (
    InvalidLabelData,
    LabelSize,
    LocationLabel,
    LotLabel,
    SerialLabel,
    SsccLabel,
    escape_field,
    render_zpl,
    zpl_for_job,
)
from scanner_gateway.labels.symbols import code128_symbol
from scanner_gateway.labels.zpl import code128_data
from tests.labels.conftest import GTIN, LABELS, Read, decode, zpl_images

INJECTION = "X^XZ^XA^FO0,0^FDPWN^FS^XZ"
# What format commands our ZPL may use; no control (~) command ever.
ALLOWED = {"XA", "CI", "PW", "LL", "LH", "FO", "A0", "FB", "FH", "FD", "FS", "BY", "BC", "BX",
           "BQ", "GB", "PQ", "XZ"}  # fmt: skip


def commands(zpl: str) -> list[str]:
    """Format and control commands, as zplkit's parser frames them."""
    out = []
    for e in parse(zpl.encode()).elements:
        if e.kind == "control_command":
            out.append("~" + bytes(e)[1:3].decode())
        elif e.kind == "format_command":
            out.append(bytes(e)[1:3].decode())
    return out


@pytest.mark.parametrize(
    ("dpi", "width", "height"), [(203, 800, 400), (300, 1200, 600), (600, 2400, 1200)]
)
def test_format_header_from_the_size(dpi: int, width: int, height: int) -> None:
    zpl = render_zpl(LABELS["serial-gtin"], dpi=dpi, copies=3)
    lines = zpl.splitlines()
    assert lines[:5] == ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0"]
    assert lines[-2:] == ["^PQ3", "^XZ"]


def test_inches() -> None:
    zpl = render_zpl(LABELS["location"], size=LabelSize.inches(4, 2, dpi=300))
    assert "^PW1219\n^LL610\n" in zpl


@pytest.mark.parametrize("case", sorted(LABELS))
def test_only_expected_commands(case: str, dpi: int) -> None:
    used = commands(render_zpl(LABELS[case], dpi=dpi))
    assert set(used) <= ALLOWED
    assert used.count("XA") == used.count("XZ") == 1
    assert used.count("FD") == used.count("FS") - used.count("GB")
    assert used.count("FD") == used.count("FH")  # every field is escaped


def test_gs1_128_starts_in_subset_c_with_fnc1() -> None:
    zpl = render_zpl(LABELS["serial-gtin"])
    [bc] = [x for x in zpl.splitlines() if "^BCN" in x and ">;>8" in x]
    assert re.search(r"\^BY2\^BCN,\d+,N,N,N,N\^FH_\^FD>;>80109506000134352", bc)


def test_gs1_datamatrix_uses_an_explicit_escape_character() -> None:
    zpl = render_zpl(LABELS["serial-gtin-lot-expiry"])
    [bx] = [x for x in zpl.splitlines() if "^BX" in x]
    assert bx.endswith(
        "^BXN,4,200,,,,#,1^FH_^FD#10109506000134352172802291" + "0B(7)#121P3/0042^FS"
    )


def test_the_malicious_lot_prints_literally_as_one_label() -> None:
    label = LotLabel("FLOUR", "Flour", INJECTION, quantity=1)
    zpl = render_zpl(label)
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "PWN" in zpl and "^FDPWN" not in zpl
    used = commands(zpl)
    assert used.count("XA") == used.count("XZ") == 1 and set(used) <= ALLOWED
    images = zpl_images(zpl, 203)
    assert len(images) == 1
    assert decode(images[0]) == [Read("]C0", INJECTION)]


@pytest.mark.parametrize(
    "hostile",
    [
        INJECTION,
        "~JA cancel all",
        "A~DGR:X.GRF,1,1,FF",
        "^FS~HS^XA",
        "_5E hex",
        "back\\slash \\& more",
        ">;>8 invocation",
    ],
)
def test_hostile_text_in_every_field(hostile: str) -> None:
    """Item, description, serial and location code: one label, read back exactly."""
    for label in (
        SerialLabel(hostile[:20], hostile, hostile[:20]),
        LocationLabel(hostile[:20], hostile),
    ):
        zpl = render_zpl(label)
        used = commands(zpl)
        assert used.count("XA") == 1 and not [c for c in used if c.startswith("~")]
        [img] = zpl_images(zpl, 203)
        assert decode(img) == [Read("]C0", hostile[:20])]


def test_control_characters_never_reach_the_printer_raw() -> None:
    label = SerialLabel("A\x03B", "tab\there\nnew line\x7f", "S1")
    zpl = render_zpl(label)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", zpl)  # only our own newlines
    assert "^FDtab here new line ^FS" in zpl  # free text: controls become spaces


def test_utf8_text_is_sent_as_utf8() -> None:
    """^CI28 and the text as UTF-8 (zplkit's font 0 has no glyph for Ä: framing only)."""
    zpl = render_zpl(SerialLabel("KÄSE-1", "Käse, 200 g \u2013 Gruyère", "S1"))
    assert "^CI28" in zpl and "^FDKÄSE-1^FS" in zpl and "Gruyère" in zpl
    assert commands(zpl).count("XA") == 1


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("a^b", "a_5Eb"),
        ("a~b", "a_7Eb"),
        ("a_b", "a_5Fb"),
        ("\x00\x1d\x7f", "_00_1D_7F"),
        (INJECTION, "X_5EXZ_5EXA_5EFO0,0_5EFDPWN_5EFS_5EXZ"),
        ("Grüße", "Grüße"),
    ],
)
def test_escape_field(text: str, escaped: str) -> None:
    assert escape_field(text) == escaped


@pytest.mark.parametrize(
    ("data", "field_data"),
    [
        ("ABC", ">:ABC"),
        ("A>B", ">:A>0B"),
        ("A^B", ">:A><B"),
        ("A~B", ">:A>=B"),
        ("123456", ">;123456"),
        ("SN-26-00001", ">:SN-26->50000>61"),
    ],
)
def test_code128_values_become_invocation_codes(data: str, field_data: str) -> None:
    assert code128_data(code128_symbol(data, field="x").values) == field_data


def test_copies() -> None:
    assert "^PQ250\n" in render_zpl(LABELS["location"], copies=250)
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InvalidLabelData) as e:
            render_zpl(LABELS["location"], copies=bad)  # type: ignore[arg-type]
        assert e.value.field == "copies"


def test_a_job_is_one_format_per_label() -> None:
    payload = {
        "item": "LAP",
        "description": "Laptop",
        "gtin": GTIN,
        "serials": ["S1", "S2", "S3"],
        "lot": None,
        "expiry": "2027-01-31",
    }
    out = zpl_for_job("serial", payload, copies=2)
    assert len(out) == 3 and all(isinstance(x, bytes) for x in out)
    for serial, zpl in zip(("S1", "S2", "S3"), out, strict=True):
        text = zpl.decode()
        assert text.count("^XA") == 1 and "^PQ2\n" in text
        assert f"^FD>:{serial}^FS" in text


def test_sscc_job() -> None:
    out = zpl_for_job(
        "sscc", {"ssccs": ["106141412345678908", "106141412345678915"], "contents": ["24 x MILK"]}
    )
    assert len(out) == 2
    [img] = zpl_images(out[1].decode(), 203)
    assert [r.text for r in decode(img)] == ["00106141412345678915"]
    assert SsccLabel("106141412345678915").kind == "sscc"
