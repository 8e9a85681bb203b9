"""``interpret(raw, profile=...) -> Barcode``: the total function from a raw scan to meaning.

It never raises: an unreadable scan is a Barcode of kind ``invalid`` with the reason.

>>> from scanner_gateway.interpret import interpret, ScanProfile
>>> interpret("]C10109506000134352172612311012A|21X7", profile=ScanProfile(separators=("|",)))
Barcode(kind='gs1', value='0109506000134352172612311012A|21X7', symbology=']C1', gtin='09506000134352', serial='X7', lot='12A', expiry=datetime.date(2026, 12, 31), fields={'01': '09506000134352', '17': '261231', '10': '12A', '21': 'X7'})

Without a symbology identifier, GS1 needs a primary key AI in front; a lot or serial
typed or scanned alone stays a plain code:

>>> interpret("10D9T", profile=ScanProfile(ambiguous_ai="keep"))
Barcode(kind='plain', value='10D9T')
>>> interpret("10D9T").gs1_reading.lot  # the default profile: the session asks
'D9T'
>>> interpret("]C110D9T").lot
'D9T'
>>> interpret("010950600013435217271301").error
"Failed to parse '010950600013435217271301' as GS1 element strings: expected (17) USE BY or EXPIRY as a date YYMMDD at position 16, got '271301'."
>>> interpret("4006381333931").gtin
'04006381333931'
>>> interpret(b"\\xffLOT").error
"Failed to parse b'\\\\xffLOT' as UTF-8 text: expected UTF-8, got byte 0xff at position 0."
>>> interpret("LOT\\x041").error
"Failed to parse 'LOT\\\\x041' as a scan: expected printable characters or a group separator, got '\\\\x04' (U+0004) at position 3."
"""  # noqa: E501

from __future__ import annotations

import logging

from scanner_gateway.interpret.barcode import Barcode, failed, show
from scanner_gateway.interpret.gs1 import (
    is_digital_link,
    leading_key_validates,
    parse_digital_link,
    parse_element_strings,
    starts_with_primary_key,
)
from scanner_gateway.interpret.gtin import parse_gtin
from scanner_gateway.interpret.hibc import parse_hibc
from scanner_gateway.interpret.own_labels import parse_own_label
from scanner_gateway.interpret.profile import DEFAULT_PROFILE, ScanProfile
from scanner_gateway.interpret.symbology import family, is_identifier, split
from scanner_gateway.interpret.vendor import parse_vendor

__all__ = ["interpret"]

_log = logging.getLogger(__name__)
# A scanner's suffix (CR, LF, CRLF, Tab). Not spaces: a HIBC check character can be one.
_STRIP = "\t\r\n"
_SCAN = "a scan"


def interpret(
    raw: str | bytes,
    *,
    profile: ScanProfile | None = None,
    symbology: str | None = None,
) -> Barcode:
    """What a raw scan says. Never raises.

    Args:
        raw: The scan as text, or as bytes (UTF-8).
        profile: How the device's scans are read; the default profile if None.
        symbology: An AIM identifier (``"]C1"``) reported apart from the data, used
            when the data does not start with one.

    The order of reading (README.md, "Barcodes the gateway understands"):

    1. With a GS1 identifier (``]C1 ]d2 ]Q3 ]e0`` ...): GS1 element strings or a Digital
       Link URI, nothing else. With ``]E0 ]E3 ]E4``: a GTIN. ``]I1`` and 14 digits: a GTIN.
    2. Own labels (``LOC:`` ...), then vendor rules in order.
    3. A GS1 Digital Link URI (``https://any.host/.../01/...``), with or without identifier.
    4. HIBC (``+`` then a labeler code, ``$`` or a Julian date).
    5. Only without an identifier: 8/12/13/14 digits with a right check digit are a
       GTIN; data that starts with ASCII 29 (FNC1 in first position), or with a primary
       key AI and validates fully, is GS1; data that starts with a valid primary key
       element (a GTIN with its check digit) but then does not validate is ``invalid``
       (profile ``gs1="never"``: plain). Other data
       that validates fully as GS1 (``21SN3``) is GS1 with ``gs1="always"``, else as the
       profile's ``ambiguous_ai`` says: ``strip`` GS1, ``keep`` plain, ``ask`` (default)
       plain with the GS1 reading in ``gs1_reading``.
    6. Anything else is ``plain``: the scan session reads it as an item, lot or serial by
       context.
    """
    try:
        return _interpret(raw, DEFAULT_PROFILE if profile is None else profile, symbology)
    except Exception as exc:  # a defect, not a bad scan: log it, still answer
        _log.exception("interpret failed on %s", show(raw, 200))
        value = raw if isinstance(raw, str) else show(raw)
        value = value[:4096]
        got = f"an internal error ({type(exc).__name__}: {exc})"
        return Barcode.invalid(value, failed(value, _SCAN, "a barcode the gateway can read", got))


