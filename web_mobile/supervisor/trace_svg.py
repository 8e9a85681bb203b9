"""A trace as an SVG picture: the number, its documents, their partners, in columns.

Laid out here rather than by a library: three columns of boxes need no graph layout
(graphviz would need its binary on every server), and drawing them ourselves keeps the
picture plain SVG that prints and scales. Documents are grouped by partner and each
partner sits level with its documents, so no two lines cross.

>>> from tracking_core.values import Trace
>>> svg = render(Trace(item="MILK", number="L1", direction="forward"))
>>> "L1" in svg and "no shipments" in svg
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape

from tracking_core.values import Trace, TraceHit

BOX_W, BOX_H, ROW, GAP_X, PAD = 230, 46, 62, 90, 16
FONT = "font-family='system-ui, sans-serif'"
MAX_CHARS = 30


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    title: str
    sub: str
    kind: str  # number | document | partner


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def _box(b: Box) -> str:
    return (
        f"<g class='trace-{b.kind}'>"
        f"<rect x='{b.x:.0f}' y='{b.y:.0f}' width='{BOX_W}' height='{BOX_H}' rx='6'/>"
        f"<text x='{b.x + 10:.0f}' y='{b.y + 19:.0f}' class='t'>{escape(_short(b.title))}</text>"
        f"<text x='{b.x + 10:.0f}' y='{b.y + 37:.0f}' class='s'>{escape(_short(b.sub))}</text>"
        "</g>"
    )


def _line(a: Box, b: Box, label: str = "") -> str:
    """From a's right edge to b's left edge, as a smooth curve, with a label near b."""
    x1, y1 = a.x + BOX_W, a.y + BOX_H / 2
    x2, y2 = b.x, b.y + BOX_H / 2
    mid = (x1 + x2) / 2
    path = (
        f"<path d='M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}'/>"
    )
    if not label:
        return path
    return path + f"<text x='{x2 - 6:.0f}' y='{y2 - 6:.0f}' class='q'>{escape(label)}</text>"


def _grouped(hits: Iterable[TraceHit]) -> list[tuple[str, list[TraceHit]]]:
    groups: dict[str, list[TraceHit]] = {}
    for h in sorted(hits, key=lambda h: (h.partner or "", h.posted_at, h.document)):
        groups.setdefault(h.partner or "", []).append(h)
    return list(groups.items())


def _center(top: float, rows: int) -> float:
    """The y of a box level with the middle of ``rows`` rows starting at ``top``."""
    return top + (rows * ROW - (ROW - BOX_H)) / 2 - BOX_H / 2


def render(trace: Trace) -> str:
    forward = trace.direction == "forward"
    # one document box per document (a lot may leave in several lines of one shipment)
    per_doc: dict[str, list[TraceHit]] = {}
    for h in trace.hits:
        per_doc.setdefault(h.document, []).append(h)
    groups = _grouped(hs[0] for hs in per_doc.values())
    rows = max(1, len(per_doc))
    height = rows * ROW + 2 * PAD
    cols = [PAD + i * (BOX_W + GAP_X) for i in range(3)]
    if not forward:
        cols.reverse()  # backward: vendors on the left, the number on the right
    width = 3 * BOX_W + 2 * GAP_X + 2 * PAD
    number = Box(cols[0], _center(PAD, rows), trace.number, f"{trace.item}", "number")
    parts: list[str] = [_box(number)]
    edges: list[str] = []
    row = 0
    for partner, docs in groups:
        top = PAD + row * ROW
        who = Box(cols[2], _center(top, len(docs)), partner or "(no partner)", "", "partner")
        kind = docs[0].partner_kind or ("customer" if forward else "vendor")
        who = Box(who.x, who.y, who.title, kind, "partner")
        for h in docs:
            qty = sum(x.quantity for x in per_doc[h.document])
            doc = Box(
                cols[1],
                PAD + row * ROW,
                h.document,
                f"{h.doc_type.replace('_', ' ')} · {h.posted_at:%Y-%m-%d}",
                "document",
            )
            parts.append(_box(doc))
            if forward:
                edges += [_line(number, doc, f"{qty}"), _line(doc, who)]
            else:
                edges += [_line(who, doc), _line(doc, number, f"{qty}")]
            row += 1
        parts.append(_box(who))
    if not per_doc:
        empty = "no shipments" if forward else "no receipts"
        parts.append(
            f"<text x='{cols[1] + 10:.0f}' y='{number.y + 28:.0f}' class='s'>{empty}</text>"
        )
    title = f"{'Forward' if forward else 'Backward'} trace of {trace.item} {trace.number}"
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='trace' role='img' "
        f"viewBox='0 0 {width} {height}' width='{width}' height='{height}' {FONT}>"
        f"<title>{escape(title)}</title>"
        "<style>rect{fill:#fff;stroke:#333;stroke-width:1.5}"
        ".trace-number rect{fill:#fde68a}.trace-partner rect{fill:#dbeafe}"
        "path{fill:none;stroke:#555;stroke-width:1.5}"
        ".t{font-size:14px;font-weight:600}.s{font-size:12px;fill:#444}"
        ".q{font-size:12px;text-anchor:end;fill:#000}</style>"
        f"<g class='edges'>{''.join(edges)}</g>{''.join(parts)}</svg>"
    )
