"""A container's packing list as a PDF: what a dock supervisor checks a pallet against.

Page 1 has the SSCC (GS1-128 and its digits), status, location and document, what the
container holds in all (its totals), and its cases with their SSCCs; then the tree, each
case indented under its parent with its own contents. Serials of one item and lot are
listed compactly, in columns of a fixed-width font, sorted, so they can be ticked off.
Table headers repeat on every page a table runs onto, and every page says "Page N of M".

>>> import datetime as dt
>>> from tracking_core.values import ContainerContent, ContainerInfo
>>> at = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
>>> case = ContainerInfo("106141412345678908", "sscc", "in_stock", "DOCK-1", None, None, at,
...     contents=(ContainerContent("LAP-14", 1, serial="SN-1"),))
>>> pdf = packing_list_pdf(case, printed_at=at)
>>> pdf[:5], pdf == packing_list_pdf(case, printed_at=at)
(b'%PDF-', True)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Indenter,
    LongTable,
    PageTemplate,
    Spacer,
    TableStyle,
)

from scanner_gateway.labels.errors import InvalidLabelData
from scanner_gateway.labels.gs1 import build_gs1
from scanner_gateway.labels.symbols import LinearSymbol, dark_runs, gs1_128_symbol
from tracking_core.values import ContainerContent, ContainerInfo, ContainerTotal

__all__ = ["PAGE_SIZES", "packing_list_pdf", "serial_columns"]

PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}
FONT, BOLD, MONO = "Helvetica", "Helvetica-Bold", "Courier"
SIZE, SMALL = 8.5, 7.5
MARGIN = 14 * mm
INDENT = 7 * mm  # per level of the tree
MODULE = 0.4 * mm  # the SSCC barcode's narrowest bar on paper
STATUS = {
    "expected": "expected (announced)",
    "pending": "pending (on an inbound document)",
    "in_stock": "in stock",
    "allocated": "allocated (on an outbound document)",
    "shipped": "shipped",
}
_CONTENT_COLUMNS = ("Item", "Description", "GTIN", "Serial / lot", "Expiry", "Qty")
_CONTENT_WIDTHS = (0.15, 0.29, 0.16, 0.2, 0.11, 0.09)
_TOTAL_COLUMNS = ("Item", "Description", "GTIN", "Lot", "Expiry", "Qty")
_CASE_COLUMNS = ("Case", "SSCC", "Holds", "Units", "Checked")
_CASE_WIDTHS = (0.1, 0.24, 0.46, 0.1, 0.1)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _when(value: dt.datetime) -> str:
    """Minutes, with the offset when the time has one (a printed time must say its zone)."""
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.utcoffset() is None:
        return text
    return text + (" UTC" if value.utcoffset() == dt.timedelta(0) else value.strftime(" %z"))


def _fit(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """``text`` cut with an ellipsis to ``width`` points (plain cells: no wrapping)."""
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid].rstrip() + "...", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "..."


def serial_columns(serials: Sequence[str], width: float, size: float = SMALL) -> list[str]:
    """Serials in rows of fixed-width columns that fill ``width`` points, read across.

    >>> serial_columns(["S10", "S2", "S1"], 100)
    ['S1   S2   S10']
    """
    ordered = sorted(serials, key=_natural)
    cell = max(len(s) for s in ordered) + 2
    char = stringWidth("0", MONO, size)
    per_row = max(1, int((width + 2 * char) // (cell * char)))
    rows = [ordered[i : i + per_row] for i in range(0, len(ordered), per_row)]
    return ["".join(s.ljust(cell) for s in row).rstrip() for row in rows]


def _natural(text: str) -> tuple[Any, ...]:
    """S2 before S10: digit runs compare as numbers."""
    out: list[Any] = []
    for digit, run in groupby(text, str.isdigit):
        chunk = "".join(run)
        out.append((0, int(chunk), chunk) if digit else (1, 0, chunk))
    return tuple(out)


class _Barcode(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """A GS1-128 symbol drawn from our modules (as the labels are), digits under it."""

    def __init__(self, symbol: LinearSymbol, height: float) -> None:
        super().__init__()
        self.symbol, self.bars = symbol, height
        self.width = (symbol.width + 20) * MODULE  # ten modules of quiet zone each side
        self.height = height + 4 * mm

    def draw(self) -> None:
        c = self.canv
        left = 10 * MODULE
        for start, run in dark_runs(self.symbol.modules, "1"):
            c.rect(left + start * MODULE, 4 * mm, run * MODULE, self.bars, stroke=0, fill=1)
        c.setFont(FONT, 9)
        c.drawCentredString(self.width / 2, 0.8 * mm, self.symbol.hri)


class _Text(Flowable):  # type: ignore[misc]
    """One line of text; cheaper than a Paragraph, and never reads markup."""

    def __init__(self, text: str, font: str = FONT, size: float = SIZE, space: float = 2) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.height = size * 1.25 + space

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.size)
        self.canv.drawString(0, self.height - self.size, _fit(self.text, self.width, self.font,
                                                               self.size))  # fmt: skip


def _table(
    header: Sequence[str],
    rows: list[list[str]],
    widths: Sequence[float],
    spans: Sequence[int] = (),
    caption: str | None = None,
) -> LongTable:
    """A table whose header (and ``caption``) repeat on each page it runs onto.

    ``spans``: the indexes in ``rows`` of rows that are one cell across (serials).
    """
    top = (
        [[_fit(caption, sum(widths) - 6, BOLD, 9.5)] + [""] * (len(header) - 1)] if caption else []
    )
    first = len(top) + 1  # the first body row
    body = [
        row if i in spans else [_fit(c, w - 6) for c, w in zip(row, widths, strict=True)]
        for i, row in enumerate(rows)
    ]
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, first - 1), (-1, first - 1), BOLD, SIZE),
        ("FONT", (0, first), (-1, -1), FONT, SIZE),
        ("LINEBELOW", (0, first - 1), (-1, first - 1), 0.6, (0, 0, 0)),
        ("BACKGROUND", (0, first - 1), (-1, first - 1), (0.9, 0.9, 0.9)),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("ALIGN", (-1, first - 1), (-1, -1), "RIGHT"),
    ]
    if caption:
        style += [("SPAN", (0, 0), (-1, 0)), ("FONT", (0, 0), (-1, 0), BOLD, 9.5),
                  ("TOPPADDING", (0, 0), (-1, 0), 4)]  # fmt: skip
    for i in spans:
        r = first + i
        style += [
            ("SPAN", (0, r), (-1, r)),
            ("FONT", (0, r), (-1, r), MONO, SMALL),
            ("ALIGN", (0, r), (-1, r), "LEFT"),
            ("LEFTPADDING", (0, r), (-1, r), 12),
            ("TOPPADDING", (0, r), (-1, r), 0),
            ("BOTTOMPADDING", (0, r), (-1, r), 0.6),
        ]
    table = LongTable([*top, list(header), *body], colWidths=list(widths), repeatRows=first,
                      hAlign="LEFT")  # fmt: skip
    table.setStyle(TableStyle(style))
    return table


def _content_rows(
    contents: Sequence[ContainerContent], width: float
) -> tuple[list[list[str]], list[int]]:
    """One row per lot quantity; one per item and lot for serials, then the serials."""
    rows: list[list[str]] = []
    spans: list[int] = []

    def key(c: ContainerContent) -> tuple[Any, ...]:
        return (c.item, c.serial is None, c.lot or "", c.expiry or dt.date.min, c.gtin or "")

    for (item, loose, lot, _e, _g), group in groupby(sorted(contents, key=key), key=key):
        found = list(group)
        first = found[0]
        if loose:  # lot quantities (the same lot twice stays two rows: they were two)
            for c in found:
                rows.append([c.item, c.description, c.gtin or "", f"lot {c.lot}" if c.lot else "",
                             _date(c.expiry), str(c.quantity)])  # fmt: skip
            continue
        serials = [c.serial or "" for c in found]
        what = f"{len(serials)} serial{'s' if len(serials) != 1 else ''}"
        rows.append([item, first.description, first.gtin or "",
                     f"{what}, lot {lot}" if lot else what, _date(first.expiry),
                     str(len(serials))])  # fmt: skip
        for line in serial_columns(serials, width - 15):
            spans.append(len(rows))
            rows.append([line, "", "", "", "", ""])
    return rows, spans


def _holds(totals: Sequence[ContainerTotal]) -> str:
    return ", ".join(f"{t.quantity} x {t.item}" + (f" lot {t.lot}" if t.lot else "")
                     for t in totals)  # fmt: skip


def _walk(info: ContainerInfo, depth: int = 0) -> Iterator[tuple[int, ContainerInfo]]:
    yield depth, info
    for child in info.children:
        yield from _walk(child, depth + 1)


@dataclass(frozen=True)
class _Page:
    title: str
    code: str
    printed: str
    size: tuple[float, float]


def _numbered_canvas(page: _Page) -> type[Canvas]:
    """A canvas that keeps its pages until the end, so each can say "of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for number, state in enumerate(self._kept, start=1):
                self.__dict__.update(state)
                w, _h = page.size
                self.setFont(FONT, SMALL)
                self.drawString(MARGIN, 8 * mm, f"{page.title} {page.code}")
                self.drawCentredString(w / 2, 8 * mm, f"Printed {page.printed}")
                self.drawRightString(w - MARGIN, 8 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _header(info: ContainerInfo, title: str, printed: str, width: float) -> list[Flowable]:
    out: list[Flowable] = [_Text(title, BOLD, 16, 4)]
    if info.scheme == "sscc":
        symbol = gs1_128_symbol(build_gs1([("00", info.code)], fields={"00": "sscc"}))
        out.append(_Barcode(symbol, 16 * mm))
        out.append(Spacer(1, 2 * mm))
        out.append(_Text(f"SSCC {info.code}", BOLD, 12, 3))
    else:
        out.append(_Text(f"Licence plate {info.code}", BOLD, 12, 3))
    units = info.quantity
    cases = sum(1 for _ in _walk(info)) - 1
    facts = [
        f"Status: {STATUS.get(info.status, info.status)}",
        f"Location: {info.location or '-'}",
        f"Document: {info.document or '-'}",
        f"Packed in: {info.parent}" if info.parent else "",
        f"Created: {_when(info.created_at)}    Printed: {printed}",
        f"Holds: {units} unit{'s' if units != 1 else ''} of {len({t.item for t in info.totals})} "
        f"item(s) in {len(info.totals)} line(s)"
        + (f", in {cases} case{'s' if cases != 1 else ''}" if cases else ""),
    ]
    out += [_Text(f, FONT, 10, 1.5) for f in facts if f]
    out.append(Spacer(1, 3 * mm))
    return out


def packing_list_pdf(
    info: ContainerInfo,
    *,
    title: str = "Packing list",
    printed_at: dt.datetime,
    page: Literal["A4", "Letter"] = "A4",
) -> bytes:
    """The packing list of ``info`` (a pallet or case with its tree) as PDF bytes.

    ``printed_at`` is shown on every page (pass the request's time: the PDF itself holds
    no clock, so the same container and time make the same bytes).
    """
    if not isinstance(info, ContainerInfo):
        raise InvalidLabelData(field="container", value=repr(info)[:80], reason="not a container")
    if not isinstance(printed_at, dt.datetime):
        raise InvalidLabelData(field="printed_at", value=repr(printed_at), reason="a datetime")
    if page not in PAGE_SIZES:
        raise InvalidLabelData(field="page", value=str(page), reason="must be A4 or Letter")
    if not isinstance(title, str) or not title.strip():
        raise InvalidLabelData(field="title", value=repr(title), reason="must be some text")
    size = PAGE_SIZES[page]
    width = size[0] - 2 * MARGIN
    printed = _when(printed_at)
    story: list[Flowable] = _header(info, title, printed, width)

    story.append(_Text("What it holds in all", BOLD, 11, 3))
    if info.totals:
        rows = [[t.item, t.description, t.gtin or "", t.lot or "", _date(t.expiry), str(t.quantity)]
                for t in info.totals]  # fmt: skip
        rows.append(["Total", "", "", "", "", str(info.quantity)])
        table = _table(_TOTAL_COLUMNS, rows, [width * f for f in _CONTENT_WIDTHS])
        table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), BOLD, SIZE),
                                   ("LINEABOVE", (0, -1), (-1, -1), 0.6, (0, 0, 0))]))  # fmt: skip
        story.append(table)
    else:
        story.append(_Text("Nothing: the container is empty."))
    story.append(Spacer(1, 4 * mm))

    tree = list(_walk(info))
    if len(tree) > 1:
        story.append(_Text("Cases (tick each one found)", BOLD, 11, 3))
        rows = []
        for n, (depth, node) in enumerate(tree[1:], start=1):
            rows.append([str(n), "  " * (depth - 1) + node.code, _holds(node.totals),
                         str(node.quantity), "[  ]"])  # fmt: skip
        table = _table(_CASE_COLUMNS, rows, [width * f for f in _CASE_WIDTHS])
        table.setStyle(TableStyle([("FONT", (1, 1), (1, -1), MONO, SIZE),
                                   ("ALIGN", (-2, 0), (-2, -1), "RIGHT"),
                                   ("ALIGN", (-1, 0), (-1, -1), "CENTER")]))  # fmt: skip
        story.append(table)
        story.append(Spacer(1, 4 * mm))

    story.append(_Text("Contents, case by case", BOLD, 11, 3))
    for n, (depth, node) in enumerate(tree):
        indent = INDENT * depth
        inner = width - indent
        where = "" if depth == 0 else f"  in {node.parent}"
        kind = "SSCC" if node.scheme == "sscc" else "Plate"
        heading = (f"{'Case ' + str(n) if depth else 'On the container itself'}: "
                   f"{kind} {node.code}{where} - {node.quantity} unit(s)"
                   + (f", {len(node.children)} case(s)" if node.children else ""))  # fmt: skip
        if depth == 0 and not node.contents:
            continue  # a pallet of cases holds nothing loose: its cases follow
        story.append(Indenter(left=indent))
        if node.contents:
            rows, spans = _content_rows(node.contents, inner)
            widths = [inner * f for f in _CONTENT_WIDTHS]
            story.append(_table(_CONTENT_COLUMNS, rows, widths, spans, caption=heading))
        else:
            story += [_Text(heading, BOLD, 9.5, 2), _Text("No loose contents: its cases follow.")]
        story += [Spacer(1, 3 * mm), Indenter(left=-indent)]

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title} {info.code}",
        creator="scantrack",
        invariant=1,
    )
    frame = Frame(MARGIN, MARGIN, width, size[1] - 2 * MARGIN, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    pager = _numbered_canvas(_Page(title, info.code, printed, size))
    doc.build(story, canvasmaker=pager)
    return out.getvalue()
