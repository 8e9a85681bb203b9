"""Label templates are data: a size and a list of elements placed in millimetres.

The defaults ship as JSON files beside this module (``templates/serial.json`` ...). An
installation overrides one, or adds its own, by putting ``NAME.json`` or ``NAME.toml``
in a directory passed as ``template_dir``; that directory is searched first.

Element types::

    {"type": "text", "x": 3, "y": 2, "width": 94, "font": 4, "text": "LOT {lot}",
     "align": "left|center|right", "overflow": "error|truncate|more", "lines": 1,
     "tabs": [40, 55]}
    {"type": "barcode", "symbology": "code128|gs1_128|gs1_datamatrix|qr",
     "x": 1, "y": 12, "width": 98, "height": 14, "module": 0.25,
     "data": "{serial}"          (code128, qr)   or   "ais": ["01", "21"]  (gs1_*),
     "hri": true, "hri_font": 2.5, "align": "left|center"}
    {"type": "box", "x": 1, "y": 1, "width": 98, "height": 48, "thickness": 0.3}

A text's lines may hold tab-separated cells: ``tabs`` are where the second, third ...
cell starts, in mm from ``x`` (a table's columns, each cell cut to its column; cells
beyond the last tab are left out). With ``"overflow": "more"``, lines beyond ``lines``
become a last line ``+N more``.

Any element may carry ``"if": FIELD`` or ``"unless": FIELD`` (drawn only when the label
has, or has not, that field). Text placeholders name the label's fields; an element
whose placeholder has no value is left out. GS1 symbols leave out AIs without a value.

>>> t = load_template("serial")
>>> t.kind, t.width_mm, [e.type for e in t.elements][:2]
('serial', 100.0, ['text', 'text'])
>>> load_template("nope")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
scanner_gateway.labels.errors.UnknownTemplate: Unknown label template 'nope' (searched ...)
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from scanner_gateway.labels.errors import InvalidTemplate, UnknownTemplate
from scanner_gateway.labels.model import DPI, LabelKind

__all__ = [
    "AI_FIELDS",
    "DEFAULT_DIR",
    "FIELDS",
    "BarcodeElement",
    "BoxElement",
    "Element",
    "Template",
    "TextElement",
    "load_template",
    "parse_template",
    "placeholders",
]

DEFAULT_DIR = Path(__file__).with_name("templates")

FIELDS: dict[str, tuple[str, ...]] = {
    "serial": ("item", "description", "serial", "gtin", "lot", "expiry"),
    "lot": ("item", "description", "lot", "quantity", "expiry", "production_date", "gtin"),
    "sscc": (
        "sscc",
        "contents",
        "gtin",
        "quantity",
        "lot",
        "best_before",
        "expiry",
        "item",
        "description",
        "content",
        "rows",
        "cases",
        "units",
        "date_title",
    ),
    "location": ("code", "name", "prefix"),
}
# Which label field each AI carries, per kind.
AI_FIELDS: dict[str, dict[str, str]] = {
    "serial": {"01": "gtin", "10": "lot", "17": "expiry", "21": "serial"},
    "lot": {"01": "gtin", "10": "lot", "11": "production_date", "17": "expiry", "30": "quantity"},
    "sscc": {
        "00": "sscc",
        "02": "gtin",
        "10": "lot",
        "15": "best_before",
        "17": "expiry",
        "37": "quantity",
    },
    "location": {},
}
Symbology = Literal["code128", "gs1_128", "gs1_datamatrix", "qr"]
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def placeholders(text: str) -> tuple[str, ...]:
    """Field names in a text: ``"LOT {lot}"`` -> ``("lot",)``."""
    return tuple(_PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class TextElement:
    x: float
    y: float
    width: float
    font: float  # text height (em) in mm
    text: str
    align: Literal["left", "center", "right"] = "left"
    overflow: Literal["error", "truncate", "more"] = "error"
    lines: int = 1
    tabs: tuple[float, ...] = ()
    when: str | None = None
    unless: str | None = None
    name: str | None = None
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class BarcodeElement:
    symbology: Symbology
    x: float
    y: float
    width: float
    height: float
    module: float  # wanted module (narrow bar, matrix cell) in mm; snapped to dots
    data: str = ""
    ais: tuple[str, ...] = ()
    hri: bool = True
    hri_font: float = 2.5
    align: Literal["left", "center"] = "left"
    when: str | None = None
    unless: str | None = None
    name: str | None = None
    type: Literal["barcode"] = "barcode"


@dataclass(frozen=True)
class BoxElement:
    x: float
    y: float
    width: float
    height: float
    thickness: float = 0.3
    when: str | None = None
    unless: str | None = None
    type: Literal["box"] = "box"


Element = TextElement | BarcodeElement | BoxElement


@dataclass(frozen=True)
class Template:
    name: str
    kind: LabelKind
    width_mm: float
    height_mm: float
    dpi: int
    elements: tuple[Element, ...]


class _Reader:
    """Typed access to one JSON/TOML object, with errors that say where."""

    def __init__(self, name: str, where: str, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise InvalidTemplate(name=name, reason=f"{where} must be an object")
        self.name, self.where, self.raw, self.used = name, where, raw, set[str]()

    def fail(self, reason: str) -> InvalidTemplate:
        return InvalidTemplate(name=self.name, reason=f"{self.where}: {reason}")

    def get(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.raw:
            if default is ...:
                raise self.fail(f"{key!r} is missing")
            return default
        return self.raw[key]

    def num(self, key: str, default: float | None = None, *, low: float = 0) -> float:
        v = self.get(key, ... if default is None else default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not v >= low:
            raise self.fail(f"{key!r} must be a number >= {low}, got {v!r}")
        return float(v)

    def text(self, key: str, default: str | None = None) -> str:
        v = self.get(key, ... if default is None else default)
        if not isinstance(v, str):
            raise self.fail(f"{key!r} must be a string, got {v!r}")
        return v

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> Any:
        v = self.text(key, default)
        if v not in options:
            raise self.fail(f"{key!r} must be one of {', '.join(options)}, got {v!r}")
        return v

    def field(self, key: str, fields: tuple[str, ...]) -> str | None:
        if key not in self.raw:
            return None
        return str(self.choice(key, fields))

    def done(self) -> None:
        extra = sorted(set(self.raw) - self.used)
        if extra:
            raise self.fail(f"unknown keys {', '.join(extra)}")


def _text_fields(r: _Reader, text: str, fields: tuple[str, ...]) -> None:
    for p in placeholders(text):
        if p not in fields:
            raise r.fail(f"unknown field {{{p}}}; fields: {', '.join(fields)}")


def _element(r: _Reader, kind: str) -> Element:
    fields = FIELDS[kind]
    t = r.choice("type", ("text", "barcode", "box"))
    when, unless = r.field("if", fields), r.field("unless", fields)
    x, y = r.num("x"), r.num("y")
    element: Element
    if t == "box":
        element = BoxElement(
            x=x,
            y=y,
            width=r.num("width", low=0.1),
            height=r.num("height", low=0.1),
            thickness=r.num("thickness", 0.3, low=0.1),
            when=when,
            unless=unless,
        )
    elif t == "text":
        text = r.text("text")
        _text_fields(r, text, fields)
        lines = r.num("lines", 1, low=1)
        if lines != int(lines):
            raise r.fail("'lines' must be a whole number")
        width = r.num("width", low=1)
        tabs = r.get("tabs", [])
        if (
            not isinstance(tabs, list)
            or any(isinstance(t, bool) or not isinstance(t, int | float) for t in tabs)
            or list(tabs) != sorted(set(tabs))
            or any(not 0 < t < width for t in tabs)
        ):
            raise r.fail(f"'tabs' must be rising numbers inside the width, got {tabs!r}")
        element = TextElement(
            x=x,
            y=y,
            width=width,
            font=r.num("font", low=0.5),
            text=text,
            align=r.choice("align", ("left", "center", "right"), "left"),
            overflow=r.choice("overflow", ("error", "truncate", "more"), "error"),
            lines=int(lines),
            tabs=tuple(float(t) for t in tabs),
            when=when,
            unless=unless,
            name=r.text("name", "") or None,
        )
    else:
        symbology = r.choice("symbology", ("code128", "gs1_128", "gs1_datamatrix", "qr"))
        data, ais = "", ()
        if symbology.startswith("gs1_"):
            raw_ais = r.get("ais")
            known = AI_FIELDS[kind]
            if not isinstance(raw_ais, list) or not raw_ais:
                raise r.fail("'ais' must be a list of AIs")
            for ai in raw_ais:
                if ai not in known:
                    raise r.fail(f"AI {ai!r} is not on {kind} labels; use {', '.join(known)}")
            ais = tuple(raw_ais)
        else:
            data = r.text("data")
            _text_fields(r, data, fields)
        hri = r.get("hri", symbology in ("code128", "gs1_128"))
        if not isinstance(hri, bool):
            raise r.fail("'hri' must be true or false")
        element = BarcodeElement(
            symbology=symbology,
            x=x,
            y=y,
            width=r.num("width", low=1),
            height=r.num("height", low=1),
            module=r.num("module", low=0.05),
            data=data,
            ais=ais,
            hri=hri,
            hri_font=r.num("hri_font", 2.5, low=0.5),
            align=r.choice("align", ("left", "center"), "left"),
            when=when,
            unless=unless,
            name=r.text("name", "") or None,
        )
    r.done()
    return element


def parse_template(name: str, raw: Any) -> Template:
    """A template from its JSON/TOML object; :class:`InvalidTemplate` says what is wrong."""
    r = _Reader(name, "template", raw)
    kind = r.choice("kind", tuple(FIELDS))
    width, height = r.num("width_mm", low=5), r.num("height_mm", low=5)
    dpi = r.get("dpi", 203)
    if dpi not in DPI:
        raise r.fail(f"'dpi' must be one of {', '.join(map(str, DPI))}")
    r.text("name", name)
    r.text("description", "")
    elements = r.get("elements")
    if not isinstance(elements, list):
        raise r.fail("'elements' must be a list")
    parsed = tuple(
        _element(_Reader(name, f"element {i + 1}", e), kind) for i, e in enumerate(elements)
    )
    for i, e in enumerate(parsed, start=1):
        height_mm = e.font * 1.2 * e.lines if isinstance(e, TextElement) else e.height
        if e.x + e.width > width + 1e-6 or e.y + height_mm > height + 1e-6:
            raise InvalidTemplate(
                name=name,
                reason=f"element {i} ({e.type}) reaches beyond the {width:g} x {height:g} mm label",
            )
    r.done()
    return Template(name, kind, width, height, int(dpi), parsed)


@lru_cache(maxsize=128)
def _load(path: Path, _mtime_ns: int, name: str) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidTemplate(name=name, reason=f"{path}: {exc}") from exc
    return parse_template(name, raw)


def load_template(name: str, *, directory: Path | str | None = None) -> Template:
    """The template ``name`` from ``directory`` (JSON or TOML) or the shipped defaults."""
    if directory is None:
        return _default(name)
    return _find(name, directory)


@lru_cache(maxsize=64)
def _default(name: str) -> Template:  # the package's files do not change while it runs
    return _find(name, None)


def _find(name: str, directory: Path | str | None) -> Template:
    dirs = ([Path(directory)] if directory is not None else []) + [DEFAULT_DIR]
    searched = tuple(str(d) for d in dirs)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UnknownTemplate(name=str(name), searched=searched)
    for d in dirs:
        for suffix in (".json", ".toml"):
            path = d / f"{name}{suffix}"
            try:
                mtime = path.stat().st_mtime_ns
            except OSError:
                continue
            return _load(path, mtime, name)
    raise UnknownTemplate(name=name, searched=searched)
