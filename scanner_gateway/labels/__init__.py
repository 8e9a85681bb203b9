"""Labels for generated serials, lots, SSCCs and locations: ZPL II, PNG, SVG and PDF.

A container's papers too: its packing list (:func:`packing_list_pdf`) and a picture of
its tree (:func:`tree_svg`, :func:`tree_png`).

A label value (:class:`SerialLabel`, ...) and a template (data: JSON/TOML, overridable
per installation) make a :class:`Layout` in printer dots; the renderers draw it.

>>> from scanner_gateway.labels import SerialLabel, render_zpl, render_png
>>> label = SerialLabel("LAP-14", "Laptop 14in", "SN-26-00001", gtin="09506000134352")
>>> zpl = render_zpl(label, dpi=203)
>>> zpl.startswith("^XA") and zpl.count("^XZ") == 1
True
>>> render_png(label, dpi=300)[:4]
b'\\x89PNG'
"""

from scanner_gateway.labels.errors import (
    FieldDoesNotFit,
    InvalidLabelData,
    InvalidLabelSize,
    InvalidTemplate,
    LabelError,
    UnencodableCharacters,
    UnknownTemplate,
)
from scanner_gateway.labels.gs1 import Gs1Content, Gs1Element, build_gs1, gs1_date
from scanner_gateway.labels.image import render_image, render_png, render_svg
from scanner_gateway.labels.job import FORMATS, MEDIA_TYPES, render_job
from scanner_gateway.labels.layout import Layout, make_layout
from scanner_gateway.labels.model import (
    Label,
    LabelSize,
    LocationLabel,
    LotLabel,
    SerialLabel,
    SsccLabel,
    container_from_payload,
    labels_from_payload,
)
from scanner_gateway.labels.packing_list import packing_list_pdf
from scanner_gateway.labels.pdf import Sheet, render_pdf
from scanner_gateway.labels.templates import Template, load_template, parse_template
from scanner_gateway.labels.tree_picture import tree_image, tree_layout, tree_png, tree_svg
from scanner_gateway.labels.zpl import escape_field, render_zpl, zpl_for_job

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "FieldDoesNotFit",
    "Gs1Content",
    "Gs1Element",
    "InvalidLabelData",
    "InvalidLabelSize",
    "InvalidTemplate",
    "Label",
    "LabelError",
    "LabelSize",
    "Layout",
    "LocationLabel",
    "LotLabel",
    "SerialLabel",
    "Sheet",
    "SsccLabel",
    "Template",
    "UnencodableCharacters",
    "UnknownTemplate",
    "build_gs1",
    "container_from_payload",
    "escape_field",
    "gs1_date",
    "labels_from_payload",
    "load_template",
    "make_layout",
    "packing_list_pdf",
    "parse_template",
    "render_image",
    "render_job",
    "render_pdf",
    "render_png",
    "render_svg",
    "render_zpl",
    "tree_image",
    "tree_layout",
    "tree_png",
    "tree_svg",
    "zpl_for_job",
]
