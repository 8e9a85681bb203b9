"""GS1 element strings and GS1 Digital Link URIs, read through biip.

Separators arrive as ASCII 29 or as a replacement character from the profile; both
become ASCII 29 before biip sees the data. On top of biip this module checks the check
digits of every GS1 key (GTIN, SSCC, GLN, GDTI, GCN, GSIN, GRAI, ITIP, GSRN), refuses
an AI given twice with different values, and warns when a variable-length field at the
end could be hiding another AI behind a missing separator.

>>> from scanner_gateway.interpret.gs1 import parse_element_strings, parse_digital_link
>>> b = parse_element_strings("0109506000134352172612001012A\\x1d21X7", symbology="]C1")
>>> b.gtin, b.expiry, b.lot, b.serial
('09506000134352', datetime.date(2026, 12, 31), '12A', 'X7')

Day ``00`` is the last day of the month (``261200`` above). A bad check digit is an error:

>>> parse_element_strings("0109506000134353").error
"Failed to parse '0109506000134353' as GS1 element strings: expected (01) GTIN with check digit 2 at position 0, got '09506000134353'."

A lot that runs to the end of the data may have swallowed a serial:

>>> parse_element_strings("010950600013435210ABC2112345").warnings
("(10) BATCH/LOT 'ABC2112345' may hide (21) SERIAL '12345': check for a missing separator",)

Digital Link URIs of any host:

>>> b = parse_digital_link("https://example.com/dl/01/09506000134352/10/ABC1?17=271231")
>>> b.kind, b.gtin, b.lot, b.expiry
('gs1', '09506000134352', 'ABC1', datetime.date(2027, 12, 31))
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString

from scanner_gateway.interpret.barcode import Barcode, failed, show
from scanner_gateway.interpret.gtin import check_digit

__all__ = [
    "DIGITAL_LINK_KEYS",
    "PRIMARY_KEYS",
    "is_digital_link",
    "leading_key_validates",
    "parse_digital_link",
    "parse_element_strings",
    "starts_with_primary_key",
]

#: AIs that identify something on their own; data without a symbology identifier is
#: read as GS1 only when it starts with one of these (README.md, "Barcodes the gateway
#: understands").
PRIMARY_KEYS = (
    "00",
    "01",
    "02",
    "253",
    "255",
    "401",
    "402",
    "414",
    "8003",
    "8004",
    "8006",
    "8010",
    "8017",
    "8018",
)
#: Primary keys of a GS1 Digital Link path.
DIGITAL_LINK_KEYS = frozenset(
    {"00", "01", "253", "255", "401", "402", "414", "415", "417", "8003", "8004"}
    | {"8006", "8010", "8013", "8017", "8018"}
)
# Short names of Digital Link 1.0 (``/gtin/...``, ``?exp=``), rewritten to AIs.
_SHORT_NAMES = {
    "gtin": "01",
    "itip": "8006",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
    "sscc": "00",
    "gln": "414",
    "glnx": "254",
    "gsrn": "8018",
    "gsrnp": "8017",
    "srin": "8019",
    "gdti": "253",
    "gcn": "255",
    "ginc": "401",
    "gsin": "402",
    "grai": "8003",
    "giai": "8004",
    "cpid": "8010",
    "cpsn": "8011",
    "gmn": "8013",
    "exp": "17",
    "bbd": "15",
    "proddate": "11",
}
# AI -> (what, first, end): value[first:end] ends in a mod-10 check digit.
_CHECKED = {
    "00": ("SSCC", 0, 18),
    "01": ("GTIN", 0, 14),
    "02": ("GTIN", 0, 14),
    "03": ("GTIN", 0, 14),
    "253": ("GDTI", 0, 13),
    "255": ("GCN", 0, 13),
    "402": ("GSIN", 0, 17),
    "8003": ("GRAI", 1, 14),
    "8006": ("GTIN", 0, 14),
    "8017": ("GSRN", 0, 18),
    "8018": ("GSRN", 0, 18),
    **{f"41{i}": ("GLN", 0, 13) for i in range(8)},
}
# AIs a lot or serial at the end of the data may swallow when a separator is missing.
_HIDEABLE = frozenset({"10", "11", "13", "15", "16", "17", "21", "30", "37"})
# Structured data (coupon codes, a URL) is not searched for hidden AIs.
_NOT_SEARCHED = frozenset({"8110", "8112", "8200"})
_DATE_FORMATS = {"N6": "a date YYMMDD", "N10": "a date and time YYMMDDHHMM"}
_CONFIG = ParseConfig()
_WHAT = "GS1 element strings"


class _Fail(Exception):
    """Internal: the 'expected ..., got ...' of a failed read."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(expected, got)
        self.expected = expected
        self.got = got


