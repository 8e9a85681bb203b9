"""What a label shows: one frozen value per kind, and the label's physical size.

>>> size = LabelSize.inches(4, 2, dpi=300)
>>> size.width_mm, size.width_dots, size.module_dots(0.1)
(101.6, 1219, 2)
>>> SerialLabel(item="LAP-14", description="Laptop 14", serial="SN-26-00001").kind
'serial'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from scanner_gateway.labels.errors import InvalidLabelData, InvalidLabelSize
from scanner_gateway.labels.gs1 import build_gs1, gs1_date
from tracking_core import LabelKind  # the core's label outbox names the same kinds
from tracking_core.codec import decode
from tracking_core.values import ContainerInfo, ContainerTotal

__all__ = [
    "DATE_AIS",
    "DPI",
    "MIN_MODULE_DOTS",
    "Label",
    "LabelKind",
    "LabelSize",
    "LocationLabel",
    "LotLabel",
    "SerialLabel",
    "SsccLabel",
    "container_from_payload",
    "labels_from_payload",
]

DPI = (203, 300, 600)
# Zebra print heads are 8, 12 and 24 dots per millimetre (sold as 203, 300, 600 dpi).
_DOTS_PER_MM = {203: 8, 300: 12, 600: 24}
MIN_MODULE_DOTS = 2  # a one-dot bar or module smears on a thermal head and does not decode
MAX_MODULE_DOTS = 10  # ^BY and ^BQ accept 1..10 dots; larger modules would differ in ZPL


def _text(field: str, value: object, *, required: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidLabelData(field=field, value=repr(value), reason="must be text")
    if required and not value.strip():
        raise InvalidLabelData(field=field, value=value, reason="must not be empty")


def _optional_text(field: str, value: object) -> None:
    if value is not None:
        _text(field, value)


def _date(field: str, value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidLabelData(field=field, value=repr(value), reason="must be a date")


def _quantity(value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidLabelData(
            field="quantity", value=repr(value), reason="must be a whole number >= 1"
        )


@dataclass(frozen=True)
class SerialLabel:
    """One serialized unit: (01)(17)(10)(21) in GS1 symbols when the item has a GTIN."""

    item: str
    description: str
    serial: str
    gtin: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    kind: ClassVar[LabelKind] = "serial"

    def __post_init__(self) -> None:
        _text("item", self.item)
        _text("description", self.description, required=False)
        _text("serial", self.serial)
        _optional_text("gtin", self.gtin)
        _optional_text("lot", self.lot)
        _date("expiry", self.expiry)


@dataclass(frozen=True)
class LotLabel:
    """A batch: (01)(17)(11)(10)(30) in GS1 symbols when the item has a GTIN."""

    item: str
    description: str
    lot: str
    quantity: int | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None
    gtin: str | None = None
    kind: ClassVar[LabelKind] = "lot"

    def __post_init__(self) -> None:
        _text("item", self.item)
        _text("description", self.description, required=False)
        _text("lot", self.lot)
        _quantity(self.quantity)
        _date("expiry", self.expiry)
        _date("production_date", self.production_date)
        _optional_text("gtin", self.gtin)


DateAi = Literal["15", "17"]
DATE_AIS: tuple[DateAi, ...] = ("15", "17")


@dataclass(frozen=True)
class SsccLabel:
    """A case or pallet, as a GS1 logistic label: (00) SSCC at the bottom, its contents above.

    One row of contents (one item, one lot): content (02), count (37), best before (15) or
    expiry (17), batch/lot (10), each with its data title. Mixed contents: ``totals`` as a
    list (item, quantity, lot, date), and the number of ``cases``. ``contents`` are free
    text lines (the old payloads, and anything an installation adds).
    """

    sscc: str
    contents: tuple[str, ...] = ()
    gtin: str | None = None
    quantity: int | None = None
    lot: str | None = None
    best_before: dt.date | None = None
    expiry: dt.date | None = None
    item: str | None = None
    description: str = ""
    totals: tuple[ContainerTotal, ...] = ()
    cases: int | None = None
    date_ai: DateAi = "17"  # the title of the mixed list's date column
    kind: ClassVar[LabelKind] = "sscc"

    def __post_init__(self) -> None:
        _text("sscc", self.sscc)
        if not isinstance(self.contents, tuple):
            raise InvalidLabelData(
                field="contents", value=repr(self.contents), reason="must be a tuple of lines"
            )
        for line in self.contents:
            _text("contents", line, required=False)
        _optional_text("gtin", self.gtin)
        _quantity(self.quantity)
        _optional_text("lot", self.lot)
        _date("best_before", self.best_before)
        _date("expiry", self.expiry)
        _optional_text("item", self.item)
        _text("description", self.description, required=False)
        if not isinstance(self.totals, tuple):
            raise InvalidLabelData(
                field="totals", value=repr(self.totals), reason="must be a tuple of totals"
            )
        for total in self.totals:
            _total(total)
        if self.cases is not None and (
            isinstance(self.cases, bool) or not isinstance(self.cases, int) or self.cases < 0
        ):
            raise InvalidLabelData(
                field="cases", value=repr(self.cases), reason="must be a whole number >= 0"
            )
        if self.date_ai not in DATE_AIS:
            raise InvalidLabelData(
                field="date_ai", value=str(self.date_ai), reason="must be 15 or 17"
            )

    @classmethod
    def from_container(
        cls,
        info: ContainerInfo,
        *,
        sscc: str | None = None,
        date_ai: DateAi = "17",
    ) -> SsccLabel:
        """The logistic label of a container: its GS1 fields when its totals are one row.

        ``date_ai``: the lot's expiry as best before (15, food) or expiry (17, the default:
        the date the core refuses to ship after, and what the item labels carry).

        >>> import datetime as dt
        >>> from tracking_core.values import ContainerInfo, ContainerTotal
        >>> milk = ContainerTotal("MILK", 24, "L1", gtin="09506000134352")
        >>> info = ContainerInfo("106141412345678908", "sscc", "in_stock", "A-01", None, None,
        ...     dt.datetime(2026, 12, 7), totals=(milk,))
        >>> label = SsccLabel.from_container(info)
        >>> label.gtin, label.quantity, label.lot, label.totals
        ('09506000134352', 24, 'L1', ())
        """
        if not isinstance(info, ContainerInfo):
            raise InvalidLabelData(
                field="container", value=repr(info)[:80], reason="must be a container"
            )
        if date_ai not in DATE_AIS:
            raise InvalidLabelData(field="date_ai", value=str(date_ai), reason="must be 15 or 17")
        if info.scheme != "sscc":
            raise InvalidLabelData(
                field="sscc", value=info.code, reason=f"the container's code is a {info.scheme}"
            )
        totals = tuple(info.totals)
        for total in totals:
            _total(total)
        for total in totals:
            _gs1_total(total, date_ai)
        cases = len(info.children) or None
        code = info.code if sscc is None else sscc
        if len(totals) == 1:
            (t,) = totals
            return cls(
                sscc=code,
                gtin=t.gtin,
                quantity=t.quantity,
                lot=t.lot,
                best_before=t.expiry if date_ai == "15" else None,
                expiry=t.expiry if date_ai == "17" else None,
                item=t.item,
                description=t.description,
                cases=cases,
                date_ai=date_ai,
            )
        return cls(sscc=code, totals=totals, cases=cases, date_ai=date_ai)


def _total(t: object) -> None:
    if not isinstance(t, ContainerTotal):
        raise InvalidLabelData(field="totals", value=repr(t)[:80], reason="must be totals")
    _text("item", t.item)
    _quantity(t.quantity)
    _optional_text("gtin", t.gtin)
    _optional_text("lot", t.lot)
    _date("expiry", t.expiry)
    _text("description", t.description, required=False)


def _gs1_total(t: ContainerTotal, date_ai: DateAi) -> None:
    """A row with a GTIN is a GS1 trade item: its fields must make GS1 element strings."""
    if t.gtin is None:
        return
    pairs = [("02", t.gtin), ("37", str(t.quantity))]
    if t.lot is not None:
        pairs.append(("10", t.lot))
    if t.expiry is not None:
        pairs.append((date_ai, gs1_date(t.expiry)))
    names = {"02": "gtin", "37": "quantity", "10": "lot", date_ai: "expiry"}
    build_gs1(pairs, fields=names, symbology="gs1_128")


@dataclass(frozen=True)
class LocationLabel:
    """A bin or shelf: a Code 128 of ``prefix + code`` (the gateway's location scheme)."""

    code: str
    name: str = ""
    prefix: str = ""
    kind: ClassVar[LabelKind] = "location"

    def __post_init__(self) -> None:
        _text("code", self.code)
        _text("name", self.name, required=False)
        _text("prefix", self.prefix, required=False)


Label = SerialLabel | LotLabel | SsccLabel | LocationLabel


@dataclass(frozen=True)
class LabelSize:
    """Width and height in millimetres at a print resolution of 203, 300 or 600 dpi."""

    width_mm: float
    height_mm: float
    dpi: int = 203

    def __post_init__(self) -> None:
        def bad(reason: str) -> InvalidLabelSize:
            return InvalidLabelSize(
                width_mm=self.width_mm, height_mm=self.height_mm, dpi=self.dpi, reason=reason
            )

        if self.dpi not in DPI:
            raise bad(f"dpi must be one of {', '.join(map(str, DPI))}")
        for v in (self.width_mm, self.height_mm):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise bad("width and height must be numbers")
            if not 5 <= v <= 1000:
                raise bad("width and height must be between 5 and 1000 mm")

    @classmethod
    def inches(cls, width_in: float, height_in: float, dpi: int = 203) -> LabelSize:
        """A size given in inches (4 x 6 in is the common shipping label)."""
        return cls(round(width_in * 25.4, 3), round(height_in * 25.4, 3), dpi)

    @property
    def width_in(self) -> float:
        return round(self.width_mm / 25.4, 4)

    @property
    def height_in(self) -> float:
        return round(self.height_mm / 25.4, 4)

    @property
    def dots_per_mm(self) -> int:
        return _DOTS_PER_MM[self.dpi]

    @property
    def width_dots(self) -> int:
        return self.dots(self.width_mm)

    @property
    def height_dots(self) -> int:
        return self.dots(self.height_mm)

    def dots(self, mm: float) -> int:
        """Millimetres to whole printer dots."""
        return round(mm * self.dots_per_mm)

    def mm(self, dots: int) -> float:
        return round(dots / self.dots_per_mm, 2)

    def module_dots(self, mm: float) -> int:
        """A module (narrowest bar, matrix cell) snapped to whole dots, at least 2."""
        return min(MAX_MODULE_DOTS, max(MIN_MODULE_DOTS, round(mm * self.dots_per_mm)))


def _opt_date(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError as exc:
        raise InvalidLabelData(field="date", value=str(v), reason="must be YYYY-MM-DD") from exc


def _opt_str(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


def _opt_int(v: Any) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, int):
        return v
    try:
        return int(str(v))
    except ValueError as exc:
        raise InvalidLabelData(field="quantity", value=str(v), reason="must be whole") from exc


def container_from_payload(data: Any) -> ContainerInfo:
    """A container as the core encodes it in a label job (``codec.encode(ContainerInfo)``).

    The codec trusts its input; a payload is data, so what it makes is checked here.
    """
    if not isinstance(data, Mapping):
        raise InvalidLabelData(
            field="container", value=repr(data)[:80], reason="must be an encoded container"
        )
    try:
        info: object = decode(ContainerInfo, data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidLabelData(
            field="container",
            value=str(data.get("code", ""))[:80],
            reason=f"not an encoded container ({type(exc).__name__}: {exc})",
        ) from exc
    if not isinstance(info, ContainerInfo):
        raise InvalidLabelData(field="container", value=repr(data)[:80], reason="not a container")
    _check_tree(info)
    return info


def _check_tree(info: ContainerInfo) -> None:
    _text("code", info.code)
    for name in ("contents", "children", "totals"):
        if not isinstance(getattr(info, name), tuple):
            raise InvalidLabelData(field=name, value=info.code, reason="must be a list")
    for total in info.totals:
        _total(total)
    for child in info.children:
        if not isinstance(child, ContainerInfo):
            raise InvalidLabelData(field="children", value=info.code, reason="must be containers")
        _check_tree(child)


def labels_from_payload(kind: str, payload: Mapping[str, Any]) -> list[Label]:
    """The labels of an outbox job (the payload the core wrote with the numbers).

    >>> [x.serial for x in labels_from_payload("serial", {"item": "LAP", "serials": ["S1", "S2"]})]
    ['S1', 'S2']
    """
    p = dict(payload)
    if kind == "serial":
        return [
            SerialLabel(
                item=str(p.get("item") or ""),
                description=str(p.get("description") or ""),
                serial=str(s),
                gtin=_opt_str(p.get("gtin")),
                lot=_opt_str(p.get("lot")),
                expiry=_opt_date(p.get("expiry")),
            )
            for s in p.get("serials") or ([p["serial"]] if p.get("serial") else [])
        ]
    if kind == "lot":
        return [
            LotLabel(
                item=str(p.get("item") or ""),
                description=str(p.get("description") or ""),
                lot=str(p.get("lot") or ""),
                quantity=_opt_int(p.get("quantity")),
                expiry=_opt_date(p.get("expiry")),
                production_date=_opt_date(p.get("production_date")),
                gtin=_opt_str(p.get("gtin")),
            )
        ]
    if kind == "sscc":
        if "container" in p:
            info = container_from_payload(p["container"])
            date_ai = str(p.get("date_ai") or "17")
            if date_ai not in DATE_AIS:
                raise InvalidLabelData(field="date_ai", value=date_ai, reason="must be 15 or 17")
            codes = p.get("ssccs") or [p.get("sscc") or info.code]
            return [
                SsccLabel.from_container(
                    info,
                    sscc=str(s),
                    date_ai="15" if date_ai == "15" else "17",
                )
                for s in codes
            ]
        contents = p.get("contents")
        if isinstance(contents, str):
            lines = tuple(contents.splitlines())
        elif isinstance(contents, list | tuple):
            lines = tuple(str(x) for x in contents)
        else:
            skip = {"ssccs", "sscc", "gtin", "quantity"}
            lines = tuple(f"{k}: {v}" for k, v in p.items() if k not in skip and v is not None)
        return [
            SsccLabel(
                sscc=str(s),
                contents=lines,
                gtin=_opt_str(p.get("gtin")),
                quantity=_opt_int(p.get("quantity")),
            )
            for s in p.get("ssccs") or ([p["sscc"]] if p.get("sscc") else [])
        ]
    if kind == "location":
        rows = p.get("locations") or [p]  # a range, or one location
        return [
            LocationLabel(
                code=str(r.get("code") or ""),
                name=str(r.get("name") or ""),
                prefix=str(p.get("prefix") or ""),
            )
            for r in rows
        ]
    raise InvalidLabelData(field="kind", value=kind, reason="must be serial, lot, sscc or location")
