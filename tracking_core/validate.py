"""Checks of input values at the core's edge: clear typed errors before any write."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tracking_core.errors import (
    InvalidInput,
    InvalidLotNumber,
    InvalidNumber,
    InvalidQuantity,
    InvalidSerialNumber,
)

MAX_CODE = 64
#: Serial and lot numbers given from outside (scans, REST, CLI) are 1 to MAX_CODE
#: characters of printable ASCII without spaces (``!`` to ``~``) and not a URL.
NUMBER_CHARSET = "printable ASCII without spaces ('!' to '~')"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def code(field: str, value: object, *, max_len: int = MAX_CODE) -> str:
    """A number, SKU or code: 1..max_len printable characters, no control characters."""
    if not isinstance(value, str):
        raise InvalidInput(field=field, reason=f"must be text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidInput(field=field, reason="must not be empty")
    if len(text) > max_len:
        raise InvalidInput(field=field, reason=f"longer than {max_len} characters ({len(text)})")
    bad = next((c for c in text if not c.isprintable()), None)
    if bad is not None:
        raise InvalidInput(field=field, reason=f"control character U+{ord(bad):04X} not allowed")
    return text


def serial_number(value: object) -> str:
    """A serial number given from outside: see :data:`NUMBER_CHARSET`; InvalidSerialNumber.

    >>> serial_number(" SN-0042 ")
    'SN-0042'
    >>> try:
    ...     serial_number("SN 1")
    ... except InvalidSerialNumber as e:
    ...     print(e.code, e.position, repr(e.character))
    invalid_serial 2 ' '
    """
    return _number("serial", value, InvalidSerialNumber)


def lot_number(value: object) -> str:
    """A lot number given from outside: the same rules as :func:`serial_number`."""
    return _number("lot", value, InvalidLotNumber)


def _number(field: str, value: object, error: type[InvalidNumber]) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field=field, reason=f"must be text, got {type(value).__name__}")
    number = value.strip()

    def bad(reason: str, position: int | None = None, character: str | None = None) -> Exception:
        return error(
            field=field, reason=reason, value=number, position=position, character=character
        )

    if not number:
        raise bad("must not be empty")
    if len(number) > MAX_CODE:
        raise bad(f"longer than {MAX_CODE} characters ({len(number)})", MAX_CODE, None)
    for i, c in enumerate(number):
        if not c.isprintable():
            raise bad(f"control character U+{ord(c):04X} not allowed", i, c)
        if not ("!" <= c <= "~"):
            what = "a space" if c.isspace() else f"character {c!r} (U+{ord(c):04X})"
            raise bad(
                f"{what} at position {i} is not allowed; serial and lot numbers are "
                f"{NUMBER_CHARSET}",
                i,
                c,
            )
    if _URL.match(number):
        raise bad("a URL is not a serial or lot number", 0, None)
    return number


def text(field: str, value: object, *, max_len: int = 200) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(field=field, reason=f"must be text, got {type(value).__name__}")
    if len(value) > max_len:
        raise InvalidInput(field=field, reason=f"longer than {max_len} characters ({len(value)})")
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        raise InvalidInput(field=field, reason=f"control character U+{ord(bad):04X} not allowed")
    return value


def quantity(value: object, *, allow_zero: bool = False) -> int:
    """Whole units of the item's unit of measure."""
    if isinstance(value, bool):
        raise InvalidQuantity(quantity=value, reason="must be a whole number")
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise InvalidQuantity(quantity=value, reason="must be a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise InvalidQuantity(quantity=value, reason="must be a whole number")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidQuantity(quantity=value, reason="must be positive")
    if value > 10_000_000:
        raise InvalidQuantity(quantity=value, reason="more than 10,000,000 in one step")
    return value


def money(field: str, value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(field=field, reason=f"not a number: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(field=field, reason="must be a number >= 0")
    if amount >= Decimal("1e14"):
        raise InvalidInput(field=field, reason="too large")
    return amount.quantize(Decimal("0.0001"))
