"""HIBC LIC labels (ANSI/HIBC 2.x): primary and secondary data, mod-43 check character.

Formats read (``C`` is the mod-43 check character, ``L`` the link character, which is
the check character of the primary symbol it belongs to):

=====================================  ==================================================
``+LLLLP...PUC``                       primary: labeler code (a letter and 3 letters or
                                       digits), product number (1-18), unit of measure
``+LLLLP...PU/SECONDARYC``             primary and secondary in one symbol, no link char
``+SECONDARYLC``                       secondary alone
=====================================  ==================================================

SECONDARY is one of ``$LOT``, ``$+SERIAL``, ``YYJJJLOT`` (old form), ``$$`` + expiry +
``LOT``, ``$$+`` + expiry + ``SERIAL``, ``$$8QQ`` or ``$$9QQQQQ`` (a quantity) + expiry +
``LOT``. The expiry is ``MMYY`` (first digit 0 or 1), ``2MMDDYY``, ``3YYMMDD``,
``4YYMMDDHH``, ``5YYJJJ``, ``6YYJJJHH`` or ``7`` (none); ``MMYY`` means the month's last
day. Supplemental fields may follow, each after a ``/``: ``14DYYYYMMDD`` expiry,
``16DYYYYMMDD`` production date, ``S`` + serial. Two-digit years are 20YY. Not read: the
Provider Applied Standard (``+/``) and ISO/IEC 15434 envelopes.

``Barcode.item`` is the HIBC product identifier: labeler code, product number and unit of
measure (``A99912345``); ``fields`` holds the parts (``lic``, ``pcn``, ``uom``, ``check``,
``link``).

>>> from scanner_gateway.interpret.hibc import parse_hibc, mod43
>>> b = parse_hibc("+A99912345/$$52001510X3/16D20111212/S77DE1G45-", symbology=None)
>>> b.item, b.lot, b.expiry, b.production_date, b.serial
('A99912345', '10X3', datetime.date(2020, 1, 15), datetime.date(2011, 12, 12), '77DE1G45')
>>> mod43("+A99912345")
'7'
>>> parse_hibc("+A99912346", symbology=None).error
"Failed to parse '+A99912346' as HIBC: expected check character '2', got '6'."
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from scanner_gateway.interpret.barcode import Barcode, failed, show

__all__ = ["CHARSET", "is_hibc", "mod43", "parse_hibc"]

#: The 43 characters of Code 39 / HIBC, in check-value order.
CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_PRIMARY = re.compile(r"([A-Z][A-Z0-9]{3})([A-Z0-9]{1,18})([0-9])")
_LOT = re.compile(r"[A-Z0-9][A-Z0-9.-]{0,17}")
_LOOKS = re.compile(r"\+(?:[A-Z]|\$|\d{5})")
_WHAT = "HIBC"


@dataclass
class _Read:
    item: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None
    quantity: int | None = None


class _Fail(Exception):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(expected, got)
        self.expected = expected
        self.got = got


def mod43(text: str) -> str:
    """The HIBC (Code 39 mod-43) check character of ``text``."""
    return CHARSET[sum(_VALUE[c] for c in text) % 43]


def is_hibc(data: str) -> bool:
    """Whether data is shaped like HIBC: ``+`` and a letter, ``$`` or a Julian date.

    >>> is_hibc("+A99912345/$$52001510X3/16D20111212/S77DE1G45-"), is_hibc("+49 30 1234")
    (True, False)
    """
    return _LOOKS.match(_unwrap(data)) is not None


def _unwrap(data: str) -> str:
    # Code 39 start/stop characters, when a scanner is set to transmit them.
    if len(data) > 2 and data[0] == "*" and data[-1] == "*":
        return data[1:-1]
    return data


def _year(yy: str) -> int:
    return 2000 + int(yy)


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Fail("a valid date", show(text)) from None


def _julian(text: str) -> dt.date:
    year, day = _year(text[:2]), int(text[2:5])
    if not 1 <= day <= (366 if calendar.isleap(year) else 365):
        raise _Fail("a Julian date YYJJJ", show(text))
    return dt.date(year, 1, 1) + dt.timedelta(days=day - 1)


def _expiry(text: str) -> tuple[dt.date | None, str]:
    """The expiry at the start of ``text`` (after ``$$`` or ``$$+``) and what follows."""
    if not text:
        raise _Fail("an expiry date format (0 to 7)", "nothing")
    f = text[0]
    sizes = {"0": 4, "1": 4, "2": 7, "3": 7, "4": 9, "5": 6, "6": 8, "7": 1}
    if f not in sizes:
        raise _Fail("an expiry date format (0 to 7)", show(f))
    size = sizes[f]
    head, rest = text[:size], text[size:]
    if len(head) < size or not head.isdigit():
        raise _Fail(f"an expiry of {size} digits", show(head))
    if f in "01":  # MMYY: the last day of the month
        month, year = int(head[:2]), _year(head[2:4])
        if not 1 <= month <= 12:
            raise _Fail("a month MMYY", show(head))
        return _date(year, month, calendar.monthrange(year, month)[1], head), rest
    if f == "2":
        return _date(_year(head[5:7]), int(head[1:3]), int(head[3:5]), head[1:]), rest
    if f in "34":
        return _date(_year(head[1:3]), int(head[3:5]), int(head[5:7]), head[1:]), rest
    if f in "56":
        return _julian(head[1:6]), rest
    return None, rest


def _code(text: str, what: str) -> str:
    if not _LOT.fullmatch(text):
        raise _Fail(f"a {what} of 1 to 18 letters or digits", show(text))
    return text


def _secondary(text: str, out: _Read, fields: dict[str, str]) -> list[str]:
    """Read secondary data into ``out``; returns warnings."""
    main, *supplements = text.split("/")
    if main.startswith("$$+"):
        out.expiry, rest = _expiry(main[3:])
        out.serial = _code(rest, "serial")
    elif main.startswith("$$"):
        rest = main[2:]
        if rest[:1] in ("8", "9"):
            size = 2 if rest[0] == "8" else 5
            qty = rest[1 : 1 + size]
            if len(qty) != size or not qty.isdigit():
                raise _Fail(f"a quantity of {size} digits", show(qty))
            out.quantity = int(qty)
            rest = rest[1 + size :]
        out.expiry, rest = _expiry(rest)
        out.lot = _code(rest, "lot")
    elif main.startswith("$+"):
        out.serial = _code(main[2:], "serial")
    elif main.startswith("$"):
        out.lot = _code(main[1:], "lot")
    elif len(main) > 5 and main[:5].isdigit():
        out.expiry = _julian(main[:5])
        out.lot = _code(main[5:], "lot")
    else:
        raise _Fail("secondary data ($, $+, $$, $$+ or YYJJJ)", show(main))
    warnings = []
    for sup in supplements:
        if sup[:3] in ("14D", "16D") and len(sup) == 11 and sup[3:].isdigit():
            day = _date(int(sup[3:7]), int(sup[7:9]), int(sup[9:11]), sup[3:])
            if sup[:3] == "14D":
                out.expiry = day
            else:
                out.production_date = day
        elif sup.startswith("S") and len(sup) > 1:
            out.serial = _code(sup[1:], "serial")
        else:
            fields[f"/{sup[:3]}"] = sup
            warnings.append(f"HIBC supplemental field {sup!r} is not read")
    return warnings


def parse_hibc(data: str, *, symbology: str | None) -> Barcode | None:
    """A ``hibc`` Barcode, an ``invalid`` one (HIBC-shaped, does not check), or None."""
    text = _unwrap(data)
    if _LOOKS.match(text) is None:
        return None
    try:
        return _parse(data, text, symbology)
    except _Fail as fail:
        return Barcode.invalid(
            data, failed(data, _WHAT, fail.expected, fail.got), symbology=symbology
        )


def _parse(data: str, text: str, symbology: str | None) -> Barcode:
    for i, c in enumerate(text):
        if c not in _VALUE:
            raise _Fail(f"HIBC characters (0-9 A-Z - . space $ / + %) at position {i}", show(c))
    body, check = text[:-1], text[-1]
    want = mod43(body)
    if check != want:
        raise _Fail(f"check character {want!r}", repr(check))
    body = body[1:]
    out = _Read()
    fields: dict[str, str] = {}
    warnings: list[str] = []
    if body[0].isalpha():
        primary, slash, secondary = body.partition("/")
        m = _PRIMARY.fullmatch(primary)
        if m is None:
            raise _Fail(
                "a labeler code, a product number of 1 to 18 letters or digits and a "
                "unit of measure digit",
                show(primary),
            )
        fields.update(lic=m[1], pcn=m[2], uom=m[3])
        out.item = primary
        if slash:
            warnings = _secondary(secondary, out, fields)
        else:
            fields["check"] = check  # the link character of its secondary symbol
    else:
        if len(body) < 3:
            raise _Fail("secondary data, a link character and a check character", show(text))
        fields["link"] = body[-1]
        warnings = _secondary(body[:-1], out, fields)
    return Barcode(
        kind="hibc",
        value=data,
        symbology=symbology,
        fields=fields,
        warnings=tuple(warnings),
        item=out.item,
        lot=out.lot,
        serial=out.serial,
        expiry=out.expiry,
        production_date=out.production_date,
        quantity=out.quantity,
    )
