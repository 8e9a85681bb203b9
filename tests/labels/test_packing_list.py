"""The packing list PDF says what the container holds, page by page, and its SSCC scans.

pypdfium2 extracts each page's text (and where a text is), and rasterises page 1 for
zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pypdfium2
import pytest

from scanner_gateway.labels import InvalidLabelData
from scanner_gateway.labels.packing_list import INDENT, packing_list_pdf, serial_columns
from tests.labels.conftest import GTIN, Read, decode, pdf_images
from tracking_core.values import ContainerContent, ContainerInfo, ContainerTotal

AT = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


def sscc(n: int) -> str:
    body = f"1061414{n:010d}"
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(body))
    return body + str(-total % 10)


PALLET = sscc(1000)


def laptops(first: int, n: int) -> tuple[ContainerContent, ...]:
    return tuple(
        ContainerContent("LAP-14", 1, serial=f"SN-26-{i:05d}", gtin=GTIN,
                         description="Laptop 14in, silver")
        for i in range(first, first + n)
    )  # fmt: skip


def big_pallet() -> ContainerInfo:
    """10,000 serials in 40 cases: the issue's pallet."""
    laptop = ContainerTotal("LAP-14", 250, None, None, GTIN, "Laptop 14in, silver")
    cases = tuple(
        ContainerInfo(sscc(k + 1), "sscc", "in_stock", "DOCK-1", "REC-7", PALLET, AT,
                      laptops(k * 250, 250), totals=(laptop,))
        for k in range(40)
    )  # fmt: skip
    total = ContainerTotal("LAP-14", 10_000, None, None, GTIN, "Laptop 14in, silver")
    return ContainerInfo(PALLET, "sscc", "in_stock", "DOCK-1", "REC-7", None, AT,
                         children=cases, totals=(total,))  # fmt: skip