@dataclass(frozen=True)
class _Element:
    es: GS1ElementString
    end: int
    separated: bool  # a separator follows it


@lru_cache(maxsize=1024)
def _ai(prefix: str) -> GS1ApplicationIdentifier | None:
    # AIs are prefix-free, so the first four characters decide; biip scans its whole
    # table on every lookup, this cache makes the common AIs free.
    try:
        return GS1ApplicationIdentifier.extract(prefix)
    except ParseError:
        return None


def _label(ai: GS1ApplicationIdentifier) -> str:
    return f"({ai.ai}) {ai.data_title}" if ai.data_title else f"({ai.ai})"


def _describe(ai: GS1ApplicationIdentifier) -> str:
    parts = ai.format.split("+")[1:]
    if len(parts) == 1:
        m = re.fullmatch(r"([NXYZ])(\.\.)?(\d+)", parts[0])
        if m:
            unit = "digits" if m[1] == "N" else "characters"
            return f"1 to {m[3]} {unit}" if m[2] else f"{m[3]} {unit}"
    return ai.format


def _mismatch(ai: GS1ApplicationIdentifier, data: str) -> tuple[str, str]:
    """('expected ...', 'got ...') for data that does not fit the AI."""
    data_format = ai.format.split("+", 1)[1] if "+" in ai.format else ""
    if fixed := re.fullmatch(r"N(\d+)", data_format):
        data = data[: int(fixed[1])]  # show the field, not the rest of the message
    if data_format in _DATE_FORMATS and re.fullmatch(r"\d+", data):
        return f"{_label(ai)} as {_DATE_FORMATS[data_format]}", show(data)
    return f"{_label(ai)} as {_describe(ai)}", show(data)


def _check(es: GS1ElementString) -> tuple[str, str] | None:
    """('expected ...', 'got ...') when a GS1 key's check digit is wrong."""
    spec = _CHECKED.get(es.ai.ai)
    if spec is not None:
        _, first, end = spec
        key = es.value[first:end]
        want = check_digit(key[:-1])
        if ord(key[-1]) - 48 != want:
            return f"{_label(es.ai)} with check digit {want}", show(es.value)
    for err in (es.gtin_error, es.sscc_error, es.gln_error):
        if err:  # pragma: no cover  # _CHECKED covers what biip checks
            return f"a valid {_label(es.ai)}", show(err)
    return None


def _split(norm: str, *, at: int = 0) -> list[_Element]:
    """Element strings of ``norm`` (separators already ASCII 29); raises _Fail."""
    out: list[_Element] = []
    pos = 0
    n = len(norm)
    while pos < n:
        rest = norm[pos:]
        ai = _ai(rest[:4])
        if ai is None:
            raise _Fail(f"an application identifier at position {at + pos}", show(rest[:4]))
        try:
            es = GS1ElementString.extract(rest, config=_CONFIG)
        except ParseError:
            expected, got = _mismatch(ai, rest.split("\x1d", 1)[0][len(ai.ai) :])
            raise _Fail(f"{expected} at position {at + pos}", got) from None
        bad = _check(es)
        if bad is not None:
            raise _Fail(f"{bad[0]} at position {at + pos}", bad[1])
        end = pos + len(es)
        pos = end
        while pos < n and norm[pos] == "\x1d":
            pos += 1
        out.append(_Element(es=es, end=end, separated=pos > end))
    return out


