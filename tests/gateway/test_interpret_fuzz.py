"""interpret never raises: arbitrary text, bytes and scan-shaped noise always give a Barcode."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner_gateway.interpret import (
    KINDS,
    Barcode,
    LabelPrefixes,
    ScanProfile,
    VendorRule,
    interpret,
)
from scanner_gateway.interpret.gs1 import leading_key_validates

PROFILES = [
    ScanProfile(),
    ScanProfile(separators=("|", "~"), assume_gs1_without_symbology=True),
    ScanProfile(
        labels=LabelPrefixes(location="L", document="D/", operator=None, command="#"),
        vendor_rules=(
            VendorRule(name="any", pattern=r"V(?P<gtin>\d*)(?P<expiry>\d*)(?P<quantity>.*)"),
            VendorRule(name="loc", pattern=r"R(?P<sscc>.*)", kind="location"),
        ),
        max_length=64,
    ),
]
IDENTIFIERS = [
    "",
    "]C1",
    "]C0",
    "]d2",
    "]d1",
    "]Q3",
    "]Q1",
    "]e0",
    "]E0",
    "]E3",
    "]E4",
    "]I1",
    "]A0",
]
PIECES = [
    "01",
    "00",
    "02",
    "10",
    "11",
    "15",
    "17",
    "21",
    "30",
    "37",
    "414",
    "8003",
    "8018",
    "253",
    "401",
    "3103",
    "\x1d",
    "|",
    "~",
    "+",
    "$",
    "$$",
    "$$+",
    "/",
    "LOC:",
    "CMD:",
    "MODE:",
    "QTY:",
    "GEN",
    "https://id.gs1.org/",
    "/01/",
    "/10/",
    "?17=",
    "09506000134352",
    "4006381333931",
    "261200",
    "999999",
    "A999",
    "ä",
    "\x00",
    "\r\n",
    " ",
    "*",
]

scan_like = st.builds(
    lambda ident, parts: ident + "".join(parts),
    st.sampled_from(IDENTIFIERS),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=12),
)


def check(b: Barcode) -> None:
    assert isinstance(b, Barcode)
    assert b.kind in KINDS
    assert (b.kind == "invalid") == (b.error is not None)
    assert "internal error" not in (b.error or ""), b.error  # a wrapped exception is a defect
    assert isinstance(b.value, str)
    json.dumps(b.to_dict())  # always serialisable for feedback and logs
    if b.gtin is not None:
        assert len(b.gtin) == 14 and b.gtin.isascii() and b.gtin.isdigit()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.sampled_from(PROFILES))
def test_never_raises_on_text(raw: str, profile: ScanProfile) -> None:
    check(interpret(raw, profile=profile))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(PROFILES))
def test_never_raises_on_bytes(raw: bytes, profile: ScanProfile) -> None:
    check(interpret(raw, profile=profile))


@settings(max_examples=1500, deadline=None)
@given(scan_like, st.sampled_from(PROFILES), st.sampled_from([None, "]C1", "]Q1", "junk"]))
def test_never_raises_on_scan_shaped_noise(raw: str, profile: ScanProfile, sym: str | None) -> None:
    check(interpret(raw, profile=profile, symbology=sym))
    check(interpret(raw.encode("utf-8", "surrogatepass"), profile=profile))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_digits_are_never_invalid_without_an_identifier(digits: str) -> None:
    # Typed or scanned digits are a GTIN, GS1 with a primary key, or plain: refused only
    # when a valid primary key element (a GTIN with its check digit) starts them and the
    # rest does not validate: that is GS1 gone wrong, not a number.
    b = interpret(digits)
    assert b.kind in ("gtin", "gs1", "plain") or leading_key_validates(digits), b
