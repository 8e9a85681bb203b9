"""``schema_of`` and ``present``: one declaration for the answer and its schema, and the
mistakes that must be errors rather than a quiet drift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, NotRequired, TypedDict

import pytest

from web_mobile.api.openapi import SCHEMAS
from web_mobile.api.response_schema import ORIGIN, Shown, present, schema_of


@dataclass(frozen=True)
class Box:
    code: str
    weight: Decimal
    pair: tuple[str, int]
    sealed_on: dt.date | None = None

    @property
    def heavy(self) -> bool:
        return self.weight > 10


class Label(TypedDict):
    text: str
    copies: NotRequired[int]


BoxView = Annotated[Box, Shown("BoxView", add=("heavy",), drop=("pair",), extra=Label)]


def _defs() -> dict[str, Any]:
    return {}


def test_a_shown_dataclass_is_its_fields_its_properties_and_the_extra() -> None:
    defs = _defs()
    assert schema_of(list[BoxView], defs) == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/BoxView"},
    }
    view = defs["BoxView"]
    assert list(view["properties"]) == ["code", "weight", "sealed_on", "heavy", "text", "copies"]
    assert view["required"] == ["code", "weight", "sealed_on", "heavy", "text"]
    assert view["properties"]["heavy"] == {"type": "boolean"}
    assert (view["additionalProperties"], view[ORIGIN]) == (
        False,
        f"{__name__}.Box as BoxView +heavy -pair +Label",
    )
    box = Box("B1", Decimal("12.5"), ("L1", 3), dt.date(2026, 1, 2))
    assert present(box, BoxView) == {
        "code": "B1",
        "weight": "12.5",
        "sealed_on": "2026-01-02",
        "heavy": True,
    }
    assert present([box], list[BoxView])[0]["heavy"] is True
    assert present(None, BoxView | None) is None


def test_a_pair_is_a_fixed_length_array() -> None:
    defs = _defs()
    schema_of(Box, defs)
    assert defs["Box"]["properties"]["pair"] == {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
        "minItems": 2,
        "maxItems": 2,
    }


def test_a_name_taken_by_a_hand_written_schema_is_an_error() -> None:
    defs = {"Box": {"type": "object"}}
    with pytest.raises(TypeError, match=r"two schemas named 'Box'.*written by hand"):
        schema_of(Box, defs)
    assert defs == {"Box": {"type": "object"}}  # left as it was


def test_the_same_type_twice_is_one_component() -> None:
    defs = _defs()
    assert schema_of(Box, defs) == schema_of(Box, defs) == {"$ref": "#/components/schemas/Box"}
    with pytest.raises(TypeError, match="two schemas named 'Box'"):
        schema_of(Annotated[Box, Shown("Box", add=("heavy",))], defs)


@pytest.mark.parametrize(
    ("shown", "message"),
    [
        (Shown("V", add=("weight",)), "no property 'weight'"),
        (Shown("V", add=("nothing",)), "no property 'nothing'"),
        (Shown("V", drop=("nothing",)), "no field 'nothing'"),
        (Shown("V", types=(("nothing", int),)), "no field 'nothing'"),
    ],
)
def test_a_shown_naming_what_the_type_lacks_is_an_error(shown: Shown, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        schema_of(Annotated[Box, shown], _defs())


def test_notes_describe_fields_but_never_retype_them() -> None:
    defs = _defs()
    schema_of(Box, defs, {"Box": {"code": {"description": "printed on it", "minimum": 1}}})
    assert defs["Box"]["properties"]["code"] == {
        "type": "string",
        "description": "printed on it",
        "minimum": 1,
    }
    for note in ({"nothing": {"description": "x"}}, {"code": {"type": "integer"}}):
        with pytest.raises(TypeError, match="note on Box"):
            schema_of(Box, _defs(), {"Box": note})


def test_a_type_with_no_json_is_refused() -> None:
    with pytest.raises(TypeError, match="no JSON schema"):
        schema_of(bytes, _defs())


def test_the_document_s_notes_all_land_on_fields() -> None:
    """Every note of answer_notes was applied (a stale one would have raised)."""
    from web_mobile.api.answer_notes import NOTES

    for component, fields in NOTES.items():
        assert set(fields) <= set(SCHEMAS[component]["properties"]), component
