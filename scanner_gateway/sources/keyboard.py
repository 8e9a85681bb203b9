"""Keyboard-wedge decoding: key events in, whole scans out. Pure logic, no device.

A USB HID scanner in keyboard mode "types" each barcode: key presses a few
milliseconds apart, then Enter. :class:`KeyboardDecoder` turns those events back into
text with a keyboard layout (``us`` or ``de``), Shift, Caps Lock, AltGr and dead keys;
Ctrl+] and Alt+0029 on the numeric keypad become ASCII 29, the GS1 separator.

Timing tells a scan from a person typing, using the events' own timestamps (so a busy
gateway decides exactly as an idle one, and recorded streams replay exactly):

* a *scan* is a run of key presses each at most ``gap`` seconds after the previous
  one, ended by a terminator key (Enter) that is itself within ``gap``;
* anything else is *typed*: presses further apart, a run that lost its terminator, a
  run cut by a pause. With ``human="reject"`` typed input is dropped with a warning;
  with ``human="keep"`` it is collected into a line of its own, handed on when Enter
  is pressed, and never joined to a scan;
* a run that starts within ``guard`` seconds after typed input could be the tail of a
  scan that paused half-way (a Bluetooth hiccup): it joins the typed line instead of
  passing for a scan. So a scan is never split in two, and two scans, each with its
  terminator, are never merged.

>>> from scanner_gateway.sources.keyboard import InputEvent, KeyboardDecoder, key_events
>>> d = KeyboardDecoder()
>>> [s.text for e in key_events("Lot\\x1dA1\\n", start=100.0, gap=0.004) for s in d.feed(e)]
['Lot\\x1dA1']
"""

from __future__ import annotations

import itertools
import json
import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

__all__ = [
    "EV_KEY",
    "EV_MSC",
    "EV_SYN",
    "KEY",
    "LAYOUTS",
    "SYN_DROPPED",
    "SYN_REPORT",
    "DecodedScan",
    "InputEvent",
    "KeyEventLike",
    "KeyboardDecoder",
    "KeyboardOptions",
    "Layout",
    "key_events",
    "parse_key_names",
]

log = logging.getLogger(__name__)

# Linux input event types and codes (linux/input-event-codes.h, a stable kernel ABI;
# tests check them against the header and evdev.ecodes). Kept here so decoding needs
# no evdev.
EV_SYN: Final = 0
EV_KEY: Final = 1
EV_MSC: Final = 4
SYN_REPORT: Final = 0
SYN_DROPPED: Final = 3  # the kernel's buffer overflowed: events were lost


def _row(names: str, first: int) -> dict[str, int]:
    return {name: first + i for i, name in enumerate(names.split())}


KEY: Final[Mapping[str, int]] = {
    "ESC": 1,
    **_row("1 2 3 4 5 6 7 8 9 0 MINUS EQUAL BACKSPACE TAB", 2),
    **_row("Q W E R T Y U I O P LEFTBRACE RIGHTBRACE ENTER LEFTCTRL", 16),
    **_row("A S D F G H J K L SEMICOLON APOSTROPHE GRAVE LEFTSHIFT BACKSLASH", 30),
    **_row("Z X C V B N M COMMA DOT SLASH RIGHTSHIFT KPASTERISK LEFTALT SPACE CAPSLOCK", 44),
    **_row("F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 NUMLOCK SCROLLLOCK", 59),
    **_row("KP7 KP8 KP9 KPMINUS KP4 KP5 KP6 KPPLUS KP1 KP2 KP3 KP0 KPDOT", 71),
    "102ND": 86,
    "F11": 87,
    "F12": 88,
    "KPENTER": 96,
    "RIGHTCTRL": 97,
    "KPSLASH": 98,
    "RIGHTALT": 100,
    "KPEQUAL": 117,
    "KPCOMMA": 121,
    "LEFTMETA": 125,
    "RIGHTMETA": 126,
    **_row("F13 F14 F15 F16 F17 F18 F19 F20 F21 F22 F23 F24", 183),
}
_K = KEY
_SHIFT = frozenset((_K["LEFTSHIFT"], _K["RIGHTSHIFT"]))
_CTRL = frozenset((_K["LEFTCTRL"], _K["RIGHTCTRL"]))
_KP_DIGITS: Final = {_K[f"KP{d}"]: str(d) for d in range(10)}
_LETTERS = "QWERTYUIOPASDFGHJKLZXCVBNM"


