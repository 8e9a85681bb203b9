"""How one device's scans are read: a frozen :class:`ScanProfile`.

The default profile fits a scanner as it ships: symbology identifiers off, ASCII 29
as the group separator, the project's own labels under ``LOC:``, ``DOC:``, ``OP:`` and
``CMD:``, no vendor rules.

>>> from scanner_gateway.interpret import ScanProfile, VendorRule
>>> p = ScanProfile(separators=("\\x1d", "|"))
>>> p.separators
('\\x1d', '|')
>>> ScanProfile(separators=("-",))
Traceback (most recent call last):
...
ValueError: ScanProfile.separators: expected single characters outside the GS1 character set (e.g. '|', '~', '^', '#'), got '-'

A profile can be read from a station's TOML or JSON table:

>>> p = ScanProfile.from_mapping({
...     "separators": ["~"],
...     "labels": {"location": "L/", "operator": False},
...     "vendor_rules": [{"name": "acme", "pattern": "ACME(?P<serial>\\\\d{8})"}],
... })
>>> p.separators, p.labels.location, p.labels.operator, p.vendor_rules[0].name
(('~',), 'L/', None, 'acme')
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from tracking_core.scan import MODES

__all__ = [
    "AMBIGUOUS_AI",
    "DEFAULT_MODES",
    "DEFAULT_PROFILE",
    "GS1_CHARSET",
    "GS1_MODES",
    "LabelPrefixes",
    "ScanProfile",
    "VendorRule",
    "VendorRuleKind",
]

#: The scan session's modes; a mode command names one of them.
DEFAULT_MODES: tuple[str, ...] = MODES

#: GS1 AI encodable character set 82: a separator replacement must not be one of these,
#: or it would cut a lot or serial that contains it.
GS1_CHARSET = frozenset(
    "!\"%&'()*+,-./:;<=>?_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

#: ``ScanProfile.ambiguous_ai``: what a plain code that also reads as GS1 becomes.
AmbiguousAI = Literal["ask", "strip", "keep"]
AMBIGUOUS_AI: tuple[str, ...] = get_args(AmbiguousAI)
#: ``ScanProfile.gs1``: whether data without a symbology identifier can be GS1.
Gs1Mode = Literal["auto", "never", "always"]
GS1_MODES: tuple[str, ...] = get_args(Gs1Mode)

VendorRuleKind = Literal["vendor", "location", "document", "operator"]
_RULE_KINDS: tuple[str, ...] = get_args(VendorRuleKind)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _bad(where: str, expected: str, got: object) -> ValueError:
    return ValueError(f"{where}: expected {expected}, got {got!r}")


@dataclass(frozen=True, kw_only=True)
class LabelPrefixes:
    """Prefixes of the project's own labels; None turns that kind of label off.

    Matching ignores case (``loc:a-01`` is a location). No prefix may begin another.

    >>> LabelPrefixes(location="L", document="LOC")
    Traceback (most recent call last):
    ...
    ValueError: LabelPrefixes: expected prefixes that do not begin one another, got 'L' and 'LOC'
    """

    location: str | None = "LOC:"
    document: str | None = "DOC:"
    operator: str | None = "OP:"
    command: str | None = "CMD:"
    partner: str | None = "PTN:"
    ordered: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    """(KIND, UPPER-CASED PREFIX) pairs, longest prefix first."""

    def __post_init__(self) -> None:
        pairs: list[tuple[str, str]] = []
        for kind in ("location", "document", "operator", "command", "partner"):
            prefix = getattr(self, kind)
            if prefix is None:
                continue
            if not isinstance(prefix, str) or not prefix or _CONTROL.search(prefix):
                raise _bad(f"LabelPrefixes.{kind}", "a non-empty printable prefix or None", prefix)
            pairs.append((kind, prefix.upper()))
        for i, (_, a) in enumerate(pairs):
            for _, b in pairs[i + 1 :]:
                if a.startswith(b) or b.startswith(a):
                    short, long = sorted((a, b), key=len)
                    raise ValueError(
                        "LabelPrefixes: expected prefixes that do not begin one another, "
                        f"got {short!r} and {long!r}"
                    )
        pairs.sort(key=lambda kp: -len(kp[1]))
        object.__setattr__(self, "ordered", tuple(pairs))


@dataclass(frozen=True, kw_only=True)
class VendorRule:
    """Another vendor's label format: a regular expression with named groups.

    The pattern must match the whole scan (``re.fullmatch``). Groups named after a
    :class:`~scanner_gateway.interpret.Barcode` attribute fill it: ``gtin`` (check digit
    verified), ``sscc``, ``serial``, ``lot``, ``item``, ``quantity`` (digits),
    ``expiry``, ``best_before``, ``production_date`` (read with ``date_format``),
    ``location``, ``document``, ``operator``. Every named group also lands in
    ``Barcode.fields``. ``kind`` lets a rule read a site's legacy location, document or
    badge labels.

    >>> r = VendorRule(name="acme", pattern=r"ACME-(?P<item>\\w+)-(?P<serial>\\d+)")
    >>> r.regex.fullmatch("ACME-PUMP7-000123")["serial"]
    '000123'
    >>> VendorRule(name="bad", pattern="(")
    Traceback (most recent call last):
    ...
    ValueError: VendorRule 'bad'.pattern: expected a regular expression, got '(' (missing ), unterminated subpattern at position 0)
    """  # noqa: E501

    name: str
    pattern: str
    kind: VendorRuleKind = "vendor"
    date_format: str = "%y%m%d"
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise _bad("VendorRule.name", "a non-empty name", self.name)
        where = f"VendorRule {self.name!r}"
        if self.kind not in _RULE_KINDS:
            raise _bad(f"{where}.kind", f"one of {', '.join(_RULE_KINDS)}", self.kind)
        if not isinstance(self.date_format, str) or "%" not in self.date_format:
            raise _bad(f"{where}.date_format", "a strptime format like '%y%m%d'", self.date_format)
        if not isinstance(self.pattern, str):
            raise _bad(f"{where}.pattern", "a regular expression", self.pattern)
        try:
            regex = re.compile(self.pattern)
        except re.error as exc:
            msg = f"{where}.pattern: expected a regular expression, got {self.pattern!r} ({exc})"
            raise ValueError(msg) from None
        object.__setattr__(self, "regex", regex)


@dataclass(frozen=True, kw_only=True)
class ScanProfile:
    """How one device's scans are read."""

    separators: tuple[str, ...] = ("\x1d",)
    """Group separators. ASCII 29 always counts; add the replacement a keyboard-wedge
    scanner sends instead (one character outside the GS1 set, e.g. ``"|"``)."""
    gs1: Gs1Mode = "auto"
    """Data without a symbology identifier: ``auto`` (default) reads it as GS1 when it
    starts with a primary key AI (01, 00, 414, ...) and validates fully, and refuses it
    (kind ``invalid``) when it starts so but does not validate; ``always``: any data
    that validates fully is GS1, so ``10D9T`` is lot D9T (scanners that strip
    identifiers and read nothing but GS1 labels); ``never``: such data is always a plain
    code (scanners that never read GS1 labels)."""
    ambiguous_ai: AmbiguousAI = "ask"
    """With ``gs1="auto"``, a plain code that also validates as GS1 element strings
    (``21SN3``, ``10SY-B2``): ``ask`` (default) keeps it plain with the GS1 reading in
    ``Barcode.gs1_reading``, and the scan session asks the operator which one is meant;
    ``strip`` reads it as GS1 (serial SN3); ``keep`` reads it as the literal text."""
    assume_gs1_without_symbology: bool = False
    """The older spelling of ``gs1="always"`` (True); kept in step with ``gs1``."""
    labels: LabelPrefixes = LabelPrefixes()
    """Prefixes of the project's own labels."""
    vendor_rules: tuple[VendorRule, ...] = ()
    """Tried in order, after own labels, before automatic detection."""
    modes: tuple[str, ...] = DEFAULT_MODES
    """The mode names a ``CMD:MODE:NAME`` or ``CMD:NAME`` label may give."""
    max_length: int = 4096
    """Longest accepted scan, in UTF-8 bytes."""
    all_separators: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """ASCII 29 plus the configured separators."""
    replacements: dict[int, str] = field(init=False, repr=False, compare=False, hash=False)
    """``str.translate`` table: replacement separators -> ASCII 29."""
    disallowed: re.Pattern[str] = field(init=False, repr=False, compare=False)
    """Control characters that are not separators."""

    def __post_init__(self) -> None:
        seps = _as_tuple(self.separators, "ScanProfile.separators")
        for s in seps:
            if (
                not isinstance(s, str)
                or len(s) != 1
                or s in GS1_CHARSET
                or s in "\r\n"
                or (not s.isprintable() and not _CONTROL.match(s))
            ):
                raise _bad(
                    "ScanProfile.separators",
                    "single characters outside the GS1 character set (e.g. '|', '~', '^', '#')",
                    s,
                )
        object.__setattr__(self, "separators", seps)
        rules = _as_tuple(self.vendor_rules, "ScanProfile.vendor_rules")
        for r in rules:
            if not isinstance(r, VendorRule):
                raise _bad("ScanProfile.vendor_rules", "VendorRule values", r)
        object.__setattr__(self, "vendor_rules", rules)
        modes = _as_tuple(self.modes, "ScanProfile.modes")
        for m in modes:
            if not isinstance(m, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", m):
                raise _bad("ScanProfile.modes", "lower-case mode names", m)
        object.__setattr__(self, "modes", modes)
        if not isinstance(self.labels, LabelPrefixes):
            raise _bad("ScanProfile.labels", "a LabelPrefixes", self.labels)
        if not isinstance(self.max_length, int) or self.max_length < 1:
            raise _bad("ScanProfile.max_length", "a positive number of bytes", self.max_length)
        if not isinstance(self.assume_gs1_without_symbology, bool):
            raise _bad(
                "ScanProfile.assume_gs1_without_symbology", "true or false",
                self.assume_gs1_without_symbology,
            )  # fmt: skip
        if self.gs1 not in GS1_MODES:
            raise _bad("ScanProfile.gs1", f"one of {', '.join(GS1_MODES)}", self.gs1)
        if self.ambiguous_ai not in AMBIGUOUS_AI:
            raise _bad(
                "ScanProfile.ambiguous_ai", f"one of {', '.join(AMBIGUOUS_AI)}", self.ambiguous_ai
            )
        if self.assume_gs1_without_symbology:
            if self.gs1 == "never":
                raise _bad(
                    "ScanProfile.assume_gs1_without_symbology",
                    "false with gs1='never' (it means gs1='always')",
                    True,
                )
            object.__setattr__(self, "gs1", "always")
        object.__setattr__(self, "assume_gs1_without_symbology", self.gs1 == "always")
        all_seps = tuple(dict.fromkeys(("\x1d", *seps)))
        object.__setattr__(self, "all_separators", all_seps)
        object.__setattr__(self, "replacements", {ord(s): "\x1d" for s in all_seps if s != "\x1d"})
        controls = "".join(
            re.escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in all_seps
        )
        object.__setattr__(self, "disallowed", re.compile(f"[{controls}]"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ScanProfile:
        """Build a profile from a TOML/JSON table; a mistake is a ValueError naming the key.

        >>> ScanProfile.from_mapping({"separator": "|"})
        Traceback (most recent call last):
        ...
        ValueError: profile: expected keys among ambiguous_ai, assume_gs1_without_symbology, gs1, labels, max_length, modes, separators, vendor_rules, got 'separator'
        """  # noqa: E501
        if not isinstance(data, Mapping):
            raise _bad("profile", "a table", data)
        known = (
            "ambiguous_ai",
            "assume_gs1_without_symbology",
            "gs1",
            "labels",
            "max_length",
            "modes",
            "separators",
            "vendor_rules",
        )
        for key in data:
            if key not in known:
                raise _bad("profile", f"keys among {', '.join(known)}", key)
        kw: dict[str, Any] = {k: data[k] for k in known if k in data}
        if "separators" in kw and isinstance(kw["separators"], str):
            kw["separators"] = tuple(kw["separators"])
        if "labels" in kw:
            labels = kw["labels"]
            if not isinstance(labels, Mapping):
                raise _bad("profile.labels", "a table of prefixes", labels)
            for key in labels:
                if key not in ("location", "document", "operator", "command", "partner"):
                    raise _bad(
                        "profile.labels", "location, document, operator, command or partner", key
                    )
            kw["labels"] = LabelPrefixes(
                **{k: (None if v in (False, "") else v) for k, v in labels.items()}
            )
        if "vendor_rules" in kw:
            rules = kw["vendor_rules"]
            if not isinstance(rules, Sequence) or isinstance(rules, str):
                raise _bad("profile.vendor_rules", "a list of tables", rules)
            built = []
            for i, r in enumerate(rules):
                if not isinstance(r, Mapping):
                    raise _bad(f"profile.vendor_rules[{i}]", "a table", r)
                extra = set(r) - {"name", "pattern", "kind", "date_format"}
                if extra or "name" not in r or "pattern" not in r:
                    raise _bad(
                        f"profile.vendor_rules[{i}]",
                        "name, pattern and optionally kind, date_format",
                        sorted(r),
                    )
                built.append(VendorRule(**r))
            kw["vendor_rules"] = tuple(built)
        return cls(**kw)


def _as_tuple(value: object, where: str) -> tuple[Any, ...]:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    raise _bad(where, "a tuple", value)


DEFAULT_PROFILE = ScanProfile()
