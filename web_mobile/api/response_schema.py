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
...     @property
...     def late(self) -> bool:
...         return False
>>> defs: dict = {}
>>> schema_of(tuple[Line, ...], defs)
{'type': 'array', 'items': {'$ref': '#/components/schemas/Line'}}
>>> defs["Line"]["properties"]["state"]
{'type': 'string', 'enum': ['open', 'done']}
>>> defs["Line"]["properties"]["due"]
{'anyOf': [{'type': 'string', 'format': 'date'}, {'type': 'null'}]}

A route that answers a dataclass with some of its properties, or without a field, says so
with ``Shown``; ``present`` encodes the value by that same declaration:

>>> LineAnswer = typing.Annotated[Line, Shown("LineAnswer", add=("late",), drop=("qty",))]
>>> present(Line(Decimal("1"), "open", None), LineAnswer)
{'state': 'open', 'due': None, 'late': False}
>>> _ = schema_of(LineAnswer, defs)
>>> defs["LineAnswer"]["required"]
['state', 'due', 'late']

One name is one schema: another type (or a schema written by hand) under a name already
taken is an error, never a silent reuse.

>>> class Other(typing.TypedDict):
...     x: int
>>> Other.__name__ = "Line"
>>> schema_of(Other, defs)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
TypeError: two schemas named 'Line': ...Other and ...Line; rename one
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tracking_core.codec import encode

Schema = dict[str, Any]
Notes = Mapping[str, Mapping[str, Schema]]

# which type made a component: a component of that name from another source is a clash
ORIGIN = "x-python"
# what a note may add to a derived field: words for people and bounds, never its type
NOTE_KEYWORDS = frozenset({"description", "minimum", "maximum", "format", "enum", "default"})

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


@dataclasses.dataclass(frozen=True)
class Shown:
    """How a route shows a dataclass: ``Annotated[Info, Shown("Name", ...)]``.

    ``add``: properties of the dataclass the answer carries too; ``drop``: fields it
    leaves out; ``types``: (field, type) pairs shown as another type (often a ``Shown``
    itself); ``extra``: a TypedDict of the fields the route adds by hand.
    """

    name: str
    add: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    types: tuple[tuple[str, Any], ...] = ()
    extra: Any = None


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "__required_keys__")


def _qualname(tp: Any) -> str:
    return f"{tp.__module__}.{tp.__qualname__}"


def _shown(tp: Any) -> tuple[Any, Shown] | None:
    """(the dataclass, how it is shown) of ``Annotated[dataclass, Shown(...)]``."""
    if typing.get_origin(tp) is not typing.Annotated:
        return None
    base, *meta = typing.get_args(tp)
    shown = next((m for m in meta if isinstance(m, Shown)), None)
    return None if shown is None else (base, shown)


def _property_type(tp: Any, name: str) -> Any:
    prop = getattr(tp, name, None)
    if not isinstance(prop, property) or prop.fget is None:
        raise TypeError(f"{_qualname(tp)} has no property {name!r} to show")
    return typing.get_type_hints(prop.fget)["return"]


def _required(tp: Any, name: str, hint: Any) -> bool:
    """A TypedDict key is required; ``NotRequired`` read from the hint as well, since
    string annotations hide it from ``__required_keys__``."""
    marked = typing.get_origin(hint)
    if marked in (typing.Required, typing.NotRequired):
        return marked is typing.Required
    return name in tp.__required_keys__


def _fields(tp: Any, shown: Shown | None) -> tuple[dict[str, Any], list[str]]:
    """(name -> type, required names) of a dataclass or TypedDict, as ``shown``."""
    hints = typing.get_type_hints(tp, include_extras=True)
    if not dataclasses.is_dataclass(tp):
        return hints, [n for n, h in hints.items() if _required(tp, n, h)]
    names = [f.name for f in dataclasses.fields(tp)]
    if shown is None:
        return {n: hints[n] for n in names}, names
    retyped = dict(shown.types)
    unknown = sorted((set(shown.drop) | set(retyped)) - set(names))
    if unknown:
        raise TypeError(f"{_qualname(tp)} has no field {unknown[0]!r} (Shown {shown.name!r})")
    out = {n: retyped.get(n, hints[n]) for n in names if n not in shown.drop}
    out.update({p: _property_type(tp, p) for p in shown.add})
    required = list(out)
    if shown.extra is not None:
        extra, extra_required = _fields(shown.extra, None)
        out.update(extra)
        required += extra_required
    return out, required


