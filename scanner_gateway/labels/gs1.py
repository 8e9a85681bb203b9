"""GS1 element strings for labels: AI order, FNC1 placement and the human-readable line.

Predefined-length AIs (00, 01, 02, 11, 17, 3nnn, ...) go first, then the others, each
group in AI order (the same string whatever order a template lists them in). So a
separator is only needed between variable-length fields, and it follows such a field
only when another comes after it. The AI table, the formats and the check are biip's:
what we build must parse back to exactly what we meant.

>>> g = build_gs1([("21", "SN1"), ("10", "L1"), ("01", "09506000134352")])
>>> g.hri
'(01)09506000134352(10)L1(21)SN1'
>>> g.data()  # the leading FNC1 is the symbol's business; GS between 10 and 21
'010950600013435210L1\\x1d21SN1'
>>> build_gs1([("01", "09506000134353")])
Traceback (most recent call last):
...
scanner_gateway.labels.errors.InvalidLabelData: Invalid 01 '09506000134353' for a label: \
Invalid GTIN check digit for '09506000134353': Expected 2, got 3.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_messages import GS1Message

from scanner_gateway.labels.errors import InvalidLabelData, UnencodableCharacters

__all__ = ["CSET82", "GS", "Gs1Content", "Gs1Element", "build_gs1", "gs1_date"]

GS = "\x1d"
# GS1 character set 82: what alphanumeric AIs (10, 21, ...) may carry.
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


@dataclass(frozen=True)
class Gs1Element:
    ai: str
    value: str
    separator_required: bool  # not a predefined-length AI: a GS must follow unless last


@dataclass(frozen=True)
class Gs1Content:
    """Element strings in encoding order."""

    elements: tuple[Gs1Element, ...]

    def data(self, separator: str = GS) -> str:
        """The element string without the leading FNC1; ``separator`` where FNC1 goes."""
        parts: list[str] = []
        last = len(self.elements) - 1
        for i, e in enumerate(self.elements):
            parts.append(e.ai + e.value)
            if e.separator_required and i < last:
                parts.append(separator)
        return "".join(parts)

    @property
    def hri(self) -> str:
        """The human-readable interpretation: AIs in parentheses."""
        return "".join(f"({e.ai}){e.value}" for e in self.elements)

    @property
    def values(self) -> dict[str, str]:
        return {e.ai: e.value for e in self.elements}


@lru_cache(maxsize=256)
def _ai(ai: str) -> GS1ApplicationIdentifier:
    found: GS1ApplicationIdentifier | None
    try:
        found = GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        found = None
    if found is None or found.ai != ai:
        raise InvalidLabelData(field="ai", value=ai, reason="not a GS1 Application Identifier")
    return found


def gs1_date(value: dt.date) -> str:
    """YYMMDD, as AIs 11, 13, 15, 17 carry dates.

    >>> gs1_date(dt.date(2026, 12, 31))
    '261231'
    """
    return value.strftime("%y%m%d")


def build_gs1(
    elements: Iterable[tuple[str, str]],
    *,
    fields: Mapping[str, str] | None = None,
    symbology: str = "GS1",
) -> Gs1Content:
    """Order, check and round-trip GS1 element strings.

    ``fields`` names the label field behind each AI, for errors (``{"10": "lot"}``).
    Raises :class:`UnencodableCharacters` for characters outside the AI's character set,
    :class:`InvalidLabelData` for anything else biip does not accept.
    """
    names = fields or {}
    seen: set[str] = set()
    fixed: list[Gs1Element] = []
    variable: list[Gs1Element] = []
    for ai, value in elements:
        field = names.get(ai, ai)
        definition = _ai(ai)
        if ai in seen:
            raise InvalidLabelData(field=field, value=value, reason=f"AI ({ai}) given twice")
        seen.add(ai)
        if not re.fullmatch(definition.pattern, ai + value):
            numeric = definition.format.split("+", 1)[-1].startswith("N")
            allowed = set("0123456789") if numeric else CSET82
            bad = "".join(dict.fromkeys(c for c in value if c not in allowed))
            if bad:
                raise UnencodableCharacters(
                    field=field, value=value, symbology=f"{symbology} AI ({ai})", characters=bad
                )
            raise InvalidLabelData(
                field=field,
                value=value,
                reason=f"{definition.description}, GS1 AI ({ai}), is {definition.format}",
            )
        element = Gs1Element(ai, value, bool(definition.separator_required))
        (variable if element.separator_required else fixed).append(element)
    if not seen:
        raise InvalidLabelData(field="gs1", value="", reason="no GS1 element strings")
    content = Gs1Content(tuple(sorted(fixed, key=_key) + sorted(variable, key=_key)))
    _round_trip(content, names)
    return content


def _key(e: Gs1Element) -> str:
    return e.ai


def _round_trip(content: Gs1Content, names: Mapping[str, str]) -> None:
    data = content.data()
    try:
        message = GS1Message.parse(data)
    except ParseError as exc:
        raise InvalidLabelData(field="gs1", value=content.hri, reason=str(exc)) from exc
    got = [(e.ai.ai, e.value) for e in message.element_strings]
    want = [(e.ai, e.value) for e in content.elements]
    if got != want:
        raise InvalidLabelData(
            field="gs1", value=content.hri, reason=f"parses back as {message.as_hri()}"
        )
    for es in message.element_strings:
        error = es.gtin_error or es.sscc_error or es.gln_error
        if error:
            raise InvalidLabelData(
                field=names.get(es.ai.ai, es.ai.ai), value=es.value, reason=error
            )
