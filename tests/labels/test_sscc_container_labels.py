"""The SSCC label of a packed container is a GS1 logistic label, and scans back as one.

Containers are built as the core's values (``ContainerInfo``) and sent through a label
job's payload as the core writes it (``codec.encode``); zxing-cpp reads the PNG, SVG, PDF
and zplkit's rendering of the ZPL, biip parses what it reads.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from typing import Any

import pypdfium2
import pytest
from biip.gs1_messages import GS1Message
from PIL import Image, ImageChops

from scanner_gateway.labels import (
    InvalidLabelData,
    SsccLabel,
    UnencodableCharacters,
    labels_from_payload,
    make_layout,
    render_image,
    render_job,
    render_pdf,
    render_png,
    render_svg,
    render_zpl,
)
from scanner_gateway.labels.layout import LinearItem, TextItem
from tests.labels.conftest import GTIN, SSCC, Read, decode, pdf_images, svg_image, zpl_images
from tracking_core.codec import encode
from tracking_core.values import ContainerContent, ContainerInfo, ContainerTotal

CASE_SSCCS = ("106141410000000019", "106141410000000026", "106141410000000033")
OTHER_GTIN = "09506000134369"
AT = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
MILK = ContainerTotal("MILK", 240, "L261124-01", dt.date(2026, 12, 24), GTIN, "Milk 1 l, whole")


def container(
    totals: tuple[ContainerTotal, ...], children: tuple[ContainerInfo, ...] = ()
) -> ContainerInfo:
    return ContainerInfo(
        SSCC, "sscc", "in_stock", "DOCK-1", None, None, AT, totals=totals, children=children
    )


def case(code: str, total: ContainerTotal) -> ContainerInfo:
    content = ContainerContent(total.item, total.quantity, None, total.lot, total.expiry,
                               total.gtin, total.description)  # fmt: skip
    return ContainerInfo(code, "sscc", "in_stock", "DOCK-1", None, SSCC, AT, (content,),
                         totals=(total,))  # fmt: skip


def job(info: ContainerInfo, **extra: Any) -> SsccLabel:
    """The label of the job the core enqueues for a packed container."""
    [label] = labels_from_payload(
        "sscc", {"ssccs": [info.code], "container": encode(info), **extra}
    )
    assert isinstance(label, SsccLabel)
    return label


def gs1(read: Read) -> dict[str, str]:
    return {e.ai.ai: e.value for e in GS1Message.parse(read.text).element_strings}


def texts(label: SsccLabel) -> list[str]:
    return [i.text for i in make_layout(label).items if isinstance(i, TextItem)]


HOMOGENEOUS = job(
    container((MILK,), tuple(case(c, replace(MILK, quantity=80)) for c in CASE_SSCCS))
)
# What a scanner reads from it: FNC1 first (]C1), fixed-length AIs first, no separator
# needed since the one variable-length field of each symbol is its last.
HOMOGENEOUS_READS = sorted(
    [
        Read("]C1", "00" + SSCC),
        Read("]C1", "02" + GTIN + "17261224" + "37240"),
        Read("]C1", "10L261124-01"),
    ]
)


def test_a_one_item_container_makes_the_gs1_fields() -> None:
    label = HOMOGENEOUS
    assert (label.gtin, label.quantity, label.lot, label.expiry, label.best_before) == (
        GTIN, 240, "L261124-01", dt.date(2026, 12, 24), None,
    )  # fmt: skip
    assert (label.item, label.description, label.cases, label.totals) == (
        "MILK", "Milk 1 l, whole", 3, (),
    )  # fmt: skip


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_png_zpl_svg_and_pdf_scan_to_the_same_gs1_fields(dpi: int) -> None:
    label = HOMOGENEOUS
    png = Image.open(io.BytesIO(render_png(label, dpi=dpi)))
    [printed] = zpl_images(render_zpl(label, dpi=dpi), dpi)
    svg = svg_image(render_svg(label, dpi=dpi))
    [page] = pdf_images(render_pdf(label, dpi=dpi), 300)
    for img in (png, printed, svg, page):
        assert decode(img) == HOMOGENEOUS_READS
    by_ai = {ai: v for r in decode(png) for ai, v in gs1(r).items()}
    assert by_ai == {"00": SSCC, "02": GTIN, "17": "261224", "37": "240", "10": "L261124-01"}


def test_the_sscc_is_the_bottom_symbol_and_the_dates_parse() -> None:
    layout = make_layout(HOMOGENEOUS)
    symbols = [i for i in layout.items if isinstance(i, LinearItem)]
    assert [s.symbol.hri for s in symbols] == [
        f"(02){GTIN}(17)261224(37)240", "(10)L261124-01", f"(00){SSCC}",
    ]  # fmt: skip
    assert symbols[-1].y == max(s.y for s in symbols)
    [content] = [r for r in decode(render_image(HOMOGENEOUS)) if r.text.startswith("02")]
    [expiry] = [e for e in GS1Message.parse(content.text).element_strings if e.ai.ai == "17"]
    assert expiry.date == dt.date(2026, 12, 24)


def test_the_human_readable_part_has_the_gs1_data_titles() -> None:
    assert texts(HOMOGENEOUS) == [
        f"SSCC {SSCC}",
        "CONTENT", GTIN,
        "COUNT", "240",
        "MILK Milk 1 l, whole",
        "BATCH/LOT", "L261124-01",
        "EXPIRY (dd.mm.yy)", "24.12.26",
        "CASES", "3",
    ]  # fmt: skip


def test_best_before_is_ai_15_when_the_job_says_so() -> None:
    label = job(container((MILK,)), date_ai="15")
    assert (label.best_before, label.expiry) == (dt.date(2026, 12, 24), None)
    reads = decode(render_image(label))
    assert Read("]C1", "02" + GTIN + "15261224" + "37240") in reads
    assert "BEST BEFORE (dd.mm.yy)" in texts(label) and "CASES" not in texts(label)


def test_zpl_prints_the_same_text_as_the_preview() -> None:
    zpl = render_zpl(HOMOGENEOUS)
    for text in texts(HOMOGENEOUS):
        assert f"^FD{text}^FS" in zpl


def test_the_pdf_page_says_the_titles() -> None:
    doc = pypdfium2.PdfDocument(render_pdf(HOMOGENEOUS))
    try:
        said = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    for title in ("SSCC", "CONTENT", "COUNT", "BATCH/LOT", "EXPIRY (dd.mm.yy)", "24.12.26"):
        assert title in said


def test_the_preview_bars_are_the_printed_bars() -> None:
    ours = render_image(HOMOGENEOUS)
    [printed] = zpl_images(render_zpl(HOMOGENEOUS), 203)
    printed = printed.point(lambda v: 0 if v < 128 else 255)
    for item in make_layout(HOMOGENEOUS).items:
        if isinstance(item, LinearItem):
            right = item.x + item.symbol.width * item.module
            box = (item.x - 2 * item.module, item.y, right + 2 * item.module, item.y + item.height)
            assert ImageChops.difference(ours.crop(box), printed.crop(box)).getbbox() is None


def test_a_one_item_container_without_a_gtin_has_only_the_sscc_symbol() -> None:
    label = job(container((ContainerTotal("FLOUR", 3, "LOT 2026/11 #4", None, None, "Flour"),)))
    assert decode(render_image(label)) == [Read("]C1", "00" + SSCC)]
    assert texts(label) == [f"SSCC {SSCC}", "COUNT", "3", "FLOUR Flour", "BATCH/LOT",
                            "LOT 2026/11 #4"]  # fmt: skip


# --- mixed contents -----------------------------------------------------------------------


def mixed(n: int) -> SsccLabel:
    totals = tuple(
        ContainerTotal(f"ITEM-{i:02}", i, f"L{i}" if i % 2 else None,
                       dt.date(2027, 1, i) if i % 3 else None, OTHER_GTIN if i % 2 else None)
        for i in range(1, n + 1)
    )  # fmt: skip
    return job(container(totals, tuple(case(c, totals[0]) for c in CASE_SSCCS)))


def test_mixed_contents_are_listed_with_the_cases() -> None:
    label = mixed(3)
    assert (label.gtin, label.quantity, label.cases, len(label.totals)) == (None, None, 3, 3)
    assert texts(label) == [
        f"SSCC {SSCC}",
        "ITEM", "QTY", "BATCH/LOT", "EXPIRY",
        "ITEM-01", "1", "L1", "01.01.27",
        "ITEM-02", "2", "02.01.27",
        "ITEM-03", "3", "L3",
        "CASES 3", "UNITS 6",
    ]  # fmt: skip
    for render in (render_image, lambda x: zpl_images(render_zpl(x), 203)[0]):
        assert decode(render(label)) == [Read("]C1", "00" + SSCC)]


def test_a_long_list_ends_with_how_many_more() -> None:
    said = texts(mixed(25))
    assert said[-3:] == ["+6 more", "CASES 3", "UNITS 325"]
    assert "ITEM-19" in said and "ITEM-20" not in said
    assert "+6 more" in render_zpl(mixed(25))
    at_the_limit = texts(mixed(20))
    assert "ITEM-20" in at_the_limit and not any(t.endswith(" more") for t in at_the_limit)


def test_a_mixed_case_without_children_has_no_case_count() -> None:
    label = job(replace(container(mixed(2).totals)))
    assert label.cases is None
    assert not any(t.startswith("CASES") for t in texts(label))


# --- bad data ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 2], ids=["one-item", "mixed"])
@pytest.mark.parametrize(
    ("bad", "error", "field"),
    [
        ({"gtin": "09506000134353"}, InvalidLabelData, "gtin"),  # check digit
        ({"quantity": 123_456_789}, InvalidLabelData, "quantity"),  # AI 37 is N..8
        ({"lot": "L^1"}, UnencodableCharacters, "lot"),
        ({"lot": "L\u00e41"}, UnencodableCharacters, "lot"),
        ({"lot": "L" * 21}, InvalidLabelData, "lot"),  # AI 10 is X..20
        ({"quantity": 0}, InvalidLabelData, "quantity"),
    ],
)
def test_bad_contents_give_a_typed_error_not_a_label(
    rows: int, bad: dict[str, Any], error: type[Exception], field: str
) -> None:
    totals = (replace(MILK, **bad), replace(MILK, item="CREAM", lot="L2"))[:rows]
    payload = {"ssccs": [SSCC], "container": encode(container(totals))}
    for fmt in ("zpl", "png", "pdf"):
        with pytest.raises(error) as e:
            render_job("sscc", payload, fmt)
        assert e.value.field == field  # type: ignore[attr-defined]


def test_the_errors_say_what_and_why() -> None:
    with pytest.raises(InvalidLabelData) as e:
        job(container((replace(MILK, quantity=123_456_789),)))
    assert (e.value.field, e.value.value) == ("quantity", "123456789")
    with pytest.raises(UnencodableCharacters) as u:
        job(container((replace(MILK, lot="L^1"),)))
    assert u.value.details() == {
        "field": "lot", "value": "L^1", "symbology": "gs1_128 AI (10)", "characters": "^",
    }  # fmt: skip


def test_a_lot_without_a_gtin_is_text_only_and_may_carry_anything() -> None:
    label = mixed(2)
    plain = replace(label.totals[1], lot="LOT 26/11 #4^")
    labels = labels_from_payload(
        "sscc", {"ssccs": [SSCC], "container": encode(container((label.totals[0], plain)))}
    )
    assert "LOT 26/11 #4^" in [t.text for t in make_layout(labels[0]).items
                                 if isinstance(t, TextItem)]  # fmt: skip


@pytest.mark.parametrize(
    ("container_data", "field"),
    [
        ("106141412345678908", "container"),
        ({"code": SSCC}, "container"),  # no scheme, status, ...
        ({**encode(container((MILK,))), "totals": [{"item": "MILK", "quantity": "5"}]}, "quantity"),
        ({**encode(container((MILK,))), "totals": 7}, "container"),
        ({**encode(container((MILK,))), "totals": [{"item": "", "quantity": 1}]}, "item"),
        ({**encode(container((MILK,))), "created_at": "yesterday"}, "container"),
        ({**encode(container((MILK,))), "children": [{"code": 1}]}, "container"),
    ],
)
def test_a_malformed_container_payload_is_refused(container_data: Any, field: str) -> None:
    with pytest.raises(InvalidLabelData) as e:
        labels_from_payload("sscc", {"ssccs": [SSCC], "container": container_data})
    assert e.value.field == field


def test_a_date_ai_other_than_15_or_17_is_refused() -> None:
    with pytest.raises(InvalidLabelData) as e:
        job(container((MILK,)), date_ai="16")
    assert (e.value.field, e.value.value) == ("date_ai", "16")


def test_a_plate_is_not_an_sscc() -> None:
    plate = replace(container((MILK,)), code="PLT-000123", scheme="plate")
    with pytest.raises(InvalidLabelData) as e:
        render_zpl(job(plate))
    assert e.value.field == "sscc"


# --- the template options the list uses ---------------------------------------------------


@pytest.mark.parametrize("tabs", [[50, 40], [0, 10], [10, 200], ["10"], 10, [True]])
def test_a_template_refuses_bad_tabs(tabs: Any) -> None:
    from scanner_gateway.labels import InvalidTemplate, parse_template

    raw = {"kind": "sscc", "width_mm": 100, "height_mm": 50, "elements": [
        {"type": "text", "x": 0, "y": 0, "width": 100, "font": 3, "text": "{rows}", "tabs": tabs},
    ]}  # fmt: skip
    with pytest.raises(InvalidTemplate) as e:
        parse_template("t", raw)
    assert "'tabs' must be rising numbers inside the width" in e.value.reason


def test_cells_are_cut_to_their_column_and_start_at_their_tab() -> None:
    from scanner_gateway.labels import parse_template

    template = parse_template("t", {"kind": "sscc", "width_mm": 60, "height_mm": 20, "elements": [
        {"type": "text", "x": 2, "y": 1, "width": 50, "font": 3, "text": "{rows}", "lines": 2,
         "tabs": [20], "overflow": "more"},
    ]})  # fmt: skip
    label = replace(mixed(3), totals=(replace(MILK, item="X" * 30, description=""),) * 3)
    cells = [i for i in make_layout(label, template=template).items if isinstance(i, TextItem)]
    assert [(c.x, c.y, c.text) for c in cells] == [
        (16, 8, "XXXXXXXXX..."), (176, 8, "240"), (16, 37, "+2 more"),
    ]  # fmt: skip
    assert cells[0].width == 20 * 8 - 8  # to the next tab, less the gap between columns


@pytest.mark.parametrize("fmt", ["zpl", "png", "svg", "pdf"])
def test_the_job_the_core_enqueues_renders_in_every_format(fmt: str) -> None:
    """The payload as the outbox stores it: JSON, the container as codec.encode made it."""
    import json

    info = container((MILK,), tuple(case(c, replace(MILK, quantity=80)) for c in CASE_SSCCS))
    payload = json.loads(json.dumps({"ssccs": [SSCC], "container": encode(info)}))
    data = render_job("sscc", payload, fmt)
    if fmt == "zpl":
        [img] = zpl_images(data.decode(), 203)
    elif fmt == "png":
        img = Image.open(io.BytesIO(data))
    elif fmt == "svg":
        img = svg_image(data.decode())
    else:
        [img] = pdf_images(data, 300)
    assert decode(img) == HOMOGENEOUS_READS
