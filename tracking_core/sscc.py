"""SSCC (GS1 Serial Shipping Container Code) generation for cases and pallets.

An SSCC is 18 digits: an extension digit (0-9, chosen by the company to widen the
range), the GS1 company prefix, a serial reference filling the remaining digits, and
the GS1 mod-10 check digit.

>>> make_sscc(company_prefix="0614141", extension=1, serial_reference=234567890)
'106141412345678908'
>>> sscc_capacity("0614141")
999999999
"""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit

from tracking_core.errors import InvalidInput

__all__ = ["make_sscc", "sscc_capacity"]

# GS1 allocates company prefixes of 6 to 12 digits; 4 and 5 are accepted too, for
# prefixes from older allocations and for tests.
_PREFIX_MIN, _PREFIX_MAX = 4, 12
# Extension digit + prefix + serial reference; the check digit makes 18.
_BODY = 17


def _is_digits(value: object) -> bool:
    # isascii too: str.isdigit() accepts '²' and other scripts' digits.
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _is_int(value: object) -> bool:
    # bool is an int subclass, but True as a serial reference is a bug, not a 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_prefix(company_prefix: str) -> None:
    if not (_is_digits(company_prefix) and _PREFIX_MIN <= len(company_prefix) <= _PREFIX_MAX):
        raise InvalidInput(
            field="company_prefix", reason=f"must be {_PREFIX_MIN} to {_PREFIX_MAX} digits"
        )


def sscc_capacity(company_prefix: str) -> int:
    """The largest serial reference that fits beside this company prefix.

    >>> sscc_capacity("061414112345")
    9999
    """
    _check_prefix(company_prefix)
    return int(10 ** (_BODY - 1 - len(company_prefix)) - 1)


def make_sscc(*, company_prefix: str, extension: int, serial_reference: int) -> str:
    """The 18-digit SSCC; raises InvalidInput naming the bad field.

    >>> make_sscc(company_prefix="0614141", extension=0, serial_reference=1)
    '006141410000000012'
    """
    capacity = sscc_capacity(company_prefix)
    if not (_is_int(extension) and 0 <= extension <= 9):
        raise InvalidInput(field="extension", reason="must be a digit 0-9")
    if not _is_int(serial_reference):
        raise InvalidInput(field="serial_reference", reason="must be a whole number")
    if not 0 <= serial_reference <= capacity:
        raise InvalidInput(
            field="serial_reference",
            reason=f"must be 0 to {capacity} with a {len(company_prefix)}-digit company prefix",
        )
    body = f"{extension}{company_prefix}{serial_reference:0{_BODY - 1 - len(company_prefix)}d}"
    return body + str(gs1_standard_check_digit(body))
