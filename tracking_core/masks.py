"""Number masks for generating serial and lot numbers.

Syntax:

* literal characters; a backslash escapes the next one (``\\#`` is a literal ``#``);
* date tokens in braces: ``{YYYY}``, ``{YY}``, ``{MM}``, ``{DD}``, ``{JJJ}`` (day of year),
  also joined in one brace: ``{YYMMDD}``, ``{YYJJJ}``;
* one counter: a run of ``#`` restarts when the rendered date part changes; a run of ``%``
  never restarts.

>>> import datetime as dt
>>> day = dt.date(2026, 11, 24)
>>> Mask.parse("SN-{YY}-#####").render(7, day)
'SN-26-00007'
>>> Mask.parse("L{YYMMDD}-##").render(1, day)
'L261124-01'
>>> preview("A{JJJ}%%%", count=2, on=day)
['A328001', 'A328002']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tracking_core.errors import InvalidMask, MaskExhausted

_DATE_TOKENS = ("YYYY", "YY", "MM", "DD", "JJJ")
_MAX_LEN = 40
_MAX_DIGITS = 12

# A part is ("lit", text) | ("date", token) | ("counter", digits)
Part = tuple[str, str]


def _date_text(token: str, on: dt.date) -> str:
    if token == "YYYY":
        return f"{on.year:04d}"
    if token == "YY":
        return f"{on.year % 100:02d}"
    if token == "MM":
        return f"{on.month:02d}"
    if token == "DD":
        return f"{on.day:02d}"
    return f"{on.timetuple().tm_yday:03d}"


def _parse(text: str) -> tuple[tuple[Part, ...], str]:
    parts: list[Part] = []
    counter_kind = ""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text):
                raise InvalidMask(mask=text, reason="a backslash at the end escapes nothing")
            parts.append(("lit", text[i + 1]))
            i += 2
        elif c == "{":
            end = text.find("}", i)
            if end < 0:
                raise InvalidMask(mask=text, reason="an opening brace is never closed")
            body = text[i + 1 : end]
            if not body:
                raise InvalidMask(mask=text, reason="empty braces")
            j = 0
            while j < len(body):
                tok = next((t for t in _DATE_TOKENS if body.startswith(t, j)), None)
                if tok is None:
                    raise InvalidMask(mask=text, reason=f"unknown date token {{{body}}}")
                parts.append(("date", tok))
                j += len(tok)
            i = end + 1
        elif c in "#%":
            j = i
            while j < len(text) and text[j] in "#%":
                j += 1
            run = text[i:j]
            if len(set(run)) > 1:
                raise InvalidMask(mask=text, reason="a counter mixes # and %")
            if counter_kind:
                raise InvalidMask(mask=text, reason="more than one counter")
            if len(run) > _MAX_DIGITS:
                raise InvalidMask(mask=text, reason=f"a counter has at most {_MAX_DIGITS} digits")
            counter_kind = c
            parts.append(("counter", run))
            i = j
        elif c == "}":
            raise InvalidMask(mask=text, reason="a closing brace without an opening one")
        elif not c.isprintable():
            raise InvalidMask(mask=text, reason=f"control character U+{ord(c):04X}")
        else:
            parts.append(("lit", c))
            i += 1
    if not counter_kind:
        raise InvalidMask(mask=text, reason="no counter (a run of # or %)")
    return tuple(parts), counter_kind


@dataclass(frozen=True)
class Mask:
    text: str
    parts: tuple[Part, ...] = field(repr=False, compare=False, default=())
    counter_kind: str = field(repr=False, compare=False, default="#")

    @classmethod
    def parse(cls, text: str) -> Mask:
        if not isinstance(text, str) or not text:
            raise InvalidMask(mask=str(text), reason="empty mask")
        parts, kind = _parse(text)
        mask = cls(text, parts, kind)
        if mask.length > _MAX_LEN:
            raise InvalidMask(mask=text, reason=f"numbers longer than {_MAX_LEN} characters")
        return mask

    @property
    def digits(self) -> int:
        return next(len(v) for k, v in self.parts if k == "counter")

    @property
    def capacity(self) -> int:
        return int(10**self.digits - 1)

    @property
    def has_date(self) -> bool:
        return any(k == "date" for k, _ in self.parts)

    @property
    def restarts(self) -> bool:
        return self.counter_kind == "#" and self.has_date

    @property
    def length(self) -> int:
        return sum(
            len(_date_text(v, dt.date(2000, 1, 1))) if k == "date" else len(v)
            for k, v in self.parts
        )

    def _affixes(self, on: dt.date) -> tuple[str, str]:
        before: list[str] = []
        after: list[str] = []
        target = before
        for k, v in self.parts:
            if k == "counter":
                target = after
            else:
                target.append(_date_text(v, on) if k == "date" else v)
        return "".join(before), "".join(after)

    def period(self, on: dt.date) -> str:
        if not self.restarts:
            return ""
        return "".join(_date_text(v, on) for k, v in self.parts if k == "date")

    def counter_key(self, on: dt.date) -> str:
        return f"{self.text}|{self.period(on)}"

    def render(self, counter: int, on: dt.date) -> str:
        return self.render_many(counter, 1, on)[0]

    def render_many(self, first: int, count: int, on: dt.date) -> list[str]:
        if first < 1:
            raise ValueError("counters start at 1")
        if first + count - 1 > self.capacity:
            raise MaskExhausted(mask=self.text, capacity=self.capacity)
        pre, post = self._affixes(on)
        fmt = f"{pre}{{:0{self.digits}d}}{post}"
        return [fmt.format(n) for n in range(first, first + count)]

    def _classes(self) -> list[str | None]:
        """Per rendered position: the literal character, or None for any digit."""
        out: list[str | None] = []
        for k, v in self.parts:
            if k == "lit":
                out.append(v)
            elif k == "counter":
                out.extend([None] * len(v))
            else:
                out.extend([None] * len(_date_text(v, dt.date(2000, 1, 1))))
        return out

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(
            "".join(r"\d" if c is None else re.escape(c) for c in self._classes()) + r"\Z"
        )

    def matches(self, number: str) -> bool:
        return self.pattern.match(number) is not None

    def could_collide(self, other: Mask) -> bool:
        a, b = self._classes(), other._classes()
        if len(a) != len(b):
            return False
        return all(
            (x is None and (y is None or y.isdigit()))
            or (y is None and x is not None and x.isdigit())
            or x == y
            for x, y in zip(a, b, strict=True)
        )


def preview(mask: str | Mask, *, count: int, start: int = 1, on: dt.date) -> list[str]:
    m = mask if isinstance(mask, Mask) else Mask.parse(mask)
    return m.render_many(start, min(count, max(0, m.capacity - start + 1)), on)
