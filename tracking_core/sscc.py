"""SSCC (GS1 Serial Shipping Container Code) generation for cases and pallets.

>>> make_sscc(company_prefix="0614141", extension=1, serial_reference=234567890)
'106141412345678908'
"""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit

from tracking_core.errors import InvalidInput


def _check_prefix(company_prefix: str) -> None:
    if not (company_prefix.isdigit() and 4 <= len(company_prefix) <= 12):
        raise InvalidInput(field="company_prefix", reason="must be 4 to 12 digits")


def sscc_capacity(company_prefix: str) -> int:
    """The largest serial reference that fits beside this company prefix."""
    _check_prefix(company_prefix)
    return int(10 ** (16 - len(company_prefix)) - 1)


def make_sscc(*, company_prefix: str, extension: int, serial_reference: int) -> str:
    """18 digits: extension, company prefix, serial reference, GS1 mod-10 check digit."""
    _check_prefix(company_prefix)
    if isinstance(extension, bool) or not isinstance(extension, int) or not 0 <= extension <= 9:
        raise InvalidInput(field="extension", reason="must be a digit 0-9")
    capacity = sscc_capacity(company_prefix)
    if isinstance(serial_reference, bool) or not isinstance(serial_reference, int):
        raise InvalidInput(field="serial_reference", reason="must be a whole number")
    if not 0 <= serial_reference <= capacity:
        raise InvalidInput(
            field="serial_reference", reason=f"must be between 0 and {capacity} for this prefix"
        )
    body = f"{extension}{company_prefix}{serial_reference:0{16 - len(company_prefix)}d}"
    return body + str(gs1_standard_check_digit(body))