class KeyEventLike(Protocol):
    """What the decoder reads from an event: ``evdev.InputEvent`` and :class:`InputEvent`."""

    @property
    def type(self) -> int: ...

    @property
    def code(self) -> int: ...

    @property
    def value(self) -> int: ...

    def timestamp(self) -> float: ...


@dataclass(frozen=True)
class InputEvent:
    """A kernel input event, built like ``evdev.InputEvent(sec, usec, type, code, value)``.

    Lets decoding, fixtures and tests run where evdev is not installed.
    """

    sec: int
    usec: int
    type: int
    code: int
    value: int

    def timestamp(self) -> float:
        return self.sec + self.usec / 1_000_000

    @classmethod
    def at(cls, t: float, type: int, code: int, value: int) -> InputEvent:
        usec_total = round(t * 1_000_000)
        return cls(usec_total // 1_000_000, usec_total % 1_000_000, type, code, value)

    def to_json(self) -> str:
        fields = {"sec": self.sec, "usec": self.usec, "type": self.type, "code": self.code}
        return json.dumps({**fields, "value": self.value}, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> InputEvent:
        d: dict[str, Any] = json.loads(line)
        return cls(int(d["sec"]), int(d["usec"]), int(d["type"]), int(d["code"]), int(d["value"]))


@dataclass(frozen=True)
class Layout:
    """What each key types: ``keys[code] = (plain, shifted)``, ``altgr[code]``, dead keys."""

    name: str
    keys: Mapping[int, tuple[str, str]]
    altgr: Mapping[int, str] = field(default_factory=dict)
    dead: frozenset[str] = frozenset()  # accents that wait for the next key

    def char(self, code: int, *, shift: bool, caps: bool, altgr: bool) -> str | None:
        if altgr:
            return self.altgr.get(code)
        pair = self.keys.get(code)
        if pair is None:
            return None
        plain, shifted = pair
        # Caps Lock shifts letters only (as on a PC), Shift cancels it.
        upper = shift != (caps and plain.isalpha())
        return shifted if upper else plain


def _layout(
    name: str,
    pairs: Mapping[str, str],
    *,
    letters: Mapping[str, str] | None = None,
    altgr: Mapping[str, str] | None = None,
    dead: str = "",
) -> Layout:
    keys: dict[int, tuple[str, str]] = {}
    for key in _LETTERS:
        letter = (letters or {}).get(key, key)
        keys[_K[key]] = (letter.lower(), letter.upper())
    for key, chars in pairs.items():
        keys[_K[key]] = (chars[0], chars[1])
    # The numeric keypad types the same on every layout (Num Lock is assumed on).
    for key, char in {"KPDOT": ".", "KPSLASH": "/", "KPASTERISK": "*", "KPMINUS": "-",
                      "KPPLUS": "+", "KPEQUAL": "=", "KPCOMMA": ","}.items():  # fmt: skip
        keys[_K[key]] = (char, char)
    for code, digit in _KP_DIGITS.items():
        keys[code] = (digit, digit)
    return Layout(
        name=name,
        keys=keys,
        altgr={_K[k]: v for k, v in (altgr or {}).items()},
        dead=frozenset(dead),
    )


US: Final = _layout(
    "us",
    {
        "1": "1!", "2": "2@", "3": "3#", "4": "4$", "5": "5%", "6": "6^", "7": "7&",
        "8": "8*", "9": "9(", "0": "0)", "MINUS": "-_", "EQUAL": "=+", "LEFTBRACE": "[{",
        "RIGHTBRACE": "]}", "SEMICOLON": ";:", "APOSTROPHE": "'\"", "GRAVE": "`~",
        "BACKSLASH": "\\|", "102ND": "\\|", "COMMA": ",<", "DOT": ".>", "SLASH": "/?",
        "SPACE": "  ", "TAB": "\t\t",
    },
)  # fmt: skip

# German QWERTZ (T1): Y and Z swapped, umlauts, AltGr for @ { [ ] } \ ~ |, and the dead
# keys ^, acute (U+00B4) and grave.
DE: Final = _layout(
    "de",
    {
        "1": "1!", "2": '2"', "3": "3§", "4": "4$", "5": "5%", "6": "6&", "7": "7/",
        "8": "8(", "9": "9)", "0": "0=", "MINUS": "ß?", "EQUAL": "\u00b4`", "LEFTBRACE": "üÜ",
        "RIGHTBRACE": "+*", "SEMICOLON": "öÖ", "APOSTROPHE": "äÄ", "GRAVE": "^°",
        "BACKSLASH": "#'", "102ND": "<>", "COMMA": ",;", "DOT": ".:", "SLASH": "-_",
        "SPACE": "  ", "TAB": "\t\t",
    },
    letters={"Y": "Z", "Z": "Y"},
    altgr={
        "Q": "@", "E": "€", "M": "µ", "2": "²", "3": "³", "7": "{", "8": "[", "9": "]",
        "0": "}", "MINUS": "\\", "RIGHTBRACE": "~", "102ND": "|",
    },
    dead="^\u00b4`",
)  # fmt: skip

LAYOUTS: Final[Mapping[str, Layout]] = {"us": US, "de": DE}
_COMBINING = {"^": "\u0302", "\u00b4": "\u0301", "`": "\u0300"}

Terminator = Literal["enter", "tab"]
_TERMINATOR_KEYS: Final[Mapping[str, frozenset[int]]] = {
    "enter": frozenset((_K["ENTER"], _K["KPENTER"])),
    "tab": frozenset((_K["TAB"],)),
}
# Spellings of the built-in GS keystrokes, accepted in ``separator=`` for clarity.
BUILTIN_SEPARATORS = ("ctrl]", "alt0029", "alt29")


def parse_key_names(names: Iterable[str]) -> frozenset[int]:
    """``["f8", "KEY_F9"]`` -> key codes; raises ValueError naming an unknown key."""
    codes = set()
    for name in names:
        key = name.strip().upper().removeprefix("KEY_")
        if key not in KEY:
            raise ValueError(f"unknown key {name!r} (expected a name like f8 or kpminus)")
        codes.add(KEY[key])
    return frozenset(codes)


@dataclass(frozen=True)
class KeyboardOptions:
    """How a keyboard-wedge scanner is read; all but ``typed_timeout`` are URL options."""

    layout: str = "us"
    gap: float = 0.06  # scanners send keys < 30-50 ms apart; people type slower
    terminators: frozenset[Terminator] = frozenset({"enter"})
    separator_keys: frozenset[int] = frozenset()  # extra keys that mean GS (ASCII 29)
    min_length: int | None = None  # default 1 with a terminator, 4 without
    human: Literal["reject", "keep"] = "reject"
    guard: float = 0.5  # a run this soon after typed input may be a scan's tail
    typed_timeout: float = 30.0  # typed input with no Enter for this long is dropped

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {self.layout!r} (known: {', '.join(LAYOUTS)})")

    @property
    def effective_min_length(self) -> int:
        if self.min_length is not None:
            return self.min_length
        return 1 if self.terminators else 4


@dataclass(frozen=True)
class DecodedScan:
    text: str
    timestamp: float  # event time of the terminator (or of the last key)
    typed: bool = False  # typed by hand, kept because human="keep"


class KeyboardDecoder:
    """Feeds on key events, returns whole scans. One decoder per device."""

    def __init__(
        self,
        options: KeyboardOptions | None = None,
        *,
        on_discard: Callable[[str, str], None] | None = None,
    ) -> None:
        self.options = options or KeyboardOptions()
        self.layout = LAYOUTS[self.options.layout]
        self._term_keys = frozenset(
            code for t in self.options.terminators for code in _TERMINATOR_KEYS[t]
        )
        self._on_discard = on_discard or self._log_discard
        self._min_length = self.options.effective_min_length
        self._reset_keys()
        self._run: list[str] = []  # the current fast run of characters
        self._run_start = 0.0
        self._last_press: float | None = None
        self._line: list[str] = []  # typed input (or broken runs) waiting for Enter
        self._line_last = float("-inf")  # when something last went into the line
        # After lost events, the rest of that burst is the tail of a broken scan.
        self._poisoned = False

    @staticmethod
    def _log_discard(reason: str, text: str) -> None:
        log.warning("discarded keyboard input, not a scan (%s): %r", reason, text[:80])

    def _reset_keys(self) -> None:
        self._shift: set[int] = set()
        self._ctrl: set[int] = set()
        self._alt = False
        self._altgr = False
        self._caps = False
        self._alt_digits = ""
        self._dead: str | None = None

    # -- events ---------------------------------------------------------------

    def feed(self, event: KeyEventLike) -> list[DecodedScan]:
        if event.type == EV_SYN and event.code == SYN_DROPPED:
            return self._lost_events()
        if event.type != EV_KEY:
            return []  # EV_MSC scan codes, SYN_REPORT, LEDs: nothing to type
        t = event.timestamp()
        if event.value == 0:
            self._release(event.code, t)
            return []
        if event.value != 1:
            return []  # autorepeat: a scanner never holds a key
        out: list[DecodedScan] = []
        last = self._last_press
        pending = self._run or self._poisoned
        if pending and last is not None and t - last > self.options.gap:
            out += self._break_run(last)
        self._last_press = t
        out += self._press(event.code, t)
        return out

    def tick(self, now: float) -> list[DecodedScan]:
        """Called when no event came for a while; ``now`` is on the events' clock."""
        out: list[DecodedScan] = []
        last = self._last_press
        # Twice the gap: an event stamped within the gap may still be on its way.
        pending = self._run or self._poisoned
        if pending and last is not None and now - last > 2 * self.options.gap:
            out += self._break_run(last)
        if self._line and now - self._line_last > self.options.typed_timeout:
            self._discard_line("no Enter after it")
        return out

    def reset(self, why: str) -> None:
        """The device went away: nothing pending can be completed."""
        if self._run:
            self._line += self._run
            self._run = []
        if self._line:
            self._discard_line(why)
        self._reset_keys()
        self._last_press = None
        self._poisoned = False

    # -- internals ------------------------------------------------------------

    def _lost_events(self) -> list[DecodedScan]:
        # Keys (and modifier releases) are missing: what is pending cannot be trusted,
        # and neither can what follows until this burst of keys ends.
        last = self._last_press
        self.reset("the kernel dropped events (SYN_DROPPED)")
        self._last_press = last
        self._poisoned = True
        return []

    def _drop_poisoned(self) -> None:
        self._poisoned = False
        if self._run:
            self._on_discard("the rest of a scan that lost events", "".join(self._run))
            self._run = []

    def _release(self, code: int, t: float) -> None:
        if code in _SHIFT:
            self._shift.discard(code)
        elif code in _CTRL:
            self._ctrl.discard(code)
        elif code == _K["LEFTALT"] or (code == _K["RIGHTALT"] and not self.layout.altgr):
            self._alt = False
            if self._alt_digits:
                digits, self._alt_digits = self._alt_digits, ""
                self._add(_alt_code(digits), t)
        elif code == _K["RIGHTALT"]:
            self._altgr = False

    def _press(self, code: int, t: float) -> list[DecodedScan]:
        if code in _SHIFT:
            self._shift.add(code)
        elif code in _CTRL:
            self._ctrl.add(code)
        elif code == _K["LEFTALT"] or (code == _K["RIGHTALT"] and not self.layout.altgr):
            self._alt, self._alt_digits = True, ""
        elif code == _K["RIGHTALT"]:
            self._altgr = True
        elif code == _K["CAPSLOCK"]:
            self._caps = not self._caps
        elif code in self._term_keys and not self._ctrl and not self._alt:
            return self._terminate(t)
        elif code in self.options.separator_keys:
            self._add("\x1d", t)
        elif self._alt and not self._ctrl:
            # Alt + keypad digits type a character by its code (Alt+0029 is GS).
            if code in _KP_DIGITS:
                self._alt_digits += _KP_DIGITS[code]
        elif self._ctrl:
            char = _control_char(code, shift=bool(self._shift))
            if char is not None:
                self._add(char, t)
        elif code == _K["BACKSPACE"]:
            self._backspace()
        else:
            self._type(code, t)
        return []

    def _type(self, code: int, t: float) -> None:
        char = self.layout.char(code, shift=bool(self._shift), caps=self._caps, altgr=self._altgr)
        if char is None:
            return  # arrows, Esc, function keys: a scanner does not send them as data
        if char in self.layout.dead and not self._altgr:
            pending, self._dead = self._dead, char
            if pending is not None:
                self._add(pending, t)
            return
        if self._dead is not None:
            accent, self._dead = self._dead, None
            if char == " ":
                char = accent
            else:
                composed = unicodedata.normalize("NFC", char + _COMBINING[accent])
                char = composed if len(composed) == 1 else accent + char
        self._add(char, t)

    def _add(self, text: str, t: float) -> None:
        if not self._run:
            self._run_start = t
        self._run.append(text)

    def _backspace(self) -> None:
        # Only people press Backspace; it edits what they typed.
        if self._run:
            self._run.pop()
        elif self._line:
            self._line.pop()

    def _break_run(self, last: float) -> list[DecodedScan]:
        """A pause ended the current run before any terminator."""
        if self._poisoned:
            self._drop_poisoned()
            return []
        text = "".join(self._run)
        # Without a terminator configured, the pause is what ends a scan.
        if not self.options.terminators and len(text) >= self._min_length and not self._suspect():
            self._run = []
            return [DecodedScan(text, last)]
        self._line += self._run
        self._line_last = last
        self._run = []
        return []

    def _suspect(self) -> bool:
        """Typed input came just before this run: the run may be a scan's second half."""
        return self._run_start - self._line_last <= self.options.guard

    def _terminate(self, t: float) -> list[DecodedScan]:
        if self._poisoned:
            self._drop_poisoned()
            return []
        if self._run:
            text = "".join(self._run)
            if len(text) >= self._min_length and not self._suspect():
                self._run = []
                return [DecodedScan(text, t)]
            self._line += self._run
            self._run = []
        if not self._line:
            return []  # a bare Enter
        text = "".join(self._line)
        self._line = []
        self._line_last = float("-inf")  # Enter closed the line: what follows is new
        if self.options.human == "keep":
            return [DecodedScan(text, t, typed=True)]
        self._on_discard("typed by hand, or a scan with a pause in it", text)
        return []

    def _discard_line(self, why: str) -> None:
        text = "".join(self._line)
        self._line = []
        self._on_discard(why, text)


def _alt_code(digits: str) -> str:
    """Windows Alt codes: a leading 0 means the ANSI code page, otherwise the OEM one."""
    n = int(digits) % 256
    if n < 128:
        return chr(n)
    return bytes([n]).decode("cp1252" if digits.startswith("0") else "cp437", "replace")


def _control_char(code: int, *, shift: bool) -> str | None:
    """Ctrl+key by the key's US position, as scanners send it: Ctrl+] is GS (29)."""
    pair = US.keys.get(code)
    if pair is None:
        return None
    char = (pair[1] if shift else pair[0]).upper()
    if "@" <= char <= "_":
        return chr(ord(char) & 0x1F)
    return None


# -- building event streams (fixtures, tests, demos) ----------------------------------


def _keystrokes(text: str, layout: Layout, gs: str) -> Iterator[tuple[int, ...]]:
    """Each character as the keys that type it: (modifier..., key)."""
    reverse: dict[str, tuple[int, ...]] = {}
    for code, (plain, shifted) in layout.keys.items():
        if code in _KP_DIGITS:
            continue
        reverse.setdefault(plain, (code,))
        reverse.setdefault(shifted, (_K["LEFTSHIFT"], code))
    for code, char in layout.altgr.items():
        reverse.setdefault(char, (_K["RIGHTALT"], code))
    for char in text:
        if char == "\n":
            yield (_K["ENTER"],)
        elif char == "\x1d":
            if gs == "ctrl]":
                yield (_K["LEFTCTRL"], _K["RIGHTBRACE"])
            else:  # Alt + 0 0 2 9 on the keypad
                yield (_K["LEFTALT"], _K["KP0"], _K["KP0"], _K["KP2"], _K["KP9"])
        elif char in layout.dead:
            yield reverse[char]
            yield (_K["SPACE"],)  # a dead key types itself when followed by space
        elif char in reverse:
            yield reverse[char]
        else:
            raise ValueError(f"layout {layout.name} cannot type {char!r}")


def key_events(
    text: str,
    *,
    start: float = 0.0,
    gap: float | Iterable[float] = 0.005,
    layout: str = "us",
    gs: Literal["ctrl]", "alt0029"] = "ctrl]",
    hold: float = 0.001,
) -> list[InputEvent]:
    """The events a keyboard-wedge scanner sends for ``text`` ("\\n" is Enter).

    A keystroke is its modifiers down, the key down and up, the modifiers up, ``hold``
    apart, each followed by SYN_REPORT like a real device. ``gap`` is the pause from a
    keystroke's last release to the next keystroke: a number, or an iterable with one
    value per keystroke (jittery or human timing).
    """
    gaps = itertools.repeat(float(gap)) if isinstance(gap, int | float) else iter(gap)
    events: list[InputEvent] = []
    t = start
    for keys in _keystrokes(text, LAYOUTS[layout], gs):
        *mods, key = keys
        seq: list[tuple[int, int]] = [(m, 1) for m in mods]
        if mods and mods[0] == _K["LEFTALT"] and len(keys) > 2:
            seq = [(mods[0], 1)] + [(k, v) for k in keys[1:] for v in (1, 0)] + [(mods[0], 0)]
        else:
            seq += [(key, 1), (key, 0)] + [(m, 0) for m in reversed(mods)]
        for i, (code, value) in enumerate(seq):
            events.append(InputEvent.at(t + i * hold, EV_KEY, code, value))
            events.append(InputEvent.at(t + i * hold, EV_SYN, SYN_REPORT, 0))
        t += (len(seq) - 1) * hold + next(gaps)
    return events
