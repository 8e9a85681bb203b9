"""Label errors: each names the violated fact, carries its data and a stable code.

They extend the core's :class:`~tracking_core.errors.DomainError`, so the web layer and
the print worker map them like any other domain error (``category`` -> HTTP status).

>>> e = UnencodableCharacters(field="lot", value="L^1", symbology="gs1_128", characters="^")
>>> e.code, e.details()["characters"]
('label_unencodable_characters', '^')
>>> str(e)
"Lot 'L^1' has characters gs1_128 cannot encode: '^'"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tracking_core.errors import Category, DomainError

__all__ = [
    "FieldDoesNotFit",
    "InvalidLabelData",
    "InvalidLabelSize",
    "InvalidTemplate",
    "LabelError",
    "UnencodableCharacters",
    "UnknownTemplate",
]


@dataclass(eq=False)
class LabelError(DomainError):
    """Base of every error label rendering raises on purpose."""

    code: ClassVar[str] = "label_error"
    category: ClassVar[Category] = "invalid"
    template: ClassVar[str] = "The label cannot be made"


@dataclass(eq=False)
class InvalidLabelData(LabelError):
    """A value is not what its field needs (a GTIN check digit, a GS1 length, a date)."""

    field: str
    value: str
    reason: str
    code: ClassVar[str] = "label_invalid_data"
    template: ClassVar[str] = "Invalid {field} {value!r} for a label: {reason}"


@dataclass(eq=False)
class UnencodableCharacters(LabelError):
    """A symbology cannot carry some characters of a value (``^`` in a GS1 lot)."""

    field: str
    value: str
    symbology: str
    characters: str
    code: ClassVar[str] = "label_unencodable_characters"
    template: ClassVar[str] = (
        "{Field} {value!r} has characters {symbology} cannot encode: {characters!r}"
    )


@dataclass(eq=False)
class FieldDoesNotFit(LabelError):
    """A text or a symbol is larger than the room its template gives it."""

    field: str
    value: str
    template_name: str
    needed_mm: float
    available_mm: float
    code: ClassVar[str] = "label_field_does_not_fit"
    template: ClassVar[str] = (
        "{Field} {value!r} needs {needed_mm} mm but template {template_name!r} "
        "leaves {available_mm} mm"
    )


@dataclass(eq=False)
class UnknownTemplate(LabelError):
    name: str
    searched: tuple[str, ...]
    code: ClassVar[str] = "label_unknown_template"
    category: ClassVar[Category] = "not_found"
    template: ClassVar[str] = "Unknown label template {name!r} (searched {searched})"


@dataclass(eq=False)
class InvalidTemplate(LabelError):
    name: str
    reason: str
    code: ClassVar[str] = "label_invalid_template"
    template: ClassVar[str] = "Label template {name!r} is invalid: {reason}"


@dataclass(eq=False)
class InvalidLabelSize(LabelError):
    width_mm: float
    height_mm: float
    dpi: int
    reason: str
    code: ClassVar[str] = "label_invalid_size"
    template: ClassVar[str] = (
        "Invalid label size {width_mm} x {height_mm} mm at {dpi} dpi: {reason}"
    )
