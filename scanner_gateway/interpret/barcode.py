"""The result of interpreting one scan: a frozen :class:`Barcode`.

Every scan gives a ``Barcode``; one that cannot be read has ``kind == "invalid"`` and an
``error`` that says what was parsed, what was expected and what came:

>>> from scanner_gateway.interpret import Barcode
>>> b = Barcode(kind="gtin", value="4006381333931", gtin="04006381333931")
>>> b
Barcode(kind='gtin', value='4006381333931', gtin='04006381333931')
>>> b.to_dict()["gtin"], b.to_dict()["expiry"]
('04006381333931', None)
>>> Barcode(kind="plain", value="x", error="why")
Traceback (most recent call last):
...
ValueError: Barcode.error is set exactly when kind == 'invalid', got kind 'plain' and an error
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = ["KINDS", "Barcode", "Fields", "Kind", "failed", "show"]

Kind = Literal[
    "gs1",
    "gtin",
    "hibc",
    "location",
    "document",
    "operator",
    "partner",
    "command",
    "vendor",
    "plain",
    "invalid",
]
KINDS: tuple[Kind, ...] = get_args(Kind)


class Fields(Mapping[str, str]):
    """An immutable, hashable mapping of field names (GS1 AIs, HIBC parts) to values.

    >>> f = Fields({"01": "07032069804988", "10": "LOT1"})
    >>> f["10"], f == {"01": "07032069804988", "10": "LOT1"}, len(f)
    ('LOT1', True, 2)
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._data: dict[str, str] = dict(data)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[Fields], tuple[dict[str, str]]]:
        return (Fields, (self._data,))


_NO_FIELDS = Fields()


@dataclass(frozen=True, kw_only=True, repr=False)
class Barcode:
    """What one scan says. Built by :func:`scanner_gateway.interpret.interpret`."""

    kind: Kind
    """What the scan is: one of :data:`KINDS`."""
    value: str
    """The data without the symbology identifier (and without a CR/LF suffix)."""
    symbology: str | None = None
    """The AIM symbology identifier as received (``"]C1"``), or None."""
    gtin: str | None = None
    """The item's GTIN as 14 digits (GS1 AI 01, else AI 02 on a pallet label)."""
    serial: str | None = None
    lot: str | None = None
    sscc: str | None = None
    """An SSCC, 18 digits (GS1 AI 00)."""
    expiry: dt.date | None = None
    """Expiration date (GS1 AI 17, HIBC expiry)."""
    best_before: dt.date | None = None
    """Best before date (GS1 AI 15), kept apart from ``expiry``."""
    production_date: dt.date | None = None
    quantity: int | None = None
    """A count: GS1 AI 30 (else 37), HIBC quantity, or ``CMD:QTY:N``."""
    item: str | None = None
    """An item code that is not a GTIN: HIBC labeler + product + unit, a vendor part."""
    location: str | None = None
    document: str | None = None
    operator: str | None = None
    partner: str | None = None
    """A partner code from a ``PTN:`` label: the vendor or customer of an ad-hoc document."""
    command: str | None = None
    """mode, confirm, undo, cancel, new, generate, quantity or choose."""
    argument: str | None = None
    """The command's argument: the mode's name, N for generate and quantity, or the
    reading (``gs1``, ``literal``) for choose."""
    vendor_rule: str | None = None
    """The name of the vendor rule that matched."""
    fields: Mapping[str, str] = field(default=_NO_FIELDS, hash=False)
    """Every field read: GS1 AI -> value, HIBC part -> value, vendor group -> value."""
    warnings: tuple[str, ...] = ()
    """What the operator should know, e.g. a separator that may be missing."""
    gs1_reading: Barcode | None = field(default=None, compare=False)
    """A plain code read without a symbology identifier that also validates as GS1
    element strings (``21SN3``): its GS1 reading (serial ``SN3``). Set when the profile
    says ``ambiguous_ai="ask"``; the scan session then asks which reading is meant."""
    error: str | None = None
    """Why the scan cannot be read; set exactly when ``kind == "invalid"``."""

    def __post_init__(self) -> None:
        if (self.kind == "invalid") != (self.error is not None):
            has = "an error" if self.error is not None else "no error"
            msg = (
                "Barcode.error is set exactly when kind == 'invalid', "
                f"got kind {self.kind!r} and {has}"
            )
            raise ValueError(msg)
        if not isinstance(self.fields, Fields):
            object.__setattr__(self, "fields", Fields(self.fields))

    @classmethod
    def invalid(cls, value: str, error: str, *, symbology: str | None = None) -> Barcode:
        """An unreadable scan and the reason."""
        return cls(kind="invalid", value=value, symbology=symbology, error=error)

    def to_dict(self) -> dict[str, Any]:
        """Every attribute, JSON-friendly: dates as ISO strings, tuples as lists."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Barcode):
                v = v.to_dict()
            elif isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, Fields):
                v = dict(v)
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Barcode:
        """The inverse of :meth:`to_dict` (a Barcode kept as JSON, e.g. in a session).

        >>> from scanner_gateway.interpret import interpret
        >>> b = interpret("]C11726123110L1")
        >>> Barcode.from_dict(b.to_dict()) == b
        True
        """
        kw: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            v = data[f.name]
            if v is not None and f.name in ("expiry", "best_before", "production_date"):
                v = dt.date.fromisoformat(v)
            elif f.name == "warnings":
                v = tuple(v)
            elif f.name == "gs1_reading" and v is not None:
                v = cls.from_dict(v)
            kw[f.name] = v
        return cls(**kw)

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}", f"value={self.value!r}"]
        for f in dataclasses.fields(self):
            if f.name in ("kind", "value"):
                continue
            v = getattr(self, f.name)
            if v != f.default:
                parts.append(f"{f.name}={v!r}")
        return f"Barcode({', '.join(parts)})"


def show(value: object, limit: int = 60) -> str:
    """``repr`` of a scanned value, shortened so an error message stays readable.

    >>> show("0107032069804988")
    "'0107032069804988'"
    >>> show("x" * 100, limit=10)
    "'xxxxx'..."
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 4] + "'..."


def failed(value: object, what: str, expected: str, got: str) -> str:
    """The one error template: what was parsed, what was expected, what came.

    >>> failed("0107032069804987", "GS1 element strings", "(01) GTIN check digit 8", "7")
    "Failed to parse '0107032069804987' as GS1 element strings: expected (01) GTIN check digit 8, got 7."
    """  # noqa: E501
    return f"Failed to parse {show(value)} as {what}: expected {expected}, got {got}."
