"""SSCC generation: layout, check digit (verified by biip), capacity and bad input (pure)."""

from __future__ import annotations

import pytest
from biip.sscc import Sscc
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_core.errors import InvalidInput
from tracking_core.sscc import make_sscc, sscc_capacity


@pytest.mark.parametrize(
    ("prefix", "extension", "reference", "expected"),
    [
        # The GS1 General Specifications example.
        ("0614141", 1, 234567890, "106141412345678908"),
        ("0614141", 0, 1, "006141410000000012"),
        ("0614141", 9, 999_999_999, "906141419999999997"),
        ("0614141", 3, 0, "306141410000000006"),
        ("061414112345", 1, 9999, "106141411234599997"),
        ("1234", 5, 123_456_789_012, "512341234567890121"),
        ("95012345", 0, 42, "095012345000000423"),
    ],
)
def test_make_sscc(prefix: str, extension: int, reference: int, expected: str) -> None:
    code = make_sscc(company_prefix=prefix, extension=extension, serial_reference=reference)
    assert code == expected
    parsed = Sscc.parse(code)
    assert (parsed.value, parsed.extension_digit, parsed.payload) == (
        expected,
        extension,
        expected[:17],
    )
    assert code[1 : 1 + len(prefix)] == prefix
    assert int(code[1 + len(prefix) : 17]) == reference


@pytest.mark.parametrize(
    ("prefix", "capacity"),
    [("1234", 10**12 - 1), ("0614141", 999_999_999), ("061414112345", 9999)],
)
def test_capacity(prefix: str, capacity: int) -> None:
    assert sscc_capacity(prefix) == capacity
    make_sscc(company_prefix=prefix, extension=0, serial_reference=capacity)
    with pytest.raises(InvalidInput) as exc:
        make_sscc(company_prefix=prefix, extension=0, serial_reference=capacity + 1)
    assert (exc.value.code, exc.value.field, exc.value.reason) == (
        "invalid_input",
        "serial_reference",
        f"must be 0 to {capacity} with a {len(prefix)}-digit company prefix",
    )


PREFIX_REASON = "must be 4 to 12 digits"


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"company_prefix": "123"}, "company_prefix", PREFIX_REASON),
        ({"company_prefix": "1234567890123"}, "company_prefix", PREFIX_REASON),
        ({"company_prefix": ""}, "company_prefix", PREFIX_REASON),
        ({"company_prefix": "06141A1"}, "company_prefix", PREFIX_REASON),
        ({"company_prefix": " 0614141"}, "company_prefix", PREFIX_REASON),
        ({"company_prefix": "-614141"}, "company_prefix", PREFIX_REASON),
        (
            {"company_prefix": "\u0660\u0666\u0661\u0664\u0661\u0664\u0661"},
            "company_prefix",
            PREFIX_REASON,
        ),  # Arabic-Indic
        ({"company_prefix": 614141}, "company_prefix", PREFIX_REASON),
        ({"extension": 10}, "extension", "must be a digit 0-9"),
        ({"extension": -1}, "extension", "must be a digit 0-9"),
        ({"extension": "1"}, "extension", "must be a digit 0-9"),
        ({"extension": True}, "extension", "must be a digit 0-9"),
        (
            {"serial_reference": -1},
            "serial_reference",
            "must be 0 to 999999999 with a 7-digit company prefix",
        ),
        (
            {"serial_reference": 10**9},
            "serial_reference",
            "must be 0 to 999999999 with a 7-digit company prefix",
        ),
        ({"serial_reference": "12"}, "serial_reference", "must be a whole number"),
        ({"serial_reference": 1.0}, "serial_reference", "must be a whole number"),
        ({"serial_reference": False}, "serial_reference", "must be a whole number"),
    ],
)
def test_bad_input(kwargs: dict[str, object], field: str, reason: str) -> None:
    args: dict[str, object] = {
        "company_prefix": "0614141",
        "extension": 1,
        "serial_reference": 5,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as exc:
        make_sscc(**args)  # type: ignore[arg-type]
    assert (exc.value.code, exc.value.field, exc.value.reason) == ("invalid_input", field, reason)


def test_capacity_of_a_bad_prefix() -> None:
    with pytest.raises(InvalidInput) as exc:
        sscc_capacity("12")
    assert (exc.value.field, exc.value.reason) == ("company_prefix", PREFIX_REASON)


@given(
    prefix=st.text(alphabet="0123456789", min_size=4, max_size=12),
    extension=st.integers(0, 9),
    data=st.data(),
)
@settings(max_examples=300)
def test_every_sscc_parses_with_biip(prefix: str, extension: int, data: st.DataObject) -> None:
    reference = data.draw(st.integers(0, sscc_capacity(prefix)))
    code = make_sscc(company_prefix=prefix, extension=extension, serial_reference=reference)
    assert len(code) == 18
    assert Sscc.parse(code).value == code
    assert code[0] == str(extension)
    assert code[1 : 1 + len(prefix)] == prefix
    assert int(code[1 + len(prefix) : 17]) == reference
