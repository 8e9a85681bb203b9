r"""Number masks for generating serial and lot numbers.

A mask is a template; a counter and a date fill it in. Syntax:

* **literal characters**: any printable character (no control characters). A backslash
  escapes the next character: ``\#`` is a literal ``#``, ``\%`` a ``%``, ``\{`` and
  ``\}`` braces, ``\\`` a backslash.
* **date tokens in braces**: ``{YYYY}`` year, ``{YY}`` year in century, ``{MM}`` month,
  ``{DD}`` day, ``{JJJ}`` day of the year (001-366). One brace may join several:
  ``{YYMMDD}``, ``{YYJJJ}``. Anything else in braces is an error.
* **exactly one counter**: a run of 1 to 12 ``#`` or ``%``, zero padded. A ``#`` counter
  restarts at 1 whenever the rendered date part changes (every day for ``{YYMMDD}``,
  every year for ``{YY}``); a ``%`` counter never restarts. Without date tokens both
  behave alike.

Every number of a mask has the same length, at most 40 characters.

>>> import datetime as dt
>>> day = dt.date(2026, 11, 24)
>>> Mask.parse("SN-{YY}-#####").render(7, day)
'SN-26-00007'
>>> Mask.parse("L{YYMMDD}-##").render(1, day)
'L261124-01'
>>> preview("A{JJJ}%%%", count=2, on=day)
['A328001', 'A328002']
>>> Mask.parse(r"NO\#%%%").render(42, day)
'NO#042'
>>> try:
...     Mask.parse("SN{XX}#")
... except InvalidMask as e:
...     print(e.code, "-", e.reason)
invalid_mask - unknown date token 'XX' in {XX}; use YYYY, YY, MM, DD, JJJ
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from tracking_core.errors import InvalidMask, MaskExhausted

__all__ = ["MAX_DIGITS", "MAX_LENGTH", "Mask", "preview"]

MAX_LENGTH = 40
MAX_DIGITS = 12

# Longest first, so that "YYYY" is not read as "YY" twice.
_DATE_TOKENS = ("YYYY", "YY", "MM", "DD", "JJJ")
_TOKEN_WIDTH = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "JJJ": 3}
# Not str.isdigit: that accepts '²' and Arabic-Indic digits, which a counter never renders.
_DIGITS = frozenset("0123456789")

_Kind = Literal["lit", "date", "counter"]
# One piece of a parsed mask: literal text (adjacent literals merged), one date token, or
# the counter (its value is the run of '#' or '%').
_Part = tuple[_Kind, str]


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


def _invalid(text: str, reason: str) -> InvalidMask:
    return InvalidMask(mask=text, reason=reason)


def _char(text: str, c: str) -> str:
    if not c.isprintable():
        raise _invalid(text, f"control character U+{ord(c):04X} is not allowed")
    return c


def _parse(text: str) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    literal: list[str] = []
    counters = 0

    def flush() -> None:
        if literal:
            parts.append(("lit", "".join(literal)))
            literal.clear()

    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 == len(text):
                raise _invalid(text, "a backslash at the end escapes nothing")
            literal.append(_char(text, text[i + 1]))
            i += 2
        elif c == "{":
            end = text.find("}", i)
            if end < 0:
                raise _invalid(text, "a '{' is never closed (write \\{ for a literal brace)")
            body = text[i + 1 : end]
            if not body:
                raise _invalid(text, "empty braces {}")
            flush()
            j = 0
            while j < len(body):
                token = next((t for t in _DATE_TOKENS if body.startswith(t, j)), None)
                if token is None:
                    raise _invalid(
                        text,
                        f"unknown date token {body[j:]!r} in {{{body}}}; "
                        f"use {', '.join(_DATE_TOKENS)}",
                    )
                parts.append(("date", token))
                j += len(token)
            i = end + 1
        elif c == "}":
            raise _invalid(text, "a '}' without a '{' (write \\} for a literal brace)")
        elif c in "#%":
            j = i
            while j < len(text) and text[j] in "#%":
                j += 1
            run = text[i:j]
            if len(set(run)) > 1:
                raise _invalid(text, f"the counter {run!r} mixes '#' and '%'")
            counters += 1
            if counters > 1:
                raise _invalid(
                    text, "more than one counter (write \\# or \\% for a literal character)"
                )
            if len(run) > MAX_DIGITS:
                raise _invalid(text, f"the counter has {len(run)} digits, at most {MAX_DIGITS}")
            flush()
            parts.append(("counter", run))
            i = j
        else:
            literal.append(_char(text, c))
            i += 1
    flush()
    if counters == 0:
        raise _invalid(text, "no counter: add a run of '#' (restarts by date) or '%' (never)")
    return tuple(parts)


def _width(part: _Part) -> int:
    kind, value = part
    return _TOKEN_WIDTH[value] if kind == "date" else len(value)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _date_exists(values: dict[str, int]) -> bool:
    """Whether some real date renders to these date token values."""
    if "YYYY" in values:
        years = [values["YYYY"]]
        if not dt.MINYEAR <= years[0] <= dt.MAXYEAR:
            return False
        if "YY" in values and values["YY"] != years[0] % 100:
            return False
    elif "YY" in values:
        # Four centuries cover both leap and common years for this year-in-century.
        years = [values["YY"] + 100 * c for c in range(1, 5)]
    else:
        years = [2000, 2001]  # one leap year, one common year
    month, day, yday = values.get("MM"), values.get("DD"), values.get("JJJ")
    for year in years:
        if yday is not None:
            if not 1 <= yday <= (366 if _is_leap(year) else 365):
                continue
            d = dt.date(year, 1, 1) + dt.timedelta(days=yday - 1)
            if month in (None, d.month) and day in (None, d.day):
                return True
        elif month is not None and day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                continue
            return True
        else:
            return (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31)
    return False


@dataclass(frozen=True)
class Mask:
    """A parsed number mask; ``Mask(text)`` and ``Mask.parse(text)`` both validate.

    Equal and hashed by its text.

    >>> m = Mask.parse("SN-{YY}-#####")
    >>> (m.digits, m.capacity, m.restarts, m.length)
    (5, 99999, True, 11)
    """

    text: str
    _parts: tuple[_Part, ...] = field(init=False, repr=False, compare=False)
    _classes: tuple[str | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = self.text
        if not isinstance(text, str):
            raise _invalid(repr(text), "a mask is text")
        if not text:
            raise _invalid(text, "empty mask")
        # Every mask character renders to at least half a character ("{YY}" -> 2,
        # "\#" -> 1), so longer text cannot fit: refuse it before parsing it.
        if len(text) > 2 * MAX_LENGTH + 1:
            raise _invalid(text, f"numbers would be longer than {MAX_LENGTH} characters")
        parts = _parse(text)
        length = sum(_width(p) for p in parts)
        if length > MAX_LENGTH:
            raise _invalid(text, f"numbers would be {length} characters long, at most {MAX_LENGTH}")
        classes: list[str | None] = []
        for kind, value in parts:
            # None = any digit. Date positions count as any digit: conservative for
            # collisions, and a date's digits do vary.
            classes.extend(value if kind == "lit" else [None] * _width((kind, value)))
        # Frozen: the derived fields are set once here, as dataclasses document.
        object.__setattr__(self, "_parts", parts)
        object.__setattr__(self, "_classes", tuple(classes))

    @classmethod
    def parse(cls, text: str) -> Mask:
        """Parse and validate a mask; raises InvalidMask saying what is wrong.

        >>> try:
        ...     Mask.parse("SN##%%")
        ... except InvalidMask as e:
        ...     print(e)
        Invalid mask 'SN##%%': the counter '##%%' mixes '#' and '%'
        """
        return cls(text)

    @property
    def _counter(self) -> str:
        return next(value for kind, value in self._parts if kind == "counter")

    @property
    def digits(self) -> int:
        """How many digits the counter has."""
        return len(self._counter)

    @property
    def capacity(self) -> int:
        """The largest counter value (counters start at 1), per period."""
        return int(10**self.digits - 1)

    @property
    def restarts(self) -> bool:
        """Whether the counter restarts when the date part changes ('#' and dates)."""
        return self._counter[0] == "#" and any(kind == "date" for kind, _ in self._parts)

    @property
    def length(self) -> int:
        """The length of every number of this mask."""
        return len(self._classes)

    def period(self, on: dt.date) -> str:
        """The rendered date part that scopes the counter; "" if it never restarts.

        >>> day = dt.date(2026, 11, 24)
        >>> Mask.parse("L{YYMMDD}-##").period(day), Mask.parse("L{YYMMDD}-%%").period(day)
        ('261124', '')
        """
        if not self.restarts:
            return ""
        return "".join(_date_text(value, on) for kind, value in self._parts if kind == "date")

    def counter_key(self, on: dt.date) -> str:
        """The key of the counter row in the database: mask text and period.

        Keying by the *rendered* date part (not by the calendar day) is what makes numbers
        unique: two numbers of one mask can only be equal if their date parts are equal,
        and then they came from the same counter row. So ``{DD}-###`` carries on with
        its 24th's counter on the next month's 24th instead of restarting at 1.

        >>> Mask.parse("SN-{YY}-#####").counter_key(dt.date(2026, 11, 24))
        'SN-{YY}-#####|26'
        """
        return f"{self.text}|{self.period(on)}"

    def _format(self, on: dt.date) -> str:
        """A %-format string for this date: affixes rendered once, '%' escaped."""
        out: list[str] = []
        for kind, value in self._parts:
            if kind == "counter":
                out.append(f"%0{len(value)}d")
            else:
                text = _date_text(value, on) if kind == "date" else value
                out.append(text.replace("%", "%%"))
        return "".join(out)

    def render(self, counter: int, on: dt.date) -> str:
        """The number for this counter value and date.

        >>> Mask.parse("SN-{YY}-#####").render(7, dt.date(2026, 11, 24))
        'SN-26-00007'
        """
        return self.render_many(counter, 1, on)[0]

    def render_many(self, first: int, count: int, on: dt.date) -> list[str]:
        """The numbers for counters ``first .. first + count - 1`` on one date.

        >>> Mask.parse("B%%").render_many(98, 2, dt.date(2026, 1, 1))
        ['B98', 'B99']
        """
        if first < 1:
            raise ValueError(f"counters start at 1, not {first}")
        if count < 0:
            raise ValueError(f"count must not be negative, not {count}")
        if first + count - 1 > self.capacity:
            raise MaskExhausted(mask=self.text, capacity=self.capacity)
        # %-formatting with the affixes baked in is the fastest pure-Python way
        # (about 13 ms per 100,000 numbers; str.format takes twice as long).
        return list(map(self._format(on).__mod__, range(first, first + count)))

    def matches(self, number: str) -> bool:
        """Whether this mask could have generated ``number`` on some date.

        >>> m = Mask.parse("L{YYMMDD}-##")
        >>> m.matches("L261124-01"), m.matches("L261324-01"), m.matches("L261124-00")
        (True, False, False)
        """
        if len(number) != self.length:
            return False
        dates: dict[str, int] = {}
        at = 0
        for kind, value in self._parts:
            width = _width((kind, value))
            piece = number[at : at + width]
            at += width
            if kind == "lit":
                if piece != value:
                    return False
                continue
            if not _DIGITS.issuperset(piece):
                return False
            if kind == "counter":
                if int(piece) == 0:  # counters start at 1
                    return False
            elif dates.setdefault(value, int(piece)) != int(piece):
                return False  # the same token twice with two values
        return _date_exists(dates) if dates else True

    def could_collide(self, other: Mask) -> bool:
        """Whether this mask and ``other`` could ever render the same number.

        Conservative: date positions count as any digit. Identical masks answer True;
        callers treat items sharing one mask text as safe, because they share one
        counter row and so never get the same number.

        >>> Mask.parse("SN-{YY}-###").could_collide(Mask.parse("SN-26-###"))
        True
        >>> Mask.parse("A###").could_collide(Mask.parse("B###"))
        False
        """
        if self.length != other.length:
            return False
        return all(
            x == y or (x is None and y in _DIGITS) or (y is None and x in _DIGITS)
            for x, y in zip(self._classes, other._classes, strict=True)
        )


def preview(mask: str | Mask, *, count: int, start: int = 1, on: dt.date) -> list[str]:
    """The next ``count`` numbers from counter ``start``; fewer if the mask runs out.

    Raises MaskExhausted when ``start`` is already past the capacity, so that an empty
    preview never hides a full mask.

    >>> preview("X%%", count=5, start=98, on=dt.date(2026, 1, 1))
    ['X98', 'X99']
    """
    m = mask if isinstance(mask, Mask) else Mask.parse(mask)
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    if start > m.capacity:
        raise MaskExhausted(mask=m.text, capacity=m.capacity)
    return m.render_many(start, min(count, m.capacity - start + 1), on)
