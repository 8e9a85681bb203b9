"""Query and form values for the pages: checked, with errors the pages can show."""

from __future__ import annotations

from typing import TypeVar

from flask import request

from tracking_core import one_of
from tracking_core.errors import InvalidInput

Word = TypeVar("Word", bound=str)


def text(name: str, *, required: bool = False, source: str = "args") -> str | None:
    """A value without control characters; empty is None (or an error when required)."""
    values = request.args if source == "args" else request.form
    value = (values.get(name) or "").strip()
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        raise InvalidInput(field=name, reason=f"control character U+{ord(bad):04X} not allowed")
    if not value:
        if required:
            raise InvalidInput(field=name, reason="is required")
        return None
    return value


def form(name: str, *, required: bool = False) -> str | None:
    return text(name, required=required, source="form")


def choice(name: str, choices: tuple[Word, ...], *, source: str = "args") -> Word | None:
    """One of ``choices`` (typed as they are), or None when not given."""
    value = text(name, source=source)
    return None if value is None else one_of(name, value, choices)


def number(name: str, default: int, *, low: int = 1, high: int = 1000) -> int:
    value = text(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput(field=name, reason=f"must be a whole number from {low} to {high}")
    return int(value)