def _hidden(el: _Element, present: set[str]) -> str | None:
    """A warning when a variable-length value could end in another AI's element string."""
    value = el.es.value
    # Only the variable-length part (the last pattern group) can run on: in GDTI's
    # N13[+X..17] the 13 digits are fixed.
    groups = el.es.pattern_groups
    start = max(1, len(value) - len(groups[-1])) if groups else 1
    for k in range(start, len(value) - 2):
        if value[k : k + 2] not in _HIDEABLE or value[k : k + 2] in present:
            continue
        try:
            tail = _split(value[k:])
        except _Fail:
            continue
        first = tail[0].es
        return (
            f"{_label(el.es.ai)} {value!r} may hide {_label(first.ai)} {first.value!r}: "
            "check for a missing separator"
        )
    return None


def _barcode(
    value: str, symbology: str | None, elements: list[GS1ElementString], warnings: list[str]
) -> Barcode:
    by_ai: dict[str, GS1ElementString] = {}
    for es in elements:
        seen = by_ai.get(es.ai.ai)
        if seen is not None and seen.value != es.value:
            expected = f"{_label(es.ai)} once"
            got = f"{seen.value!r} and {es.value!r}"
            return Barcode.invalid(value, failed(value, _WHAT, expected, got), symbology=symbology)
        by_ai[es.ai.ai] = es

    def text(ai: str) -> str | None:
        es = by_ai.get(ai)
        return None if es is None else es.value

    quantity = text("30") or text("37")
    gtin = by_ai.get("01") or by_ai.get("02")
    return Barcode(
        kind="gs1",
        value=value,
        symbology=symbology,
        gtin=None if gtin is None else gtin.value,
        serial=text("21"),
        lot=text("10"),
        sscc=text("00"),
        expiry=by_ai["17"].date if "17" in by_ai else None,
        best_before=by_ai["15"].date if "15" in by_ai else None,
        production_date=by_ai["11"].date if "11" in by_ai else None,
        quantity=None if quantity is None else int(quantity),
        fields={ai: es.value for ai, es in by_ai.items()},
        warnings=tuple(warnings),
    )


def starts_with_primary_key(norm: str) -> bool:
    """Whether data (separators as ASCII 29) starts, after a separator, with a key AI.

    >>> starts_with_primary_key("0109506000134352"), starts_with_primary_key("10D9T")
    (True, False)
    """
    return norm.lstrip("\x1d").startswith(PRIMARY_KEYS)


def leading_key_validates(norm: str) -> bool:
    """Whether data (separators as ASCII 29) starts with a primary key AI whose element
    string validates, check digit included: then the data is GS1, even if what follows
    does not validate.

    >>> leading_key_validates("0109506000134352172613"), leading_key_validates("0123")
    (True, False)
    >>> leading_key_validates("0109506000134353")  # wrong check digit: maybe a number
    False
    """
    norm = norm.lstrip("\x1d")
    if not norm.startswith(PRIMARY_KEYS) or not norm.isascii():
        return False
    try:
        es = GS1ElementString.extract(norm, config=_CONFIG)
    except ParseError:
        return False
    return _check(es) is None


def parse_element_strings(
    data: str, *, symbology: str | None = None, replacements: dict[int, str] | None = None
) -> Barcode:
    """Read GS1 element strings: a ``gs1`` Barcode or an ``invalid`` one.

    ``replacements`` is a ``str.translate`` table turning replacement separators into
    ASCII 29 (``ScanProfile.replacements``).
    """
    norm = data.translate(replacements) if replacements else data
    start = len(norm) - len(norm.lstrip("\x1d"))  # FNC1 in first position
    norm = norm[start:]
    if not norm:
        return Barcode.invalid(
            data, failed(data, _WHAT, "an application identifier", "nothing"), symbology=symbology
        )
    if not norm.isascii():
        i, ch = next((i, c) for i, c in enumerate(norm) if not c.isascii())
        expected = f"GS1 characters (ASCII) at position {start + i}"
        return Barcode.invalid(data, failed(data, _WHAT, expected, show(ch)), symbology=symbology)
    try:
        elements = _split(norm, at=start)
    except _Fail as fail:
        return Barcode.invalid(
            data, failed(data, _WHAT, fail.expected, fail.got), symbology=symbology
        )
    warnings: list[str] = []
    present = {el.es.ai.ai for el in elements}
    for i, el in enumerate(elements):
        if ".." not in el.es.ai.format or el.separated:
            continue
        if i < len(elements) - 1:
            # Only a field that filled its maximum length ends without a separator.
            warnings.append(
                f"{_label(el.es.ai)} {el.es.value!r} fills its maximum length with no "
                "separator after it: check that the next field was not cut"
            )
        elif el.es.ai.ai not in _NOT_SEARCHED and (w := _hidden(el, present)) is not None:
            warnings.append(w)
    return _barcode(data, symbology, [el.es for el in elements], warnings)