def _how(shown: Shown) -> str:
    """A Shown in words, so two different showings of one type never share a name."""
    parts = [f" as {shown.name}"]
    parts += [f" +{p}" for p in shown.add] + [f" -{f}" for f in shown.drop]
    parts += [f" ~{f}" for f, _ in shown.types]
    if shown.extra is not None:
        parts.append(f" +{shown.extra.__name__}")
    return "".join(parts)


def _object(tp: Any, shown: Shown | None, defs: dict[str, Schema], notes: Notes) -> Schema:
    """A named component for a dataclass or TypedDict; its fields in declaration order."""
    name = shown.name if shown else tp.__name__
    origin = _qualname(tp) + (_how(shown) if shown else "")
    if name in defs:
        other = defs[name].get(ORIGIN, "a schema written by hand in SCHEMAS")
        if other != origin:
            raise TypeError(f"two schemas named {name!r}: {origin} and {other}; rename one")
        return _ref(name)
    defs[name] = {ORIGIN: origin}  # placeholder: a type that holds itself refers to itself
    hints, required = _fields(tp, shown)
    props = {n: schema_of(h, defs, notes) for n, h in hints.items()}
    for field, note in notes.get(name, {}).items():
        if field not in props or not set(note) <= NOTE_KEYWORDS:
            raise TypeError(f"note on {name}.{field}: no such field, or more than words/bounds")
        props[field] = {**props[field], **note}
    out: Schema = {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
        ORIGIN: origin,
    }
    if tp.__doc__ and not tp.__doc__.startswith(f"{tp.__name__}("):
        out["description"] = tp.__doc__.strip().splitlines()[0]
    defs[name] = out
    return _ref(name)


def schema_of(tp: Any, defs: dict[str, Schema], notes: Notes | None = None) -> Schema:
    """The schema of what ``encode`` writes for a value of type ``tp``; components into
    ``defs``. ``notes``: per component and field, descriptions and bounds to add."""
    notes = notes or {}
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if tp is Any or tp is object:
        return {}
    if tp is type(None):
        return {"type": "null"}
    shown = _shown(tp)
    if shown is not None:
        return _object(shown[0], shown[1], defs, notes)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Annotated, typing.Required, typing.NotRequired):
        return schema_of(args[0], defs, notes)
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        kind = _LITERAL_KINDS.get(kinds.pop()) if len(kinds) == 1 else None
        return {"type": kind, "enum": list(args)} if kind else {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(a, defs, notes) for a in args]}
    if origin is tuple and args and args[-1] is not Ellipsis:  # a pair, (lot, quantity)
        items = [schema_of(a, defs, notes) for a in args]
        n = len(items)
        return {"type": "array", "prefixItems": items, "minItems": n, "maxItems": n}
    if origin in (tuple, list, frozenset, set):
        inner = args[0] if args else Any
        return {"type": "array", "items": schema_of(inner, defs, notes)}
    if origin is dict:
        value = args[1] if args else Any
        return {"type": "object", "additionalProperties": schema_of(value, defs, notes)}
    if tp is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(tp) or _is_typeddict(tp):
        return _object(tp, None, defs, notes)
    raise TypeError(f"no JSON schema for {tp!r}: give the answer a dataclass or TypedDict")


def present(value: Any, tp: Any) -> Any:
    """What a route answers for ``value`` declared as ``tp``: ``encode``, with the changes
    of a ``Shown`` (properties added, fields dropped or shown as another type)."""
    if value is None:
        return None
    shown = _shown(tp)
    if shown is not None:
        how = shown[1]
        retyped = dict(how.types)
        out = {
            f.name: present(getattr(value, f.name), retyped[f.name])
            if f.name in retyped
            else encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in how.drop
        }
        out.update({p: encode(getattr(value, p)) for p in how.add})
        return out
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return present(value, kept[0]) if len(kept) == 1 else encode(value)
    if origin in (tuple, list) and args:
        return [present(v, args[0]) for v in value]
    return encode(value)
