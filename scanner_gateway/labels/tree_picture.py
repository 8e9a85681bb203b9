"""A picture of a packed container's tree: the pallet on top, its cases below, with lines.

Each box names its container (SSCC or plate) and lists what it holds in all (its totals).
The geometry is computed once (:func:`tree_layout`); SVG and PNG draw the same boxes,
lines and text, measured with the labels' font (:mod:`scanner_gateway.labels.fonts`).

>>> import datetime as dt
>>> from tracking_core.values import ContainerInfo, ContainerTotal
>>> at = dt.datetime(2026, 12, 7, 9, 30)
>>> case = ContainerInfo("106141400000000010", "sscc", "in_stock", "DOCK-1", None, None, at,
...     totals=(ContainerTotal("MILK-1L", 24, "L261124-01"),))
>>> [b.lines for b in tree_layout(case).boxes]
[('Case', 'SSCC 106141400000000010', '24 x MILK-1L  lot L261124-01')]
>>> tree_svg(case).startswith("<svg")
True

``python -m scanner_gateway.labels.tree_picture docs/pallet-tree.png`` draws the README's
picture (a demo pallet of three cases).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw

from scanner_gateway.labels.errors import InvalidLabelData
from scanner_gateway.labels.fonts import font, text_width
from tracking_core.values import ContainerInfo, ContainerTotal

__all__ = [
    "Box",
    "Edge",
    "TreeLayout",
    "demo_pallet",
    "tree_image",
    "tree_layout",
    "tree_png",
    "tree_svg",
]

TITLE, TEXT = 17, 14  # px per em
PAD, GAP_X, GAP_Y, MARGIN = 10, 24, 48, 16
LINE = 1.35  # line pitch per em
MIN_WIDTH = 170
INK, EDGE = "#1f2933", "#52606d"
FILLS = ("#dbeafe", "#f1f5f9")  # the top container, then the ones inside it
STATUS = {"in_stock": "in stock", "allocated": "allocated", "pending": "pending",
          "expected": "expected", "shipped": "shipped"}  # fmt: skip


@dataclass(frozen=True)
class Box:
    """One container: its lines (title first), at ``x, y`` (top left), in pixels."""

    x: int
    y: int
    width: int
    height: int
    lines: tuple[str, ...]
    depth: int


@dataclass(frozen=True)
class Edge:
    """A polyline from a parent's bottom to a child's top."""

    points: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TreeLayout:
    width: int
    height: int
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


def _total_line(t: ContainerTotal) -> str:
    parts = [f"{t.quantity} x {t.item}"]
    if t.lot:
        parts.append(f"lot {t.lot}")
    if t.expiry:
        parts.append(f"exp {t.expiry.isoformat()}")
    return "  ".join(parts)


def _lines(info: ContainerInfo, depth: int, number: int, max_rows: int) -> tuple[str, ...]:
    if depth == 0:
        where = STATUS.get(info.status, info.status)
        if info.location:
            where += f" at {info.location}"
        title = f"{'Pallet' if info.children else 'Case'}"
        head = [title + (f", {where}" if info.children else ""), _code(info)]
    else:
        head = [f"Case {number}", _code(info)]
    rows = [_total_line(t) for t in info.totals] or ["empty"]
    if len(rows) > max_rows:  # say how many are left out, as the SSCC label does
        rows = [*rows[: max_rows - 1], f"+{len(rows) - max_rows + 1} more"]
    return (*head, *rows)


def _code(info: ContainerInfo) -> str:
    return f"SSCC {info.code}" if info.scheme == "sscc" else f"Plate {info.code}"


def _size(lines: Sequence[str]) -> tuple[int, int]:
    widths = [text_width(lines[0], TITLE)] + [text_width(x, TEXT) for x in lines[1:]]
    height = round(TITLE * LINE) + round(TEXT * LINE) * (len(lines) - 1)
    return max(MIN_WIDTH, max(widths) + 2 * PAD), height + 2 * PAD


@dataclass
class _Node:
    info: ContainerInfo
    lines: tuple[str, ...]
    width: int
    height: int
    depth: int
    children: list[_Node]
    span: int = 0  # the width of its subtree
    x: int = 0


def _build(info: ContainerInfo, depth: int, number: int, max_rows: int, seen: set[str]) -> _Node:
    if not isinstance(info, ContainerInfo):
        raise InvalidLabelData(field="container", value=repr(info)[:80], reason="not a container")
    if info.code in seen:  # a tree from the core has no cycles; a hand-made value might
        raise InvalidLabelData(field="children", value=info.code, reason="appears twice")
    seen.add(info.code)
    lines = _lines(info, depth, number, max_rows)
    width, height = _size(lines)
    kids = [_build(c, depth + 1, i, max_rows, seen) for i, c in enumerate(info.children, 1)]
    node = _Node(info, lines, width, height, depth, kids)
    inner = sum(k.span for k in kids) + GAP_X * (len(kids) - 1) if kids else 0
    node.span = max(width, inner)
    return node


def _place(node: _Node, left: int) -> None:
    node.x = left + (node.span - node.width) // 2
    inner = sum(k.span for k in node.children) + GAP_X * (len(node.children) - 1)
    cursor = left + (node.span - inner) // 2
    for kid in node.children:
        _place(kid, cursor)
        cursor += kid.span + GAP_X


def tree_layout(info: ContainerInfo, *, max_rows: int = 6) -> TreeLayout:
    """Boxes and lines of ``info``'s tree, every level the height of its tallest box."""
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise InvalidLabelData(field="max_rows", value=repr(max_rows), reason="must be >= 1")
    root = _build(info, 0, 0, max_rows, set())
    _place(root, MARGIN)
    levels: list[int] = []
    stack = [root]
    flat: list[_Node] = []
    while stack:
        node = stack.pop(0)
        flat.append(node)
        if node.depth == len(levels):
            levels.append(0)
        levels[node.depth] = max(levels[node.depth], node.height)
        stack.extend(node.children)
    tops = [MARGIN]
    for h in levels[:-1]:
        tops.append(tops[-1] + h + GAP_Y)
    boxes: list[Box] = []
    edges: list[Edge] = []
    for node in flat:
        top = tops[node.depth]
        height = levels[node.depth]
        boxes.append(Box(node.x, top, node.width, height, node.lines, node.depth))
        bottom, mid_x = top + height, node.x + node.width // 2
        for kid in node.children:
            bend = bottom + GAP_Y // 2
            kid_x = kid.x + kid.width // 2
            points = ((mid_x, bottom), (mid_x, bend), (kid_x, bend), (kid_x, tops[kid.depth]))
            edges.append(Edge(points))
    width = root.span + 2 * MARGIN
    height = tops[-1] + levels[-1] + MARGIN
    return TreeLayout(width, height, tuple(boxes), tuple(edges))