def is_digital_link(text: str) -> bool:
    """An http(s) URI with a Digital Link primary key (``/01/...``) in its path.

    >>> is_digital_link("https://id.gs1.org/01/09506000134352")
    True
    >>> is_digital_link("https://example.com/about")
    False
    """
    head = text[:8].lower()
    if not (head.startswith("https://") or head.startswith("http://")):
        return False
    try:
        path = urlsplit(text).path
    except ValueError:
        return False
    segments = path.split("/")
    return any(
        _SHORT_NAMES.get(s, s) in DIGITAL_LINK_KEYS and i + 1 < len(segments)
        for i, s in enumerate(segments)
    )


def _numeric(uri: str) -> str:
    """Rewrite Digital Link short names (``/gtin/``, ``?exp=``) to AIs."""
    parts = urlsplit(uri)
    segments = parts.path.split("/")
    start = next(
        (i for i, s in enumerate(segments) if _SHORT_NAMES.get(s, s) in DIGITAL_LINK_KEYS), None
    )
    if start is not None:
        for i in range(start, len(segments), 2):
            segments[i] = _SHORT_NAMES.get(segments[i], segments[i])
    query = parts.query
    if query and any(k in _SHORT_NAMES for k, _ in parse_qsl(query)):
        query = urlencode([(_SHORT_NAMES.get(k, k), v) for k, v in parse_qsl(query)])
    return urlunsplit((parts.scheme.lower(), parts.netloc, "/".join(segments), query, ""))


_BIIP_MATCH = re.compile(r"Failed to match '(?P<es>.*)' with GS1 AI \((?P<ai>\d+)\)", re.S)
_BIIP_DATE = re.compile(r"Failed to parse GS1 AI \((?P<ai>\d+)\) date/time from '(?P<v>.*)'\.")


def parse_digital_link(uri: str, *, symbology: str | None = None) -> Barcode:
    """Read a GS1 Digital Link URI (any host): a ``gs1`` Barcode or an ``invalid`` one."""
    what = "GS1 Digital Link URI"
    try:
        link = GS1DigitalLinkURI.parse(_numeric(uri), config=_CONFIG)
    except ParseError as exc:
        message = str(exc)
        if m := _BIIP_MATCH.match(message):
            ai = _ai(m["ai"])
            assert ai is not None
            expected, got = _mismatch(ai, m["es"][len(ai.ai) :])
        elif m := _BIIP_DATE.match(message):
            ai = _ai(m["ai"])
            assert ai is not None
            expected, got = _mismatch(ai, m["v"])
        else:
            head, _, got = message.rstrip(".").partition(", got ")
            if head.startswith("Did not expect a qualifier"):
                head = "no qualifier"
            expected = head.removeprefix("Expected ")
            got = got or "something else"
        return Barcode.invalid(uri, failed(uri, what, expected, got), symbology=symbology)
    except ValueError as exc:  # urllib on a malformed netloc
        return Barcode.invalid(uri, failed(uri, what, "a URI", str(exc)), symbology=symbology)
    for es in link.element_strings:
        if not es.value.isascii():  # biip's \d also matches other scripts' digits
            expected = f"{_label(es.ai)} in GS1 characters (ASCII)"
            return Barcode.invalid(
                uri, failed(uri, what, expected, show(es.value)), symbology=symbology
            )
        bad = _check(es)
        if bad is not None:
            return Barcode.invalid(uri, failed(uri, what, *bad), symbology=symbology)
    return _barcode(uri, symbology, list(link.element_strings), [])
