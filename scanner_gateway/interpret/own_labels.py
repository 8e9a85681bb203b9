"""The project's own labels: locations, documents, operator badges, partners and commands.

A label is a prefix and a value; the prefixes are set per profile
(:class:`~scanner_gateway.interpret.profile.LabelPrefixes`), matched ignoring case:

==================  ======================  =============================================
label               example                 Barcode
==================  ======================  =============================================
location            ``LOC:A-01-02``         kind ``location``, location ``A-01-02``
document            ``DOC:PO-4711``         kind ``document``, document ``PO-4711``
operator badge      ``OP:0042``             kind ``operator``, operator ``0042``
partner             ``PTN:V-ACME``          kind ``partner``, partner ``V-ACME``
mode                ``CMD:MODE:RECEIVE``    command ``mode``, argument ``receive``
                    ``CMD:RECEIVE``         the same (``CMD:PACK``: pack mode)
confirm (post)      ``CMD:CONFIRM``         command ``confirm``
undo last step      ``CMD:UNDO``            command ``undo``
cancel session      ``CMD:CANCEL``          command ``cancel``
new ad-hoc doc      ``CMD:NEW``             command ``new`` (pack mode: a new SSCC)
generate N          ``CMD:GENERATE:5``      command ``generate``, argument ``5``
                    ``CMD:GEN`` (N = 1)
quantity N          ``CMD:QTY:12``          command ``quantity``, argument ``12``,
                    ``CMD:QUANTITY:12``     quantity 12
answer a question   ``CMD:CHOOSE:GS1``      command ``choose``, argument ``gs1``
                    ``CMD:CHOOSE:LITERAL``  argument ``literal`` (an ambiguous scan)
==================  ======================  =============================================

A command's argument follows a ``:``, ``=`` or space. Whether a number makes sense (zero,
too many) is for the scan session to say; here it only has to be a number.

>>> from scanner_gateway.interpret.own_labels import parse_own_label
>>> from scanner_gateway.interpret.profile import DEFAULT_PROFILE as P
>>> parse_own_label("LOC:A-01-02", profile=P, symbology="]C0")
Barcode(kind='location', value='LOC:A-01-02', symbology=']C0', location='A-01-02')
>>> parse_own_label("cmd:gen 5", profile=P, symbology=None)
Barcode(kind='command', value='cmd:gen 5', command='generate', argument='5')
>>> parse_own_label("CMD:MODE:RECIEVE", profile=P, symbology=None).error
"Failed to parse 'CMD:MODE:RECIEVE' as command label: expected a mode (receive, pick, ship, customer_return, vendor_return, transfer, count, inquiry, pack), got 'RECIEVE'."
>>> parse_own_label("A-01-02", profile=P, symbology=None) is None
True
"""  # noqa: E501

from __future__ import annotations

import re
from typing import Literal, get_args

from scanner_gateway.interpret.barcode import Barcode, failed, show
from scanner_gateway.interpret.profile import ScanProfile

__all__ = ["COMMANDS", "READINGS", "CommandName", "parse_own_label"]

#: Command names a command label gives (``Barcode.command``).
CommandName = Literal["mode", "confirm", "undo", "cancel", "new", "generate", "quantity", "choose"]
COMMANDS: tuple[CommandName, ...] = get_args(CommandName)
#: The readings ``CMD:CHOOSE:...`` picks between (the answer to an ambiguous scan).
READINGS = ("gs1", "literal")
_NAMES = {
    "MODE": "mode",
    "CONFIRM": "confirm",
    "UNDO": "undo",
    "CANCEL": "cancel",
    "NEW": "new",
    "GENERATE": "generate",
    "GEN": "generate",
    "QUANTITY": "quantity",
    "QTY": "quantity",
    "CHOOSE": "choose",
}
_THINGS = {
    "location": "a location code",
    "document": "a document number",
    "operator": "an operator badge",
    "partner": "a partner code",
}
_COMMAND = re.compile(r"\s*([A-Za-z][A-Za-z_-]*)(?:[\s:=]+(\S(?:.*\S)?))?\s*")
_NUMBER = re.compile(r"[0-9]{1,9}")


def parse_own_label(data: str, *, profile: ScanProfile, symbology: str | None) -> Barcode | None:
    """A location/document/operator/partner/command Barcode, an ``invalid`` one, or None."""
    for kind, prefix in profile.labels.ordered:
        if data[: len(prefix)].upper() == prefix:
            rest = data[len(prefix) :]
            if kind == "command":
                return _command(data, rest, profile, symbology)
            return _named(data, rest, kind, prefix, symbology)
    return None


def _named(data: str, rest: str, kind: str, prefix: str, symbology: str | None) -> Barcode:
    code = rest.strip()
    what = f"{kind} label"
    thing = _THINGS[kind]
    if not code:
        return Barcode.invalid(
            data, failed(data, what, f"{thing} after {prefix!r}", "nothing"), symbology=symbology
        )
    if "\x1d" in code:
        got = show(code)
        return Barcode.invalid(
            data,
            failed(data, what, f"{thing} without a group separator", got),
            symbology=symbology,
        )
    if kind == "location":
        return Barcode(kind="location", value=data, symbology=symbology, location=code)
    if kind == "document":
        return Barcode(kind="document", value=data, symbology=symbology, document=code)
    if kind == "partner":
        return Barcode(kind="partner", value=data, symbology=symbology, partner=code)
    return Barcode(kind="operator", value=data, symbology=symbology, operator=code)


def _command(data: str, rest: str, profile: ScanProfile, symbology: str | None) -> Barcode:
    what = "command label"

    def bad(expected: str, got: str) -> Barcode:
        return Barcode.invalid(data, failed(data, what, expected, got), symbology=symbology)

    m = _COMMAND.fullmatch(rest)
    if m is None:
        return bad(f"a command ({', '.join(COMMANDS)})", show(rest) if rest else "nothing")
    word, arg = m[1], m[2]
    name = _NAMES.get(word.upper())
    if name is None:
        mode = word.lower().replace("-", "_")
        if mode not in profile.modes:
            return bad(f"a command ({', '.join(COMMANDS)}) or a mode", show(word))
        if arg is not None:
            return bad("nothing after a mode", show(arg))
        name, arg = "mode", mode
    elif name == "mode":
        mode = (arg or "").lower().replace("-", "_").replace(" ", "_")
        if mode not in profile.modes:
            return bad(f"a mode ({', '.join(profile.modes)})", show(arg) if arg else "nothing")
        arg = mode
    elif name in ("confirm", "undo", "cancel", "new"):
        if arg is not None:
            return bad(f"nothing after {word}", show(arg))
    elif name == "choose":
        if (arg or "").lower() not in READINGS:
            return bad(f"a reading ({', '.join(READINGS)})", show(arg) if arg else "nothing")
        arg = (arg or "").lower()
    else:  # generate, quantity
        if arg is None and name == "generate":
            arg = "1"
        if arg is None or not _NUMBER.fullmatch(arg):
            return bad(f"a number after {word}", show(arg) if arg else "nothing")
        arg = str(int(arg))
    return Barcode(
        kind="command",
        value=data,
        symbology=symbology,
        command=name,
        argument=arg,
        quantity=int(arg) if name == "quantity" and arg is not None else None,
    )
