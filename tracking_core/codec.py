"""JSON round trip of the core's frozen result values (stored for idempotent replays).

>>> import datetime as dt
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class R:
...     when: dt.date
...     names: tuple[str, ...]
>>> r = R(dt.date(2026, 11, 24), ("a", "b"))
>>> decode(R, encode(r)) == r
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [encode(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): encode(v) for k, v in obj.items()}
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    return obj


def decode(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from what ``encode`` made."""
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(args[0], data) if len(args) == 1 else data
    if origin is typing.Literal:
        return data
    if origin is tuple:
        (inner, *_rest) = typing.get_args(tp)
        return tuple(decode(inner, v) for v in data)
    if origin is list:
        return [decode(typing.get_args(tp)[0], v) for v in data]
    if origin is dict:
        return dict(data)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        return tp(
            **{
                f.name: decode(hints[f.name], data[f.name])
                for f in dataclasses.fields(tp)
                if f.init and f.name in data
            }
        )
    if tp is dt.datetime:
        return dt.datetime.fromisoformat(data)
    if tp is dt.date:
        return dt.date.fromisoformat(data)
    if tp is Decimal:
        return Decimal(data)
    return data
