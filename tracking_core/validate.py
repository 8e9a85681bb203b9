"""Checks of input values at the core's edge: clear typed errors before any write."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from tracking_core.errors import InvalidInput, InvalidQuantity

MAX_CODE = 64


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
