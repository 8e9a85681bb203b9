"""The tree picture: geometry first (boxes, lines), then the same in SVG and PNG."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from scanner_gateway.labels import InvalidLabelData
from scanner_gateway.labels.tree_picture import (
    demo_pallet,
    tree_image,
    tree_layout,
    tree_png,
    tree_svg,
)
from tracking_core.values import ContainerInfo, ContainerTotal

README_PICTURE = Path(__file__).parents[2] / "docs" / "pallet-tree.png"
SVG = "{http://www.w3.org/2000/svg}"


def test_the_pallet_is_on_top_and_its_cases_below_in_order() -> None:
    lay = tree_layout(demo_pallet())
    pallet, *cases = lay.boxes
    assert pallet.lines == (
        "Pallet, in stock at DOCK-1",
        "SSCC 106141400000000102",
        "10 x LAPTOP-14",
        "24 x MILK-1L  lot L261124-01  exp 2026-12-24",
        "24 x MILK-1L  lot L261201-02  exp 2026-12-31",
    )
    assert [c.lines for c in cases] == [
        ("Case 1", "SSCC 106141400000000010", "4 x LAPTOP-14",
         "12 x MILK-1L  lot L261124-01  exp 2026-12-24"),
        ("Case 2", "SSCC 106141400000000027", "4 x LAPTOP-14",
         "12 x MILK-1L  lot L261124-01  exp 2026-12-24"),
        ("Case 3", "SSCC 106141400000000034", "2 x LAPTOP-14",
         "24 x MILK-1L  lot L261201-02  exp 2026-12-31"),
    ]  # fmt: skip
    assert all(c.y > pallet.y + pallet.height for c in cases)
    assert len({c.y for c in cases}) == 1
    for left, right in itertools.pairwise(cases):
        assert left.x + left.width < right.x  # side by side, not overlapping
    middle = pallet.x + pallet.width // 2
    assert cases[1].x < middle < cases[1].x + cases[1].width  # the pallet centred over them
    for box in lay.boxes:
        assert box.x > 0 and box.x + box.width < lay.width and box.y + box.height < lay.height


def test_each_line_runs_from_the_parent_bottom_to_a_case_top() -> None:
    lay = tree_layout(demo_pallet())
    pallet, *cases = lay.boxes
    assert len(lay.edges) == 3
    for edge, case in zip(lay.edges, cases, strict=True):
        start, *_, end = edge.points
        assert start == (pallet.x + pallet.width // 2, pallet.y + pallet.height)
        assert end == (case.x + case.width // 2, case.y)
        for (x0, y0), (x1, y1) in itertools.pairwise(edge.points):
            assert x0 == x1 or y0 == y1  # right angles only


def test_deeper_trees_get_a_level_each_and_long_totals_say_how_many_more() -> None:
    at = dt.datetime(2026, 12, 7)
    many = tuple(ContainerTotal(f"ITEM-{i}", i) for i in range(1, 10))
    inner = ContainerInfo("106141400000000034", "sscc", "in_stock", "A", None, None, at,
                          totals=many)  # fmt: skip
    case = ContainerInfo("PLT-7", "plate", "in_stock", "A", None, None, at, children=(inner,))
    pallet = ContainerInfo("106141400000000102", "sscc", "allocated", None, "SHIP-1", None, at,
                           children=(case,))  # fmt: skip
    lay = tree_layout(pallet, max_rows=4)
    top, middle, bottom = lay.boxes
    assert top.y < middle.y < bottom.y
    assert top.lines == ("Pallet, allocated", "SSCC 106141400000000102", "empty")
    assert middle.lines[:2] == ("Case 1", "Plate PLT-7")
    assert bottom.lines[2:] == ("1 x ITEM-1", "2 x ITEM-2", "3 x ITEM-3", "+6 more")


def test_the_svg_says_what_the_layout_says() -> None:
    info = demo_pallet()
    root = ET.fromstring(tree_svg(info))
    lay = tree_layout(info)
    assert (root.get("width"), root.get("height")) == (str(lay.width), str(lay.height))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [line for b in lay.boxes for line in b.lines]
    assert len(list(root.iter(f"{SVG}polyline"))) == 3
    assert len(list(root.iter(f"{SVG}rect"))) == 1 + 4  # the background and four boxes


def test_text_in_the_svg_is_escaped() -> None:
    info = replace(demo_pallet(), totals=(ContainerTotal("<b>&", 1, "</svg>"),))
    root = ET.fromstring(tree_svg(info))
    assert "1 x <b>&  lot </svg>" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_png_is_the_layout_at_its_scale() -> None:
    lay = tree_layout(demo_pallet())
    img = Image.open(io.BytesIO(tree_png(demo_pallet(), scale=1)))
    assert img.size == (lay.width, lay.height)
    pallet = lay.boxes[0]
    assert img.getpixel((pallet.x + 3, pallet.y + pallet.height - 3)) == (0xDB, 0xEA, 0xFE)
    assert img.getpixel((1, 1)) == (255, 255, 255)


def test_the_readme_picture_is_the_demo_pallet_as_drawn_now() -> None:
    """Regenerate with: python -m scanner_gateway.labels.tree_picture docs/pallet-tree.png"""
    committed = Image.open(README_PICTURE).convert("RGB")
    drawn = tree_image(demo_pallet())
    assert committed.size == drawn.size
    assert ImageChops.difference(committed, drawn).getbbox() is None


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: tree_svg("106141400000000102"), "container"),  # type: ignore[arg-type]
        (lambda: tree_layout(demo_pallet(), max_rows=0), "max_rows"),
        (lambda: tree_png(demo_pallet(), scale=9), "scale"),
        (lambda: tree_svg(replace(demo_pallet(), children=(demo_pallet(),))), "children"),
    ],
)
def test_bad_input_is_refused(call: object, field: str) -> None:
    with pytest.raises(InvalidLabelData) as e:
        call()  # type: ignore[operator]
    assert e.value.field == field