def _text_rows(box: Box) -> list[tuple[int, int, str, bool]]:
    """(x, top, text, bold) of each line of a box."""
    out = []
    y = box.y + PAD
    for i, text in enumerate(box.lines):
        out.append((box.x + PAD, y, text, i == 0))
        y += round((TITLE if i == 0 else TEXT) * LINE)
    return out


def tree_svg(info: ContainerInfo, *, max_rows: int = 6) -> str:
    """The tree as SVG, in pixels (the PNG's at scale 1)."""
    lay = tree_layout(info, max_rows=max_rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width}" height="{lay.height}" '
        f'viewBox="0 0 {lay.width} {lay.height}" '
        f"font-family={quoteattr('DejaVu Sans, Arial, sans-serif')}>",
        f'<rect width="{lay.width}" height="{lay.height}" fill="#fff"/>',
    ]
    for e in lay.edges:
        points = " ".join(f"{x},{y}" for x, y in e.points)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{EDGE}" stroke-width="2"/>')
    for b in lay.boxes:
        fill = FILLS[min(b.depth, 1)]
        parts.append(
            f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" rx="6" '
            f'fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
        )
        for x, top, text, bold in _text_rows(b):
            size = TITLE if bold else TEXT
            weight = ' font-weight="bold"' if bold else ""
            parts.append(
                f'<text x="{x}" y="{top + round(size * 0.8)}" font-size="{size}"{weight} '
                f'fill="{INK}">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def tree_image(info: ContainerInfo, *, scale: int = 2, max_rows: int = 6) -> Image.Image:
    """The tree as an RGB Pillow image, ``scale`` pixels per SVG unit."""
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 4:
        raise InvalidLabelData(field="scale", value=repr(scale), reason="must be 1 to 4")
    lay = tree_layout(info, max_rows=max_rows)
    s = scale
    img = Image.new("RGB", (lay.width * s, lay.height * s), "#ffffff")
    draw = ImageDraw.Draw(img)
    for e in lay.edges:
        draw.line([(x * s, y * s) for x, y in e.points], fill=EDGE, width=2 * s, joint="curve")
    for b in lay.boxes:
        draw.rounded_rectangle(
            (b.x * s, b.y * s, (b.x + b.width) * s, (b.y + b.height) * s),
            radius=6 * s,
            fill=FILLS[min(b.depth, 1)],
            outline=INK,
            width=max(1, round(1.5 * s)),
        )
        for x, top, text, bold in _text_rows(b):
            size = (TITLE if bold else TEXT) * s
            # the built-in font has no bold face: a title is drawn twice, a pixel apart
            for dx in (0, 1) if bold else (0,):
                draw.text((x * s + dx, top * s), text, font=font(size), fill=INK, anchor="la")
    return img


def tree_png(info: ContainerInfo, *, scale: int = 2, max_rows: int = 6) -> bytes:
    """PNG bytes of the tree (``scale`` 2 is sharp on a README)."""
    out = io.BytesIO()
    tree_image(info, scale=scale, max_rows=max_rows).save(out, "PNG", optimize=True)
    return out.getvalue()


def demo_pallet() -> ContainerInfo:
    """A pallet of three cases of the demo's two items: laptops (serials), milk (lots)."""
    at = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    pallet = "106141400000000102"
    laptop = ("LAPTOP-14", "09506000134352", 'Laptop 14"')
    milk = ("MILK-1L", "09506000134376", "Whole milk 1 l")
    first, second = ("L261124-01", dt.date(2026, 12, 24)), ("L261201-02", dt.date(2026, 12, 31))
    packed = [  # case: laptops, milk lot, milk units
        ("106141400000000010", 4, first, 12),
        ("106141400000000027", 4, first, 12),
        ("106141400000000034", 2, second, 24),
    ]
    cases = tuple(
        ContainerInfo(code, "sscc", "in_stock", "DOCK-1", None, pallet, at, totals=(
            ContainerTotal(laptop[0], serials, None, None, laptop[1], laptop[2]),
            ContainerTotal(milk[0], units, lot, expiry, milk[1], milk[2]),
        ))
        for code, serials, (lot, expiry), units in packed
    )  # fmt: skip
    totals = (
        ContainerTotal(laptop[0], 10, None, None, laptop[1], laptop[2]),
        ContainerTotal(milk[0], 24, first[0], first[1], milk[1], milk[2]),
        ContainerTotal(milk[0], 24, second[0], second[1], milk[1], milk[2]),
    )
    return ContainerInfo(pallet, "sscc", "in_stock", "DOCK-1", None, None, at,
                         children=cases, totals=totals)  # fmt: skip


if __name__ == "__main__":  # pragma: no cover (the README's picture: see the docstring)
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/pallet-tree.png"
    with open(target, "wb") as f:
        f.write(tree_png(demo_pallet()))
    print(target)