def pages(pdf: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [p.get_textpage().get_text_range().replace("\r\n", "\n") for p in doc]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def big() -> tuple[bytes, list[str]]:
    pdf = packing_list_pdf(big_pallet(), printed_at=AT)
    return pdf, pages(pdf)


def test_every_page_says_its_number_and_the_count(big: tuple[bytes, list[str]]) -> None:
    _pdf, said = big
    assert len(said) > 10
    for n, text in enumerate(said, start=1):
        footer = text.strip().splitlines()[-1]
        assert (
            footer == f"Packing list {PALLET} Printed 2026-12-07 09:30 UTC Page {n} of {len(said)}"
        )


def test_every_serial_is_listed_once(big: tuple[bytes, list[str]]) -> None:
    _pdf, said = big
    found = Counter(re.findall(r"SN-26-\d{5}", "\n".join(said)))
    assert found == Counter(f"SN-26-{i:05d}" for i in range(10_000))


def test_a_table_that_runs_onto_a_page_repeats_its_caption_and_header(
    big: tuple[bytes, list[str]],
) -> None:
    _pdf, said = big
    header = "Item Description GTIN Serial / lot Expiry Qty"
    for text in said[2:]:  # every page after the cases list starts inside a case's table
        first, second = text.splitlines()[:2]
        assert re.fullmatch(rf"Case \d+: SSCC \d{{18}} in {PALLET} - 250 unit\(s\)", first)
        assert second == header
    captions = re.findall(r"^Case (\d+): SSCC (\d{18})", "\n".join(said), re.MULTILINE)
    assert sorted(set(captions), key=lambda c: int(c[0])) == [
        (str(k + 1), sscc(k + 1)) for k in range(40)
    ]


def test_page_one_has_the_header_the_totals_and_the_cases(big: tuple[bytes, list[str]]) -> None:
    _pdf, said = big
    lines = said[0].splitlines()
    assert lines[:9] == [
        "Packing list",
        f"(00){PALLET}",
        f"SSCC {PALLET}",
        "Status: in stock",
        "Location: DOCK-1",
        "Document: REC-7",
        "Created: 2026-12-07 09:30 UTC Printed: 2026-12-07 09:30 UTC",
        "Holds: 10000 units of 1 item(s) in 1 line(s), in 40 cases",
        "What it holds in all",
    ]
    assert lines[9:13] == [
        "Item Description GTIN Lot Expiry Qty",
        f"LAP-14 Laptop 14in, silver {GTIN} 10000",
        "Total 10000",
        "Cases (tick each one found)",
    ]
    assert lines[13] == "Case SSCC Holds Units Checked"
    assert lines[14] == f"1 {sscc(1)} 250 x LAP-14 250 [ ]"
    cases = re.findall(r"^(\d+) (\d{18}) 250 x LAP-14 250 \[ \]$", "\n".join(said), re.MULTILINE)
    assert cases == [(str(k + 1), sscc(k + 1)) for k in range(40)]


def test_the_sscc_on_page_one_scans(big: tuple[bytes, list[str]]) -> None:
    pdf, _said = big
    doc = pypdfium2.PdfDocument(pdf)
    try:
        page = doc[0].render(scale=300 / 72).to_pil().convert("L")
    finally:
        doc.close()
    assert decode(page) == [Read("]C1", "00" + PALLET)]


def test_the_same_container_and_time_make_the_same_bytes() -> None:
    info = mixed_pallet()
    assert packing_list_pdf(info, printed_at=AT) == packing_list_pdf(info, printed_at=AT)
    later = packing_list_pdf(info, printed_at=AT + dt.timedelta(hours=1))
    assert "Printed 2026-12-07 10:30 UTC" in pages(later)[0]


# --- a mixed pallet: loose lots on it, cases of lots and serials, a case inside a case -----


def mixed_pallet() -> ContainerInfo:
    milk = ContainerContent("MILK", 24, lot="L261124-01", expiry=dt.date(2026, 12, 24),
                            gtin="09506000134369", description="Milk 1 l")  # fmt: skip
    flour = ContainerContent("FLOUR", 3, lot="F-7", description="Flour 25 kg")
    inner = ContainerInfo(sscc(3), "sscc", "in_stock", "A-01", None, sscc(2), AT, laptops(1, 3),
                          totals=(ContainerTotal("LAP-14", 3, None, None, GTIN),))  # fmt: skip
    case = ContainerInfo(sscc(2), "sscc", "in_stock", "A-01", None, PALLET, AT, (milk,),
                         children=(inner,), totals=(ContainerTotal("MILK", 24, "L261124-01"),
                         ContainerTotal("LAP-14", 3)))  # fmt: skip
    plate = ContainerInfo("PLT-0042", "plate", "in_stock", "A-01", None, PALLET, AT,
                          (flour, flour), totals=(ContainerTotal("FLOUR", 6, "F-7"),))  # fmt: skip
    totals = (ContainerTotal("FLOUR", 6, "F-7"), ContainerTotal("LAP-14", 3, None, None, GTIN),
              ContainerTotal("MILK", 48, "L261124-01", dt.date(2026, 12, 24)))  # fmt: skip
    return ContainerInfo(PALLET, "sscc", "allocated", "A-01", "SHIP-3", None, AT, (milk,),
                         children=(case, plate), totals=totals)  # fmt: skip


def test_the_tree_is_indented_by_depth() -> None:
    doc = pypdfium2.PdfDocument(packing_list_pdf(mixed_pallet(), printed_at=AT))
    try:
        text = doc[0].get_textpage()
        lefts: dict[str, float] = {}
        for caption in ("On the container itself", "Case 1: SSCC", "Case 2: SSCC",
                        "Case 3: Plate"):  # fmt: skip
            searcher = text.search(caption)
            start, _count = searcher.get_next()
            lefts[caption] = text.get_charbox(start)[0]
            searcher.close()
    finally:
        doc.close()
    assert lefts["Case 1: SSCC"] == pytest.approx(lefts["On the container itself"] + INDENT, abs=1)
    assert lefts["Case 2: SSCC"] == pytest.approx(lefts["Case 1: SSCC"] + INDENT, abs=1)
    assert lefts["Case 3: Plate"] == pytest.approx(lefts["Case 1: SSCC"], abs=1)


def test_each_container_lists_its_own_contents() -> None:
    [said] = pages(packing_list_pdf(mixed_pallet(), printed_at=AT))
    body = said[said.index("Contents, case by case") :].splitlines()
    assert body[1:] == [
        f"On the container itself: SSCC {PALLET} - 57 unit(s), 2 case(s)",
        "Item Description GTIN Serial / lot Expiry Qty",
        "MILK Milk 1 l 09506000134369 lot L261124-01 2026-12-24 24",
        f"Case 1: SSCC {sscc(2)} in {PALLET} - 27 unit(s), 1 case(s)",
        "Item Description GTIN Serial / lot Expiry Qty",
        "MILK Milk 1 l 09506000134369 lot L261124-01 2026-12-24 24",
        f"Case 2: SSCC {sscc(3)} in {sscc(2)} - 3 unit(s)",
        "Item Description GTIN Serial / lot Expiry Qty",
        f"LAP-14 Laptop 14in, silver {GTIN} 3 serials 3",
        "SN-26-00001 SN-26-00002 SN-26-00003",
        f"Case 3: Plate PLT-0042 in {PALLET} - 6 unit(s)",
        "Item Description GTIN Serial / lot Expiry Qty",
        "FLOUR Flour 25 kg lot F-7 3",
        "FLOUR Flour 25 kg lot F-7 3",
        f"Packing list {PALLET} Printed 2026-12-07 09:30 UTC Page 1 of 1",
    ]
    assert "Status: allocated (on an outbound document)" in said
    assert "MILK 48" not in said and "MILK L261124-01 2026-12-24 48" in said
    assert f"2 {sscc(3)} 3 x LAP-14 3 [ ]" in said  # the inner case, under its parent


def test_a_plate_has_no_barcode_and_an_empty_container_says_so() -> None:
    plate = ContainerInfo("PLT-0042", "plate", "in_stock", "A-01", None, None, AT)
    pdf = packing_list_pdf(
        plate, title="Contents", printed_at=AT.replace(tzinfo=None), page="Letter"
    )
    [said] = pages(pdf)
    assert said.splitlines()[:2] == ["Contents", "Licence plate PLT-0042"]
    assert "Nothing: the container is empty." in said
    assert "Printed 2026-12-07 09:30 Page 1 of 1" in said
    [img] = pdf_images(pdf, 200)
    assert decode(img) == []
    doc = pypdfium2.PdfDocument(pdf)
    assert [round(x) for x in doc[0].get_size()] == [612, 792]
    doc.close()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"info": "106141400000010001"}, "container"),
        ({"printed_at": dt.date(2026, 12, 7)}, "printed_at"),
        ({"page": "A3"}, "page"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"info": mixed_pallet(), "printed_at": AT, **kwargs}
    info = args.pop("info")
    with pytest.raises(InvalidLabelData) as e:
        packing_list_pdf(info, **args)
    assert e.value.field == field


def test_a_bad_sscc_is_refused_not_printed() -> None:
    code = PALLET[:-1] + str((int(PALLET[-1]) + 1) % 10)
    bad = ContainerInfo(code, "sscc", "in_stock", "A-01", None, None, AT)
    with pytest.raises(InvalidLabelData) as e:
        packing_list_pdf(bad, printed_at=AT)
    assert (e.value.field, e.value.value) == ("sscc", code)


def test_serials_fill_columns_in_natural_order() -> None:
    serials = [f"S{i}" for i in (10, 2, 1, 33, 4)]
    assert serial_columns(serials, 1000) == ["S1   S2   S4   S10  S33"]
    narrow = serial_columns(serials, 40)  # Courier 7.5 pt: 4.5 pt a character
    assert narrow == ["S1   S2", "S4   S10", "S33"]
