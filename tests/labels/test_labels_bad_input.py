"""Bad input is a typed error with its data, never a crash and never a wrong label."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scanner_gateway.labels import (
    FieldDoesNotFit,
    InvalidLabelData,
    InvalidLabelSize,
    InvalidTemplate,
    LabelError,
    LabelSize,
    LocationLabel,
    LotLabel,
    SerialLabel,
    Sheet,
    SsccLabel,
    UnencodableCharacters,
    UnknownTemplate,
    labels_from_payload,
    load_template,
    make_layout,
    render_image,
    render_pdf,
    render_png,
    render_svg,
    render_zpl,
)
from scanner_gateway.labels.layout import TextItem
from tests.labels.conftest import GTIN, Read, decode, zpl_images

RENDERERS = [render_zpl, render_png, render_svg, render_image, render_pdf]


# --- does not fit ----------------------------------------------------------------------


@pytest.mark.parametrize("render", RENDERERS, ids=lambda f: f.__name__)
def test_an_item_too_long_for_its_line(render: Any, dpi: int) -> None:
    label = SerialLabel("LAPTOP-" + "X" * 60, "", "SN1")
    with pytest.raises(FieldDoesNotFit) as e:
        render(label, dpi=dpi)
    err = e.value
    assert (err.field, err.value, err.template_name) == ("item", label.item, "serial")
    assert err.available_mm == 72.0 and err.needed_mm > 72.0
    assert err.code == "label_field_does_not_fit" and err.category == "invalid"


def test_a_serial_too_long_for_gs1_128_at_203_dpi() -> None:
    label = SerialLabel("LAP", "", "SNABCDEFGHIJKLMNOPQR", gtin=GTIN)
    with pytest.raises(FieldDoesNotFit) as e:
        render_zpl(label, dpi=203)
    assert e.value.field == "gs1"
    assert e.value.value == f"(01){GTIN}(21)SNABCDEFGHIJKLMNOPQR"
    assert e.value.needed_mm > e.value.available_mm == 98.0


def test_a_symbol_shrinks_to_two_dots_before_it_gives_up() -> None:
    """At 600 dpi the wanted 0.25 mm is 6 dots; a long serial gets fewer, and scans."""
    label = SerialLabel("LAP", "", "SN-ABCDEFGHIJK-12345", gtin=GTIN)
    layout = make_layout(label, dpi=600)
    modules = [getattr(i, "module", None) for i in layout.items if hasattr(i, "module")]
    assert min(m for m in modules if m) < 6
    reads = decode(render_image(label, dpi=600))
    assert Read("]C0", label.serial) in reads


def test_a_long_description_is_cut_with_an_ellipsis() -> None:
    label = SerialLabel("LAP", "Laptop " * 40, "SN1")
    [desc] = [i for i in make_layout(label).items if isinstance(i, TextItem) and "Laptop" in i.text]
    assert desc.text.endswith("...") and len(desc.text) < 100
    assert "Laptop Laptop" in render_zpl(label)


def test_sscc_contents_beyond_eight_lines_are_cut() -> None:
    label = SsccLabel("106141412345678908", tuple(f"line {i}" for i in range(12)))
    texts = [i.text for i in make_layout(label).items if isinstance(i, TextItem)]
    assert texts[1:9] == [f"line {i}" for i in range(7)] + ["line 7..."]


# --- characters a symbology cannot encode ---------------------------------------------


@pytest.mark.parametrize("render", RENDERERS, ids=lambda f: f.__name__)
def test_a_serial_code_128_cannot_carry(render: Any) -> None:
    with pytest.raises(UnencodableCharacters) as e:
        render(SerialLabel("LAP", "", "SN-ä€"))
    assert e.value.details() == {
        "field": "serial",
        "value": "SN-ä€",
        "symbology": "code128",
        "characters": "ä€",
    }


def test_a_lot_with_a_caret_on_a_gs1_label() -> None:
    """Without a GTIN it prints literally (Code 128); in GS1 it cannot be encoded."""
    lot = "X^XZ^XA^FO0,0^FDPWN^FS^XZ"
    [img] = zpl_images(render_zpl(LotLabel("FLOUR", "", lot)), 203)
    assert decode(img) == [Read("]C0", lot)]
    with pytest.raises(UnencodableCharacters) as e:
        render_zpl(LotLabel("FLOUR", "", lot, gtin=GTIN))
    assert (e.value.field, e.value.characters) == ("lot", "^")
    assert e.value.symbology.startswith("gs1_")


def test_control_characters_in_a_location_code() -> None:
    with pytest.raises(UnencodableCharacters) as e:
        render_zpl(LocationLabel("A\x1d1"))
    assert (e.value.field, e.value.characters) == ("code", "\x1d")


# --- bad label data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: SerialLabel("LAP", "", ""), "serial"),
        (lambda: SerialLabel("", "", "S1"), "item"),
        (lambda: SerialLabel("LAP", "", 42), "serial"),
        (lambda: SerialLabel("LAP", "", "S1", expiry=dt.datetime(2026, 1, 1)), "expiry"),
        (lambda: LotLabel("MILK", "", "L1", quantity=0), "quantity"),
        (lambda: LotLabel("MILK", "", "L1", quantity=True), "quantity"),
        (lambda: SsccLabel("1", contents=["a"]), "contents"),  # a list is not frozen
    ],
)
def test_labels_refuse_bad_fields(make: Any, field: str) -> None:
    with pytest.raises(InvalidLabelData) as e:
        make()
    assert e.value.field == field


@pytest.mark.parametrize(
    ("label", "field"),
    [
        (SerialLabel("LAP", "", "S1", gtin="09506000134353"), "gtin"),
        (SerialLabel("LAP", "", "S1", gtin="123"), "gtin"),
        (SsccLabel("106141412345678909"), "sscc"),
        (SsccLabel("10614141234567890"), "sscc"),
        (LotLabel("MILK", "", "L" * 21, gtin=GTIN), "lot"),
    ],
)
def test_gs1_data_biip_refuses(label: Any, field: str) -> None:
    with pytest.raises(InvalidLabelData) as e:
        render_zpl(label)
    assert e.value.field == field


def test_payloads() -> None:
    [lot] = labels_from_payload(
        "lot",
        {"item": "MILK", "description": None, "lot": "L1", "quantity": 5,
         "expiry": "2026-12-24", "production_date": None, "gtin": GTIN},
    )  # fmt: skip
    assert lot == LotLabel("MILK", "", "L1", 5, dt.date(2026, 12, 24), None, GTIN)
    assert labels_from_payload("location", {"code": "A1"}) == [LocationLabel("A1")]
    [sscc] = labels_from_payload("sscc", {"ssccs": ["106141412345678908"], "customer": "C1"})
    assert sscc.contents == ("customer: C1",)  # type: ignore[union-attr]
    with pytest.raises(InvalidLabelData) as e:
        labels_from_payload("pallet", {})
    assert e.value.field == "kind"
    with pytest.raises(InvalidLabelData) as e:
        labels_from_payload("lot", {"lot": "L1", "item": "M", "expiry": "24/12/2026"})
    assert e.value.field == "date"


# --- sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((100, 50, 250), "dpi must be one of 203, 300, 600"),
        ((0, 50, 203), "width and height must be between 5 and 1000 mm"),
        ((100, float("nan"), 203), "width and height must be numbers"),
    ],
)
def test_bad_sizes(args: tuple[float, float, int], reason: str) -> None:
    with pytest.raises(InvalidLabelSize) as e:
        LabelSize(*args)
    assert e.value.reason == reason


@pytest.mark.parametrize(("dpi", "dots"), [(203, 8), (300, 12), (600, 24)])
def test_size_helpers(dpi: int, dots: int) -> None:
    size = LabelSize.inches(4, 6, dpi=dpi)
    assert (size.width_mm, size.height_mm, size.width_in, size.height_in) == (101.6, 152.4, 4, 6)
    assert size.dots_per_mm == dots and size.width_dots == round(101.6 * dots)
    assert size.module_dots(0.01) == 2  # never below two dots
    assert size.module_dots(0.5) == min(10, round(0.5 * dots))


def test_a_template_element_beyond_a_smaller_label() -> None:
    with pytest.raises(InvalidTemplate) as e:
        render_zpl(SerialLabel("LAP", "", "S1"), size=LabelSize(60, 40))
    assert e.value.name == "serial" and "beyond the 60 x 40 mm label" in e.value.reason


def test_sheets_that_do_not_fit() -> None:
    label = LocationLabel("A1")
    with pytest.raises(InvalidLabelSize) as e:
        render_pdf([label], sheet=Sheet("A4", columns=3, rows=1))
    assert "do not fit on A4" in e.value.reason
    with pytest.raises(InvalidLabelSize):
        render_pdf([label, SerialLabel("LAP", "", "S1")], sheet=Sheet("Letter", 1, 2))


# --- templates ----------------------------------------------------------------------------


def write(path: Path, name: str, raw: dict[str, Any]) -> None:
    (path / f"{name}.json").write_text(json.dumps(raw))


LOCATION = {
    "kind": "location",
    "width_mm": 50,
    "height_mm": 25,
    "elements": [
        {"type": "text", "x": 2, "y": 1, "width": 46, "font": 4, "text": "{name}"},
        {"type": "barcode", "symbology": "qr", "x": 2, "y": 6, "width": 18, "height": 18,
         "module": 0.5, "data": "{prefix}{code}", "hri": False},
        {"type": "box", "x": 0, "y": 0, "width": 50, "height": 25},
    ],
}  # fmt: skip


def test_unknown_template(tmp_path: Path) -> None:
    for name in ("nope", "../serial", "", "a/b"):
        with pytest.raises(UnknownTemplate) as e:
            render_zpl(LocationLabel("A1"), template=name, template_dir=tmp_path)
        assert e.value.name == name and e.value.code == "label_unknown_template"
        assert e.value.category == "not_found" and str(tmp_path) in e.value.searched


def test_an_installation_overrides_a_default(tmp_path: Path, dpi: int) -> None:
    write(tmp_path, "location", LOCATION)
    label = LocationLabel("A-1", "Aisle A", prefix="LOC:")
    zpl = render_zpl(label, template_dir=tmp_path, dpi=dpi)
    assert f"^PW{LabelSize(50, 25, dpi).width_dots}\n" in zpl and "^BQN,2," in zpl
    assert decode(render_image(label, template_dir=tmp_path, dpi=dpi)) == [Read("]Q1", "LOC:A-1")]
    [img] = zpl_images(zpl, dpi)
    assert decode(img) == [Read("]Q1", "LOC:A-1")]
    assert render_zpl(label).count("^BCN") == 1  # the default is untouched elsewhere


def test_toml_templates_and_new_names(tmp_path: Path) -> None:
    (tmp_path / "small-serial.toml").write_text(
        'kind = "serial"\nwidth_mm = 60\nheight_mm = 30\ndpi = 300\n'
        '[[elements]]\ntype = "barcode"\nsymbology = "gs1_datamatrix"\n'
        'x = 1\ny = 1\nwidth = 28\nheight = 28\nmodule = 0.5\nais = ["01", "21"]\n'
        '[[elements]]\ntype = "text"\nx = 31\ny = 2\nwidth = 28\nfont = 3\ntext = "{serial}"\n'
    )
    t = load_template("small-serial", directory=tmp_path)
    assert (t.kind, t.dpi, len(t.elements)) == ("serial", 300, 2)
    label = SerialLabel("LAP", "", "S1", gtin=GTIN)
    img = render_image(label, template="small-serial", template_dir=tmp_path)
    assert img.size == (720, 360)
    assert decode(img) == [Read("]d2", f"01{GTIN}21S1")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "pallet"}, "template: 'kind' must be one of serial, lot, sscc, location"),
        ({"dpi": 150}, "template: 'dpi' must be one of 203, 300, 600"),
        ({"elements": "none"}, "template: 'elements' must be a list"),
        ({"colour": "red"}, "template: unknown keys colour"),
        ({"elements": [{"type": "circle"}]}, "element 1: 'type' must be one of text, barcode, box"),
        ({"elements": [{"type": "box", "x": 0, "y": 0, "width": 10}]},
         "element 1: 'height' is missing"),
        ({"elements": [{"type": "text", "x": 0, "y": 0, "width": 10, "font": 3, "text": "{sku}"}]},
         "element 1: unknown field {sku}; fields: code, name, prefix"),
        ({"elements": [{"type": "barcode", "symbology": "gs1_128", "x": 0, "y": 0, "width": 40,
                        "height": 10, "module": 0.3, "ais": ["01"]}]},
         "element 1: AI '01' is not on location labels; use "),
        ({"elements": [{"type": "box", "x": 40, "y": 0, "width": 20, "height": 5}]},
         "element 1 (box) reaches beyond the 50 x 25 mm label"),
        ({"elements": [{"type": "box", "x": 0, "y": 0, "width": 5, "height": 5, "if": "gtin"}]},
         "element 1: 'if' must be one of code, name, prefix, got 'gtin'"),
        ({"elements": [{"type": "box", "x": 0, "y": 0, "width": 5, "height": 5, "z": 1}]},
         "element 1: unknown keys z"),
    ],
)  # fmt: skip
def test_invalid_templates(tmp_path: Path, change: dict[str, Any], reason: str) -> None:
    write(tmp_path, "broken", LOCATION | change)
    with pytest.raises(InvalidTemplate) as e:
        load_template("broken", directory=tmp_path)
    assert e.value.name == "broken" and e.value.reason.startswith(reason)


def test_unreadable_template(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InvalidTemplate) as e:
        load_template("bad", directory=tmp_path)
    assert "bad.json" in e.value.reason


def test_a_template_for_another_kind() -> None:
    with pytest.raises(InvalidTemplate) as e:
        render_zpl(LocationLabel("A1"), template="serial")
    assert e.value.reason == "is for serial labels, not location labels"


def test_a_changed_template_file_is_read_again(tmp_path: Path) -> None:
    import os

    write(tmp_path, "location", LOCATION)
    assert load_template("location", directory=tmp_path).width_mm == 50
    write(tmp_path, "location", LOCATION | {"width_mm": 60})
    st = (tmp_path / "location.json").stat()
    os.utime(tmp_path / "location.json", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert load_template("location", directory=tmp_path).width_mm == 60


def test_every_error_is_a_label_error_with_details() -> None:
    errors = [
        FieldDoesNotFit(
            field="item", value="x", template_name="serial", needed_mm=80, available_mm=72
        ),
        UnencodableCharacters(field="lot", value="^", symbology="code128", characters="^"),
        UnknownTemplate(name="x", searched=("/a",)),
        InvalidTemplate(name="x", reason="r"),
        InvalidLabelSize(width_mm=1, height_mm=1, dpi=203, reason="r"),
        InvalidLabelData(field="f", value="v", reason="r"),
    ]
    codes = set()
    for err in errors:
        assert isinstance(err, LabelError)
        assert str(err) and err.details() and err.code.startswith("label_")
        codes.add(err.code)
    assert len(codes) == len(errors)
    assert str(errors[0]) == "Item 'x' needs 80 mm but template 'serial' leaves 72 mm"
