"""Other vendors' label formats: the profile's :class:`VendorRule` list, tried in order.

The first rule whose pattern matches the whole scan reads it. Named groups fill the
Barcode (see :class:`~scanner_gateway.interpret.profile.VendorRule`); a group that does
not convert (a GTIN with a bad check digit, a date that is no date) makes the scan
``invalid`` rather than letting a later rule guess.

>>> from scanner_gateway.interpret.profile import ScanProfile, VendorRule
>>> from scanner_gateway.interpret.vendor import parse_vendor
>>> p = ScanProfile(vendor_rules=(
...     VendorRule(name="acme", pattern=r"ACME(?P<item>[A-Z0-9]{6})S(?P<serial>\\d{8})"),
...     VendorRule(name="milk", pattern=r"M(?P<lot>\\d{5})E(?P<expiry>\\d{6})Q(?P<quantity>\\d+)"),
... ))
>>> parse_vendor("ACMEPUMP07S00012345", profile=p, symbology=None)
Barcode(kind='vendor', value='ACMEPUMP07S00012345', serial='00012345', item='PUMP07', vendor_rule='acme', fields={'item': 'PUMP07', 'serial': '00012345'})
>>> b = parse_vendor("M12345E261100Q24", profile=p, symbology=None)
>>> b.lot, b.expiry, b.quantity
('12345', datetime.date(2026, 11, 30), 24)
>>> parse_vendor("M12345E261331Q24", profile=p, symbology=None).error
"Failed to parse 'M12345E261331Q24' as vendor rule 'milk': expected expiry as a date %y%m%d, got '261331'."
"""  # noqa: E501

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from scanner_gateway.interpret.barcode import Barcode, failed, show
from scanner_gateway.interpret.gtin import check_digit, gtin_error, is_digits
from scanner_gateway.interpret.profile import ScanProfile, VendorRule

__all__ = ["parse_vendor", "read_date"]

_TEXT = ("serial", "lot", "item", "location", "document", "operator")
_DATES = ("expiry", "best_before", "production_date")


def read_date(text: str, fmt: str) -> dt.date | None:
    """``text`` as a date in ``fmt``; day ``00`` is the month's last day (as in GS1).

    >>> read_date("260200", "%y%m%d"), read_date("2026-02-30", "%Y-%m-%d")
    (datetime.date(2026, 2, 28), None)
    """
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        pass
    if fmt in ("%y%m%d", "%Y%m%d") and text.endswith("00") and is_digits(text):
        try:
            first = dt.datetime.strptime(text[:-2] + "01", fmt).date()
        except ValueError:
            return None
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return None


def parse_vendor(data: str, *, profile: ScanProfile, symbology: str | None) -> Barcode | None:
    """The first vendor rule's reading (``kind`` of the rule, or ``invalid``), or None."""
    for rule in profile.vendor_rules:
        m = rule.regex.fullmatch(data)
        if m is not None:
            groups = {k: v for k, v in m.groupdict().items() if v}
            return _read(data, rule, groups, symbology)
    return None


def _read(data: str, rule: VendorRule, groups: dict[str, str], symbology: str | None) -> Barcode:
    what = f"vendor rule {rule.name!r}"
    kw: dict[str, Any] = {}

    def bad(expected: str, got: str) -> Barcode:
        return Barcode.invalid(data, failed(data, what, expected, got), symbology=symbology)

    for key, text in groups.items():
        if key in _TEXT:
            kw[key] = text
        elif key in _DATES:
            day = read_date(text, rule.date_format)
            if day is None:
                return bad(f"{key} as a date {rule.date_format}", show(text))
            kw[key] = day
        elif key == "quantity":
            if not is_digits(text) or len(text) > 9:
                return bad("quantity as a number", show(text))
            kw[key] = int(text)
        elif key == "gtin":
            err = gtin_error(text)
            if err is not None:
                expected, _, got = err.removeprefix("expected ").partition(", got ")
                return bad(f"gtin with {expected}", got)
            kw[key] = text.zfill(14)
        elif key == "sscc":
            if len(text) != 18 or not is_digits(text):
                return bad("sscc as 18 digits", show(text))
            want = check_digit(text[:-1])
            if ord(text[-1]) - 48 != want:
                return bad(f"sscc with check digit {want}", text[-1])
            kw[key] = text
    if rule.kind != "vendor" and rule.kind not in kw:
        kw[rule.kind] = data  # a legacy location/document/badge label: the whole scan
    return Barcode(
        kind=rule.kind,
        value=data,
        symbology=symbology,
        vendor_rule=rule.name,
        fields=groups,
        **kw,
    )