def _interpret(raw: object, profile: ScanProfile, symbology: str | None) -> Barcode:
    limit = profile.max_length
    if isinstance(raw, bytes | bytearray | memoryview):
        blob = bytes(raw)
        if len(blob) > limit:
            value = blob[:limit].decode("utf-8", "backslashreplace")
            return _too_long(value, len(blob), limit)
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError as exc:
            value = blob.decode("utf-8", "backslashreplace")
            got = f"byte 0x{blob[exc.start]:02x} at position {exc.start}"
            return Barcode.invalid(value, failed(blob, "UTF-8 text", "UTF-8", got))
    elif isinstance(raw, str):
        text = raw
        if len(text) > limit:
            return _too_long(text[:limit], len(text.encode("utf-8", "surrogatepass")), limit)
        if not text.isascii():
            try:
                size = len(text.encode("utf-8"))
            except UnicodeEncodeError as exc:
                value = text.encode("utf-8", "backslashreplace").decode("utf-8")
                got = f"a lone surrogate {text[exc.start]!r} at position {exc.start}"
                return Barcode.invalid(value, failed(text, "text", "Unicode text", got))
            if size > limit:
                return _too_long(text, size, limit)
    else:
        value = show(raw)
        return Barcode.invalid(
            value, failed(value, _SCAN, "text or bytes", type(raw).__name__)
        )  # fmt: skip

    text = text.strip(_STRIP)
    ident, data = split(text)
    if ident is None and symbology is not None:
        if not is_identifier(symbology):
            expected = "an AIM symbology identifier like ']C1' with the scan"
            return Barcode.invalid(data, failed(data, _SCAN, expected, show(symbology)))
        ident = symbology
    bad = profile.disallowed.search(data)
    if bad is not None:
        ch = bad.group()
        got = f"{ch!r} (U+{ord(ch):04X}) at position {bad.start()}"
        expected = "printable characters or a group separator"
        return Barcode.invalid(data, failed(data, _SCAN, expected, got), symbology=ident)
    if not data.strip(" "):
        expected = f"data after the symbology identifier {ident!r}" if ident else "data"
        return Barcode.invalid(data, failed(text, _SCAN, expected, "nothing"), symbology=ident)

    fam = family(ident)
    if fam == "gs1":
        if is_digital_link(data):
            return parse_digital_link(data, symbology=ident)
        return parse_element_strings(data, symbology=ident, replacements=profile.replacements)
    if fam in ("ean", "itf"):
        found = parse_gtin(data, symbology=ident)
        if found is not None:
            return found

    for reader in (parse_own_label, parse_vendor):
        found = reader(data, profile=profile, symbology=ident)
        if found is not None:
            return found
    if is_digital_link(data):
        return parse_digital_link(data, symbology=ident)
    found = parse_hibc(data, symbology=ident)
    if found is not None:
        return found

    warnings: list[str] = []
    gs1_reading: Barcode | None = None
    if fam == "none":
        found = parse_gtin(data, symbology=None)
        if found is not None:
            return found
        if data.startswith("\x1d"):  # FNC1 in first position: only GS1 symbols send it
            return parse_element_strings(data, replacements=profile.replacements)
        norm = data.translate(profile.replacements).lstrip("\x1d")
        keyed = starts_with_primary_key(norm)
        if profile.gs1 != "never" and "0" <= norm[:1] <= "9":  # every AI is digits
            found = parse_element_strings(data, replacements=profile.replacements)
            if found.kind == "gs1" and (keyed or profile.gs1 == "always"):
                return found
            if keyed and leading_key_validates(norm):
                return found  # a valid GTIN (or other key) then bad data: GS1, refused
            if keyed:
                warnings.append(f"Read as a plain code, not as GS1: {found.error}")
            if found.kind == "gs1":  # 21SN3: serial SN3, or the text 21SN3?
                if profile.ambiguous_ai == "strip":
                    return found
                if profile.ambiguous_ai == "ask":
                    gs1_reading = found
        elif keyed:
            warnings.append("Read as a plain code: the profile says this scanner never sends GS1")
    if "\x1d" in data:
        warnings.append(
            "A plain code with a group separator (ASCII 29) in it: GS1 data from a scanner "
            "that sends the wrong symbology identifier?"
        )
    return Barcode(
        kind="plain",
        value=data,
        symbology=ident,
        warnings=tuple(warnings),
        gs1_reading=gs1_reading,
    )


def _too_long(value: str, size: int, limit: int) -> Barcode:
    return Barcode.invalid(
        value, failed(value, _SCAN, f"at most {limit} bytes", f"{size} bytes")
    )  # fmt: skip
