"""JSON Schemas of API answers, derived from the Python types the routes encode.

A route answers ``encode(value)`` (``tracking_core.codec``); ``schema_of`` reads the type
hints of that value's type and says what ``encode`` writes for it, so the document cannot
drift from the code: a dataclass or TypedDict becomes a named component (``$ref``),
``Literal`` an enum, ``X | None`` also null, ``Decimal`` a string, dates ISO strings,
tuples and lists arrays.

>>> @dataclasses.dataclass(frozen=True)
... class Line:
...     qty: Decimal
...     state: typing.Literal["open", "done"]
...     due: dt.date | None
>>> defs: dict = {}
>>> schema_of(tuple[Line, ...], defs)
{'type': 'array', 'items': {'$ref': '#/components/schemas/Line'}}
>>> defs["Line"]["properties"]["state"]
{'type': 'string', 'enum': ['open', 'done']}
>>> defs["Line"]["properties"]["due"]
{'anyOf': [{'type': 'string', 'format': 'date'}, {'type': 'null'}]}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

Schema = dict[str, Any]

_SCALARS: dict[Any, Schema] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    Decimal: {"type": "string", "description": "decimal, every digit kept"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dt.date: {"type": "string", "format": "date"},
}

_LITERAL_KINDS = {str: "string", int: "integer", bool: "boolean"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "__required_keys__")


def _object(tp: Any, defs: dict[str, Schema]) -> Schema:
    """A named component for a dataclass or TypedDict; its fields in declaration order."""
    name = tp.__name__
    if name in defs:
        return _ref(name)
    defs[name] = {}  # placeholder: a type that holds itself refers to itself
    hints = typing.get_type_hints(tp)
    if dataclasses.is_dataclass(tp):
        names = [f.name for f in dataclasses.fields(tp)]
        required = names
    else:
        names = list(hints)
        required = [n for n in names if n in tp.__required_keys__]
    out: Schema = {
        "type": "object",
        "properties": {n: schema_of(hints[n], defs) for n in names},
        "required": required,
        "additionalProperties": False,
    }
    if tp.__doc__ and not tp.__doc__.startswith(f"{name}("):
        out["description"] = tp.__doc__.strip().splitlines()[0]
    defs[name] = out
    return _ref(name)


def schema_of(tp: Any, defs: dict[str, Schema]) -> Schema:
    """The schema of what ``encode`` writes for a value of type ``tp``; components into ``defs``."""
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if tp is Any or tp is object:
        return {}
    if tp is type(None):
        return {"type": "null"}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        kind = _LITERAL_KINDS.get(kinds.pop()) if len(kinds) == 1 else None
        return {"type": kind, "enum": list(args)} if kind else {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(a, defs) for a in args]}
    if origin in (tuple, list, frozenset, set):
        inner = args[0] if args else Any
        return {"type": "array", "items": schema_of(inner, defs)}
    if origin is dict:
        value = args[1] if args else Any
        return {"type": "object", "additionalProperties": schema_of(value, defs)}
    if tp is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(tp) or _is_typeddict(tp):
        return _object(tp, defs)
    raise TypeError(f"no JSON schema for {tp!r}: give the answer a dataclass or TypedDict")
